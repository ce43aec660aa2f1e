#!/usr/bin/env python3
"""Off-heap runtime memory at start-up: every persistentalloc, sysAlloc,
sysMap and stack span of a traced run, with its sys stat, the
persistentalloc region it came from (global or a P's chunk), and its purpose;
then OtherSys, GCSys, BuckHashSys, MSpanSys/Inuse, MCacheSys/Inuse, StackInuse
and HeapSys recomputed from the ledger and checked against the probe's
runtime.ReadMemStats in every traced run.

usage: tools/offheap.py PROGRAM  (reads data/raw/uprobe-PROGRAM.probe.jsonl and
       allocs-PROGRAM.json for the chosen run; writes offheap-PROGRAM.json)

Accounting rules (Go 1.23 mem.go, malloc.go persistentalloc1, mfixalloc.go):
- sysAlloc(n, stat): stat += n.  sysMap(v, n, stat): stat += n.
- persistentalloc(size >= 64 KiB) = sysAlloc(size, stat).
- persistentalloc(size < 64 KiB): bump-allocated from the current 256 KiB chunk
  of the P's region (mp.p.palloc) or, without a P, the global region; a new
  chunk is sysAlloc(256 KiB, other_sys); then, if stat != other_sys,
  stat += size and other_sys -= size.  So OtherSys keeps every chunk's unused
  tail, its 8-byte chain link and alignment padding.
- fixalloc refills its chunk with persistentalloc(nalloc, 0, f.stat), nalloc =
  16384 / size * size: spanalloc 16320 (102 mspans), cachealloc 15600 (13
  mcaches), arenaHintAlloc / special*alloc 16368.
- MSpanInuse = 160 B x mspans taken from spanalloc: one per span allocated
  without a P, 64 per refill of a P's mspan cache (allocMSpanLocked).
"""
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracelib as TL  # noqa: E402

STATS = {
    "runtime.memstats.other_sys": "other_sys", "runtime.memstats.gcMiscSys": "gcMiscSys",
    "runtime.memstats.buckhash_sys": "buckhash_sys", "runtime.memstats.mspan_sys": "mspan_sys",
    "runtime.memstats.mcache_sys": "mcache_sys", "runtime.gcController.heapReleased": "heapReleased",
    "runtime.memstats.stacks_sys": "stacks_sys",
}


def purpose(e):
    ch = e["chain"]
    s = " ".join(ch)
    size = e.get("size") or e.get("n")
    if e["ev"] == "sysalloc" and "runtime.persistentalloc1" in ch and size == 262144:
        return "persistentalloc chunk (256 KiB)"
    if "runtime.recordspan" in ch:
        return "mheap_.allspans backing array (8192 x *mspan)"
    if "runtime.(*fixalloc).alloc" in ch:
        if "runtime.allocmcache" in s:
            return "fixalloc chunk: cachealloc (mcache 1200 B x 13)"
        if "runtime.(*mheap).allocMSpanLocked" in s:
            return "fixalloc chunk: spanalloc (mspan 160 B x 102)"
        if "runtime.addfinalizer" in s:
            return "fixalloc chunk: specialfinalizeralloc (48 B x 341)"
        if "runtime.mallocinit" in s:
            return "fixalloc chunk: arenaHintAlloc (arenaHint 24 B x 682; 128 used by mallocinit)"
        if "runtime.recordspan" in s:
            return "mheap_.allspans backing array (8192 x *mspan)"
        return "fixalloc chunk"
    if "runtime.recordspan" in ch:
        return "mheap_.allspans backing array (8192 x *mspan)"
    if "runtime.(*addrRanges).init" in ch:
        return "pageAlloc.inUse addrRanges initial array (16 ranges)"
    if "runtime.newArenaMayUnlock" in ch:
        return "gcBits arena (64 KiB: mark/alloc bitmaps of spans)"
    if "runtime.progToPointerMask" in ch:
        return "pointer mask of the data or bss section (modulesinit)"
    if "runtime.(*spanSetBlockAlloc).alloc" in ch:
        return "spanSet block (512 spans + header, 64-byte aligned)"
    if "runtime.(*spanSet).push" in ch:
        return "spanSet spine (256 block pointers, 64-byte aligned)"
    if "runtime.(*mheap).sysAlloc" in ch and e["ev"] in ("palloc", "sysalloc"):
        if size == 68624:
            return "heapArena metadata for arena 0xc000000000"
        if size == 4096:
            return "mheap_.allArenas array (512 entries, one physical page)"
    if e["ev"] == "sysalloc" and "runtime.(*pageAlloc).grow" in ch:
        return "page-allocator chunk bitmap L2 block (8192 x pallocData, 1 MiB)"
    if e["ev"] == "sysmap":
        if "runtime.(*scavengeIndex).sysGrow" in ch:
            return "scavenge index: commit the page holding the heap's chunk entry"
        if "runtime.(*pageAlloc).sysGrow" in ch:
            return "summary level commit (all of L0 = 128 KiB, then one page of L1..L4)"
        if "runtime.(*mheap).grow" in ch:
            return "heap: first 4 MiB of the arena (Reserved -> Prepared)"
    if e["ev"] == "allocspan" and e.get("typ") == 1:
        return "stack span"
    return None


def region(e):
    if e["ev"] != "palloc" or e["size"] >= 65536:
        return None
    return "global" if e["P"] is None else "P%d" % e["P"]


def end_index(run):
    """Index just past the probe's ReadMemStats (its work runs on g0; it ends
    when goroutine 1 runs its own code again), or the end of the trace."""
    evs = run.events
    start = None
    for i, e in enumerate(evs):
        if e["ev"] == "readmemstats" and "main.probe" in e["chain"]:
            start = i
            break
    if start is None:
        return len(evs), False
    for j in range(start + 1, len(evs)):
        e = evs[j]
        if e.get("goid") == 1 and e["gkind"] == "g":
            return j, True
    return len(evs), True


def ledger(run, stat_names):
    out = []
    end, _ = end_index(run)
    for e in run.events[:end]:
        if e["ev"] not in ("palloc", "sysalloc", "sysmap", "allocspan", "sysreserve", "mmap", "madvise", "munmap"):
            continue
        if e["ev"] == "allocspan" and e.get("typ") != 1:
            continue
        st = e.get("stat")
        stn = STATS.get(stat_names.get("0x%x" % st), stat_names.get("0x%x" % st)) if st else None
        rec = {"ev": e["ev"], "size": e.get("size") or e.get("n") or (e.get("np", 0) * 8192),
               "stat": stn, "region": region(e), "purpose": purpose(e),
               "phase": e["phase"], "goroutine": e["goid_eff"], "M": e["M"], "P": e["P"],
               "chain": e["chain"][1:8]}
        for k in ("v", "addr", "align", "prot", "flags", "adv"):
            if k in e and e[k] is not None:
                rec[k] = ("0x%x" % e[k]) if k in ("v", "addr") else e[k]
        out.append(rec)
    return out


def compute(run, led):
    st = collections.Counter()
    chunks = collections.Counter()
    for r in led:
        if r["ev"] == "sysalloc":
            st[r["stat"]] += r["size"]
            if r["purpose"] == "persistentalloc chunk (256 KiB)":
                # which region: the region of the palloc that caused it (the last palloc before)
                pass
        elif r["ev"] == "sysmap":
            st[r["stat"]] += r["size"]
        elif r["ev"] == "palloc" and r["size"] < 65536 and r["stat"] != "other_sys":
            st[r["stat"]] += r["size"]
            st["other_sys"] -= r["size"]
        elif r["ev"] == "allocspan":
            st["stack_spans"] += r["size"]
    # mspans: one per span allocated without a P, 64 per P mspan-cache refill
    end, _ = end_index(run)
    per_p = collections.Counter()
    nop = 0
    for e in run.events[:end]:
        if e["ev"] == "allocspan":
            if e["P"] is None:
                nop += 1
            else:
                per_p[e["P"]] += 1
    refills = sum((n + 63) // 64 for n in per_p.values())
    heap_pages = sum(e["np"] for e in run.events[:end] if e["ev"] == "allocspan" and e.get("typ") == 0)
    ps = len(per_p)
    return {
        "OtherSys": st["other_sys"], "GCSys": st["gcMiscSys"], "BuckHashSys": st["buckhash_sys"],
        "MSpanSys": st["mspan_sys"], "MCacheSys": st["mcache_sys"],
        "MSpanInuse": 160 * (nop + 64 * refills),
        "StackInuse": st["stack_spans"], "HeapInuse": heap_pages * 8192, "HeapSys": st["heapReleased"] - st["stack_spans"],
        "_spans_without_P": nop, "_spans_per_P": dict(per_p), "_mspan_cache_refills": refills,
    }


def main():
    prog = sys.argv[1]
    path = os.path.join(TL.ROOT, "data/raw/uprobe-%s.probe.jsonl" % prog)
    binary = os.path.join(TL.ROOT, "bin", prog + ".probe")
    raws = TL.load_runs(path)
    sym, text = TL.symbolize(binary, raws, os.path.join(TL.ROOT, "data", "sym-%s.probe.json" % prog))
    chosen = json.load(open(os.path.join(TL.ROOT, "allocs-%s.json" % prog)))["probe"]["chosen_run_index"]
    keys = ("OtherSys", "GCSys", "BuckHashSys", "MSpanSys", "MCacheSys", "MSpanInuse", "StackInuse", "HeapSys",
            "HeapInuse")
    checks = []
    res = {"program": prog, "how": __doc__.strip().splitlines()[0], "chosen_run_index": chosen}
    for i, raw in enumerate(raws):
        run = TL.Run(raw, sym, text)
        led = ledger(run, sym["addrs"])
        c = compute(run, led)
        got = {k: c[k] for k in keys}
        want = {k: run.probe.get(k) for k in keys}
        checks.append({"run": i, "match": {k: got[k] == want[k] for k in keys},
                       "computed": got, "memstats": want})
        if i == chosen:
            res["ledger"] = led
            res["computed"] = c
            res["memstats"] = run.probe
            # persistentalloc regions: chunks and bytes
            regs = collections.OrderedDict()
            for r in led:
                if r["ev"] == "palloc" and r["region"]:
                    g = regs.setdefault(r["region"], {"requests": 0, "bytes": 0, "by_stat": collections.Counter()})
                    g["requests"] += 1
                    g["bytes"] += r["size"]
                    g["by_stat"][r["stat"]] += r["size"]
            for g in regs.values():
                g["by_stat"] = dict(g["by_stat"])
            res["persistentalloc_regions"] = regs
    res["all_runs"] = checks
    summary = {k: sum(1 for c in checks if c["match"][k]) for k in keys}
    res["runs_matching_per_key"] = summary
    res["runs"] = len(checks)
    json.dump(res, open(os.path.join(TL.ROOT, "offheap-%s.json" % prog), "w"), indent=1)
    print(prog, "runs", len(checks), "matching per key", summary)
    print("  chosen computed", {k: res["computed"][k] for k in keys})
    print("  chosen memstats", {k: res["memstats"].get(k) for k in keys})


if __name__ == "__main__":
    main()
