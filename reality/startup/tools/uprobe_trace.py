#!/usr/bin/env python3
"""Trace a Go 1.23 linux/amd64 binary's start-up with kernel uprobes.

Unlike gdb (tools/trace.sh), a uprobe costs about a microsecond per hit and
does not stop the other threads, so the schedule it records (which M and P
run which allocation, how many threads exist) is the one a normal run has.

For every probed runtime function the kernel records, at its first
instruction, the register arguments (Go's ABIInternal: RAX, RBX, RCX, RDI,
...), the current goroutine (R14 holds g in ABIInternal code), its M and P,
and up to 9 return addresses found through the frame-pointer chain
(0(SP), 8(BP), 8(0(BP)), ...).  Offline, tools/symbolize.py turns the
addresses into function names with their inlined callers.

usage: tools/uprobe_trace.py BINARY OUT.jsonl [runs]   (as root)
The traced process runs as `env -i GOMAXPROCS=2 setarch x86_64 -R BINARY`.
"""
import json
import os
import re
import subprocess
import sys

TR = "/sys/kernel/tracing"
GROUP = "gomemst"

# Offsets of the fields used below, read from the binary's DWARF by
# tools/offsets.gdb (they are the same for every Go 1.23.5 amd64 binary).
G_GOID, G_M = 160, 48
M_G0, M_GSIGNAL, M_CURG, M_P, M_ID, M_PROCID = 0, 80, 192, 208, 232, 72
P_ID = 0

CTX = ("g=%r14:x64 goid=+{G_GOID}(%r14):s64 mid=+{M_ID}(+{G_M}(%r14)):s64 "
       "g0=+{M_G0}(+{G_M}(%r14)):x64 gsig=+{M_GSIGNAL}(+{G_M}(%r14)):x64 "
       "curg=+{M_CURG}(+{G_M}(%r14)):x64 pp=+{M_P}(+{G_M}(%r14)):x64 "
       "pid=+{P_ID}(+{M_P}(+{G_M}(%r14))):s32").format(**globals())


def frames(n):
    out = ["f0=+0(%sp):x64"]
    bp = "%bp"
    for i in range(1, n):
        out.append("f%d=+8(%s):x64" % (i, bp))
        bp = "+0(%s)" % bp
    return " ".join(out)


FR = frames(9)

# event name -> (function symbol, argument fetches).
# Each hit costs ~25 us in this VM (two traps), so the list is kept short:
# (*fixalloc).alloc alone would add ~270 hits (the 128 arena hints); its
# chunk refills are visible as persistentalloc calls anyway.
PROBES = {
    "malloc": ("runtime.mallocgc", "size=%ax:u64 typ=%bx:x64 nz=%cx:u8 ptrbytes=+8(%bx):u64"),
    "palloc": ("runtime.persistentalloc", "size=%ax:u64 align=%bx:u64 stat=%cx:x64"),
    "sysalloc": ("runtime.sysAlloc", "size=%ax:u64 stat=%bx:x64"),
    "sysmap": ("runtime.sysMap", "v=%ax:x64 n=%bx:u64 stat=%cx:x64"),
    "sysreserve": ("runtime.sysReserve", "v=%ax:x64 n=%bx:u64"),
    "hugepage": ("runtime.sysHugePageOS", "v=%ax:x64 n=%bx:u64"),
    "nohugepage": ("runtime.sysNoHugePageOS", "v=%ax:x64 n=%bx:u64"),
    "stackalloc": ("runtime.stackalloc", "n=%ax:u32"),
    "stackfree": ("runtime.stackfree", "lo=%ax:x64 hi=%bx:x64"),
    "allocspan": ("runtime.(*mheap).allocSpan", "np=%bx:u64 typ=%cx:u8 spc=%di:u8"),
    "refill": ("runtime.(*mcache).refill", "c=%ax:x64 spc=%bx:u8"),
    "grow": ("runtime.(*mheap).grow", "np=%bx:u64"),
    "malg": ("runtime.malg", "n=%ax:u32"),
    "newm": ("runtime.newm", "fn=+0(%ax):x64 newpp=%bx:x64"),
    "newproc1": ("runtime.newproc1", "fn=+0(%ax):x64"),
    "mmap": ("runtime.mmap", "addr=%ax:x64 n=%bx:u64 prot=%cx:u32 flags=%di:u32"),
    "munmap": ("runtime.munmap", "addr=%ax:x64 n=%bx:u64"),
    "madvise": ("runtime.madvise.abi0", "addr=+8(%sp):x64 n=+16(%sp):u64 adv=+24(%sp):u32"),
    "clone": ("runtime.clone.abi0", "flags=+8(%sp):x32 mp=+24(%sp):x64"),
    "mstart1": ("runtime.mstart1", ""),
    "copystack": ("runtime.copystack", "gp=%ax:x64 newsize=%bx:u64"),
    "schedinit": ("runtime.schedinit", ""),
    "procresize": ("runtime.procresize", "n=%ax:u32"),
    "rtmain": ("runtime.main", ""),
    "gcenable": ("runtime.gcenable", ""),
    "doinit": ("runtime.doInit1", "t=%ax:x64 nfns=+4(%ax):u32 fn0=+8(%ax):x64"),
    "mainmain": ("main.main", ""),
    # a signal interrupting a uprobe's single-step makes the kernel re-execute
    # the probed instruction, so the probe fires twice: this marks such cases
    "signal": ("runtime.sigtrampgo", "sig=%ax:u32"),
    "readmemstats": ("runtime.ReadMemStats", ""),
}


def symbols(binary):
    out = subprocess.run(["go", "tool", "nm", binary], capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split(None, 2)
        if len(f) == 3 and f[1] in "Tt":
            syms[f[2]] = int(f[0], 16)
    return syms


def text_base(binary):
    """vaddr - file offset of the executable segment (0x400000 for Go)."""
    out = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "LOAD" and "E" in f[6:-1]:
            return int(f[2], 16) - int(f[1], 16)
    raise SystemExit("no executable LOAD segment")


def w(path, text, append=False):
    # os.open, not open(..., "a"): Python seeks to the end in append mode and
    # tracefs files answer lseek with EINVAL.
    flags = os.O_WRONLY | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(os.path.join(TR, path), flags)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def setup(binary):
    syms = symbols(binary)
    base = text_base(binary)
    path = os.path.realpath(binary)
    cleanup()
    for name, (fn, args) in PROBES.items():
        if fn not in syms:
            print("no symbol", fn, file=sys.stderr)
            continue
        off = syms[fn] - base
        line = "p:%s/%s %s:0x%x %s %s %s\n" % (GROUP, name, path, off, args, CTX, FR)
        try:
            w("uprobe_events", line, append=True)
        except OSError as e:
            raise SystemExit("uprobe %s: %s (%s)" % (name, e, open(os.path.join(TR, "error_log")).read()[-500:]))
    w("buffer_size_kb", "16384")
    w("trace", "")
    w("events/%s/enable" % GROUP, "1")


def cleanup():
    try:
        w("events/%s/enable" % GROUP, "0")
    except OSError:
        pass
    lines = open(os.path.join(TR, "uprobe_events")).read().splitlines()
    for l in lines:
        if l.startswith("p:%s/" % GROUP):
            w("uprobe_events", "-:%s\n" % l.split()[0][2:], append=True)


LINE = re.compile(r"^\s*(\S+)-(\d+)\s+\[(\d+)\]\s+\S+\s+([\d.]+):\s+(\w+):\s+\((0x[0-9a-f]+)\)\s*(.*)$")


def parse(text):
    evs = []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        comm, tid, cpu, ts, ev, ip, rest = m.groups()
        rec = {"ev": ev, "tid": int(tid), "cpu": int(cpu), "ts": float(ts)}
        for kv in rest.split():
            k, _, v = kv.partition("=")
            if v == "(fault)":
                rec[k] = None
            elif v.startswith("0x"):
                rec[k] = int(v, 16)
            else:
                try:
                    rec[k] = int(v)
                except ValueError:
                    rec[k] = v
        evs.append(rec)
    return evs


def run_once(binary):
    w("trace", "")
    r = subprocess.run(["env", "-i", "GOMAXPROCS=2", "setarch", "x86_64", "-R", os.path.realpath(binary)],
                       capture_output=True, text=True)
    text = open(os.path.join(TR, "trace")).read()
    evs = parse(text)
    probe = {}
    for line in r.stderr.splitlines():
        f = line.split()
        if f and f[0] == "PROBE":
            if f[1] == "BySize":
                probe.setdefault("BySize", {})[f[3]] = [int(f[4]), int(f[5])]
            else:
                probe[f[1]] = int(f[2])
    return {"events": evs, "probe": probe, "stdout": r.stdout}


def main():
    binary, out = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    setup(binary)
    try:
        with open(out, "w") as fh:
            for i in range(runs):
                res = run_once(binary)
                res["run"] = i
                fh.write(json.dumps(res) + "\n")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
