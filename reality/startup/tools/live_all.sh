#!/bin/sh
# reality/startup §12 — which start-up objects real Go still has live after a
# GC, what holds each, and gomem's allocation for each. Regenerates
# reality/startup/live/<case>.json for every reality case (or those named).
# As root (setarch -R, gdb for field names). About 2 minutes for all 15 cases.
#
#   sudo reality/startup/tools/live_all.sh [case…]
#
# gomem's side runs on a clean export of the committed HEAD (GOMEM_TREE=. to
# use the working tree as it is instead).
set -e
cd "$(dirname "$0")/../../.."
OUT=reality/startup/bin/live
python3 reality/startup/tools/live_dump.py "$@"          # build + probe runs + dump analysis → $OUT/<case>/run-K.json
TREE=${GOMEM_TREE:-$OUT/gomem-head}
if [ "$TREE" = "$OUT/gomem-head" ]; then
	rm -rf "$TREE" && mkdir -p "$TREE"
	git archive HEAD src package.json | tar -x -C "$TREE"
	ln -s "$(pwd)/node_modules" "$TREE/node_modules"
	git rev-parse HEAD > "$TREE/.gomem-commit"
fi
npx tsx reality/startup/tools/live_gomem.ts --root "$TREE" "$@"   # → $OUT/<case>/gomem.json
python3 reality/startup/tools/live_join.py "$@"           # → reality/startup/live/<case>.json
