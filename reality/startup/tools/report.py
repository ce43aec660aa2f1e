#!/usr/bin/env python3
"""Markdown tables from the JSON results (allocs-*, offheap-*, resident-*,
strace-*.annotated, data/raw/probe-*): written to tables.md by run_all.sh."""
import collections
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGS = ["min", "hello", "sysmix", "hellocp"]
KEYS = ["Mallocs", "Frees", "HeapObjects", "HeapAlloc", "HeapInuse", "HeapSys", "StackInuse", "MSpanInuse",
        "MSpanSys", "MCacheInuse", "MCacheSys", "BuckHashSys", "GCSys", "OtherSys", "Sys", "NextGC"]


def load(name):
    p = os.path.join(ROOT, name)
    return json.load(open(p)) if os.path.exists(p) else None


def md_escape(s):
    return str(s).replace("|", "\\|")


def memstats_table():
    print("## MemStats at the first line of main (untraced runs, env -i GOMAXPROCS=2)\n")
    print("Most common value, with how many of the 40 runs had it; other values seen in brackets.\n")
    rows = {}
    for p in PROGS:
        path = os.path.join(ROOT, "data/raw/probe-%s.jsonl" % p)
        if not os.path.exists(path):
            continue
        runs = [json.loads(l) for l in open(path)]
        rows[p] = {}
        for k in KEYS:
            c = collections.Counter(r.get(k) for r in runs)
            (v, n), rest = c.most_common(1)[0], c.most_common()[1:]
            s = "%s (%d)" % (v, n)
            if rest:
                s += " [" + ", ".join("%s:%d" % (a, b) for a, b in rest[:4]) + ("…" if len(rest) > 4 else "") + "]"
            rows[p][k] = s
    print("| field | " + " | ".join(rows) + " |")
    print("|---|" + "---|" * len(rows))
    for k in KEYS:
        print("| %s | %s |" % (k, " | ".join(rows[p][k] for p in rows)))
    print()


def alloc_table(p, variant="probe", limit=None):
    d = load("allocs-%s.json" % p)
    if not d or variant not in d:
        return
    v = d[variant]
    print("### %s (%s build): every mallocgc call before main.main, in order\n" % (p, variant))
    print("Run %d of %d traced runs (%s); %d runs had exactly this sequence (ignoring P)." % (
        v["chosen_run_index"], v["runs"], v["chosen_because"], v["runs_with_chosen_sequence"]))
    if v.get("check_vs_memstats"):
        print("Totals vs ReadMemStats in the same run: " + ", ".join(
            "%s %s/%s" % (k, a, b) for k, (a, b) in v["check_vs_memstats"].items()) + ".\n")
    print("| # | phase | size | type | scan | class: elemsize | tiny | what / call site (via) | goroutine | P |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    n = 0
    for i, a in enumerate(v["allocs"]):
        if not a["before_main"] and variant == "probe":
            continue
        if limit and n >= limit:
            break
        n += 1
        tiny = ""
        if a.get("tiny"):
            tiny = "sub" if a["tiny"].startswith("sub") else "new"
        cls = "large %d" % a["elemsize"] if a["kind"] == "large" else (
            "%s: %s" % (a["sizeclass"], a["elemsize"]) if a["kind"] != "tiny" else "2: 16")
        print("| %d | %s | %d | %s | %s | %s%s | %s | %s (%s) | %s | %s |" % (
            i, md_escape(a["phase"]), a["size"], md_escape(a["type"] or "-"), "" if a["noscan"] else "scan",
            cls, " +hdr" if a["header"] else "", tiny,
            md_escape(a["what"] + " — " + a["site"]) if a.get("what") else md_escape(a["site"]), md_escape(a["via"]),
            md_escape(a["goroutine"]), a["P"]))
    print()


def phase_table(p):
    d = load("allocs-%s.json" % p)
    if not d:
        return
    v = d["probe"]
    print("### %s: by phase (chosen run)\n" % p)
    print("| phase | mallocs | objects | tiny sub-allocs | requested B | heap B (slots) |")
    print("|---|---|---|---|---|---|")
    tot = collections.Counter()
    for r in v["phases"]:
        print("| %s | %d | %d | %d | %d | %d |" % (md_escape(r["phase"]), r["mallocs"], r["objects"],
                                                r["tiny_suballocs"], r["requested_bytes"], r["heap_bytes"]))
        for k in ("mallocs", "objects", "tiny_suballocs", "requested_bytes", "heap_bytes"):
            tot[k] += r[k]
    print("| **total** | %d | %d | %d | %d | %d |" % (tot["mallocs"], tot["objects"], tot["tiny_suballocs"],
                                                     tot["requested_bytes"], tot["heap_bytes"]))
    print()
    print("Variants over %d traced runs (allocations present in other runs but not in the chosen one, and vice versa):\n" % v["runs"])
    for x in v["variants"]:
        ex = collections.Counter(tuple(e) for e in x["extra_vs_chosen"])
        mi = collections.Counter(tuple(e) for e in x["missing_vs_chosen"])
        fmt = lambda c: "; ".join("%s× %s %d B" % (n, e[0], e[1]) for e, n in c.items()) or "-"
        print("- %d runs: extra: %s / missing: %s" % (x["runs"], fmt(ex), fmt(mi)))
    print()
    print("Which P ran each phase's allocations (runs):\n")
    for ph, c in v["P_of_phase_over_runs"].items():
        print("- %s: %s" % (ph, ", ".join("P%s: %d" % (k, n) for k, n in sorted(c.items()))))
    print()


def offheap_table(p):
    d = load("offheap-%s.json" % p)
    if not d:
        return
    print("### %s: off-heap runtime memory until ReadMemStats returns (chosen run)\n" % p)
    print("| # | call | size | stat | region | purpose | phase |")
    print("|---|---|---|---|---|---|---|")
    for i, r in enumerate(d["ledger"]):
        if r["ev"] in ("mmap", "madvise", "munmap", "sysreserve"):
            continue
        call = {"palloc": "persistentalloc", "sysalloc": "sysAlloc", "sysmap": "sysMap", "allocspan": "allocManual (stack)"}[r["ev"]]
        if r["ev"] == "palloc" and r["size"] >= 65536:
            call += " (>= 64 KiB: the sysAlloc on the next line)"
        if r["ev"] == "sysalloc" and r["purpose"] == "persistentalloc chunk (256 KiB)":
            call += " (chunk for the region of the next persistentalloc)"
        print("| %d | %s | %d | %s | %s | %s | %s |" % (i, call, r["size"], r["stat"] or "", r["region"] or "",
                                                       md_escape(r["purpose"] or " < ".join(r["chain"][:4])),
                                                       md_escape(r["phase"])))
    print()
    keys = ["OtherSys", "GCSys", "BuckHashSys", "MSpanSys", "MCacheSys", "MSpanInuse", "StackInuse", "HeapSys",
            "HeapInuse"]
    print("Recomputed from the ledger vs ReadMemStats (same run): " + ", ".join(
        "%s %s/%s" % (k, d["computed"][k], d["memstats"].get(k)) for k in keys) + ".")
    print("Runs where the recomputation equals ReadMemStats, per field: " + ", ".join(
        "%s %d/%d" % (k, n, d["runs"]) for k, n in d["runs_matching_per_key"].items()) + ".\n")
    print("persistentalloc regions: " + "; ".join(
        "%s: %d requests, %d B (%s)" % (k, g["requests"], g["bytes"], ", ".join("%s %d" % kv for kv in g["by_stat"].items()))
        for k, g in d["persistentalloc_regions"].items()) + "\n")


def resident_table(name):
    d = load(name)
    if not d:
        return
    st = d["status"]
    print("### %s (%s)\n" % (name, d["binary"]))
    print("status: " + ", ".join("%s %s" % (k, v) for k, v in st.items()) + "; VmPTE computed %d kB (%d PTE + %d PMD + %d PUD tables)." % (
        d["page_tables"]["VmPTE_kB_computed"], d["page_tables"]["pte_tables"], d["page_tables"]["pmd_tables"],
        d["page_tables"]["pud_tables"]))
    print("Distribution over %d runs (VmRSS, RssAnon, RssFile, Threads): %s\n" % (
        d["runs"], "; ".join("%s ×%d" % ("/".join(k), n) for k, n in d["distribution_VmRSS_RssAnon_RssFile_Threads"])))
    print("| VMA | perms | size kB | Rss kB | Anon kB | what | resident pages (page index runs within the VMA) |")
    print("|---|---|---|---|---|---|---|")
    for v in d["vmas"]:
        if v["size_kB"] == 0:
            continue
        parts = []
        for k, x in v["by_region"].items():
            runs = ",".join("%d" % a if n == 1 else "%d-%d" % (a, a + n - 1) for a, n in x["runs"][:8])
            if len(x["runs"]) > 8:
                runs += ",…"
            parts.append("%s: %d [%s]" % (md_escape(k), x["pages"], runs))
        if v.get("present_zero_page"):
            parts.append("(%d of them the shared zero page, not in Rss)" % v["present_zero_page"])
        print("| %s | %s | %d | %s | %s | %s | %s |" % (v["range"], v["perms"], v["size_kB"], v.get("Rss_kB", ""),
                                                      v.get("Anonymous_kB", ""), md_escape(v["label"] or ""),
                                                      "<br>".join(parts)))
    print()


# runtime2.go: goroutine status and wait reason enums (Go 1.23)
GSTATUS = {0: "idle", 1: "runnable", 2: "running", 3: "syscall", 4: "waiting", 6: "dead", 8: "copystack", 9: "preempted"}
WAITREASON = ["", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)", "dumping heap",
              "garbage collection", "garbage collection scan", "panicwait", "select", "select (no cases)",
              "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive", "chan send", "finalizer wait",
              "force gc (idle)", "semacquire", "sleep"]


def state_table(name):
    d = load(name)
    if not d or not d.get("runtime_state"):
        return
    s = d["runtime_state"]
    print("### goroutines, Ms and stacks at that moment (%s)\n" % name)
    print("| goroutine | status | wait reason | start | created by | stack | used |")
    print("|---|---|---|---|---|---|---|")
    for g in s["goroutines"]:
        wr = WAITREASON[g["waitreason"]] if g["waitreason"] < len(WAITREASON) else g["waitreason"]
        print("| g%d | %s | %s | %s | %s | %d @%s | %s |" % (g["goid"], GSTATUS.get(g["status"], g["status"]),
                                                          wr if g["status"] == 4 else "", g["startpc"],
                                                          g["created_by"], g["stack_size"], g["stack_lo"], g["stack_used"]))
    print()
    print("| M | tid | P | curg | g0 stack | gsignal stack |")
    print("|---|---|---|---|---|---|")
    for m in s["ms"]:
        print("| M%d | %d | %s | %s | %s @%s | %s @%s |" % (m["id"], m["tid"], m["p"], m["curg"],
                                                         m["g0_stack"]["size"], m["g0_stack"]["lo"],
                                                         m["gsignal_stack"]["size"], m["gsignal_stack"]["lo"]))
    print()
    print("Ps: " + "; ".join("P%d status %d, stackcache %s, tiny %s+%d, %d cached spans, mspancache %d, palloc off %d" % (
        p["id"], p["status"], "/".join(str(c["bytes"]) for c in p.get("stackcache", [])), p.get("tiny"),
        p.get("tinyoffset", 0), len(p.get("cached_spans", [])), p["mspancache_len"], p["palloc_off"]) for p in s["ps"]))
    print()
    print("stackpool: " + "; ".join("order %d (%d B): %s" % (o["order"], o["stack_size"], ", ".join(
        "span %s %d in use/%d free" % (x["base"], x["stacks_in_use"], x["free_stacks"]) for x in o["spans"]) or "empty")
        for o in s["stackpool"]))
    print()
    print("Stack spans in the heap arena:\n")
    for sp in d["spans"]:
        if sp["what"].startswith("stack span"):
            print("- 0x%x: %s" % (sp["lo"], sp["what"]))
    print()


def strace_table(p):
    d = load("strace-%s.annotated.json" % p)
    if not d:
        return
    print("### strace of %s (`%s`), the sequence seen in %d of %d runs\n" % (p, d["command"], d["runs_with_this_sequence"], d["runs"]))
    print("| thread | call | made by |")
    print("|---|---|---|")
    for c in d["calls"]:
        print("| %s | `%s` | %s |" % (c["thread"], md_escape(c["call"]), md_escape(c.get("runtime", "?"))))
    print()
    if d["other_sequences"]:
        print("Other sequences: " + "; ".join("%d runs" % o["runs"] for o in d["other_sequences"]) + ".\n")


def main():
    print("# Generated tables (tools/report.py; do not edit)\n")
    memstats_table()
    print("## Heap allocations\n")
    for p in PROGS:
        phase_table(p)
    for p in PROGS:
        alloc_table(p, "probe")
    for p in ("hello", "hellocp"):
        d = load("allocs-%s.json" % p)
        if d and "plain" in d:
            v = d["plain"]
            print("### %s (plain build): allocations in main.main until exit\n" % p)
            print("| # | size | type | class: elemsize | tiny | call site | goroutine | P |")
            print("|---|---|---|---|---|---|---|---|")
            for i, a in enumerate(v["allocs"]):
                if a["before_main"]:
                    continue
                print("| %d | %d | %s | %s: %s | %s | %s | %s | %s |" % (
                    i, a["size"], md_escape(a["type"] or "-"), a["sizeclass"], a["elemsize"],
                    (a.get("tiny") or "")[:3], md_escape(a["site"]), md_escape(a["goroutine"]), a["P"]))
            print()
    print("## Off-heap runtime memory\n")
    for p in PROGS:
        offheap_table(p)
    print("## Resident pages\n")
    for n in ["resident-hellocp-checkpoint.json", "resident-min.json", "resident-hello.json",
              "resident-sysmix.json", "resident-hellocp.json"]:
        resident_table(n)
    state_table("resident-hello.json")
    state_table("resident-hellocp-checkpoint.json")
    print("## strace\n")
    for p in PROGS:
        strace_table(p)


if __name__ == "__main__":
    main()
