#!/usr/bin/env python3
"""The whole start-up of one traced run as one ordered list: heap
allocations, span allocations (with the P whose mcache asked), stack
allocations and copies, persistentalloc/sysAlloc/sysMap/sysReserve, mmap and
madvise, new goroutines, new Ms and threads, package init tasks, up to the
end of the probe's ReadMemStats.  This is the sequence gomem's start-up has to
replay.

usage: tools/timeline.py PROGRAM   (chosen run of allocs-PROGRAM.json;
       writes timeline-PROGRAM.json)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import allocs as A  # noqa: E402
import offheap as O  # noqa: E402
import sizeclass as SC  # noqa: E402
import tracelib as TL  # noqa: E402


def describe(e, sym, a):
    ev = e["ev"]
    st = lambda: O.STATS.get(sym["addrs"].get("0x%x" % e["stat"]), "?") if e.get("stat") else ""
    if ev == "malloc":
        x = a
        t = "tiny %s" % ("sub-alloc" if x.get("tiny", "").startswith("sub") else "new block") if x.get("tiny") else (
            "class %s (%d B)%s" % (x["sizeclass"], x["elemsize"], " +header" if x["header"] else ""))
        return "mallocgc(%d, %s%s) -> %s: %s" % (x["size"], x["type"] or "nil", "" if x["noscan"] else ", scan", t,
                                                 x["what"] or x["site"])
    if ev == "allocspan":
        if e["typ"] == 1:
            return "allocManual(%d pages) stack span" % e["np"]
        if e["typ"] == 0:
            c = e["spc"] >> 1
            return "mheap.alloc(%d pages) span class %d%s (%d B objects) for mcache of %s" % (
                e["np"], c, " noscan" if e["spc"] & 1 else "", SC.CLASS_TO_SIZE[c],
                "P%d" % e["P"] if e["P"] is not None else "mcache0 (P0 later)")
        return "allocSpan(%d pages, type %d)" % (e["np"], e["typ"])
    if ev == "refill":
        return None
    if ev == "palloc":
        r = "global" if e["P"] is None else "P%d" % e["P"]
        return "persistentalloc(%d, align %d, %s) [%s region] %s" % (e["size"], e["align"], st(), r, O.purpose(e) or "")
    if ev == "sysalloc":
        return "sysAlloc(%d, %s) %s" % (e["size"], st(), O.purpose(e) or "")
    if ev == "sysmap":
        return "sysMap(0x%x, %d, %s) %s" % (e["v"], e["n"], st(), O.purpose(e) or "")
    if ev == "sysreserve":
        return "sysReserve(0x%x, %d)" % (e["v"], e["n"])
    if ev == "mmap":
        return "  mmap(0x%x, %d, prot %d, flags 0x%x)" % (e["addr"], e["n"], e["prot"], e["flags"])
    if ev == "madvise":
        return "  madvise(0x%x, %d, %d)" % (e["addr"], e["n"], e["adv"])
    if ev == "munmap":
        return "  munmap(0x%x, %d)" % (e["addr"], e["n"])
    if ev == "stackalloc":
        return "stackalloc(%d) for %s" % (e["n"], next((f for f in e["chain"][1:] if f in (
            "runtime.mpreinit", "runtime.allocm", "runtime.newproc1", "runtime.copystack", "runtime.schedinit")), "?"))
    if ev == "stackfree":
        return "stackfree(%d)" % (e["hi"] - e["lo"])
    if ev == "copystack":
        return "copystack: goroutine stack grows to %d" % e["newsize"]
    if ev == "malg":
        return None
    if ev == "newm":
        return "newm(%s)" % (sym["pcs"].get("0x%x" % (e["fn"] + 1), {}).get("funcs", ["?"])[-1] if e.get("fn") else "nil: spinning/handoff")
    if ev == "clone":
        return "  clone() -> new thread"
    if ev == "mstart1":
        return "M%s starts on its thread" % e["M"]
    if ev == "newproc1":
        return "newproc(%s)" % (sym["pcs"].get("0x%x" % (e["fn"] + 1), {}).get("funcs", ["?"])[-1] if e.get("fn") else "?")
    if ev == "doinit":
        return "doInit1: package init task %s" % TL.pkg_of(sym["pcs"].get("0x%x" % (e["fn0"] + 1), {}).get("funcs", ["?"])[-1])
    if ev in ("schedinit", "rtmain", "gcenable", "mainmain", "procresize", "grow", "readmemstats"):
        return {"schedinit": "schedinit", "rtmain": "runtime.main starts (g1 on M0)", "gcenable": "gcenable",
                "mainmain": "main.main", "procresize": "procresize(%s)" % e.get("n"),
                "grow": "mheap.grow(%s pages)" % e.get("np"), "readmemstats": "runtime.ReadMemStats"}[ev]
    if ev == "signal":
        return None
    return ev


def main():
    prog = sys.argv[1]
    raws = TL.load_runs(os.path.join(TL.ROOT, "data/raw/uprobe-%s.probe.jsonl" % prog))
    sym, text = TL.symbolize(os.path.join(TL.ROOT, "bin", prog + ".probe"), raws,
                             os.path.join(TL.ROOT, "data", "sym-%s.probe.json" % prog))
    ci = json.load(open(os.path.join(TL.ROOT, "allocs-%s.json" % prog)))["probe"]["chosen_run_index"]
    run = TL.Run(raws[ci], sym, text)
    al = A.analyse(run)
    end, _ = O.end_index(run)
    out = []
    k = 0
    t0 = run.events[0]["ts"]
    for e in run.events[:end]:
        a = None
        if e["ev"] == "malloc":
            a = al[k]
            k += 1
        d = describe(e, sym, a)
        if d is None:
            continue
        who = ("g%d" % e["goid"]) if e["gkind"] == "g" else "%s/M%s%s" % (
            e["gkind"], e["M"], ("(g%d)" % e["for_goid"]) if e["for_goid"] else "")
        out.append({"t_us": round((e["ts"] - t0) * 1e6), "phase": e["phase"], "who": who, "M": e["M"], "P": e["P"],
                    "event": d})
    json.dump({"program": prog, "run": ci, "note": "t_us is time under uprobes (about 25 us per probe hit), "
               "not the real start-up time (about 0.3 ms to main)", "events": out},
              open(os.path.join(TL.ROOT, "timeline-%s.json" % prog), "w"), indent=0)
    print(prog, len(out), "events")


if __name__ == "__main__":
    main()
