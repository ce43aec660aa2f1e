#!/usr/bin/env python3
"""Which pages of a Go process are resident at a chosen moment.

usage: tools/resident.py BINARY OUT.json [runs]   (as root)

BINARY is a stop build (-tags stop: SIGSTOP at the first line of main;
-tags stopcp: SIGSTOP right after hellocp's "start" checkpoint).  It is run as
`env -i GOMAXPROCS=2 setarch x86_64 -R BINARY`; when it has stopped itself
this tool reads, without touching the process's memory:
  /proc/PID/status, /proc/PID/smaps (per-VMA Rss/Anonymous/...),
  /proc/PID/pagemap (per 4 KiB page: present, exclusive, file/shared, PFN)
  and /proc/kpageflags for each present PFN (zero page, THP, anon, ...);
then attaches gdb (tools/resident_labels_gdb.py) to name the runtime's
regions from its own globals (summaries, scavenge index, arena map,
heapArena, chunk bitmap, persistentalloc chunks, gcBits arenas, allspans,
spans of the heap arena), and finally lets the process continue.
"""
import json
import os
import signal
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = 4096

KPF = {0: "LOCKED", 2: "REFERENCED", 3: "UPTODATE", 4: "DIRTY", 5: "LRU", 6: "ACTIVE", 10: "BUDDY",
       11: "MMAP", 12: "ANON", 17: "HUGE", 22: "THP", 24: "ZERO_PAGE", 25: "IDLE", 26: "PGTABLE"}


def wait_stopped(pid, timeout=5.0):
    t0 = time.time()
    while time.time() - t0 < timeout:
        st = open("/proc/%d/stat" % pid).read()
        state = st[st.rindex(")") + 2]
        if state == "T":
            return True
        time.sleep(0.001)
    return False


def parse_maps(pid):
    out = []
    for line in open("/proc/%d/maps" % pid):
        f = line.split(None, 5)
        lo, hi = (int(x, 16) for x in f[0].split("-"))
        out.append({"lo": lo, "hi": hi, "perms": f[1], "offset": int(f[2], 16),
                    "name": f[5].strip() if len(f) > 5 else ""})
    return out


def parse_smaps(pid):
    vmas = []
    cur = None
    for line in open("/proc/%d/smaps" % pid):
        f = line.split()
        if "-" in f[0] and len(f[0].split("-")) == 2 and ":" not in f[0]:
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            cur = {"range": f[0], "lo": lo, "hi": hi, "perms": f[1], "name": f[5] if len(f) > 5 else ""}
            vmas.append(cur)
        elif f[0].endswith(":") and cur is not None:
            k = f[0][:-1]
            if k == "VmFlags":
                cur[k] = " ".join(f[1:])
            elif len(f) >= 2 and f[1].isdigit():
                cur[k + "_kB"] = int(f[1])
            else:
                cur[k] = " ".join(f[1:])
    return vmas


def pagemap(pid, lo, hi):
    with open("/proc/%d/pagemap" % pid, "rb") as fh:
        fh.seek(lo // PAGE * 8)
        data = fh.read((hi - lo) // PAGE * 8)
    return struct.unpack("<%dQ" % (len(data) // 8), data)


def kpageflags(pfns):
    out = {}
    with open("/proc/kpageflags", "rb") as fh:
        for p in pfns:
            fh.seek(p * 8)
            (v,) = struct.unpack("<Q", fh.read(8))
            out[p] = v
    return out


def runs_of(offsets):
    """[[first_page, count], ...] of consecutive page indexes."""
    out = []
    for o in offsets:
        if out and out[-1][0] + out[-1][1] == o:
            out[-1][1] += 1
        else:
            out.append([o, 1])
    return out


def snapshot(pid):
    status = {}
    for line in open("/proc/%d/status" % pid):
        k, _, v = line.partition(":")
        status[k] = v.strip()
    vmas = parse_smaps(pid)
    present = {}
    allpfn = set()
    for v in vmas:
        if v["name"] == "[vsyscall]":
            continue
        ents = pagemap(pid, v["lo"], v["hi"])
        pages = []
        for i, ent in enumerate(ents):
            if ent >> 63 & 1:
                pfn = ent & ((1 << 55) - 1)
                pages.append((i, pfn, bool(ent >> 61 & 1), bool(ent >> 56 & 1)))
                allpfn.add(pfn)
        present[v["range"]] = pages
    flags = kpageflags(sorted(allpfn))
    return status, vmas, present, flags


def one(binary, out):
    p = subprocess.Popen(["env", "-i", "GOMAXPROCS=2", "setarch", "x86_64", "-R", os.path.realpath(binary)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # env and setarch exec in place, so p.pid is the Go process
    if not wait_stopped(p.pid):
        p.kill()
        raise SystemExit("process did not stop itself")
    pid = p.pid
    status, vmas, present, flags = snapshot(pid)
    # name the runtime's regions (gdb attaches only now: its reads cannot change the snapshot)
    lab_out = out + ".labels.tmp"
    env = dict(os.environ, LABELS_OUT=lab_out)
    subprocess.run(["gdb", "-batch", "-nx", "-p", str(pid), "-x", os.path.join(HERE, "resident_labels_gdb.py")],
                   env=env, capture_output=True)
    labels = json.load(open(lab_out)) if os.path.exists(lab_out) else {"regions": [], "spans": []}
    if os.path.exists(lab_out):
        os.remove(lab_out)
    os.kill(pid, signal.SIGCONT)
    stdout, stderr = p.communicate(timeout=10)

    regions = labels["regions"]
    spans = labels.get("spans", [])

    def region_of(addr):
        best = None
        for r in regions:
            if r["lo"] <= addr < r["hi"]:
                if best is None or (r["hi"] - r["lo"]) < (best["hi"] - best["lo"]):
                    best = r
        return best["name"] if best else None

    def span_of(addr):
        for s in spans:
            if s["lo"] <= addr < s["hi"]:
                return s
        return None

    res = {"binary": os.path.basename(binary),
           "status": {k: status[k] for k in ("VmPeak", "VmSize", "VmHWM", "VmRSS", "RssAnon", "RssFile",
                                             "RssShmem", "VmData", "VmStk", "VmExe", "VmLib", "VmPTE", "Threads")},
           "checkpoint_line": next((l for l in stdout.decode().splitlines() if l.startswith("CHECKPOINT")), None),
           "vmas": []}
    for v in vmas:
        pages = present.get(v["range"], [])
        rec = {k: v[k] for k in v if k not in ("lo", "hi")}
        rec["size_kB"] = (v["hi"] - v["lo"]) // 1024
        rec["label"] = region_of(v["lo"]) or v["name"] or None
        zero = [i for (i, pfn, f, x) in pages if flags.get(pfn, 0) >> 24 & 1]
        thp = [i for (i, pfn, f, x) in pages if flags.get(pfn, 0) >> 22 & 1]
        rec["present_pages"] = len(pages)
        rec["present_zero_page"] = len(zero)
        rec["present_thp"] = len(thp)
        rec["present_runs"] = runs_of([i for (i, pfn, f, x) in pages])
        if zero:
            rec["zero_page_runs"] = runs_of(zero)
        # file mappings: which pages are still the file's (page cache) and which became private copies
        if v["name"].startswith("/"):
            rec["anon_copied_pages"] = runs_of([i for (i, pfn, f, x) in pages if not f])
        # per labelled sub-region: resident pages
        subs = {}
        for (i, pfn, f, x) in pages:
            a = v["lo"] + i * PAGE
            lab = region_of(a) or "(unlabelled)"
            if lab.startswith("heap arena"):
                s = span_of(a)
                lab = ("heap arena: " + s["what"]) if s else "heap arena: free pages"
            d = subs.setdefault(lab, [])
            d.append(i)
        rec["by_region"] = {k: {"pages": len(v2), "runs": runs_of(v2)} for k, v2 in subs.items()}
        res["vmas"].append(rec)
    res["labels"] = regions
    res["spans"] = spans
    res["runtime_state"] = labels.get("state")
    res["stacks"] = labels.get("stacks")
    # VmPTE check: one 4 KiB table per 2 MiB (PTE), 1 GiB (PMD) and 512 GiB (PUD)
    # region holding any mapped page (the PGD is not counted by the kernel)
    pte, pmd, pud = set(), set(), set()
    for v in res["vmas"]:
        lo = int(v["range"].split("-")[0], 16)
        for a, n in v["present_runs"]:
            for i in range(a, a + n):
                addr = lo + i * PAGE
                pte.add(addr >> 21)
                pmd.add(addr >> 30)
                pud.add(addr >> 39)
    res["page_tables"] = {"pte_tables": len(pte), "pmd_tables": len(pmd), "pud_tables": len(pud),
                          "VmPTE_kB_computed": 4 * (len(pte) + len(pmd) + len(pud))}
    res["present_nonzero_pages"] = sum(r["present_pages"] - r["present_zero_page"] for r in res["vmas"])
    return res


def main():
    binary, out = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    results = [one(binary, out) for _ in range(runs)]
    key = lambda r: (r["status"]["VmRSS"], r["status"]["RssAnon"], r["status"]["RssFile"], r["status"]["Threads"])
    import collections
    dist = collections.Counter(key(r) for r in results)
    modal = dist.most_common(1)[0][0]
    res = next(r for r in results if key(r) == modal)
    res["runs"] = runs
    res["distribution_VmRSS_RssAnon_RssFile_Threads"] = [[list(k), n] for k, n in dist.most_common()]
    json.dump(res, open(out, "w"), indent=1)
    st = res["status"]
    print(out, "VmRSS", st["VmRSS"], "RssAnon", st["RssAnon"], "RssFile", st["RssFile"], "VmPTE", st["VmPTE"],
          "(computed %d kB)" % res["page_tables"]["VmPTE_kB_computed"], "Threads", st["Threads"],
          "present(non-zero) pages", res["present_nonzero_pages"])
    print("  distribution", res["distribution_VmRSS_RssAnon_RssFile_Threads"])


if __name__ == "__main__":
    main()
