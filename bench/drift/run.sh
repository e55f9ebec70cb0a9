#!/usr/bin/env bash
# Drift benchmark, whole process, same run, same data: `workbench run` of a drift workbook (load two CSV seasons +
# drift + HTML report) vs Evidently 0.7 DataDriftPreset (pandas CSV load + report + save_html).
#   bench/drift/run.sh                  # REPEATS=3 by default (best of N)
#   WORKBENCH=/path/to/release/workbench bench/drift/run.sh   # reuse a release build
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REPEATS=${REPEATS:-3}
DATASETS=${WORKBENCH_SHARED_DATASETS:-$ROOT/../shared/datasets}
PY=$ROOT/.build-py/anchors/bin/python
WORK=$ROOT/.build-bench/drift
[ -x "$PY" ] || { echo "missing $PY: run scripts/python-env.sh anchors" >&2; exit 1; }
mkdir -p "$WORK"
source "$ROOT/bench/lib/build.sh"
WORKBENCH="$(workbench_binary "$ROOT")"
[ -f "$WORK/current.csv" ] || "$PY" "$ROOT/bench/drift/peers.py" prepare "$WORK" "$DATASETS"
"$PY" "$ROOT/bench/drift/peers.py" time "$WORK" "$WORKBENCH" "$PY" "$REPEATS"
