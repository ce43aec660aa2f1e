#!/usr/bin/env python3
"""Reader for the "go1.7 heap dump" that runtime/debug.WriteHeapDump writes
(Go 1.23: $(go env GOROOT)/src/runtime/heapdump.go; format notes at
https://golang.org/s/go15heapdump). Our own code, written from the format.

    python3 heapdump.py DUMP            # a summary: record counts, totals
    python3 heapdump.py DUMP --json     # every record, as JSON

Records (varints are unsigned LEB128; a string or memory range is a varint
length and that many bytes; a field list is (kind, offset) pairs ended by
kind 0, where kind 1 = pointer, the only kind Go 1.23 writes):

  0 EOF
  1 object      addr, contents, fields
  2 otherroot   description, addr          (no longer written by Go 1.23)
  3 type        addr, size, name, indirect
  4 goroutine   addr, sp, goid, gopc, status, system, background, waitsince,
                waitreason, ctxt, m, defer, panic
  5 stackframe  sp, depth, childsp, contents, entry, pc, continpc, name, fields
  6 params      bigendian, ptrsize, arenaStart, arenaEnd, arch, version, ncpu
  7 finalizer   obj, fn, fn.fn, fint, ot
  8 itab        addr, type
  9 osthread    addr (the m), id, procid
 10 memstats    24 MemStats fields, 256 PauseNs, NumGC
 11 queuedfinalizer  as finalizer
 12 data        addr, contents, fields
 13 bss         addr, contents, fields
 14 defer       addr, g, sp, pc, fn, fn.fn, link
 15 panic       addr, g, type, data, 0, link
 16 memprof     bucket, size, nstk, nstk × (func, file, line), allocs, frees
 17 allocsample addr, bucket
"""

import bisect
import json
import struct
import sys

HEADER = b"go1.7 heap dump\n"

MEMSTATS_FIELDS = [
    "Alloc", "TotalAlloc", "Sys", "Lookups", "Mallocs", "Frees", "HeapAlloc",
    "HeapSys", "HeapIdle", "HeapInuse", "HeapReleased", "HeapObjects",
    "StackInuse", "StackSys", "MSpanInuse", "MSpanSys", "MCacheInuse",
    "MCacheSys", "BuckHashSys", "GCSys", "OtherSys", "NextGC", "LastGC",
    "PauseTotalNs",
]

# runtime2.go g status values
GSTATUS = {0: "idle", 1: "runnable", 2: "running", 3: "syscall", 4: "waiting",
           6: "dead", 8: "copystack", 9: "preempted"}


class Reader:
    def __init__(self, b):
        self.b = b
        self.i = 0

    def uvarint(self):
        x = 0
        s = 0
        b = self.b
        while True:
            c = b[self.i]
            self.i += 1
            x |= (c & 0x7F) << s
            if c < 0x80:
                return x
            s += 7

    def bytes_(self):
        n = self.uvarint()
        v = self.b[self.i:self.i + n]
        self.i += n
        return v

    def string(self):
        return self.bytes_().decode("utf-8", "replace")

    def fields(self):
        out = []
        while True:
            kind = self.uvarint()
            if kind == 0:
                return out
            off = self.uvarint()
            if kind != 1:
                raise ValueError(f"field kind {kind} (only pointers, kind 1, expected)")
            out.append(off)


def word(contents, off):
    if off + 8 > len(contents):
        return 0
    return struct.unpack_from("<Q", contents, off)[0]


class HeapDump:
    """Every record of one dump. Objects keep their raw contents only while
    parsing; each pointer field becomes (offset, value)."""

    def __init__(self, path):
        with open(path, "rb") as f:
            data = f.read()
        if not data.startswith(HEADER):
            raise ValueError(f"{path}: not a go1.7 heap dump")
        r = Reader(data)
        r.i = len(HEADER)
        self.params = None
        self.types = {}
        self.itabs = {}
        self.objects = []          # dicts: addr, size, ptrs [(off, val)]
        self.goroutines = []       # dicts, each with frames [...]
        self.osthreads = []
        self.data = None           # {addr, size, ptrs}
        self.bss = None
        self.finalizers = []
        self.queued_finalizers = []
        self.defers = []
        self.panics = []
        self.otherroots = []
        self.memstats = None
        self.memprof = []
        self.allocsamples = []
        self.counts = {}
        cur_g = None
        while True:
            tag = r.uvarint()
            self.counts[tag] = self.counts.get(tag, 0) + 1
            if tag == 0:
                break
            elif tag == 1:
                addr = r.uvarint()
                contents = r.bytes_()
                offs = r.fields()
                self.objects.append({"addr": addr, "size": len(contents),
                                     "ptrs": [(o, word(contents, o)) for o in offs]})
            elif tag == 2:
                self.otherroots.append({"description": r.string(), "addr": r.uvarint()})
            elif tag == 3:
                addr = r.uvarint(); size = r.uvarint(); name = r.string(); ind = r.uvarint()
                self.types[addr] = {"size": size, "name": name, "indirect": bool(ind)}
            elif tag == 4:
                g = {"addr": r.uvarint(), "sp": r.uvarint(), "goid": r.uvarint(),
                     "gopc": r.uvarint(), "status": r.uvarint(), "system": bool(r.uvarint()),
                     "background": bool(r.uvarint()), "waitsince": r.uvarint(),
                     "waitreason": r.string(), "ctxt": r.uvarint(), "m": r.uvarint(),
                     "defer": r.uvarint(), "panic": r.uvarint(), "frames": []}
                self.goroutines.append(g)
                cur_g = g
            elif tag == 5:
                sp = r.uvarint(); depth = r.uvarint(); childsp = r.uvarint()
                contents = r.bytes_()
                entry = r.uvarint(); pc = r.uvarint(); continpc = r.uvarint()
                name = r.string()
                offs = r.fields()
                # Frames follow their goroutine record (dumpgoroutine writes them in a row).
                cur_g["frames"].append({"sp": sp, "depth": depth, "childsp": childsp,
                                        "size": len(contents), "entry": entry, "pc": pc,
                                        "continpc": continpc, "name": name,
                                        "ptrs": [(o, word(contents, o)) for o in offs]})
            elif tag == 6:
                self.params = {"bigEndian": bool(r.uvarint()), "ptrSize": r.uvarint(),
                               "arenaStart": r.uvarint(), "arenaEnd": r.uvarint(),
                               "arch": r.string(), "version": r.string(), "ncpu": r.uvarint()}
            elif tag in (7, 11):
                f = {"obj": r.uvarint(), "fn": r.uvarint(), "fnpc": r.uvarint(),
                     "fint": r.uvarint(), "ot": r.uvarint()}
                (self.finalizers if tag == 7 else self.queued_finalizers).append(f)
            elif tag == 8:
                addr = r.uvarint()
                self.itabs[addr] = r.uvarint()
            elif tag == 9:
                self.osthreads.append({"addr": r.uvarint(), "id": r.uvarint(), "procid": r.uvarint()})
            elif tag == 10:
                ms = {k: r.uvarint() for k in MEMSTATS_FIELDS}
                ms["PauseNs"] = [r.uvarint() for _ in range(256)]
                ms["NumGC"] = r.uvarint()
                self.memstats = ms
            elif tag in (12, 13):
                addr = r.uvarint()
                contents = r.bytes_()
                offs = r.fields()
                seg = {"addr": addr, "size": len(contents),
                       "ptrs": [(o, word(contents, o)) for o in offs]}
                if tag == 12:
                    self.data = seg
                else:
                    self.bss = seg
            elif tag == 14:
                self.defers.append({"addr": r.uvarint(), "g": r.uvarint(), "sp": r.uvarint(),
                                    "pc": r.uvarint(), "fn": r.uvarint(), "fnpc": r.uvarint(),
                                    "link": r.uvarint()})
            elif tag == 15:
                self.panics.append({"addr": r.uvarint(), "g": r.uvarint(), "type": r.uvarint(),
                                    "data": r.uvarint(), "zero": r.uvarint(), "link": r.uvarint()})
            elif tag == 16:
                b = {"bucket": r.uvarint(), "size": r.uvarint()}
                n = r.uvarint()
                b["stack"] = [(r.string(), r.string(), r.uvarint()) for _ in range(n)]
                b["allocs"] = r.uvarint()
                b["frees"] = r.uvarint()
                self.memprof.append(b)
            elif tag == 17:
                self.allocsamples.append({"addr": r.uvarint(), "bucket": r.uvarint()})
            else:
                raise ValueError(f"unknown record tag {tag} at byte {r.i}")
        self.objects.sort(key=lambda o: o["addr"])
        self._starts = [o["addr"] for o in self.objects]

    def find(self, p):
        """The object containing address p (Go's findObject: interior pointers
        count), or None."""
        i = bisect.bisect_right(self._starts, p) - 1
        if i < 0:
            return None
        o = self.objects[i]
        if p < o["addr"] + o["size"]:
            return o
        return None

    def totals(self):
        return {"objects": len(self.objects), "bytes": sum(o["size"] for o in self.objects)}


def main():
    d = HeapDump(sys.argv[1])
    if "--json" in sys.argv:
        out = {k: getattr(d, k) for k in ("params", "memstats", "objects", "goroutines",
                                          "osthreads", "data", "bss", "finalizers",
                                          "queued_finalizers", "defers", "panics",
                                          "otherroots", "memprof", "allocsamples")}
        out["types"] = {hex(k): v for k, v in d.types.items()}
        json.dump(out, sys.stdout)
        return
    t = d.totals()
    print("params", d.params)
    print("records", d.counts)
    print("objects", t["objects"], "bytes", t["bytes"])
    ms = d.memstats
    print("memstats HeapObjects", ms["HeapObjects"], "HeapAlloc", ms["HeapAlloc"],
          "Mallocs", ms["Mallocs"], "Frees", ms["Frees"], "NumGC", ms["NumGC"])
    for g in d.goroutines:
        print("goroutine", g["goid"], hex(g["addr"]), GSTATUS.get(g["status"], g["status"]),
              g["waitreason"], "system" if g["system"] else "",
              " <- ".join(f["name"] for f in g["frames"]))
    print("osthreads", [(m["id"], hex(m["addr"])) for m in d.osthreads])
    print("finalizers", [hex(f["obj"]) for f in d.finalizers],
          "queued", len(d.queued_finalizers))
    print("data", hex(d.data["addr"]), d.data["size"], len(d.data["ptrs"]),
          "bss", hex(d.bss["addr"]), d.bss["size"], len(d.bss["ptrs"]))


if __name__ == "__main__":
    main()
