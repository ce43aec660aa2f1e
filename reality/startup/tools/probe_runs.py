#!/usr/bin/env python3
"""Run a -tags probe binary N times (env -i GOMAXPROCS=2, setarch -R) and
collect the PROBE lines (runtime.MemStats at the first line of main) as one
JSON object per run.  usage: tools/probe_runs.py BIN N > out.jsonl"""
import json
import subprocess
import sys

binary, n = sys.argv[1], int(sys.argv[2])
for _ in range(n):
    r = subprocess.run(["env", "-i", "GOMAXPROCS=2", "setarch", "x86_64", "-R", binary],
                       capture_output=True, text=True)
    d = {"bysize": {}}
    for line in r.stderr.splitlines():
        f = line.split()
        if not f or f[0] != "PROBE":
            continue
        if f[1] == "BySize":
            d["bysize"][f[3]] = [int(f[4]), int(f[5])]
        else:
            d[f[1]] = int(f[2])
    print(json.dumps(d))
