#!/bin/sh
# Per-case package-init traces (README section 11), as root, ~5 min:
# for every reality case (or the ones named), build the binary exactly as
# reality/record.ts does, trace its start-up to main.main with uprobes
# (FULL runs with every probe, LIGHT runs with only the init-task probes, for
# the P the inits really run on) and summarise the package-init phases into
# data/cases/<case>.json. Then `npx tsx scripts/mkinits.ts` turns those into
# src/scenarios/inits/<case>.json.
# and UNTRACED runs killed after their first checkpoint line (MemStats with no
# probe at all).
#   tools/trace_cases.sh [case ...]      FULL=60 LIGHT=40 UNTRACED=40 by default
# (gin-idle gets 10 x FULL: its ~35 package inits fill a dozen maps, each with
# its own random hash seed, so a run with the modal init of every package is
# rare: 3 in 180; see case_inits.py)
set -e
cd "$(dirname "$0")/.."
R=..
FULL=${FULL:-60}
LIGHT=${LIGHT:-40}
UNTRACED=${UNTRACED:-40}
DATA=${REALITY_DATA:-/tmp/gomem-reality}
CASES=${*:-$(cd $R/cases && ls)}
mkdir -p bin/cases data/raw data/cases
[ -e /sys/kernel/tracing/uprobe_events ] || mount -t tracefs nodev /sys/kernel/tracing
# record.ts's data file: 600 MiB of the byte pattern (i*31+7)&0xff per MiB
# block (only its name reaches the process before main; created for fidelity)
if [ ! -f "$DATA/file600m" ] || [ "$(stat -c %s "$DATA/file600m")" != 629145600 ]; then
  mkdir -p "$DATA"
  python3 -c "
import sys
b = bytes((i * 31 + 7) & 0xff for i in range(1 << 20))
with open(sys.argv[1], 'wb') as f:
    for _ in range(600): f.write(b)" "$DATA/file600m"
fi
for c in $CASES; do
  # the build of reality/record.ts (same flags and environment; only -o differs,
  # so that the uprobes sit on a private inode: the binaries are byte-identical)
  (cd $R && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -buildvcs=false -o startup/bin/cases/$c ./cases/$c)
  n=$FULL; [ "$c" = gin-idle ] && n=$((FULL * 10))
  python3 tools/trace_cases.py "$c" bin/cases/$c data/raw/uprobe-case-$c.jsonl "$n" "$DATA"
  python3 tools/trace_cases.py --light "$c" bin/cases/$c data/raw/uprobe-case-$c.light.jsonl "$LIGHT" "$DATA"
  python3 tools/untraced_start.py "$c" bin/cases/$c "$UNTRACED" "$DATA" > data/raw/untraced-case-$c.jsonl
  python3 tools/case_inits.py "$c" data/raw/uprobe-case-$c.jsonl data/raw/uprobe-case-$c.light.jsonl \
    data/raw/untraced-case-$c.jsonl bin/cases/$c data/cases/$c.json data/sym-case-$c.json
done
