#!/usr/bin/env bash
# Logistic-regression benchmark: Workbench (Newton, release build) vs sklearn LogisticRegression, same run,
# same data (200k real NBA.com shots mapped to PariVision's 7 features), same stratified 80/20 split (seed 42).
# Usage: bench/learn-linear/run.sh   (from anywhere; needs .build-py/anchors, see scripts/python-env.sh)
# Intermediate files go to .build-bench/learn-linear/; prints one JSON line per measurement.
# SCALING=0 skips the 50k → 1M fit-time series.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
features="$root/.build-bench/learn"          # shared with bench/learn (tree models)
out="$root/.build-bench/learn-linear"
py="$root/.build-py/anchors/bin/python"
data="${WORKBENCH_SHARED_DATASETS:-$root/../shared/datasets}/nba_shots/nba_com_2004_2024"
mkdir -p "$features" "$out"

if [[ ! -f "$features/features_200k.csv" || ! -f "$features/features_1m.csv" || "$(cat "$features/selection.txt" 2>/dev/null)" != most-recent-v2 ]]; then
  "$py" "$root/bench/learn/prepare_features.py" "$data" "$features"
fi

# Release build of the driver against Sources/Learn only (isolated package, so other modules are not built).
source "$root/bench/lib/build.sh"
driver="${LEARN_LINEAR_BENCH:-$(driver_binary "$root" learn-linear-bench "$root/bench/learn-linear/main.swift" Learn)}"

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores; 200k shots, stratified 80/20 seed 42; C=1, standardised"
scaling=()
[[ "${SCALING:-1}" == 1 ]] && scaling=("$features/features_1m.csv")
"$py" "$root/bench/learn-linear/peers.py" "$features/features_200k.csv" "$out" "${scaling[@]}"
"$driver" "$out/train.csv" "$out/test.csv" "${scaling[@]}"
