#!/usr/bin/env python3
"""The package-init allocations of one reality case, from the uprobe traces
of tools/trace_cases.py: every heap allocation made while a package's init
task ran (the "init <package>" phases of tracelib, except the runtime's own),
in order, with the runtime actions interleaved with them (SetFinalizer,
goroutine creation, growth of the main goroutine's stack, ReadMemStats, new
Ms), the P each ran on, and the tiny allocator simulated per mcache over the
whole start-up exactly as tools/allocs.py does.

The modal run (the most common sequence of those items, P included) is
written out in full, the others summarised; scripts/mkinits.ts turns the
modal run into src/scenarios/inits/<case>.json.

Which P g1 runs the inits on is decided before them (when it wakes after
gcenable) and is close to a coin toss in real runs; the run written out is
one with the modal sequence that started on PREFERRED_START_P. The light runs
(trace_cases.py --light) and the untraced runs (untraced_start.py) show how
often each P is taken with less or no tracing.

usage: tools/case_inits.py CASE RAW.jsonl LIGHT.jsonl UNTRACED.jsonl BINARY OUT.json SYMCACHE.json
"""
import collections
import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import allocs as A  # noqa: E402
import sizeclass as SC  # noqa: E402
import tracelib as TL  # noqa: E402

TL.PROBED_FN["setfinalizer"] = "runtime.SetFinalizer"
BUILD = "CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -buildvcs=false -o BIN ./cases/CASE (reality/record.ts)"


def is_pkg_init(phase):
    """A package's init task run by runtime.main after gcenable (doInit of the
    module init tasks). The runtime's own init tasks (internal/bytealg,
    runtime) run before gcenable and are part of the modelled start-up."""
    return phase is not None and phase.startswith("init ") and phase not in ("init runtime", "init internal/bytealg")


def g1_pointer(run):
    for e in run.events:
        if e.get("goid") == 1 and e["gkind"] == "g":
            return e["g"]
    return None


def items_of(run):
    """(items of the package-init phases in order, start state, tiny offsets at the first init)."""
    g1 = g1_pointer(run)
    tiny = {}  # mcache (P) -> [has block, offset]; mcache0 is P0's
    items = []
    start = None
    last_g1_p = None
    after_gcenable = False
    for e in run.events:
        ev = e["ev"]
        ph = e.get("phase")
        if ev == "gcenable":
            after_gcenable = True
        mine = after_gcenable and is_pkg_init(ph)
        if e.get("goid_eff") == 1 and e["P"] is not None and not mine:
            last_g1_p = e["P"]
        if mine and start is None:
            start = {"p": last_g1_p, "tiny": {str(k): (v[1] if v[0] else None) for k, v in sorted(tiny.items())}}
        if ev == "readmemstats":
            tiny.clear()  # ReadMemStats -> flushallmcaches -> releaseAll drops every tiny block
            if mine:
                items.append({"ev": "ReadMemStats", "pkg": ph[5:], "P": e["P"]})
            continue
        if ev == "malloc":
            size = e["size"]
            tinfo = run.sym["types"].get("0x%x" % e["typ"]) if e.get("typ") else None
            noscan = bool((not e.get("typ")) or (tinfo and tinfo.get("ptrbytes") == 0))
            c = SC.classify(size, noscan)
            key = e["P"] if e["P"] is not None else 0
            t = None
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
                    t = "sub"
                else:
                    t = "new"
                    if size < st[1] or not st[0]:
                        st[0], st[1] = True, size
            if not mine:
                continue
            items.append({
                "ev": "malloc", "pkg": ph[5:], "size": size, "noscan": noscan,
                "type": tinfo["name"] if tinfo else None, "kind": c["kind"], "sizeclass": c["sizeclass"],
                "elemsize": 0 if t == "sub" else c["elemsize"], "header": c["header"], "tiny": t,
                "what": what(e["chain"], tinfo["name"] if tinfo else None, size),
                "partOf": part_of(e["chain"]),
                "site": TL.call_site(e["chain"]), "chain": e["chain"][1:10],
                "goroutine": ("g%d" % e["goid"]) if e["gkind"] == "g" else "%s of M%s%s" % (
                    e["gkind"], e["M"], (" (for g%d)" % e["for_goid"]) if e["for_goid"] else ""),
                "M": e["M"], "P": e["P"],
            })
            continue
        if not mine:
            continue
        if ev == "setfinalizer" and e.get("goid_eff") == 1:
            items.append({"ev": "SetFinalizer", "pkg": ph[5:], "P": e["P"], "site": e["chain"][1] if len(e["chain"]) > 1 else None})
        elif ev == "newproc1":
            items.append({"ev": "newproc", "pkg": ph[5:], "P": e["P"], "fn": run.funcs_of(e["fn"] + 1)[-1]})
        elif ev == "newm":
            items.append({"ev": "newm", "pkg": ph[5:], "P": e["P"], "fn": run.funcs_of(e["fn"] + 1)[-1] if e.get("fn") else None,
                          "via": [f for f in e["chain"] if f in TL.SCHED_PATH]})
        elif ev == "copystack" and e.get("gp") == g1:
            items.append({"ev": "stackgrow", "pkg": ph[5:], "P": e["P"], "to": e["newsize"],
                          "site": next((f for f in e["chain"] if not f.startswith("runtime.")), None)})
    return items, start


def what(chain, tname, size):
    """tools/allocs.py's description, minus its runtime.main-phase labels
    (inside an init task runtime.main is only an outer frame: a makechan in
    context's init is not main_init_done), plus syscall's environment map."""
    w = A.what(chain, tname, size)
    if w and w.startswith(("main_init_done", "gcenable", "closure for go bgsweep", "sudog: g1 blocks in gcenable")):
        w = None
    if "syscall.copyenv" in chain:
        w = "syscall.copyenv: the environment as a map[string]int (first syscall.Getenv; its size depends on the environment)"
    return w


def part_of(chain):
    """Allocations the runtime makes inside an action gomem models as an
    operation: a new goroutine (newproc1: its g and the allgs growth) or a new
    M (allocm: m, gsignal g, profStacks, g0 g)."""
    if "runtime.newproc1" in chain or "runtime.allgadd" in chain:
        return "newproc"
    if "runtime.allocm" in chain or "runtime.newm" in chain or "runtime.mcommoninit" in chain:
        return "newm"
    return None


def signature(items, start):
    """The sequence of items with the P expressed as changes: which P g1
    resumes on after gcenable is the runtime start-up's business (and the
    full probe set biases it, see light_ps); a change of P during the inits
    is part of the sequence."""
    out = []
    p = start["p"] if start else None
    for i in items:
        if i["P"] != p:
            out.append(("onP", i["P"]))
            p = i["P"]
        out.append((i["pkg"], i["ev"], i.get("size"), i.get("type"), i.get("to"), i.get("fn")))
    return tuple(out)


def per_package(items, start):
    """signature() cut per package (P changes relative to the P the package's init began on)."""
    out = collections.OrderedDict()
    p = start["p"] if start else None
    for i in items:
        seq = out.setdefault(i["pkg"], [])
        if i["P"] != p:
            seq.append(("onP", i["P"]))
            p = i["P"]
        seq.append((i["ev"], i.get("size"), i.get("type"), i.get("to"), i.get("fn")))
    return {k: tuple(v) for k, v in out.items()}


def light_ps(raws, sym, text):
    """Per light run: [(package, P)] of g1's package init tasks (doInit1
    entries after gcenable), in order."""
    out = []
    for raw in raws:
        run = TL.Run(raw, sym, text)
        seen, ps = False, []
        for e in run.events:
            if e["ev"] == "gcenable" and e.get("goid_eff") == 1:
                seen = True
            elif e["ev"] == "doinit" and seen and is_pkg_init(e.get("phase")):
                ps.append((e["phase"][5:], e["P"]))
        out.append(ps)
    return out


def content(items):
    """What was allocated/done, ignoring which P: for summarising how runs differ."""
    return collections.Counter((i["pkg"], i["ev"], i.get("what") or i.get("type") or i.get("fn") or i.get("to"), i.get("size"))
                               for i in items)


def totals(items):
    t = {"mallocs": 0, "tinySubAllocs": 0, "objects": 0, "bytes": 0}
    for i in items:
        if i["ev"] != "malloc" or i["kind"] == "zero":
            continue
        t["mallocs"] += 1
        if i["tiny"] == "sub":
            t["tinySubAllocs"] += 1
        else:
            t["objects"] += 1
            t["bytes"] += i["elemsize"]
    return t


def whole_run_totals(run):
    """Mallocs, Frees (= tiny sub-allocations) and TotalAlloc of the whole
    start-up up to main.main, as MemStats would count them (tools/allocs.py)."""
    a = [x for x in A.analyse(run) if x["before_main"]]
    t = A.totals(a)
    return {"Mallocs": t["mallocs"], "Frees": t["tiny_suballocs"], "TotalAlloc": t["total_alloc"]}


def runtime_part(w, t):
    """Mallocs/Frees/TotalAlloc of the start-up outside the package inits."""
    return "%d/%d/%d" % (w["Mallocs"] - t["mallocs"], w["Frees"] - t["tinySubAllocs"], w["TotalAlloc"] - t["bytes"])


def check_vs_recorded(case, t):
    """The representative run's whole start-up against the untraced recording
    (reality/cases/CASE/recorded.json): its first checkpoint is taken at the
    first line of main in every case whose main starts with checkpoint.Mark,
    and a checkpoint allocates nothing before its ReadMemStats."""
    path = os.path.join(TL.ROOT, "..", "cases", case, "recorded.json")
    src = open(os.path.join(TL.ROOT, "..", "cases", case, "main.go")).read()
    body = src[src.index("func main() {") + len("func main() {"):].lstrip()
    first_line = body.split("\n", 1)[0].strip()
    if not os.path.exists(path):
        return None
    cp = json.load(open(path))["checkpoints"][0]
    out = {"checkpoint": cp["name"], "firstLineOfMain": first_line,
           "comparable": first_line.startswith("checkpoint.Mark(")}
    for k, v in t.items():
        runs = cp["keys"]["memstats." + k]["runs"]
        out[k] = {"traced": v, "recorded": runs, "equalIn": sum(1 for x in runs if x == v)}
    return out


# gomem's runtime start-up (src/runtime/proc_start.ts) resumes g1 on P1 after
# gcenable. Real Go does so in about half the runs, depending on which
# thread the kernel wakes first (untraced, killed after the first checkpoint:
# P1 in 71 of 160 hello runs over four batches, from 9/40 to 30/40 per batch;
# README section 11); the full probe set makes it P0 more often. The run
# written out starts on P1 when a run with the modal sequence did.
PREFERRED_START_P = 1


def untraced_summary(path, traced_pairs, comparable):
    """The untraced first-checkpoint MemStats, and the start P they imply
    where Frees (tiny sub-allocations) tells the two apart in the traced runs."""
    if not path or not os.path.exists(path):
        return None
    rows = [json.loads(l) for l in open(path) if l.strip() and l.strip() != "null"]
    f2p = collections.defaultdict(set)
    for p, frees in traced_pairs:
        f2p[frees].add(p)
    inferable = comparable and len(f2p) > 1 and all(len(v) == 1 for v in f2p.values())
    start = collections.Counter(
        str(next(iter(f2p[r["Frees"]]))) if inferable and r["Frees"] in f2p else "?" for r in rows)
    return {
        "runs": len(rows),
        "checkpoint": rows[0]["checkpoint"] if rows else None,
        "MallocsFreesTotalAlloc": {"%d/%d/%d" % k: n for k, n in collections.Counter(
            (r["Mallocs"], r["Frees"], r["TotalAlloc"]) for r in rows).most_common()},
        "startPInferredFromFrees": dict(start) if inferable else None,
        "tracedStartPByFrees": {str(k): sorted(v) for k, v in sorted(f2p.items())},
    }


def slim(i):
    """An item as written to data/cases/CASE.json (no call chain, no derivable fields)."""
    keep = ("ev", "pkg", "P", "size", "noscan", "type", "tiny", "elemsize", "what", "partOf", "site", "fn", "to", "via")
    return {k: i[k] for k in keep if k in i and i[k] is not None}


def dump(res, fh):
    """JSON with one top-level key, one variant and one item per line."""
    lines = []
    for k, v in res.items():
        if k in ("items", "variants"):
            lines.append(' "%s": [\n%s\n ]' % (k, ",\n".join("  " + json.dumps(x) for x in v)))
        else:
            lines.append(" %s: %s" % (json.dumps(k), json.dumps(v)))
    fh.write("{\n" + ",\n".join(lines) + "\n}\n")


def main():
    case, raw, light, untraced, binary, out, cache = sys.argv[1:8]
    raws = [r for r in TL.load_runs(raw)]
    lraws = [r for r in TL.load_runs(light)] if os.path.exists(light) else []
    bad = [r["run"] for r in raws + lraws if not r.get("reached_main")]
    raws = [r for r in raws if r.get("reached_main")]
    lraws = [r for r in lraws if r.get("reached_main")]
    sym, text = TL.symbolize(binary, raws + lraws, cache)
    runs = [TL.Run(r, sym, text) for r in raws]
    per = [items_of(r) for r in runs]
    whole = [whole_run_totals(r) for r in runs]
    lps = light_ps(lraws, sym, text)
    light_start = collections.Counter(ps[0][1] if ps else None for ps in lps)
    sigs = collections.Counter(signature(i, s) for i, s in per)
    # The modal sequence, package by package: each map in an init has its own
    # random hash seed, so the overflow buckets (and where they fall) vary
    # independently per package; with dozens of such packages (gin-idle) no
    # two runs are alike, but the product of the per-package modes is the most
    # likely whole sequence. The run written out is one that has the mode in
    # the most packages (all of them when some run does), preferring one that
    # starts on PREFERRED_START_P, then the most common whole sequence.
    pps = [per_package(i, s) for i, s in per]
    pkgs = list(pps[0].keys())
    modes, pkg_counts = {}, {}
    for k in pkgs:
        cnt = collections.Counter(pp.get(k) for pp in pps)
        modes[k] = cnt.most_common(1)[0][0]
        pkg_counts[k] = sorted(cnt.values(), reverse=True)
    score = [sum(1 for k in pkgs if pp.get(k) == modes[k]) for pp in pps]
    best = max(score)
    cands = [k for k in range(len(per)) if score[k] == best]
    same_p = [k for k in cands if per[k][1]["p"] == PREFERRED_START_P]
    # The runtime's own part of the start-up (whole minus inits) also varies a
    # little (a 5th M, README section 8): prefer the most common one.
    rpart = [runtime_part(w, totals(i)) for w, (i, _) in zip(whole, per)]
    rmode = collections.Counter(rpart).most_common(1)[0][0]
    mi = max(same_p or cands, key=lambda k: (rpart[k] == rmode, sigs[signature(*per[k])], -k))
    items, start = per[mi]
    modal_n = sigs[signature(items, start)]
    ref = content(items)
    diffs = collections.Counter()
    for i, _ in per:
        c = content(i)
        diffs[(tuple(sorted((c - ref).elements(), key=str)), tuple(sorted((ref - c).elements(), key=str)))] += 1
    pp = collections.defaultdict(collections.Counter)
    for i, s in per:
        pp["(start)"][str(s["p"] if s else None)] += 1
        byp = collections.defaultdict(set)
        for x in i:
            byp[x["pkg"]].add(str(x["P"]))
        for pkg, ps in byp.items():
            pp[pkg]["+".join(sorted(ps))] += 1
    cdef = json.load(open(os.path.join(TL.ROOT, "..", "cases", case, "case.json")))
    go = subprocess.run(["go", "version"], capture_output=True, text=True).stdout.strip()
    rec = check_vs_recorded(case, whole[mi])
    unt = untraced_summary(untraced, [(s["p"], w["Frees"]) for (_, s), w in zip(per, whole)], rec and rec["comparable"])
    if unt and rec:
        key = "%d/%d/%d" % (whole[mi]["Mallocs"], whole[mi]["Frees"], whole[mi]["TotalAlloc"])
        rec["untracedRunsEqualInAllThree"] = unt["MallocsFreesTotalAlloc"].get(key, 0)
    res = {
        "case": case,
        "goVersion": go.split()[2] if go else None,
        "go": go,
        "how": "kernel uprobes on runtime.mallocgc and friends (tools/trace_cases.py), traced to main.main "
               "(traceoff trigger), env -i <case env> setarch x86_64 -R BINARY <case args>; "
               "phases, tiny allocator and call sites as tools/tracelib.py and tools/allocs.py",
        "binary": {"sha256": hashlib.sha256(open(binary, "rb").read()).hexdigest(), "size": os.path.getsize(binary),
                   "build": BUILD},
        "env": cdef["env"], "args": cdef["args"],
        "cmd": raws[0]["cmd"][:-1 - len(cdef["args"])] + ["BINARY"] + raws[0]["cmd"][len(raws[0]["cmd"]) - len(cdef["args"]):],
        "runs": len(runs), "runsNotReachingMain": bad,
        "distinctSequences": len(sigs), "sequenceCounts": sorted(sigs.values(), reverse=True),
        "modalRuns": modal_n, "chosenRun": raws[mi]["run"],
        "packagesWithModalInit": "%d of %d" % (best, len(pkgs)),
        "runsWithModalInitInEveryPackage": score.count(len(pkgs)),
        "candidateRunsStartingOnP": dict(collections.Counter(str(per[k][1]["p"]) for k in cands)),
        "startsOnPreferredP": bool(same_p),
        "runsPerPackageVariant": {k: v for k, v in pkg_counts.items() if len(v) > 1},
        "pOfPackageOverRuns": {k: dict(v) for k, v in pp.items()},
        "lightRuns": len(lps),
        "lightStartP": {str(k): v for k, v in light_start.most_common()},
        "lightPChangesDuringInit": sum(1 for ps in lps if len({p for _, p in ps}) > 1),
        "untraced": unt,
        "atStart": start,
        "totals": totals(items),
        "totalsOverRuns": {k: n for k, n in collections.Counter(
            json.dumps(totals(i), sort_keys=True) for i, _ in per).most_common()},
        "wholeStartupTotals": whole[mi],
        "runtimePartOverRuns": dict(collections.Counter(rpart).most_common()),
        "checkVsRecorded": rec,
        # how the runs' content differs from the written run's (the 20 commonest differences)
        "variants": [{"runs": n, "extra": [list(x) for x in ex], "missing": [list(x) for x in mis]}
                     for (ex, mis), n in diffs.most_common(20)],
        "variantsNotListed": {"kinds": max(0, len(diffs) - 20), "runs": sum(n for _, n in diffs.most_common()[20:])},
        "items": [slim(i) for i in items],
    }
    with open(out, "w") as fh:
        dump(res, fh)
    print(case, "runs", len(runs), "distinct", len(sigs), "modal", modal_n, "items", len(items), "totals", res["totals"],
          "start", start)


if __name__ == "__main__":
    main()
