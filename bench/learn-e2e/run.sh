#!/usr/bin/env bash
# End-to-end sweep benchmark: Workbench's `sweep` cell vs the same sweep in scikit-learn, same data, same run.
# Usage: bench/learn-e2e/run.sh [rows] (default 50000). Needs a release build of workbench (WORKBENCH=path to
# override) and the `anchors` Python env (scripts/python-env.sh anchors).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROWS=${1:-50000}
source "$ROOT/bench/lib/build.sh"
WORKBENCH="$(workbench_binary "$ROOT")"
PY=$ROOT/.build-py/anchors/bin/python
DIR=$ROOT/.build-bench/learn-e2e
SEASON=$ROOT/../shared/datasets/nba_shots/nba_com_2004_2024/NBA_2010_Shots.csv.gz
rm -rf "$DIR" && mkdir -p "$DIR/.workbench"   # its own project root (not the repository's)
"$PY" "$ROOT/bench/learn-e2e/make_silver.py" "$SEASON" "$ROWS" "$DIR/silver.csv"
cat > "$DIR/pv.yaml" <<'YAML'
workbook: pv
cells:
  - id: silver
    kind: load
    source: silver.csv
  - id: split
    kind: split
    input: silver
    target: Shot Made Flag
    test_fraction: 0.2
    seed: 42
  - id: sweep
    kind: sweep
    input: split
    features: [Player ID, X Location, Y Location, Total_Seconds_Remaining, Shot_Type_Encoded, Shot_Distance_Meters, Shot_Zone_Combined]
    models:
      logistic_regression: {C: [0.01, 0.1, 1]}
      random_forest: {trees: [100], max_depth: [8, 12]}
      gradient_boosting: {rounds: [100, 300], learning_rate: [0.05, 0.1]}
    folds: 5
    select_by: roc_auc
    plots: false
    seed: 42
YAML
cd "$DIR"
START=$(date +%s.%N)
"$WORKBENCH" run pv.yaml > run.log 2>&1 || { cat run.log; exit 1; }
END=$(date +%s.%N)
"$PY" - "$START" "$END" <<'PY'
import json, sys
r = json.load(open("outputs/pv/cells/sweep/result.json"))
b = r["best"]
print(f"workbench sweep: {float(sys.argv[2]) - float(sys.argv[1]):.1f} s (whole run: load, split, {r['trials_total']} trials × 5 folds, refit), "
      f"best CV AUC {b['cv_score']:.4f}, test AUC {b['test']['roc_auc']:.4f}, test accuracy {b['test']['accuracy']:.4f} ({b['model']} {b['params']})")
PY
"$PY" "$ROOT/bench/learn-e2e/peer_sweep.py" silver.csv
# Widen the grid by one value: only the new trial runs (per-trial cache).
sed -i 's/C: \[0.01, 0.1, 1\]/C: [0.01, 0.1, 1, 10]/' pv.yaml
START=$(date +%s.%N)
"$WORKBENCH" run pv.yaml > run.log 2>&1 || { cat run.log; exit 1; }
END=$(date +%s.%N)
"$PY" - "$START" "$END" <<'PY'
import json, sys
run = json.load(open("outputs/pv/run.json"))
note = next(c for c in run["cells"] if c["id"] == "sweep")["notes"][0]  # "N trial(s) run, M reused from the trial cache"
print(f"widened grid: {float(sys.argv[2]) - float(sys.argv[1]):.1f} s, {note} (refit included)")
PY
