#!/usr/bin/env python3
"""Untraced runs of a reality case up to its first CHECKPOINT line: the
process runs exactly as reality/record.ts runs it (env -i <case env>,
setarch x86_64 -R, case args), its first checkpoint line is read and the
process is killed (the rest of the case is not wanted). The line's
MemStats tell, without any probe, which P the package inits ran on whenever
the two choices differ in tiny sub-allocations (Frees): tools/case_inits.py
maps Frees to the start P with the traced runs. Uprobes slow start-up
(15-30 ms instead of 0.3 ms with every probe) and bias that choice.

usage: tools/untraced_start.py CASE BINARY N [DATA_DIR] > data/raw/untraced-case-CASE.jsonl
"""
import json
import os
import subprocess
import sys


def main():
    case, binary, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data_dir = sys.argv[4] if len(sys.argv) > 4 else "/tmp/gomem-reality"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cdef = json.load(open(os.path.join(root, "cases", case, "case.json")))
    env = ["%s=%s" % kv for kv in cdef["env"].items()]
    args = [a.replace("$REALITY_DATA", data_dir) for a in cdef["args"]]
    cmd = ["env", "-i"] + env + ["setarch", "x86_64", "-R", os.path.realpath(binary)] + args
    for i in range(n):
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        rec = None
        for line in p.stdout:
            if line.startswith("CHECKPOINT"):
                d = json.loads(line[line.index("{"):])
                ms = d["memstats"]
                rec = {"run": i, "checkpoint": d["name"], "Mallocs": ms["Mallocs"], "Frees": ms["Frees"],
                       "TotalAlloc": ms["TotalAlloc"], "HeapInuse": ms["HeapInuse"], "StackInuse": ms["StackInuse"]}
                break
        p.kill()
        p.wait()
        print(json.dumps(rec))


if __name__ == "__main__":
    main()
