#!/usr/bin/env python3
"""Real Go's side of reality/startup §12 (live objects after a GC).

For each reality case: build the case twice with the same command as
reality/record.ts — as it is ("plain", for symbol offsets) and with the
heap-dump probe (probe/heapdump_probe.go added and main.go's main starting
with heapdumpProbe(), both through `go build -overlay`, so the case's source
tree is untouched) — then run the probe binary N times exactly as the
recordings run the case (`setarch x86_64 -R`, ASLR off, the environment
cleared to the case's env, the case's arguments), each run writing
runtime/debug.WriteHeapDump to an inherited file descriptor 3 after two
runtime.GC() calls. Each dump is parsed (heapdump.py) and reduced to:
every live heap object with its pointer fields, every root, the first
holder of every object (breadth first from the roots in markroot's order),
and the totals checked against the MemStats the probe read.

    python3 live_dump.py [case…] [--runs N]        (as root; default 20 runs)

Writes bin/live/<case>/{plain,probe,main.go,overlay.json,run-K.dump,run-K.json}.
"""

import argparse
import bisect
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import deque

HERE = os.path.dirname(os.path.abspath(__file__))
STARTUP = os.path.dirname(HERE)
REALITY = os.path.dirname(STARTUP)
CASES = os.path.join(REALITY, "cases")
OUT = os.path.join(STARTUP, "bin", "live")
PROBE_SRC = os.path.join(STARTUP, "probe", "heapdump_probe.go")
DATA_DIR = "/tmp/gomem-reality"  # reality/cases.ts DEFAULT_DATA_DIR

sys.path.insert(0, HERE)
from heapdump import HeapDump, GSTATUS  # noqa: E402

DEFAULT_RUNS = 30
GIN_RUNS = 60  # gin-idle: more variation (map hash seeds, the unique-map cleanup goroutine)
BUILD_ENV = {"CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
PAGE = 8192


def list_cases():
    return sorted(d for d in os.listdir(CASES) if os.path.exists(os.path.join(CASES, d, "case.json")))


def load_case(name):
    with open(os.path.join(CASES, name, "case.json")) as f:
        d = json.load(f)
    d["name"] = name
    d["argv"] = [a.replace("$REALITY_DATA", DATA_DIR) for a in d["args"]]
    return d


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def go_build(out, pkg, extra=()):
    env = dict(os.environ)
    env.update(BUILD_ENV)
    cmd = ["go", "build", "-buildvcs=false", *extra, "-o", out, pkg]
    r = subprocess.run(cmd, cwd=REALITY, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{r.stderr}")


def build(case):
    d = os.path.join(OUT, case)
    os.makedirs(d, exist_ok=True)
    plain = os.path.join(d, "plain")
    go_build(plain, f"./cases/{case}")
    # The recordings' binary: reality/.build/<case> if it is there (sha256),
    # else the size reality/cases/<case>/binary.json records.
    recorded = os.path.join(REALITY, ".build", case)
    if os.path.exists(recorded):
        same = sha256(recorded) == sha256(plain)
    else:
        with open(os.path.join(CASES, case, "binary.json")) as f:
            same = json.load(f).get("file_size") == os.path.getsize(plain)
    # main.go with the probe call as the first statement of main.
    src_main = os.path.join(CASES, case, "main.go")
    with open(src_main) as f:
        src = f.read()
    m = re.search(r"^func main\(\) \{\n", src, re.M)
    if not m:
        raise SystemExit(f"{case}: no 'func main() {{' line in main.go")
    patched = src[:m.end()] + "\theapdumpProbe()\n" + src[m.end():]
    with open(os.path.join(d, "main.go"), "w") as f:
        f.write(patched)
    overlay = {"Replace": {
        src_main: os.path.join(d, "main.go"),
        os.path.join(CASES, case, "zz_heapdump_probe.go"): PROBE_SRC,
    }}
    with open(os.path.join(d, "overlay.json"), "w") as f:
        json.dump(overlay, f, indent=1)
    probe = os.path.join(d, "probe")
    go_build(probe, f"./cases/{case}", ["-tags", "heapdumpprobe", "-overlay", os.path.join(d, "overlay.json")])
    return {"plain": plain, "probe": probe, "plainSameAsRecorded": same}


# ── symbols: data/bss offsets → the global they fall in ─────────────────

class Symbols:
    def __init__(self, binary):
        out = subprocess.run(["go", "tool", "nm", "-size", "-sort", "address", binary],
                             capture_output=True, text=True, check=True).stdout
        self.syms = []
        self.by_name = {}
        marks = {}
        for line in out.splitlines():
            parts = line.split(None, 3)
            if len(parts) != 4:
                continue
            addr, size, typ, name = int(parts[0], 16), int(parts[1]), parts[2], parts[3]
            if name in ("runtime.data", "runtime.edata", "runtime.bss", "runtime.ebss"):
                marks[name] = addr
            if typ in ("D", "d", "B", "b") and size > 0:
                self.syms.append((addr, size, name))
                self.by_name[name] = addr
        self.syms.sort()
        self.starts = [s[0] for s in self.syms]
        self.seg = {"data": marks["runtime.data"], "bss": marks["runtime.bss"]}

    def at(self, addr):
        """(symbol, offset in it, inside) for an address: the symbol that
        contains it, or (the linker lists no symbol there: compiler-made
        statics) the nearest symbol before it, with inside False."""
        i = bisect.bisect_right(self.starts, addr) - 1
        if i >= 0:
            a, size, name = self.syms[i]
            return name, addr - a, addr < a + size
        return None, None, False


def runtime_fields(binary):
    """runtime.g/m/p field layouts from DWARF through gdb (None without gdb)."""
    gdb = shutil.which("gdb")
    if gdb is None:
        return None
    r = subprocess.run([gdb, "-batch", "-iex", "set auto-load off", "-x", os.path.join(HERE, "live_fields_gdb.py"), binary],
                       capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("FIELDS"):
            return json.loads(line[6:])
    return None


# ── running the probe ────────────────────────────────────────────────────

def run_probe(case, probe, k):
    d = os.path.join(OUT, case["name"])
    dumps = [os.path.join(d, f"run-{k}.main.dump"), os.path.join(d, f"run-{k}.gc.dump")]
    setarch = shutil.which("setarch")
    outr, outw = os.pipe()
    errr, errw = os.pipe()
    # posix_spawn opens the dump files directly as fds 3 (at main) and 4 (after
    # the GCs) in the child; the environment is exactly the case's, as
    # reality/record.ts runs it.
    pid = os.posix_spawn(setarch, [setarch, "x86_64", "-R", probe, *case["argv"]], dict(case["env"]),
                         file_actions=[(os.POSIX_SPAWN_OPEN, 3, dumps[0], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                                       (os.POSIX_SPAWN_OPEN, 4, dumps[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                                       (os.POSIX_SPAWN_DUP2, outw, 1), (os.POSIX_SPAWN_DUP2, errw, 2)])
    os.close(outw)
    os.close(errw)
    with os.fdopen(outr) as fo, os.fdopen(errr) as fe:
        stdout, stderr = fo.read(), fe.read()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{case['name']} run {k}: exit {code}\n{stdout}{stderr}")
    stats = {}
    for line in stderr.splitlines():
        p = line.split()
        if len(p) >= 2 and p[0] == "HEAPDUMP":
            if p[1] in ("goroutines", "stackAtMain"):
                stats[p[1]] = int(p[2])
            else:
                stats[p[1]] = {p[i]: int(p[i + 1]) for i in range(2, len(p) - 1, 2)}
    return dumps, stats


# ── one dump → live objects, roots, holders ─────────────────────────────

def filter_phantoms(objects):
    """WriteHeapDump (heapdump.go dumpobjs) walks npages*8192/elemsize slots of
    every in-use span but marks free only the first nelems. In a scan span
    whose heap bits live at its end (elemsize <= 512: one page, 128 bytes of
    bits) the slots past nelems = 8064/elemsize are not objects but the
    bitmap; they come out as allocated. Those are dropped here. A page is a
    scan span when one of its real slots has pointer fields."""
    pages = {}
    for o in objects:
        if o["size"] <= 512:
            pages.setdefault(o["addr"] & ~(PAGE - 1), []).append(o)
    phantom = set()
    for base, objs in pages.items():
        es = objs[0]["size"]
        lim = (PAGE - PAGE // 64) // es
        real = [o for o in objs if (o["addr"] - base) // es < lim]
        if any(o["ptrs"] for o in real):
            phantom.update(o["addr"] for o in objs if (o["addr"] - base) // es >= lim)
    return [o for o in objects if o["addr"] not in phantom], len(phantom)


def reduce_dump(dump_path, syms_probe, syms_plain):
    """One dump: live objects (phantoms dropped), pointer edges, roots, the
    first holder of every object (breadth first), goroutines, Ms."""
    hd = HeapDump(dump_path)
    objects, nphantom = filter_phantoms(hd.objects)
    starts = [o["addr"] for o in objects]
    index = {o["addr"]: i for i, o in enumerate(objects)}

    def find(p):
        i = bisect.bisect_right(starts, p) - 1
        if i >= 0 and p < objects[i]["addr"] + objects[i]["size"]:
            return i
        return None

    # Edges: object pointer fields that point into a live object.
    for o in objects:
        o["refs"] = []
        for off, v in o["ptrs"]:
            j = find(v)
            if j is not None:
                o["refs"].append((off, j, v - objects[j]["addr"]))

    def global_desc(seg, off):
        base = hd.data["addr"] if seg == "data" else hd.bss["addr"]
        name, soff, inside = syms_probe.at(base + off)
        desc = {"global": seg, "probeOffset": off}
        if inside:
            desc.update(symbol=name, symOffset=soff)
        else:
            desc.update(symbol=None, after=f"{name}+{soff}")
        # The offset in the case's own binary (the probe's main package adds
        # code and globals, so its layout differs): through the same symbol.
        plain_off = None
        if name is not None and name in syms_plain.by_name:
            plain_off = syms_plain.by_name[name] + soff - syms_plain.seg[seg]
        desc["offset"] = plain_off
        return desc

    # Roots, in the order markroot takes them: data, bss, finalizer specials
    # (the finalizer's closure, and the contents of the object that has it),
    # then every goroutine's stack in allgs order (the dump's goroutine order).
    roots = []  # (holder, target index, offset in target)
    for seg, s in (("data", hd.data), ("bss", hd.bss)):
        for off, v in s["ptrs"]:
            j = find(v)
            if j is not None:
                roots.append((global_desc(seg, off), j, v - objects[j]["addr"]))
    for f in hd.finalizers:
        j = find(f["fn"])
        if j is not None:
            roots.append(({"root": f"finalizer closure of 0x{f['obj']:x}"}, j, f["fn"] - objects[j]["addr"]))
        o = find(f["obj"])
        if o is not None:
            for off, t, toff in objects[o]["refs"]:
                roots.append(({"finalizerOf": o, "offset": off}, t, toff))
    for f in hd.queued_finalizers:
        for key in ("obj", "fn"):
            j = find(f[key])
            if j is not None:
                roots.append(({"root": f"queued finalizer {key}"}, j, f[key] - objects[j]["addr"]))
    goroutines = []
    for g in hd.goroutines:
        frames = g["frames"]
        gname = f"g{g['goid']} {frames[-2]['name'] if len(frames) >= 2 else (frames[0]['name'] if frames else '?')}"
        goroutines.append({"goid": g["goid"], "addr": g["addr"], "status": GSTATUS.get(g["status"], g["status"]),
                           "waitreason": g["waitreason"], "system": g["system"], "name": gname,
                           "frames": [fr["name"] for fr in frames]})
        for fr in frames:
            for off, v in fr["ptrs"]:
                j = find(v)
                if j is not None:
                    roots.append(({"stack": f"{gname}/{fr['name']}", "offset": off}, j, v - objects[j]["addr"]))
        for key in ("ctxt", "defer", "panic"):
            j = find(g[key])
            if j is not None:
                roots.append(({"stack": f"{gname}/sched.{key}"}, j, g[key] - objects[j]["addr"]))
    for r in hd.otherroots:
        j = find(r["addr"])
        if j is not None:
            roots.append(({"root": r["description"]}, j, r["addr"] - objects[j]["addr"]))

    # Breadth first: every root edge first (in order), then objects level by level.
    # Also the first edge, in the same order, to each offset of a tiny block
    # (16 bytes holding several small noscan objects): the holder of each
    # sub-object that is pointed to.
    holder = [None] * len(objects)
    depth = [None] * len(objects)
    at_offset = {}
    q = deque()
    for h, j, toff in roots:
        if objects[j]["size"] == 16:
            at_offset.setdefault((j, toff), dict(h, targetOffset=toff))
        if holder[j] is None:
            holder[j] = dict(h, targetOffset=toff)
            depth[j] = 0
            q.append(j)
    while q:
        i = q.popleft()
        for off, j, toff in objects[i]["refs"]:
            if objects[j]["size"] == 16:
                at_offset.setdefault((j, toff), {"object": i, "offset": off, "targetOffset": toff})
            if holder[j] is None:
                holder[j] = {"object": i, "offset": off, "targetOffset": toff}
                depth[j] = depth[i] + 1
                q.append(j)
    for (j, toff), h in at_offset.items():
        objects[j].setdefault("holderAt", {})[toff] = h

    # Which objects a goroutine stack alone keeps (not reachable from the
    # globals or finalizers): that goroutine's own objects.
    from_globals = [False] * len(objects)
    q = deque()
    for h, j, toff in roots:
        if "stack" not in h and not from_globals[j]:
            from_globals[j] = True
            q.append(j)
    while q:
        i = q.popleft()
        for off, j, toff in objects[i]["refs"]:
            if not from_globals[j]:
                from_globals[j] = True
                q.append(j)

    # Every offset at which something live points into each object (a tiny
    # block's sub-objects are told apart by these).
    inoffs = [set() for _ in objects]
    for h, j, toff in roots:
        inoffs[j].add(toff)
    for i, o in enumerate(objects):
        if holder[i] is not None:
            for off, j, toff in o["refs"]:
                inoffs[j].add(toff)
    return {
        "dump": os.path.basename(dump_path),
        "memstats": {k: hd.memstats[k] for k in ("HeapObjects", "HeapAlloc", "Mallocs", "Frees", "NumGC")},
        "records": len(hd.objects),
        "phantomSlotsDropped": nphantom,
        "roots": {"data": len(hd.data["ptrs"]), "bss": len(hd.bss["ptrs"]),
                  "finalizers": len(hd.finalizers), "queuedFinalizers": len(hd.queued_finalizers),
                  "goroutines": len(hd.goroutines), "otherroots": len(hd.otherroots),
                  "rootEdgesIntoHeap": len(roots)},
        "goroutines": goroutines,
        "osthreads": [{"id": m["id"], "addr": m["addr"]} for m in hd.osthreads],
        "finalizers": [{"obj": f["obj"], "fnpc": f["fnpc"]} for f in hd.finalizers],
        "unreached": [i for i in range(len(objects)) if holder[i] is None],
        "objects": [{"addr": o["addr"], "size": o["size"], "ptrWords": len(o["ptrs"]),
                     "ptrSig": hashlib.md5(",".join(str(off) for off, _ in o["ptrs"]).encode()).hexdigest()[:10]
                     if o["ptrs"] else "",
                     "refs": o["refs"], "holder": holder[i], "depth": depth[i],
                     "stackOnly": holder[i] is not None and not from_globals[i],
                     "inOffsets": sorted(inoffs[i]),
                     **({"holderAt": {str(k): v for k, v in sorted(o["holderAt"].items())}} if "holderAt" in o else {})}
                    for i, o in enumerate(objects)],
    }


def analyse(dumps, stats, syms_probe, syms_plain):
    """Both dumps of one run: the heap at main and after the GCs, and which
    objects of the first are still there in the second."""
    pre = reduce_dump(dumps[0], syms_probe, syms_plain)
    post = reduce_dump(dumps[1], syms_probe, syms_plain)
    pre_at = {o["addr"]: o for o in pre["objects"]}
    post_at = {o["addr"]: o for o in post["objects"]}
    unreached_pre = {pre["objects"][i]["addr"] for i in pre["unreached"]}
    # An object of the heap at main survived if the same slot (address and
    # size) is allocated after the GCs and it was reachable at main: a slot
    # that was unreachable at main and is allocated again was freed and reused
    # by an object allocated during the GCs (seen in some runs: a 16-byte slot).
    survived = [a for a in pre_at if a in post_at and post_at[a]["size"] == pre_at[a]["size"]
                and a not in unreached_pre]
    sset = set(survived)
    new = [a for a in post_at if a not in sset]
    for o in post["objects"]:
        o["new"] = o["addr"] not in sset
    # MemStats as WriteHeapDump read them, inside its own stop-the-world, so
    # exactly the heap it dumps. (The probe's ReadMemStats just before can
    # differ by an object another goroutine allocated in between: gin-idle's
    # unique-map cleanup goroutine, in a few runs.)
    ms0, ms1 = pre["memstats"], post["memstats"]
    tot = lambda d: (len(d["objects"]), sum(o["size"] for o in d["objects"]))
    n0, b0 = tot(pre)
    n1, b1 = tot(post)
    # Which objects of the heap at main did the GCs free? Check: ΔMallocs −
    # allocated = ΔFrees − freed (the difference, equal on both sides, is the
    # tiny sub-allocations made during the GCs, which count in both Mallocs and
    # Frees and are no objects of their own), and every object reachable at
    # main is still there (the roots did not change in between).
    dm = ms1["Mallocs"] - ms0["Mallocs"]
    df = ms1["Frees"] - ms0["Frees"]
    freed = {a for a in pre_at if a not in sset}
    return {
        "probe": stats,
        "atMain": {"objects": n0, "bytes": b0,
                   "equalsMemStats": n0 == ms0["HeapObjects"] and b0 == ms0["HeapAlloc"],
                   "probeReadMemStatsSame": ms0["HeapObjects"] == stats["main"]["HeapObjects"]
                   and ms0["HeapAlloc"] == stats["main"]["HeapAlloc"]},
        "afterGC": {"objects": n1, "bytes": b1,
                    "equalsMemStats": n1 == ms1["HeapObjects"] and b1 == ms1["HeapAlloc"],
                    "probeReadMemStatsSame": ms1["HeapObjects"] == stats["aftergc"]["HeapObjects"]
                    and ms1["HeapAlloc"] == stats["aftergc"]["HeapAlloc"]},
        "freedByGC": n0 - len(survived),
        "allocatedDuringGC": len(new),
        "tinySubAllocsDuringGC": dm - len(new),
        "freedEqualsUnreachableAtMain": freed == unreached_pre,
        # Reachable at main yet freed: a root changed during the GCs (the mark
        # workers' goroutines made allgs grow, replacing its array; a goroutine
        # that had not run yet at main ran and dropped its closure).
        "freedButReachableAtMain": sorted(freed - unreached_pre),
        "reusedSlots": sorted(a for a in unreached_pre if a in post_at),
        "countsAgreeWithMemStats": dm - len(new) == df - len(freed) >= 0,
        "main": pre,
        "gc": post,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="*")
    ap.add_argument("--runs", type=int, default=None,
                    help=f"runs per case (default {DEFAULT_RUNS}, gin-idle {GIN_RUNS})")
    ap.add_argument("--keep-dumps", action="store_true", help="keep every run's dump files (default: run 0's only)")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    names = a.cases or list_cases()
    for n in names:
        if n not in list_cases():
            raise SystemExit(f"unknown case {n}")
    for n in names:
        case = load_case(n)
        d = os.path.join(OUT, n)
        if a.no_build and os.path.exists(os.path.join(d, "probe")):
            b = {"plain": os.path.join(d, "plain"), "probe": os.path.join(d, "probe"), "plainSameAsRecorded": None}
        else:
            b = build(n)
        sp, sq = Symbols(b["probe"]), Symbols(b["plain"])
        fields = runtime_fields(b["probe"])
        if fields is not None:
            with open(os.path.join(d, "fields.json"), "w") as f:
                json.dump(fields, f)
        for f in os.listdir(d):
            if f.startswith("run-"):
                os.remove(os.path.join(d, f))
        nruns = a.runs or (GIN_RUNS if n == "gin-idle" else DEFAULT_RUNS)
        summary = []
        for k in range(nruns):
            dumps, stats = run_probe(case, b["probe"], k)
            res = analyse(dumps, stats, sp, sq)
            res["run"] = k
            with open(os.path.join(d, f"run-{k}.json"), "w") as f:
                json.dump(res, f)
            summary.append(res)
            if k > 0 and not a.keep_dumps:
                for dp in dumps:
                    os.remove(dp)
        with open(os.path.join(d, "build.json"), "w") as f:
            json.dump({"case": n, "env": case["env"], "argv": case["argv"], "runs": nruns,
                       "plainSameAsRecorded": b["plainSameAsRecorded"],
                       "go": subprocess.run(["go", "version"], capture_output=True, text=True).stdout.strip()},
                      f, indent=1)
        rng = lambda xs: f"{min(xs)}–{max(xs)}"
        print(f"{n}: {nruns} runs; at main {rng([r['atMain']['objects'] for r in summary])} objects "
              f"{rng([r['atMain']['bytes'] for r in summary])} B, after GC {rng([r['afterGC']['objects'] for r in summary])} "
              f"objects {rng([r['afterGC']['bytes'] for r in summary])} B; "
              f"dumps = their MemStats in {sum(1 for r in summary if r['atMain']['equalsMemStats'] and r['afterGC']['equalsMemStats'])}/{nruns} "
              f"(= the probe's ReadMemStats in {sum(1 for r in summary if r['atMain']['probeReadMemStatsSame'] and r['afterGC']['probeReadMemStatsSame'])}); "
              f"freed = unreachable at main in {sum(1 for r in summary if r['freedEqualsUnreachableAtMain'])}/{nruns} "
              f"(else reachable at main and released during the GCs: {sorted(set(len(r['freedButReachableAtMain']) for r in summary))} objects) "
              f"(slots reused during the GCs in {sum(1 for r in summary if r['reusedSlots'])}), "
              f"ΔMallocs/ΔFrees agree in {sum(1 for r in summary if r['countsAgreeWithMemStats'])}/{nruns}; "
              f"unreached after GC: {sorted(set(len(r['gc']['unreached']) for r in summary))}; "
              f"plain binary = recorded: {b['plainSameAsRecorded']}")


if __name__ == "__main__":
    main()
