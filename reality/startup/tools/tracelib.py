"""Shared loading and annotation of uprobe start-up traces
(tools/uprobe_trace.py output): symbolizes return addresses, type
descriptors and sys-stat pointers once per binary (tools/symbolize_gdb.py),
names the goroutine/M/P of every event and assigns it a start-up phase."""
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def text_range(binary):
    out = subprocess.run(["go", "tool", "nm", binary], capture_output=True, text=True, check=True).stdout
    lo, hi = None, None
    for line in out.splitlines():
        f = line.split(None, 2)
        if len(f) == 3 and f[1] in "Tt":
            a = int(f[0], 16)
            lo = a if lo is None else min(lo, a)
            hi = a if hi is None else max(hi, a)
    return lo, hi + 4096


def load_runs(path):
    return [json.loads(l) for l in open(path)]


def symbolize(binary, runs, cache):
    lo, hi = text_range(binary)
    pcs, types, addrs = set(), set(), set()
    for r in runs:
        for e in r["events"]:
            for i in range(9):
                v = e.get("f%d" % i)
                if v and lo <= v < hi:
                    pcs.add(v)
            for k in ("fn0", "fn"):
                if e.get(k):
                    pcs.add(e[k] + 1)  # symbolized at pc-1
            if e["ev"] == "malloc" and e.get("typ"):
                types.add(e["typ"])
            for k in ("stat", "fstat"):
                if e.get(k):
                    addrs.add(e[k])
    have = {}
    if os.path.exists(cache):
        have = json.load(open(cache))
        if (all("0x%x" % p in have["pcs"] for p in pcs) and all("0x%x" % t in have["types"] for t in types)
                and all("0x%x" % a in have["addrs"] for a in addrs)):
            return have, (lo, hi)
    tmp_in, tmp_out = cache + ".in", cache + ".tmp"
    json.dump({"pcs": sorted(pcs), "types": sorted(types), "addrs": sorted(addrs)}, open(tmp_in, "w"))
    env = dict(os.environ, SYM_IN=tmp_in, SYM_OUT=tmp_out)
    subprocess.run(["gdb", "-batch", "-nx", "-x", os.path.join(HERE, "symbolize_gdb.py"), binary],
                   env=env, capture_output=True, check=True)
    os.replace(tmp_out, cache)
    os.remove(tmp_in)
    return json.load(open(cache)), (lo, hi)


PROBED_FN = {
    "malloc": "runtime.mallocgc", "palloc": "runtime.persistentalloc", "sysalloc": "runtime.sysAlloc",
    "sysallocos": "runtime.sysAllocOS", "fixalloc": "runtime.(*fixalloc).alloc", "sysmap": "runtime.sysMap",
    "sysreserve": "runtime.sysReserve", "hugepage": "runtime.sysHugePageOS",
    "nohugepage": "runtime.sysNoHugePageOS", "stackalloc": "runtime.stackalloc",
    "stackfree": "runtime.stackfree", "allocmanual": "runtime.(*mheap).allocManual",
    "allocspan": "runtime.(*mheap).allocSpan", "refill": "runtime.(*mcache).refill",
    "grow": "runtime.(*mheap).grow", "malg": "runtime.malg", "newm": "runtime.newm",
    "newproc1": "runtime.newproc1", "mmap": "runtime.mmap", "munmap": "runtime.munmap",
    "madvise": "runtime.madvise", "clone": "runtime.clone", "mstart1": "runtime.mstart1",
    "copystack": "runtime.copystack", "schedinit": "runtime.schedinit", "procresize": "runtime.procresize",
    "rtmain": "runtime.main", "gcenable": "runtime.gcenable", "doinit": "runtime.doInit1",
    "mainmain": "main.main", "signal": "runtime.sigtrampgo", "readmemstats": "runtime.ReadMemStats", "newmarkbits": "runtime.newArenaMayUnlock",
}

# Functions that only forward an allocation request: the "call site" of an
# allocation is the first frame outside this set.
ALLOC_HELPERS = {
    "runtime.mallocgc", "runtime.newobject", "runtime.newarray", "runtime.makeslice", "runtime.makeslicecopy",
    "runtime.growslice", "runtime.makechan", "runtime.makemap", "runtime.makemap_small", "runtime.makeBucketArray",
    "runtime.newoverflow", "runtime.hashGrow", "runtime.mapassign", "runtime.mapassign_faststr",
    "runtime.mapassign_fast64", "runtime.mapassign_fast32", "runtime.mapassign_fast64ptr",
    "runtime.rawstring", "runtime.rawstringtmp", "runtime.gostring", "runtime.rawbyteslice",
    "runtime.rawruneslice", "runtime.concatstrings", "runtime.concatstring2", "runtime.concatstring3",
    "runtime.concatstring4", "runtime.concatstring5", "runtime.slicebytetostring", "runtime.stringtoslicebyte",
    "runtime.convT", "runtime.convTnoptr", "runtime.convTstring", "runtime.convTslice", "runtime.convT64",
    "runtime.convT32", "runtime.convT16", "reflect.unsafe_New", "reflect.unsafe_NewArray",
    "runtime.acquireSudog", "runtime.malg", "runtime.allgadd", "runtime.newproc1", "runtime.allocm",
    "runtime.mcommoninit", "runtime.mpreinit", "runtime.makeProfStackFP", "runtime.makeProfStack",
    "runtime.mProfStackInit", "runtime.newm", "runtime.newproc.func1", "runtime.systemstack",
    "internal/abi.Escape", "runtime.mapaccess1", "runtime.stringtoslicerune",
}


class Run:
    """One traced process: events annotated with chain, who, phase."""

    def __init__(self, raw, sym, text):
        self.raw = raw
        self.sym = sym
        self.lo, self.hi = text
        self.events = raw["events"]
        self.probe = raw.get("probe", {})
        self.events = drop_restarted(self.events)
        self.gid = {}  # g pointer -> goid
        self.m0g0 = None
        for e in self.events:
            if e.get("g") and e.get("g") != e.get("g0") and e.get("g") != e.get("gsig") and e.get("goid") is not None:
                self.gid[e["g"]] = e["goid"]
        self.annotate()

    def funcs_of(self, pc):
        s = self.sym["pcs"].get("0x%x" % pc)
        return s["funcs"] if s else ["?0x%x" % pc]

    def chain(self, e):
        """Probed function, then its callers (inlined ones included).  Sets
        e["truncated"] when all 9 recorded frames were valid, i.e. the real
        stack is deeper than what was recorded."""
        out = [PROBED_FN.get(e["ev"], e["ev"])]
        n = 0
        for i in range(9):
            v = e.get("f%d" % i)
            if not v or not (self.lo <= v < self.hi):
                break
            out.extend(self.funcs_of(v))
            n += 1
        e["truncated"] = n == 9
        return out

    def who(self, e):
        g = e.get("g")
        mid = e.get("mid")
        if g is not None and g == e.get("g0"):
            kind = "g0"
        elif g is not None and g == e.get("gsig"):
            kind = "gsignal"
        else:
            kind = "g"
        curg = e.get("curg") or 0
        cur = self.gid.get(curg) if curg and curg != g else None
        p = e.get("pid") if e.get("pp") else None
        return kind, mid, p, cur

    def annotate(self):
        g1_phase = None
        started = {}
        last_phase = {}  # tid -> (phase, subphase) of its previous event
        for e in self.events:
            e["chain"] = self.chain(e)
            kind, mid, p, cur = self.who(e)
            e["gkind"], e["M"], e["P"], e["for_goid"] = kind, mid, p, cur
            goid = e.get("goid") if kind == "g" else cur
            ch = e["chain"]
            # phase markers of the main goroutine
            if e["ev"] == "rtmain":
                g1_phase = "runtime.main"
            elif e["ev"] == "doinit":
                fn = self.funcs_of(e["fn0"] + 1)[-1]
                g1_phase = "init " + pkg_of(fn)
            elif e["ev"] == "gcenable" and goid == 1:
                g1_phase = "runtime.main: gcenable"
            elif e["ev"] == "mainmain":
                g1_phase = "main.main"
            if "runtime.schedinit" in ch:
                i = ch.index("runtime.schedinit")
                sub = ch[i - 1] if i > 0 else "runtime.schedinit"
                e["phase"] = "schedinit"
                e["subphase"] = sub
            elif "runtime.rt0_go" in ch:
                e["phase"] = "rt0_go"
                e["subphase"] = "newproc(runtime.main)" if "runtime.newproc" in ch else ch[-2] if len(ch) > 1 else ""
            elif "runtime.stoplockedm" in ch:
                # g1 is locked to M0 during init; when it blocks (gcenable's
                # channel receive) M0 hands its P to another M, creating one
                e["phase"] = "runtime.main: gcenable: stoplockedm -> handoffp -> newm"
                e["subphase"] = ""
            elif goid == 1:
                e["phase"] = g1_phase or "runtime.main"
                if g1_phase == "runtime.main: gcenable" and "runtime.gcenable" not in ch:
                    e["phase"] = "runtime.main" if "runtime.main" in ch else g1_phase
                e["subphase"] = ""
            elif goid is not None and goid > 1:
                entry = outermost(ch)
                if goid not in started or started[goid] in (None, "runtime.goexit"):
                    started[goid] = entry
                e["phase"] = "goroutine %d (%s)" % (goid, started.get(goid) or entry)
                e["subphase"] = ""
            elif e.get("truncated") and e["tid"] in last_phase:
                # deeper than the 9 recorded frames: same phase as this thread's previous event
                e["phase"], e["subphase"] = last_phase[e["tid"]]
            else:
                # scheduler code on an M's g0 with no user goroutine: name the path
                keyf = [f for f in ch if f in SCHED_PATH]
                e["phase"] = "scheduler on M%s (g0, no goroutine)" % mid
                e["subphase"] = " < ".join(keyf) or outermost(ch)
            last_phase[e["tid"]] = (e["phase"], e.get("subphase", ""))
            e["goid_eff"] = goid


ARGKEYS = ("size", "typ", "align", "stat", "n", "np", "spc", "fn")


def drop_restarted(events):
    """A probed function can be entered twice for one call:
    - its prologue finds the stack too small, calls morestack, which copies
      the stack (copystack on g0) and restarts the function;
    - a signal (SIGURG, asynchronous preemption) arrives while the kernel
      single-steps the probed instruction; the kernel abandons the step, the
      goroutine may be preempted right there, and when it runs again it
      re-executes the first instruction, so the uprobe fires again.
    Drop the first hit when the same goroutine's next entry event (on any
    thread) is the identical entry (same function, arguments and return
    address) and a copystack for it or a signal on its thread came between."""
    drop = set()
    n = len(events)
    for i, e in enumerate(events):
        g = e.get("g")
        if g is None or g == e.get("g0") or g == e.get("gsig") or e["ev"] == "signal":
            continue
        restarted = False
        for j in range(i + 1, n):
            x = events[j]
            if x["ev"] == "signal" and x["tid"] == e["tid"]:
                restarted = True
                continue
            if x["ev"] == "copystack" and x.get("curg") == g:
                restarted = True
                continue
            if x.get("g") == g and x.get("g") != x.get("g0"):
                if (restarted and x["ev"] == e["ev"] and all(x.get("f%d" % k) == e.get("f%d" % k) for k in range(4))
                        and all(x.get(k) == e.get(k) for k in ARGKEYS)):
                    drop.add(i)
                break
    return [e for i, e in enumerate(events) if i not in drop]


SCHED_PATH = ("runtime.newm", "runtime.startm", "runtime.handoffp", "runtime.stoplockedm", "runtime.schedule",
              "runtime.park_m", "runtime.gopreempt_m", "runtime.goschedImpl", "runtime.mstart1", "runtime.wakep",
              "runtime.findRunnable", "runtime.resetspinning", "runtime.sysmon", "runtime.retake")


def outermost(ch):
    for f in reversed(ch):
        if f not in ("runtime.goexit", "runtime.mstart", "runtime.mstart0", "runtime.systemstack",
                     "runtime.mcall", "runtime.clone") and not f.startswith("?"):
            return f
    return ch[-1] if ch else None


def pkg_of(fn):
    """Package path of a function symbol: fmt.init -> fmt, internal/poll.init.0 -> internal/poll,
    runtime.init.5 -> runtime, unicode.init -> unicode."""
    slash = fn.rfind("/")
    dot = fn.find(".", slash + 1)
    return fn[:dot] if dot >= 0 else fn


def call_site(chain):
    for f in chain:
        if f not in ALLOC_HELPERS and not f.startswith("?"):
            return f
    return chain[-1]
