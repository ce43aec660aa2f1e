#!/usr/bin/env python3
"""Run the plain hellocp binary N times (env -i GOMAXPROCS=2, setarch -R) and
keep its "start" CHECKPOINT line (memstats, proc, smaps summary) per run.
usage: tools/checkpoint_runs.py N > data/raw/checkpoint-hellocp.jsonl"""
import json
import subprocess
import sys

for _ in range(int(sys.argv[1])):
    r = subprocess.run(["env", "-i", "GOMAXPROCS=2", "setarch", "x86_64", "-R", "bin/hellocp"],
                       capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("CHECKPOINT") and '"name":"start"' in line:
            d = json.loads(line[line.index("{"):])
            print(json.dumps({"memstats": d["memstats"], "proc": d["proc"], "smaps_summary": d.get("smaps_summary"),
                              "goroutines": d["goroutines"], "t_ms": d["t_ms"]}))
