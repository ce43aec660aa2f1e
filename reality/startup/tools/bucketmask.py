#!/usr/bin/env python3
"""BuckHashSys at start-up = the two pointer masks modulesinit builds with
progToPointerMask: for the data and the bss section each, n = (size/8 + 7)/8
bytes (one bit per pointer-sized word) plus one byte, persistentalloc'ed with
stat buckhash_sys.  usage: tools/bucketmask.py BINARY..."""
import subprocess
import sys

for b in sys.argv[1:]:
    syms = {}
    for line in subprocess.run(["go", "tool", "nm", b], capture_output=True, text=True).stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] in ("runtime.data", "runtime.edata", "runtime.bss", "runtime.ebss"):
            syms[f[2]] = int(f[0], 16)
    data = syms["runtime.edata"] - syms["runtime.data"]
    bss = syms["runtime.ebss"] - syms["runtime.bss"]
    dm = (data // 8 + 7) // 8 + 1
    bm = (bss // 8 + 7) // 8 + 1
    print("%s data=%d bss=%d -> data mask %d + bss mask %d = BuckHashSys %d" % (b, data, bss, dm, bm, dm + bm))
