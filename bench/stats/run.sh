#!/usr/bin/env bash
# Stats benchmark: the Swift Stats library (release build) against pandas / numpy / scipy / Evidently 0.7
# on the same real NBA shots, in the same run. Prints a markdown table (see docs/benchmarks/stats.md).
#   bench/stats/run.sh            # REPEATS=5 by default (best of N is reported)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REPEATS=${REPEATS:-5}
DATASETS=${WORKBENCH_SHARED_DATASETS:-$ROOT/../shared/datasets}
PY=$ROOT/.build-py/anchors/bin/python
WORK=$ROOT/.build-bench/stats
[ -x "$PY" ] || { echo "missing $PY: run scripts/python-env.sh anchors" >&2; exit 1; }
mkdir -p "$WORK"

# 1. Inputs (float64 / text columns under .build-bench, never in the repository).
if [ ! -f "$WORK/data/drift/cur_ACTION_TYPE.txt" ]; then
  "$PY" "$ROOT/bench/stats/peers.py" prepare "$WORK/data" "$DATASETS" >/dev/null
fi

# 2. The Swift driver, built in release in a throwaway package that links Sources/Stats.
source "$ROOT/bench/lib/build.sh"
DRIVER="${STATS_BENCH:-$(driver_binary "$ROOT" stats-bench "$ROOT/bench/stats/Driver" Stats)}"

# 3. Same data, same run: Swift first, then the Python peers.
"$DRIVER" "$WORK/data" "$REPEATS" > "$WORK/swift.json"
"$PY" "$ROOT/bench/stats/peers.py" run "$WORK/data" "$DATASETS" "$REPEATS" > "$WORK/python.json"
"$PY" "$ROOT/bench/stats/peers.py" report "$WORK/swift.json" "$WORK/python.json"
