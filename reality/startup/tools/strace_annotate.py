#!/usr/bin/env python3
"""strace of a Go program's memory system calls, annotated with the runtime
function that made each call.

usage: tools/strace_annotate.py PROGRAM [runs]
  1. runs `env -i GOMAXPROCS=2 setarch x86_64 -R strace -f -e
     trace=memory,clone,clone3 bin/PROGRAM` RUNS times (data/raw/strace-PROGRAM-N.txt);
  2. picks the most common sequence of calls (thread ids replaced by T0, T1 ...
     in order of appearance);
  3. matches it, call by call, with the mmap/munmap/madvise/clone events of the
     uprobe traces of the same binary (data/raw/uprobe-PROGRAM.jsonl), which
     carry the Go call stack, and names the purpose of each call;
writes strace-PROGRAM.txt (raw, modal run) and strace-PROGRAM.annotated.json.
"""
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracelib as TL  # noqa: E402

LINE = re.compile(r"^(\d+)\s+(\w+)\((.*)\)\s+=\s+(\S+)")
SUMMARY_SIZES = {131072: "L0", 1048576: "L1", 8388608: "L2", 67108864: "L3", 536870912: "L4"}


def run_strace(binary, path):
    subprocess.run(["env", "-i", "GOMAXPROCS=2", "setarch", "x86_64", "-R", "strace", "-f", "-e",
                    "trace=memory,clone,clone3", "-o", path, binary], capture_output=True)
    return open(path).read()


def parse(text):
    """Calls in order; threads are named M0 (the first line's thread) and
    M1, M2 ... in the order the main thread cloned them, which is the order
    of the runtime's newm calls and so of the M ids."""
    calls = []
    tids = {}
    nclone = 0
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        tid, name, args, ret = m.groups()
        if not tids:
            tids[tid] = "M0"
        if name in ("clone", "clone3") and ret.isdigit():
            nclone += 1
            tids[ret] = "M%d" % nclone
        t = tids.setdefault(tid, "T?%s" % tid)
        a = [x.strip() for x in re.split(r",\s*(?![^()]*\))", args)]
        calls.append({"thread": t, "name": name, "args": a, "ret": ret, "line": line})
    return calls


def key(c):
    a = c["args"]
    if c["name"] == "mmap":
        return ("mmap", a[1], a[2], a[3])
    if c["name"] == "madvise":
        return ("madvise", a[1], a[2])
    if c["name"] == "munmap":
        return ("munmap", a[1])
    return (c["name"],)


def ev_key(e):
    if e["ev"] == "mmap":
        prot = {0: "PROT_NONE", 3: "PROT_READ|PROT_WRITE"}.get(e["prot"], str(e["prot"]))
        flags = {0x22: "MAP_PRIVATE|MAP_ANONYMOUS", 0x32: "MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS"}.get(e["flags"], str(e["flags"]))
        return ("mmap", str(e["n"]), prot, flags)
    if e["ev"] == "madvise":
        adv = {15: "MADV_NOHUGEPAGE", 14: "MADV_HUGEPAGE", 4: "MADV_DONTNEED", 8: "MADV_FREE", 25: "MADV_COLLAPSE"}.get(e["adv"], str(e["adv"]))
        return ("madvise", str(e["n"]), adv)
    if e["ev"] == "munmap":
        return ("munmap", str(e["n"]))
    if e["ev"] == "clone":
        return ("clone",)
    return None


def purpose(e, nth_reserve):
    ch = e["chain"]
    s = " ".join(ch)
    if e["ev"] == "clone":
        if "runtime.main.func1" in s or "runtime.main" in ch[:8] and "runtime.startm" not in s:
            return "newm(sysmon): thread for sysmon (runtime.main, before the runtime's init tasks)"
        if "runtime.wakep" in s and "runtime.newproc" in s:
            why = "runtime.init.7 (go forcegchelper())" if ("runtime.init.7" in s or e["phase"] == "init runtime") else "a new goroutine"
            return "newproc -> wakep -> startm -> newm: a thread to run the idle P for %s" % why
        if "runtime.handoffp" in s:
            return ("stoplockedm -> handoffp -> startm -> newm: the main goroutine, locked to M0 during "
                    "init, blocked (gcenable waits for bgsweep/bgscavenge) so M0 hands its P to a new thread")
        if "runtime.wakep" in s:
            return "wakep -> startm -> newm: a spinning thread for a runnable goroutine"
        return "newosproc: new thread (" + " < ".join(ch[3:8]) + ")"
    if e["ev"] == "madvise":
        if "runtime.(*mheap).sysAlloc" in s:
            return "sysNoHugePage on the arena index L2 map (mheap.sysAlloc)"
        if "runtime.(*pageAlloc).grow" in s:
            return "sysNoHugePage on the chunk bitmap L2 block (pageAlloc.grow)"
        return "madvise from " + " < ".join(ch[1:6])
    if e["ev"] == "mmap":
        if "runtime.(*pageAlloc).sysInit" in s:
            return "pageAlloc.sysInit: reserve summary level %s (PROT_NONE)" % SUMMARY_SIZES.get(e["n"], "?")
        if "runtime.(*scavengeIndex).sysInit" in s:
            return "scavengeIndex.sysInit: reserve the scavenge index, 8 B per 4 MiB chunk of the 48-bit space (PROT_NONE)"
        if "runtime.(*mheap).sysAlloc" in s and "runtime.sysReserve" in s:
            return "mheap.sysAlloc: reserve the first 64 MiB heap arena at hint 0xc000000000 (PROT_NONE)"
        if "runtime.(*mheap).sysAlloc" in s and e["n"] == 33554432:
            return "mheap.sysAlloc: arena index L2 map mheap_.arenas[0] (4M pointers, sysAllocOS, no stat)"
        if "runtime.(*mheap).grow" in s and "runtime.sysMap" in s and "runtime.(*pageAlloc)" not in s:
            return "mheap.grow -> sysMap: first 4 MiB of the arena, Reserved -> Prepared (MAP_FIXED RW)"
        if "runtime.(*scavengeIndex).sysGrow" in s:
            return "scavengeIndex.sysGrow: commit the page of the index that covers the heap's chunk"
        if "runtime.(*pageAlloc).sysGrow" in s:
            if e["n"] == 131072:
                return "pageAlloc.sysGrow: commit summary L0 whole (128 KiB)"
            return "pageAlloc.sysGrow: commit the page of summary level L%d that covers the heap" % nth_reserve
        if "runtime.(*pageAlloc).grow" in s:
            return "pageAlloc.grow: chunk bitmap L2 block (8192 pallocData = 1 MiB, stat gcMiscSys)"
        if "runtime.persistentalloc1" in s:
            if e["n"] == 68624:
                return "persistentalloc >= 64 KiB -> sysAlloc: heapArena metadata (68,624 B, gcMiscSys)"
            who = "global region (no P)" if e["P"] is None else "P%d's region" % e["P"]
            first = next((f for f in ch if f not in ("runtime.mmap", "runtime.sysAllocOS", "runtime.sysAlloc",
                                                     "runtime.persistentalloc1", "runtime.persistentalloc.func1",
                                                     "runtime.persistentalloc", "runtime.systemstack")), "?")
            return "persistentalloc: new 256 KiB chunk for the %s, first needed by %s" % (who, first)
        if "runtime.recordspan" in s:
            return "recordspan: mheap_.allspans backing array (8192 pointers, other_sys)"
        if "runtime.newArenaMayUnlock" in s:
            return "newMarkBits -> newArenaMayUnlock: gcBits arena (64 KiB, gcMiscSys)"
        return "mmap from " + " < ".join(ch[1:6])
    if e["ev"] == "munmap":
        return "munmap from " + " < ".join(ch[1:6])
    return None


def main():
    prog = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    binary = os.path.join(TL.ROOT, "bin", prog)
    raw_dir = os.path.join(TL.ROOT, "data", "raw")
    seqs = []
    for i in range(runs):
        text = run_strace(binary, os.path.join(raw_dir, "strace-%s-%d.txt" % (prog, i)))
        seqs.append((text, parse(text)))
    sig = collections.Counter(tuple((c["thread"],) + key(c) for c in calls) for _, calls in seqs)
    modal = sig.most_common(1)[0][0]
    text, calls = next((t, c) for t, c in seqs if tuple((x["thread"],) + key(x) for x in c) == modal)
    open(os.path.join(TL.ROOT, "strace-%s.txt" % prog), "w").write(text)

    # uprobe traces of the plain binary: find the run whose syscall sequence matches best
    raws = TL.load_runs(os.path.join(raw_dir, "uprobe-%s.jsonl" % prog))
    sym, tr = TL.symbolize(binary, raws, os.path.join(TL.ROOT, "data", "sym-%s.json" % prog))
    want = [key(c) for c in calls]
    best, best_score = None, -1
    for r in raws:
        run = TL.Run(r, sym, tr)
        evs = [e for e in run.events if ev_key(e)]
        got = [ev_key(e) for e in evs]
        score = sum(1 for a, b in zip(want, got) if a == b)
        if score > best_score:
            best, best_score, best_evs = run, score, evs
    out = []
    j = 0
    nsum = 0
    for c in calls:
        k = key(c)
        e = None
        for jj in range(j, min(j + 4, len(best_evs))):
            if ev_key(best_evs[jj]) == k:
                e = best_evs[jj]
                j = jj + 1
                break
        rec = {"thread": c["thread"], "call": c["line"].split(None, 1)[1]}
        if e is not None:
            if e["ev"] == "mmap" and "runtime.(*pageAlloc).sysGrow" in e["chain"] and e["n"] == 4096 \
                    and "runtime.(*scavengeIndex).sysGrow" not in e["chain"]:
                nsum += 1
            rec["runtime"] = purpose(e, nsum)
            rec["go_stack"] = [f for f in e["chain"] if f not in ("runtime.systemstack",)][:10]
            rec["phase"] = e["phase"]
        out.append(rec)
    res = {"program": prog, "command": "env -i GOMAXPROCS=2 setarch x86_64 -R strace -f -e trace=memory,clone,clone3 bin/%s" % prog,
           "runs": runs, "runs_with_this_sequence": sig[modal],
           "other_sequences": [{"runs": n, "calls": [" ".join(x[1:]) + " @" + x[0] for x in s]}
                               for s, n in sig.most_common() if s != modal],
           "calls": out}
    json.dump(res, open(os.path.join(TL.ROOT, "strace-%s.annotated.json" % prog), "w"), indent=1)
    for r in out:
        print("%-3s %-110s %s" % (r["thread"], r["call"][:110], r.get("runtime", "?")))
    print("modal sequence in", sig[modal], "of", runs, "runs; uprobe run matched", best_score, "of", len(want))


if __name__ == "__main__":
    main()
