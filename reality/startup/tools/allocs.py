#!/usr/bin/env python3
"""Every heap allocation of a Go program before main.main (and, for the
plain build, in main until exit), from uprobe traces of N runs.

usage: tools/allocs.py PROGRAM   (reads data/raw/uprobe-PROGRAM.probe.jsonl and
       data/raw/uprobe-PROGRAM.jsonl; writes allocs-PROGRAM.json)

For each run: the mallocgc calls in order, each classified the way mallocgc
classifies it (tiny / small / large, size class, malloc header), the tiny
allocator simulated per mcache (mcache0 becomes P0's), attributed to a
phase, and totalled up to the probe's runtime.ReadMemStats at the first line
of main, which is then compared with what ReadMemStats reported.
The modal run (the most common sequence of (phase, site, size, P)) is written
out in full; the others are summarised as variants.
"""
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sizeclass as SC  # noqa: E402
import tracelib as TL  # noqa: E402


def analyse(run):
    """Heap allocations of one run, with tiny simulation; stops at ReadMemStats."""
    tiny = {}  # mcache key -> [tiny base set?, tinyoffset]
    out = []
    in_main = False
    for i, e in enumerate(run.events):
        if e["ev"] == "mainmain":
            in_main = True
        if e["ev"] == "readmemstats":
            tiny.clear()  # ReadMemStats -> flushallmcaches -> releaseAll clears every tiny block
        if e["ev"] != "malloc":
            continue
        size = e["size"]
        tinfo = run.sym["types"].get("0x%x" % e["typ"]) if e.get("typ") else None
        noscan = (not e.get("typ")) or (tinfo and tinfo.get("ptrbytes") == 0)
        c = SC.classify(size, noscan)
        key = e["P"] if e["P"] is not None else 0  # mcache0 is P0's mcache after procresize
        rec = {
            "what": what(e["chain"], tinfo["name"] if tinfo else None, size),
            "size": size, "noscan": bool(noscan), "type": tinfo["name"] if tinfo else None,
            "kind": c["kind"], "sizeclass": c["sizeclass"], "elemsize": c["elemsize"],
            "spanclass": c["spanclass"], "header": c["header"],
            "site": TL.call_site(e["chain"]), "via": e["chain"][1] if len(e["chain"]) > 1 else None,
            "chain": e["chain"][1:10],
            "phase": e["phase"], "subphase": e.get("subphase", ""),
            "goroutine": ("g%d" % e["goid"]) if e["gkind"] == "g" else "%s of M%s%s" % (
                e["gkind"], e["M"], (" (for g%d)" % e["for_goid"]) if e["for_goid"] else ""),
            "M": e["M"], "P": e["P"] if e["P"] is not None else ("mcache0" if e["M"] == 0 else None),
        }
        if c["kind"] == "tiny":
            st = tiny.setdefault(key, [False, 0])
            off = st[1]
            if size & 7 == 0:
                off = (off + 7) & ~7
            elif size & 3 == 0:
                off = (off + 3) & ~3
            elif size & 1 == 0:
                off = (off + 1) & ~1
            if st[0] and off + size <= SC.TINY:
                st[1] = off + size
                rec["tiny"] = "sub-allocation (no new object)"
                rec["elemsize"] = 0
            else:
                rec["tiny"] = "new 16-byte block"
                if size < st[1] or not st[0]:
                    st[0], st[1] = True, size
        if c["kind"] == "zero":
            rec["tiny"] = None
        rec["before_main"] = not in_main
        out.append(rec)
    return out


def what(chain, tname, size):
    """What a runtime-internal allocation is (package-init allocations are
    described well enough by their type and call site)."""
    c = chain
    s = " ".join(c)
    def caller_of(fn):
        return c[c.index(fn) + 1] if fn in c and c.index(fn) + 1 < len(c) else None
    if tname == "runtime.g" and "runtime.malg" in c:
        who = caller_of("runtime.malg")
        if who == "runtime.allocm":
            return "g of a new M's g0 (allocm -> malg(16384))"
        if who == "runtime.mpreinit":
            return "g of an M's gsignal (mpreinit -> malg(32768))"
        if who == "runtime.newproc1":
            return "g of a new goroutine (newproc1 -> malg(2048))"
    if tname == "runtime.m":
        return "m of a new M (allocm)"
    if "runtime.makeProfStackFP" in c:
        return "m.profStack / m.mLockProfile.stack (mProfStackInit, 1072 B = 134 PCs)"
    if "runtime.allgadd" in c:
        return "allgs backing array growth (allgadd)"
    if tname == "runtime.p":
        return "p struct (procresize)"
    if tname == "*runtime.p" and "runtime.procresize" in c:
        return "allp slice (procresize)"
    if "runtime.procresize" in c and "runtime.makeslicecopy" in c:
        return "idlepMask / timerpMask (procresize)"
    if "runtime.(*randomOrder).reset" in c:
        return "stealOrder.coprimes (randomOrder.reset)"
    if "runtime.modulesinit" in c:
        return "activeModules slice (modulesinit)"
    if "internal/cpu.doinit" in c:
        return "internal/cpu options slice (cpuinit)"
    if "runtime.goargs" in c:
        return "argslice (goargs: 16 B per argument)"
    if "runtime.goenvs_unix" in c and "runtime.makeslice" in c:
        return "envs slice (goenvs: 16 B per environment variable)"
    if "runtime.goenvs_unix" in c:
        return "one environment string (goenvs: gostring of KEY=VALUE)"
    if "runtime.parsedebugvars" in c:
        return "parsedebugvars (string for godebug default)"
    if "runtime.acquireSudog" in c:
        return "sudog: g1 blocks in gcenable's <-c"
    if "runtime.gcenable" in c and "runtime.makechan" in c:
        return "gcenable's chan int, cap 2 (hchan 104 + 16)"
    if "runtime.gcenable" in c and "runtime.newobject" in c:
        return "closure for go bgsweep(c) / go bgscavenge(c)"
    if "runtime.(*scavengerState).init" in c:
        return "scavenger sleep timer (bgscavenge)"
    if "runtime.main" in c and "runtime.makechan" in c:
        return "main_init_done chan bool (runtime.main)"
    if "syscall.runtime_envs" in c:
        return "syscall.envs copy of runtime envs (16 B per variable)"
    if "os.runtime_args" in c:
        return "os.Args copy of runtime args (16 B per argument)"
    if "runtime.(*hmap).newoverflow" in c:
        return "map overflow bucket (hmap.newoverflow; how many depends on the random hash seed)"
    return None


def totals(allocs):
    t = {"mallocs": 0, "tiny_suballocs": 0, "objects": 0, "total_alloc": 0, "by_size": collections.Counter(),
         "zero_size": 0}
    for a in allocs:
        if not a["before_main"]:
            continue
        if a["kind"] == "zero":
            t["zero_size"] += 1
            continue
        t["mallocs"] += 1
        if a.get("tiny") == "sub-allocation (no new object)":
            t["tiny_suballocs"] += 1
            continue
        t["objects"] += 1
        t["total_alloc"] += a["elemsize"]
        if a["kind"] == "large":
            t["by_size"]["large"] += 1
        else:
            t["by_size"][SC.CLASS_TO_SIZE[a["sizeclass"]]] += 1
    t["by_size"] = {str(k): v for k, v in sorted(t["by_size"].items(), key=lambda kv: (kv[0] == "large", kv[0]))}
    return t


def signature(allocs):
    return tuple((a["phase"], a["site"], a["size"], a["P"] if a["P"] is not None else -1)
                 for a in allocs if a["before_main"])


def phase_table(allocs):
    rows = collections.OrderedDict()
    for a in allocs:
        if not a["before_main"] or a["kind"] == "zero":
            continue
        k = a["phase"]
        r = rows.setdefault(k, {"phase": k, "mallocs": 0, "objects": 0, "tiny_suballocs": 0,
                                "requested_bytes": 0, "heap_bytes": 0})
        r["mallocs"] += 1
        r["requested_bytes"] += a["size"]
        if a.get("tiny") == "sub-allocation (no new object)":
            r["tiny_suballocs"] += 1
        else:
            r["objects"] += 1
            r["heap_bytes"] += a["elemsize"]
    return list(rows.values())


def compare(t, probe):
    if not probe:
        return None
    return {
        "Mallocs": [t["mallocs"], probe.get("Mallocs")],
        "Frees (= tiny sub-allocations)": [t["tiny_suballocs"], probe.get("Frees")],
        "HeapObjects": [t["objects"], probe.get("HeapObjects")],
        "TotalAlloc": [t["total_alloc"], probe.get("TotalAlloc")],
        "HeapAlloc": [t["total_alloc"], probe.get("HeapAlloc")],
    }


MATCH_KEYS = [
    ("Mallocs", "Frees", "HeapAlloc", "HeapInuse", "StackInuse", "MSpanSys", "MSpanInuse", "GCSys", "OtherSys", "Sys"),
    ("Mallocs", "Frees", "HeapInuse", "StackInuse", "MSpanSys", "GCSys"),
    ("Mallocs", "Frees", "StackInuse", "MSpanSys", "GCSys"),
    ("Mallocs", "Frees", "StackInuse"),
]


def untraced_modal(prog):
    """The most common MemStats outcome of untraced runs (data/raw/probe-PROG.jsonl),
    for each key set of MATCH_KEYS."""
    path = os.path.join(TL.ROOT, "data/raw/probe-%s.jsonl" % prog)
    if not os.path.exists(path):
        return None
    rows = [json.loads(l) for l in open(path)]
    return [(keys, collections.Counter(tuple(r[k] for k in keys) for r in rows).most_common(1)[0]) for keys in MATCH_KEYS]


def choose(runs, per, modal, sigs, probe_res):
    """Pick the traced run to write out in full: the most common allocation
    sequence among the traced runs whose ReadMemStats equals the most common
    untraced outcome (trying smaller key sets if none matches).  Plain builds
    (no probe) take the run whose pre-main sequence equals the chosen probe run's."""
    if probe_res is not None:
        want = [(a["phase"], a["site"], a["size"], a["P"] if a["P"] is not None else -1)
                for a in probe_res["allocs"] if a["phase"] != "main.main"]
        best = None
        for i, a in enumerate(per):
            s = [x for x in signature(a) if x[0] != "main.main"]
            if s == want:
                return i, "same pre-main allocation sequence (with P) as the chosen probe run"
            if best is None:
                best = i
        return max(range(len(per)), key=lambda i: sigs[signature(per[i])]), "most common sequence (no run matched the probe run)"
    if modal:
        for keys, (vals, n) in modal:
            cands = [i for i, r in enumerate(runs) if r.probe and tuple(r.probe.get(k) for k in keys) == vals]
            if cands:
                i = max(cands, key=lambda i: sigs[signature(per[i])])
                return i, "ReadMemStats %s equal to the most common untraced outcome %s (%d of the untraced runs)" % (
                    "/".join(keys), list(vals), n)
    i = max(range(len(per)), key=lambda i: sigs[signature(per[i])])
    return i, "most common sequence"


def main():
    prog = sys.argv[1]
    res = {"program": prog, "go": "go1.23.5 linux/amd64",
           "how": "kernel uprobes on runtime.mallocgc and friends (tools/uprobe_trace.py), "
                  "env -i GOMAXPROCS=2 setarch x86_64 -R; frames via frame pointers, symbolized with inlining "
                  "(tools/symbolize_gdb.py); size classes per runtime/sizeclasses.go; tiny allocator simulated"}
    for variant, path in (("probe", "data/raw/uprobe-%s.probe.jsonl" % prog), ("plain", "data/raw/uprobe-%s.jsonl" % prog)):
        path = os.path.join(TL.ROOT, path)
        if not os.path.exists(path):
            continue
        binary = os.path.join(TL.ROOT, "bin", prog + (".probe" if variant == "probe" else ""))
        raws = TL.load_runs(path)
        sym, text = TL.symbolize(binary, raws, os.path.join(TL.ROOT, "data", "sym-%s%s.json" % (
            prog, ".probe" if variant == "probe" else "")))
        runs = [TL.Run(r, sym, text) for r in raws]
        per = [analyse(r) for r in runs]
        sigs = collections.Counter(signature(a) for a in per)
        mi, how = choose(runs, per, untraced_modal(prog), sigs, res.get("probe"))
        modal_sig = signature(per[mi])
        modal = per[mi]
        t = totals(modal)
        main_allocs = [a for a in per[mi] if not a["before_main"]]
        v = {"runs": len(runs), "chosen_run_index": mi, "chosen_because": how,
             "main_body_allocs_until_exit": None if variant == "probe" else len(main_allocs),
             "runs_with_chosen_sequence": sigs[modal_sig],
             "distinct_sequences": len(sigs), "totals_before_main": t,
             "probe_memstats": runs[mi].probe,
             "check_vs_memstats": compare(t, runs[mi].probe),
             "phases": phase_table(modal), "allocs": modal}
        # all runs: totals vs probe, to show the accounting holds in every run
        allrows = []
        for r, a in zip(runs, per):
            tt = totals(a)
            allrows.append({"mallocs": tt["mallocs"], "tiny_suballocs": tt["tiny_suballocs"],
                            "total_alloc": tt["total_alloc"],
                            "probe": {k: r.probe.get(k) for k in ("Mallocs", "Frees", "TotalAlloc")} if r.probe else None,
                            "Ms_created": sum(1 for e in r.events if e["ev"] == "newm"
                                              and not e.get("before_main_false")),
                            "allocs_on_P1": sum(1 for x in a if x["P"] == 1 and x["before_main"])})
        v["all_runs"] = allrows
        # how the other runs differ from the chosen one, ignoring which P ran what
        def content(a):
            return collections.Counter((x["what"] or x["site"], x["size"]) for x in a if x["before_main"])
        ref = content(per[mi])
        diffs = collections.Counter()
        for a in per:
            c = content(a)
            diffs[(tuple(sorted((c - ref).elements(), key=str)), tuple(sorted((ref - c).elements(), key=str)))] += 1
        v["variants"] = [{"runs": n, "extra_vs_chosen": [list(x) for x in ex], "missing_vs_chosen": [list(x) for x in mi_]}
                         for (ex, mi_), n in diffs.most_common()]
        # which P each phase's allocations ran on, over all runs
        pp = collections.defaultdict(collections.Counter)
        for a in per:
            byphase = collections.defaultdict(set)
            for x in a:
                if x["before_main"]:
                    byphase[x["phase"].split(" (")[0] if x["phase"].startswith("goroutine") else x["phase"]].add(str(x["P"]))
            for ph, ps in byphase.items():
                pp[ph]["+".join(sorted(ps))] += 1
        v["P_of_phase_over_runs"] = {ph: dict(c) for ph, c in pp.items()}
        res[variant] = v
    out = os.path.join(TL.ROOT, "allocs-%s.json" % prog)
    json.dump(res, open(out, "w"), indent=1)
    for variant in ("probe", "plain"):
        if variant in res:
            v = res[variant]
            print(prog, variant, "runs", v["runs"], "chosen", v["chosen_run_index"], v["chosen_because"],
                  "same sequence", v["runs_with_chosen_sequence"], "distinct", v["distinct_sequences"])
            print("  totals", {k: v["totals_before_main"][k] for k in ("mallocs", "tiny_suballocs", "objects", "total_alloc")})
            print("  check", v["check_vs_memstats"])


if __name__ == "__main__":
    main()
