#!/bin/sh
# Rebuild every measurement of reality/startup from scratch (as root, ~10 min).
# Go 1.23.5, linux/amd64, GOMAXPROCS=2, env -i, setarch -R (see README.md).
set -e
cd "$(dirname "$0")/.."
R=..
PROGS="min hello sysmix hellocp"
mkdir -p bin data/raw
# 1. binaries: plain, probe (MemStats at main), stop (SIGSTOP at main), stopcp
for p in $PROGS; do
  (cd $R && go build -o startup/bin/$p ./startup/progs/$p)
  (cd $R && go build -tags probe -o startup/bin/$p.probe ./startup/progs/$p)
  (cd $R && go build -tags stop -ldflags=-checklinkname=0 -o startup/bin/$p.stop ./startup/progs/$p)
done
(cd $R && go build -tags stopcp -ldflags=-checklinkname=0 -o startup/bin/hellocp.stopcp ./startup/progs/hellocp)
python3 tools/bucketmask.py bin/*.probe bin/min bin/hello bin/sysmix bin/hellocp > data/bucketmask.txt
# 2. untraced MemStats at the first line of main (the reference distribution)
for p in $PROGS; do python3 tools/probe_runs.py bin/$p.probe 40 > data/raw/probe-$p.jsonl; done
# 3. uprobe traces (mount tracefs if needed)
[ -e /sys/kernel/tracing/uprobe_events ] || mount -t tracefs nodev /sys/kernel/tracing
rm -f data/sym-*.json
for p in $PROGS; do
  python3 tools/uprobe_trace.py bin/$p.probe data/raw/uprobe-$p.probe.jsonl 60
  python3 tools/uprobe_trace.py bin/$p data/raw/uprobe-$p.jsonl 20
done
# 4. analyses
for p in $PROGS; do python3 tools/allocs.py $p; python3 tools/offheap.py $p; done
# 5. resident pages (SIGSTOP builds), 15 runs each
for p in $PROGS; do python3 tools/resident.py bin/$p.stop resident-$p.json 15; done
python3 tools/resident.py bin/hellocp.stopcp resident-hellocp-checkpoint.json 15
# 6. strace, annotated
for p in $PROGS; do python3 tools/strace_annotate.py $p 20 > data/strace-$p.log; done
# 7. tables for README.md
[ -f tools/report.py ] && python3 tools/report.py > tables.md
