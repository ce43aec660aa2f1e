#!/usr/bin/env python3
"""Joins real Go's heap dumps (live_dump.py: bin/live/<case>/run-K.json) with
gomem's start-up allocations (live_gomem.ts: bin/live/<case>/gomem.json) and
writes reality/startup/live/<case>.json (format: reality/startup §12).

    python3 live_join.py [case…]

Matching: a gomem allocation's slot (the address mallocgc returned, minus the
8-byte malloc header for scan objects over 512 B; the 16-byte block for tiny
allocations) must hold, in the run's heap dump at main (before any GC), an
object of the same size (the slot's elemsize) and the same kind (pointer
fields iff gomem's object is scannable). A run "matches exactly" when every
gomem allocation matched and the real heap at main has no other object.
"""

import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
STARTUP = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(STARTUP))
BIN = os.path.join(STARTUP, "bin", "live")
OUT = os.path.join(STARTUP, "live")


def spread(xs):
    xs = sorted(xs)
    return {"min": xs[0], "median": statistics.median_low(xs), "max": xs[-1]}


def hexa(a):
    return f"0x{a:x}"


def load_runs(case):
    d = os.path.join(BIN, case)
    runs = []
    k = 0
    while os.path.exists(os.path.join(d, f"run-{k}.json")):
        with open(os.path.join(d, f"run-{k}.json")) as f:
            runs.append(json.load(f))
        k += 1
    if not runs:
        raise SystemExit(f"{case}: no runs in {d} (run live_dump.py first)")
    return runs


class Gomem:
    def __init__(self, case):
        with open(os.path.join(BIN, case, "gomem.json")) as f:
            self.g = json.load(f)
        self.allocs = self.g["allocs"]
        ids = {}
        for a in self.allocs:
            if a["name"] is not None:
                i = a["name"]
            else:
                i = a["step"]
            if i in ids.values():
                raise SystemExit(f"{case}: two allocations would be called {i!r}")
            ids[a["seq"]] = i
            a["id"] = i
        self.blocks = {}   # slot -> [allocs]
        for a in self.allocs:
            self.blocks.setdefault(a["slot"], []).append(a)
        self.bytes = sum(v[0]["elemsize"] for v in self.blocks.values())
        self.scan = {slot: not all(x["noscan"] for x in allocs) for slot, allocs in self.blocks.items()}

    def alloc_at(self, slot, off):
        """The allocation of the block at `slot` that covers byte `off` of the
        slot (for a tiny block: the sub-allocation; else the one object)."""
        allocs = self.blocks.get(slot)
        if not allocs:
            return None
        if len(allocs) == 1:
            return allocs[0]
        for a in allocs:
            if a["addr"] - slot <= off < a["addr"] - slot + max(a["size"], 1):
                return a
        return None


def candidates(run):
    """The real heap at main that gomem's start-up could have allocated: every
    object except those only a goroutine's stack keeps (at main no init frame
    is left; what only a stack holds is that goroutine's own, e.g. the sudog of
    gin-idle's unique-map cleanup goroutine, blocked in a channel receive,
    which gomem models without allocating)."""
    return {o["addr"]: o for o in run["main"]["objects"] if not o["stackOnly"]}


def match_by_address(gm, run):
    """gomem block slot -> real address, where the real heap at main has an
    object at the same address, of the same size and kind (pointer fields
    iff gomem's object is scannable)."""
    pre = candidates(run)
    matched = {}
    for slot, allocs in gm.blocks.items():
        o = pre.get(slot)
        if o is None or o["size"] != allocs[0]["elemsize"] or (o["ptrWords"] > 0) != gm.scan[slot]:
            continue
        matched[slot] = slot
    return matched


def learn_signatures(gm, runs_matched):
    """For each gomem block, the pointer layout (the dump's pointer-field
    offsets, hashed) of the real object at its address: the object's type, as
    far as the dump shows it. Learned per size class from the runs in which
    that class is exactly gomem's — as many real objects as gomem's, every one
    at a gomem address — so that no extra object (another goroutine's sudog,
    an extra map bucket) has pushed gomem's out of place; the most common
    layout over those runs, or over all runs if there are none."""
    key_of = {slot: (allocs[0]["elemsize"], gm.scan[slot]) for slot, allocs in gm.blocks.items()}
    n_gomem = {}
    for k in key_of.values():
        n_gomem[k] = n_gomem.get(k, 0) + 1
    clean, anyv = {}, {}
    for run, matched in runs_matched:
        pre = candidates(run)
        n_real, n_match = {}, {}
        for o in pre.values():
            k = (o["size"], o["ptrWords"] > 0)
            n_real[k] = n_real.get(k, 0) + 1
        for slot in matched:
            n_match[key_of[slot]] = n_match.get(key_of[slot], 0) + 1
        for slot, ra in matched.items():
            k = key_of[slot]
            sig = pre[ra]["ptrSig"]
            for votes, ok in ((anyv, True), (clean, n_real.get(k) == n_gomem[k] == n_match.get(k))):
                if ok:
                    v = votes.setdefault(slot, {})
                    v[sig] = v.get(sig, 0) + 1
    out = {}
    for slot in gm.blocks:
        v = clean.get(slot) or anyv.get(slot)
        if v:
            out[slot] = max(v.items(), key=lambda kv: kv[1])[0]
    return out


def pair_class(gs, rs, gsig, rsig):
    """Pairs gomem blocks gs with real objects rs of one size class. Objects of
    one pointer layout (one type, as far as the dump shows) are paired among
    themselves: first those at the same address, then the rest in address
    order (within one type, allocation order). A gomem block with no layout
    learned (never at its own address in any run: its span lies elsewhere)
    takes what is left, in address order. No order is assumed between
    different types: spans of one class come from different Ps and mcentral's
    lists, so their address order is not the allocation order."""
    pairs = {}
    free_r = set(rs)
    for g in gs:
        if g in free_r and gsig.get(g) is not None and gsig[g] == rsig[g]:
            pairs[g] = g
            free_r.discard(g)
    by_sig_g, by_sig_r = {}, {}
    for g in gs:
        if g not in pairs and gsig.get(g) is not None:
            by_sig_g.setdefault(gsig[g], []).append(g)
    for r in rs:
        if r in free_r:
            by_sig_r.setdefault(rsig[r], []).append(r)
    for sig, gl in by_sig_g.items():
        for g, r in zip(sorted(gl), sorted(by_sig_r.get(sig, []))):
            pairs[g] = r
            free_r.discard(r)
    rest = sorted(g for g in gs if g not in pairs and gsig.get(g) is None)
    for g, r in zip(rest, sorted(free_r)):
        pairs[g] = r
    return pairs


def match_run(gm, run, sigs):
    """gomem block slot -> address of the real object at main it is taken to
    be: per size class, pair_class."""
    pre = candidates(run)
    rsig = {a: o["ptrSig"] for a, o in pre.items()}
    by_addr = match_by_address(gm, run)
    groups_g, groups_r = {}, {}
    for slot, allocs in gm.blocks.items():
        groups_g.setdefault((allocs[0]["elemsize"], gm.scan[slot]), []).append(slot)
    for a, o in pre.items():
        groups_r.setdefault((o["size"], o["ptrWords"] > 0), []).append(a)
    matched = {}
    for key, gs in groups_g.items():
        matched.update(pair_class(gs, groups_r.get(key, []), sigs, rsig))
    extra = len(pre) - len(matched)
    exact = len(matched) == len(gm.blocks) and extra == 0
    return matched, len(by_addr), exact, extra


def describe_real(run):
    """Names for the real objects after the GC that gomem has no allocation
    for: g structs and m structs by the dump's goroutine and thread records."""
    names = {}
    for g in run["gc"]["goroutines"]:
        names[g["addr"]] = f"g struct of {g['name']}"
    for m in run["gc"]["osthreads"]:
        names[m["addr"] - 8] = f"m struct of M{m['id']}"   # m has a malloc header: the dump's object is 8 B lower
        names[m["addr"]] = f"m struct of M{m['id']}"
    return names


def dump_json(out):
    """Indented at the top, one line per entry in the long lists (objects,
    steps, runs), so the file reads and diffs well."""
    def one(v):
        return json.dumps(v, separators=(", ", ": "))
    lines = ["{"]
    items = list(out.items())
    for n, (k, v) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        if k in ("objects", "steps", "unmatchedLive", "unmatchedAtMain") and v:
            lines.append(f" {json.dumps(k)}: [")
            lines += [f"  {one(x)}{',' if i < len(v) - 1 else ''}" for i, x in enumerate(v)]
            lines.append(f" ]{comma}")
        elif k == "real":
            body = dict(v)
            runs = body.pop("perRun")
            inner = json.dumps(body, indent=1).splitlines()
            lines.append(f" {json.dumps(k)}: " + inner[0])
            lines += [" " + l for l in inner[1:-1]]
            lines[-1] += ","
            lines.append('  "perRun": [')
            lines += [f"   {one(x)}{',' if i < len(runs) - 1 else ''}" for i, x in enumerate(runs)]
            lines.append("  ]")
            lines.append(f" }}{comma}")
        else:
            inner = json.dumps(v, indent=1).splitlines()
            lines.append(f" {json.dumps(k)}: " + inner[0])
            lines += [" " + l for l in inner[1:]]
            lines[-1] += comma
    lines.append("}")
    return "\n".join(lines) + "\n"


class Fields:
    """Names for offsets in the runtime's own structs (bin/live/<case>/fields.json)."""

    def __init__(self, case):
        path = os.path.join(BIN, case, "fields.json")
        self.f = json.load(open(path)) if os.path.exists(path) else {}

    def name(self, oid, off):
        if not isinstance(oid, str):
            return None
        if oid.startswith("p["):
            t = "runtime.p"
        elif oid.endswith(".m"):
            t = "runtime.m"
        elif oid.endswith(".g") or oid.startswith("g(") or "(448 B, g struct of" in oid:
            t = "runtime.g"
        else:
            return None
        for base, size, name, el in self.f.get(t, []):
            if base <= off < base + size:
                return f"{name}[{(off - base) // el}]" if el else name
        return None


def join(case):
    gm = Gomem(case)
    fields = Fields(case)
    runs = load_runs(case)
    # The init steps as the gomem tree that ran had them.
    inits = {"steps": [s["step"] for s in gm.g["steps"]]}
    with open(os.path.join(BIN, case, "build.json")) as f:
        build = json.load(f)

    # Pointer layouts learned from the runs where most objects sit at gomem's
    # addresses (gomem's schedule), then every run aligned with them.
    first = [(r, match_by_address(gm, r)) for r in runs]
    sigs = learn_signatures(gm, [(r, m) for r, m in first if len(m) >= 0.95 * len(gm.blocks)])
    per_run = []
    for r in runs:
        matched, by_addr, exact, extra = match_run(gm, r, sigs)
        per_run.append({"run": r["run"], "matched": len(matched), "matchedByAddress": by_addr, "exact": exact,
                        "extraAtMain": extra,
                        "atMain": {"objects": r["atMain"]["objects"], "bytes": r["atMain"]["bytes"]},
                        "afterGC": {"objects": r["afterGC"]["objects"], "bytes": r["afterGC"]["bytes"]},
                        "freedByGC": r["freedByGC"], "allocatedDuringGC": r["allocatedDuringGC"],
                        "mallocsAtMain": r["probe"]["main"]["Mallocs"], "freesAtMain": r["probe"]["main"]["Frees"],
                        "ms": len(r["main"]["osthreads"]),
                        "dumpsEqualMemStats": r["atMain"]["equalsMemStats"] and r["afterGC"]["equalsMemStats"],
                        "_matched": matched})
    # gomem's schedule: a run whose heap at main has at least 95% of gomem's
    # objects at gomem's addresses (the others start the inits on the other P,
    # or make a fifth M, and most addresses differ from there on).
    for p in per_run:
        p["gomemSchedule"] = p["matchedByAddress"] >= 0.95 * len(gm.blocks)
    best = max(per_run, key=lambda p: (p["gomemSchedule"], p["exact"], p["matched"], -p["extraAtMain"],
                                       p["matchedByAddress"], -p["run"]))

    def evaluate(run, matched):
        """Every gomem allocation's fate in one run, in gomem's terms."""
        post_objs = run["gc"]["objects"]
        post_at = {o["addr"]: (i, o) for i, o in enumerate(post_objs)}
        names = describe_real(run)
        post_to_slot = {}
        for slot, ra in matched.items():
            if ra in post_at and not post_at[ra][1]["new"]:
                post_to_slot[post_at[ra][0]] = slot

        def obj_ref(post_index, off):
            """A holder or target object, in gomem's terms: (id, offset from
            gomem's address), or a description of a real object gomem lacks."""
            o = post_objs[post_index]
            slot = post_to_slot.get(post_index)
            if slot is not None:
                a = gm.alloc_at(slot, off)
                if a is not None:
                    return a["id"], off - (a["addr"] - slot)
            what = names.get(o["addr"], "allocated during the GCs" if o["new"] else "not a gomem allocation")
            return f"real {hexa(o['addr'])} ({o['size']} B, {what})", off

        def holder_of(h):
            if h is None:
                return None
            if "global" in h:
                out = {"global": h["global"], "offset": h["offset"], "symbol": h["symbol"]}
                if h["symbol"] is not None:
                    out["symOffset"] = h["symOffset"]
                else:
                    out["after"] = h["after"]
                return out
            if "object" in h:
                oid, off = obj_ref(h["object"], h["offset"])
                out = {"object": oid, "offset": off}
                fname = fields.name(oid, off)
                if fname:
                    out["field"] = fname
                return out
            if "finalizerOf" in h:
                oid, off = obj_ref(h["finalizerOf"], h["offset"])
                return {"root": f"finalizer special of {oid}", "object": oid, "offset": off}
            if "stack" in h:
                out = {"stack": h["stack"]}
                if "offset" in h:
                    out["frameOffset"] = h["offset"]
                return out
            return {"root": h["root"]}

        # The heap at main, for objects the GCs freed: were they reachable there?
        pre_objs = run["main"]["objects"]
        pre_at = {o["addr"]: (i, o) for i, o in enumerate(pre_objs)}
        pre_to_slot = {pre_at[ra][0]: slot for slot, ra in matched.items() if ra in pre_at}

        def holder_at_main(h):
            if h is None:
                return None
            for key in ("object", "finalizerOf"):
                if key in h:
                    o = pre_objs[h[key]]
                    slot = pre_to_slot.get(h[key])
                    a = gm.alloc_at(slot, h["offset"]) if slot is not None else None
                    oid = a["id"] if a is not None else f"real {hexa(o['addr'])} ({o['size']} B)"
                    off = h["offset"] - (a["addr"] - slot) if a is not None else h["offset"]
                    out = {"object": oid, "offset": off}
                    fname = fields.name(oid, off)
                    if fname:
                        out["field"] = fname
                    return out
            return holder_of(h)

        fate = {}
        for a in gm.allocs:
            slot = a["slot"]
            ra = matched.get(slot)
            if ra is None:
                fate[a["seq"]] = None
                continue
            f = {"realSlot": ra}
            if ra in post_at and not post_at[ra][1]["new"]:
                pi, po = post_at[ra]
                f["live"] = True
                f["holder"] = holder_of(po["holder"])
                f["depth"] = po["depth"]
                base = a["addr"] - slot
                tiny = a["kind"].startswith("tiny")
                if tiny:
                    # Is this sub-object itself pointed to, or only kept by its
                    # block? Its holder is the first edge into its own bytes.
                    own = [(int(t), h) for t, h in po.get("holderAt", {}).items()
                           if base <= int(t) < base + max(a["size"], 1)]
                    f["referenced"] = bool(own)
                    if own:
                        f["holder"] = holder_of(min(own, key=lambda x: x[0])[1])
                    else:
                        f["holder"] = dict(holder_of(po["holder"]) or {}, keptBy="its tiny block")
                refs = []
                for off, j, toff in po["refs"]:
                    if tiny and not base <= off < base + a["size"]:
                        continue
                    tid, t_off = obj_ref(j, toff)
                    fname = fields.name(a["id"], off - base)
                    refs.append([off - base, tid, t_off] + ([fname] if fname else []))
                f["refs"] = refs
            else:
                f["live"] = False
                f["holder"] = None
                if ra in pre_at:
                    h = pre_at[ra][1]["holder"]
                    f["reachableAtMain"] = h is not None
                    if h is not None:
                        f["holderAtMain"] = holder_at_main(h)
            fate[a["seq"]] = f
        unmatched = []
        for i, o in enumerate(post_objs):
            if i in post_to_slot:
                continue
            unmatched.append({"addr": hexa(o["addr"]), "size": o["size"],
                              "what": names.get(o["addr"], "allocated during the GCs" if o["new"]
                                                else "at main, not at any gomem allocation's address"),
                              "allocatedDuringGC": o["new"], "holder": holder_of(o["holder"])})
        return fate, unmatched

    chosen = runs[best["run"]]
    post_objs = chosen["gc"]["objects"]
    post_at = {o["addr"]: (i, o) for i, o in enumerate(post_objs)}
    pre_objs = chosen["main"]["objects"]
    chosen_matched = best["_matched"]
    fate, unmatched_live = evaluate(chosen, chosen_matched)

    # The same over every run with gomem's schedule: is the object live, and is
    # its holder the same? (A disagreement means a different object took this
    # one's place in some run, e.g. after a map's extra overflow bucket.)
    others = [evaluate(r, p["_matched"])[0] for p, r in zip(per_run, runs) if p["gomemSchedule"]]

    objects = []
    for a in gm.allocs:
        slot = a["slot"]
        rec = {"id": a["id"], "step": a["step"], "seq": a["seq"], "addr": hexa(a["addr"]), "slot": hexa(slot),
               "size": a["size"], "elemsize": a["elemsize"], "kind": a["kind"], "noscan": a["noscan"],
               "type": a["type"], "p": a["p"]}
        fs = [o[a["seq"]] for o in others if o[a["seq"]] is not None]
        f = fate[a["seq"]]
        n_live = sum(1 for x in fs if x["live"])
        rec["liveInRuns"] = f"{n_live}/{len(fs)}"
        if f is None:
            rec["live"] = None
            rec["holder"] = None
            rec["why"] = "not found in the chosen run's heap at main (neither at its address nor by pointer layout and order in its size class)"
            objects.append(rec)
            continue
        if f["realSlot"] != slot:
            rec["realSlot"] = hexa(f["realSlot"])
            rec["matchedBy"] = "pointer layout and order in its size class"
        # Liveness, holder and pointer fields: the most common over the runs
        # with gomem's schedule (the chosen run's on a tie), with how many agree.
        rec["live"] = n_live * 2 > len(fs) if fs else f["live"]
        if rec["live"]:
            # The holder object (or global, or stack) is compared; the offset in
            # it can differ between runs when the holder is a hash table.
            ident = lambda h: json.dumps({k: v for k, v in h.items() if k not in ("offset", "frameOffset", "symOffset")},
                                         sort_keys=True) if h else None
            votes = {}
            for x in [f] + fs:
                if x["live"]:
                    k = ident(x["holder"])
                    votes[k] = votes.get(k, 0) + 1
            top = max(votes.items(), key=lambda kv: kv[1])[0]
            pick = next(x for x in [f] + fs if x["live"] and ident(x["holder"]) == top)
            holder, refs = pick["holder"], pick.get("refs", [])
            agree = sum(1 for x in fs if x["live"] and ident(x["holder"]) == top)
            rec["holder"] = holder
            rec["sameHolderInRuns"] = f"{agree}/{len(fs)}"
            for k in ("depth", "referenced"):
                if k in pick:
                    rec[k] = pick[k]
            if refs:
                rec["refs"] = refs
        else:
            rec["holder"] = None
            # Freed, though something held it at main: a root changed during the GCs.
            if f.get("reachableAtMain"):
                rec["reachableAtMain"] = True
                rec["holderAtMain"] = f["holderAtMain"]
        objects.append(rec)

    unmatched_main = []
    pre_matched = set(chosen_matched.values())
    for o in pre_objs:
        if o["addr"] not in pre_matched:
            po = post_at.get(o["addr"])
            unmatched_main.append({"addr": hexa(o["addr"]), "size": o["size"],
                                   "liveAfterGC": po is not None and not po[1]["new"]})

    steps = []
    for i, s in enumerate(inits["steps"]):
        own = [x for x in objects if x["step"] == i]
        st = {"step": i, "pkg": s.get("pkg")}
        if "action" in s:
            st["action"] = s["action"]
        else:
            st["alloc"] = s.get("alloc", s.get("allocPerEnv", s.get("allocPerArg")))
        st["objects"] = [x["id"] for x in own]
        if own:
            st["live"] = own[0]["live"] if len(own) == 1 else [x["live"] for x in own]
        steps.append(st)

    for p in per_run:
        del p["_matched"]
    live_objs = [x for x in objects if x["live"]]
    live_blocks = {x["slot"] for x in live_objs}
    freed = [x for x in objects if x["live"] is False]
    out = {
        "case": case,
        "go": build.get("go"),
        "env": build["env"],
        "argv": build["argv"],
        "format": "reality/startup/README.md §12",
        "real": {
            "runs": len(runs),
            "atMain": {"objects": spread([p["atMain"]["objects"] for p in per_run]),
                       "bytes": spread([p["atMain"]["bytes"] for p in per_run])},
            "afterGC": {"objects": spread([p["afterGC"]["objects"] for p in per_run]),
                        "bytes": spread([p["afterGC"]["bytes"] for p in per_run])},
            "freedByGC": spread([p["freedByGC"] for p in per_run]),
            "allocatedDuringGC": spread([p["allocatedDuringGC"] for p in per_run]),
            "dumpsEqualMemStats": sum(1 for p in per_run if p["dumpsEqualMemStats"]),
            "perRun": per_run,
        },
        "gomem": {"commit": gm.g.get("gomem", {}).get("commit"),
                  "srcUncommittedFiles": gm.g.get("gomem", {}).get("srcUncommitted"),
                  "tree": gm.g.get("gomem", {}).get("tree"),
                  "mallocs": len(gm.allocs), "objects": len(gm.blocks), "bytes": gm.bytes,
                  "initSteps": len(inits["steps"])},
        "match": {
            "chosenRun": best["run"],
            "chosenBecause": "a run with gomem's schedule (>= 95% of gomem's objects at their own address) that is exact (every gomem object found — at its address, or by pointer layout and order in its size class — and no other object at main) if any, else most gomem objects found, fewest other objects at main, most at their own address, the first",
            "objectsMatched": best["matched"],
            "objectsMatchedByAddress": best["matchedByAddress"],
            "objects": len(gm.blocks),
            "exactRuns": sum(1 for p in per_run if p["exact"]),
            "gomemScheduleRuns": sum(1 for p in per_run if p["gomemSchedule"]),
            "matchedOverRuns": spread([p["matched"] for p in per_run]),
            "matchedByAddressOverRuns": spread([p["matchedByAddress"] for p in per_run]),
        },
        "chosenRun": {
            "afterGC": {"objects": len(post_objs), "bytes": sum(o["size"] for o in post_objs)},
            "gomemObjectsLive": len(live_blocks),
            "gomemObjectsLiveWithSameHolderInAllRuns": len({x["slot"] for x in live_objs
                                                            if x.get("sameHolderInRuns", "").split("/")[0] == x.get("sameHolderInRuns", "").split("/")[-1]}),
            "gomemBytesLive": sum(gm.blocks[int(s, 16)][0]["elemsize"] for s in live_blocks),
            "gomemObjectsFreed": len({x["slot"] for x in freed}),
            "goroutines": chosen["gc"]["goroutines"],
            "osthreads": chosen["gc"]["osthreads"],
        },
        "holderRule": "breadth first over the real heap after the GCs; roots in markroot's order: data, bss, finalizer specials, goroutine stacks (allgs order); the holder is the first edge that reached the object",
        "objects": objects,
        "steps": steps,
        "unmatchedLive": unmatched_live,
        "unmatchedAtMain": unmatched_main,
    }
    for g in out["chosenRun"]["goroutines"]:
        g["addr"] = hexa(g["addr"])
    for m in out["chosenRun"]["osthreads"]:
        m["addr"] = hexa(m["addr"])
    out["summary"] = {
        "freed": [{"id": x["id"], "type": x["type"], "elemsize": x["elemsize"],
                   **({"holderAtMain": x["holderAtMain"]} if x.get("reachableAtMain") else {})}
                  for x in objects if x["live"] is False],
        "liveRuntimeObjects": sum(1 for x in objects if x["live"] and x["step"] is None),
        "liveInitObjects": sum(1 for x in objects if x["live"] and x["step"] is not None),
        "notFound": [x["id"] for x in objects if x["live"] is None],
        "liveWithHolderVaryingBetweenRuns": [x["id"] for x in objects if x.get("sameHolderInRuns")
                                             and x["sameHolderInRuns"].split("/")[0] != x["sameHolderInRuns"].split("/")[1]],
    }
    order = ["case", "go", "env", "argv", "format", "real", "gomem", "match", "chosenRun", "summary",
             "holderRule", "objects", "steps", "unmatchedLive", "unmatchedAtMain"]
    out = {k: out[k] for k in order}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, f"{case}.json"), "w") as f:
        f.write(dump_json(out))
    print(f"{case}: real at main {out['real']['atMain']['objects']} objs; after GC {out['real']['afterGC']['objects']} objs "
          f"{out['real']['afterGC']['bytes']} B; gomem {len(gm.blocks)} objects, matched {best['matched']} in run {best['run']} "
          f"(exact runs {out['match']['exactRuns']}/{len(runs)}, over runs {out['match']['matchedOverRuns']}); "
          f"gomem live {len(live_blocks)}, freed {out['chosenRun']['gomemObjectsFreed']}; unmatched live {len(unmatched_live)}")


def main():
    cases = sys.argv[1:] or sorted(d for d in os.listdir(BIN) if os.path.exists(os.path.join(BIN, d, "gomem.json")))
    for c in cases:
        join(c)


if __name__ == "__main__":
    main()
