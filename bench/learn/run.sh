#!/usr/bin/env bash
# Tree-model benchmark: Workbench boosting/forest vs XGBoost, LightGBM, sklearn (same data, split, threads).
# Usage: bench/learn/run.sh            (from the repository root; needs .build-py/anchors, see scripts/python-env.sh)
# Writes intermediate files to .build-bench/learn/ and prints one JSON line per measurement.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.build-bench/learn"
py="$root/.build-py/anchors/bin/python"
data="${WORKBENCH_SHARED_DATASETS:-$root/../shared/datasets}/nba_shots/nba_com_2004_2024"
mkdir -p "$out"

if [[ ! -f "$out/features_200k.csv" || ! -f "$out/features_1m.csv" || "$(cat "$out/selection.txt" 2>/dev/null)" != most-recent-v2 ]]; then
  "$py" "$root/bench/learn/prepare_features.py" "$data" "$out"
fi

# Release build of the driver against Sources/Learn only (isolated package, so other modules are not built).
source "$root/bench/lib/build.sh"
driver="${LEARN_BENCH:-$(driver_binary "$root" learn-bench "$root/bench/learn/main.swift" Learn)}"

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores; 200k shots, stratified 80/20 seed 42, 2 threads"
scaling=()
[[ "${SCALING:-1}" == 1 ]] && scaling=("$out/features_1m.csv")
"$py" "$root/bench/learn/peers.py" "$out/features_200k.csv" "$out" "${scaling[@]}"
"$driver" "$out/train.csv" "$out/test.csv" "${scaling[@]}"
