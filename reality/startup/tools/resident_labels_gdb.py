# gdb Python, attached to a stopped Go 1.23 process (tools/resident.py):
# names the runtime's memory regions from its own globals and writes
# {"regions": [{lo, hi, name}], "spans": [{lo, hi, what}]} to $LABELS_OUT.
import gdb
import json
import os

inf = gdb.selected_inferior()


def ev(expr):
    return gdb.parse_and_eval(expr)


def deref(addr, tname):
    return gdb.Value(addr).cast(gdb.lookup_type(tname).pointer()).dereference()


def u64(addr):
    return int.from_bytes(bytes(inf.read_memory(addr, 8)), "little")


regions = []


def add(lo, size, name):
    if lo:
        regions.append({"lo": int(lo), "hi": int(lo) + int(size), "name": name})


def sym_addr(name):
    # linker symbols without DWARF: ask for the minimal symbol's address
    out = gdb.execute("info address %s" % name, to_string=True)
    import re
    return int(re.search(r"(?:is at|at address) (0x[0-9a-f]+)", out).group(1), 16)


# binary sections (data/bss/noptrbss)
try:
    for a, b, n in (("runtime.data", "runtime.edata", "binary .data"),
                    ("runtime.noptrdata", "runtime.enoptrdata", "binary .noptrdata"),
                    ("runtime.bss", "runtime.ebss", "binary .bss"),
                    ("runtime.noptrbss", "runtime.enoptrbss", "binary .noptrbss")):
        lo, hi = sym_addr(a), sym_addr(b)
        add(lo, hi - lo, n)
except Exception:
    pass

h = ev("'runtime.mheap_'")
# arena index: one L2 array (arenaL1Bits = 0)
l2 = int(h["arenas"][0])
add(l2, (1 << 22) * 8, "arena index L2 map (mheap_.arenas[0], 4M x *heapArena, 32 MiB)")
ai = ((0xC000000000 + (1 << 47)) >> 26)
ha = u64(l2 + ai * 8) if l2 else 0
add(ha, int(gdb.lookup_type("runtime.heapArena").sizeof), "heapArena metadata of arena 0xc000000000")
add(0xC000000000, 64 << 20, "heap arena 0xc000000000")
# page allocator summaries
for lvl in range(5):
    s = h["pages"]["summary"][lvl]
    add(int(s["array"]), int(s["cap"]) * 8, "page summary level L%d" % lvl)
# scavenge index
try:
    ch = h["pages"]["scav"]["index"]["chunks"]
    add(int(ch["array"]), int(ch["cap"]) * 8, "scavenge index (scavChunkData per 4 MiB chunk)")
except gdb.error:
    pass
# chunk bitmap L2 block of the heap's chunk
ci = (0xC000000000 + (1 << 47)) >> 22
l1 = ci >> 13
blk = int(h["pages"]["chunks"][l1])
add(blk, (1 << 13) * int(gdb.lookup_type("runtime.pallocData").sizeof), "chunk bitmap L2 block (8192 x pallocData)")
# allspans
sp = h["allspans"]
add(int(sp["array"]), int(sp["cap"]) * 8, "mheap_.allspans backing array")
# gcBits arenas
gb = ev("'runtime.gcBitsArenas'")
for k in ("current", "next", "previous", "free"):
    a = int(gb[k])
    seen = 0
    while a and seen < 64:
        add(a, 64 << 10, "gcBits arena (%s)" % k)
        a = int(deref(a, "runtime.gcBitsArena")["next"]) if k == "free" else 0
        seen += 1
# persistentalloc chunks and their owners
owners = {int(ev("'runtime.globalAlloc'.persistentAlloc.base")): "global"}
allp = ev("'runtime.allp'")
for i in range(int(allp["len"])):
    p = u64(int(allp["array"]) + 8 * i)
    b = int(deref(p, "runtime.p")["palloc"]["base"])
    owners[b] = "P%d" % i
c = int(ev("'runtime.persistentChunks'"))
n = 0
while c and n < 256:
    add(c, 256 << 10, "persistentalloc chunk (%s)" % owners.get(c, "retired"))
    c = u64(c)
    n += 1

# spans of the heap arena, and who owns each stack
stacks = []
allgs = ev("'runtime.allgs'")
for i in range(int(allgs["len"])):
    g = u64(int(allgs["array"]) + 8 * i)
    gv = deref(g, "runtime.g")
    stacks.append((int(gv["stack"]["lo"]), int(gv["stack"]["hi"]), "g%d stack" % int(gv["goid"])))
m = int(ev("'runtime.allm'"))
while m:
    mv = deref(m, "runtime.m")
    for k in ("g0", "gsignal"):
        g = int(mv[k])
        if g:
            gv = deref(g, "runtime.g")
            stacks.append((int(gv["stack"]["lo"]), int(gv["stack"]["hi"]), "M%d %s stack" % (int(mv["id"]), k)))
    m = int(mv["alllink"])
gc = ev("'runtime.gcrash'")
stacks.append((int(gc["stack"]["lo"]), int(gc["stack"]["hi"]), "gcrash stack"))

spans = []
names = {0: "dead", 1: "in use", 2: "manual"}
for i in range(int(sp["len"])):
    s = u64(int(sp["array"]) + 8 * i)
    sv = deref(s, "runtime.mspan")
    lo = int(sv["startAddr"])
    hi = lo + int(sv["npages"]) * 8192
    st = int(sv["state"]["s"]["value"])
    if st == 2:
        own = [nm for (a, b, nm) in stacks if lo <= a < hi]
        what = "stack span (%d KiB): %s" % ((hi - lo) >> 10, ", ".join(own) if own else "free stacks only")
    elif st == 1:
        spc = int(sv["spanclass"])
        what = "span class %d%s elemsize %d, %d/%d allocated" % (
            spc >> 1, " noscan" if spc & 1 else "", int(sv["elemsize"]), int(sv["allocCount"]), int(sv["nelems"]))
    else:
        what = "dead span"
    spans.append({"lo": lo, "hi": hi, "what": what})

# scheduler state: goroutines, Ms, Ps (mcache tiny block, stack cache), stack pool
WAIT = {}
try:
    for line in gdb.execute("ptype runtime.waitReason", to_string=True).splitlines():
        pass
except gdb.error:
    pass


def sym(pc):
    if not pc:
        return None
    out = gdb.execute("info symbol 0x%x" % pc, to_string=True)
    return None if out.startswith("No symbol") else out.split(" in section")[0].strip()


state = {"goroutines": [], "ms": [], "ps": [], "stackpool": [], "stackLarge": []}
for i in range(int(allgs["len"])):
    g = u64(int(allgs["array"]) + 8 * i)
    gv = deref(g, "runtime.g")
    state["goroutines"].append({
        "goid": int(gv["goid"]), "status": int(gv["atomicstatus"]["value"]), "waitreason": int(gv["waitreason"]),
        "startpc": sym(int(gv["startpc"])), "created_by": sym(int(gv["gopc"])),
        "stack_lo": "0x%x" % int(gv["stack"]["lo"]), "stack_size": int(gv["stack"]["hi"]) - int(gv["stack"]["lo"]),
        "stack_used": int(gv["stack"]["hi"]) - int(gv["sched"]["sp"]) if int(gv["sched"]["sp"]) else None,
        "m": int(deref(int(gv["m"]), "runtime.m")["id"]) if int(gv["m"]) else None})
m = int(ev("'runtime.allm'"))
while m:
    mv = deref(m, "runtime.m")
    rec = {"id": int(mv["id"]), "tid": int(mv["procid"]),
           "p": int(deref(int(mv["p"]), "runtime.p")["id"]) if int(mv["p"]) else None,
           "curg": int(deref(int(mv["curg"]), "runtime.g")["goid"]) if int(mv["curg"]) else None,
           "spinning": bool(mv["spinning"]), "lockedg": int(deref(int(mv["lockedg"]), "runtime.g")["goid"]) if int(mv["lockedg"]) else None}
    for k in ("g0", "gsignal"):
        g = int(mv[k])
        if g:
            gv = deref(g, "runtime.g")
            rec[k + "_stack"] = {"lo": "0x%x" % int(gv["stack"]["lo"]), "size": int(gv["stack"]["hi"]) - int(gv["stack"]["lo"])}
    state["ms"].append(rec)
    m = int(mv["alllink"])
for i in range(int(allp["len"])):
    p = u64(int(allp["array"]) + 8 * i)
    pv = deref(p, "runtime.p")
    mc = int(pv["mcache"])
    prec = {"id": int(pv["id"]), "status": int(pv["status"]), "m": int(deref(int(pv["m"]), "runtime.m")["id"]) if int(pv["m"]) else None,
            "palloc_off": int(pv["palloc"]["off"]), "mspancache_len": int(pv["mspancache"]["len"]),
            "pcache_base": "0x%x" % int(pv["pcache"]["base"]), "pcache_free_bitmap": "0x%x" % int(pv["pcache"]["cache"]),
            "runq_size": int(pv["runqtail"]) - int(pv["runqhead"]), "runnext": int(pv["runnext"]) != 0}
    if mc:
        mcv = deref(mc, "runtime.mcache")
        prec["tiny"] = "0x%x" % int(mcv["tiny"])
        prec["tinyoffset"] = int(mcv["tinyoffset"])
        prec["tinyAllocs"] = int(mcv["tinyAllocs"])
        prec["stackcache"] = [{"order": o, "bytes": int(mcv["stackcache"][o]["size"])} for o in range(4)]
        cached = []
        empty = sym_addr("runtime.emptymspan")
        for spc in range(136):
            sp_ = int(mcv["alloc"][spc])
            if sp_ and sp_ != empty:
                spv = deref(sp_, "runtime.mspan")
                cached.append({"spanclass": spc, "sizeclass": spc >> 1, "noscan": bool(spc & 1),
                               "base": "0x%x" % int(spv["startAddr"]), "allocCount": int(spv["allocCount"]),
                               "nelems": int(spv["nelems"])})
        prec["cached_spans"] = cached
    state["ps"].append(prec)
pool = ev("'runtime.stackpool'")
for o in range(4):
    s_ = int(pool[o]["item"]["span"]["first"])
    lst = []
    while s_:
        sv = deref(s_, "runtime.mspan")
        nfree = 0
        fl = int(sv["manualFreeList"])
        while fl and nfree < 64:
            nfree += 1
            fl = u64(fl)
        lst.append({"base": "0x%x" % int(sv["startAddr"]), "stacks_in_use": int(sv["allocCount"]), "free_stacks": nfree})
        s_ = int(sv["next"])
    state["stackpool"].append({"order": o, "stack_size": 2048 << o, "spans": lst})
sch = ev("'runtime.sched'")
state["sched"] = {"mnext": int(sch["mnext"]), "nmidle": int(sch["nmidle"]), "npidle": int(sch["npidle"]["value"]),
                  "nmspinning": int(sch["nmspinning"]["value"]), "runqsize": int(sch["runqsize"]),
                  "goidgen": int(sch["goidgen"]["value"])}
try:
    state["fing_created"] = int(ev("'runtime.fingStatus'")["value"]) != 0
except gdb.error:
    pass

# the main thread's OS stack and other anonymous regions are left to smaps names
json.dump({"regions": regions, "spans": spans, "state": state,
           "stacks": [{"lo": a, "size": b - a, "owner": n} for (a, b, n) in stacks]},
          open(os.environ["LABELS_OUT"], "w"))
gdb.execute("detach")
