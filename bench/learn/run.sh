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
pkg="$out/pkg"
mkdir -p "$pkg/Sources/learn-bench"
ln -sfn "$root/Sources/Learn" "$pkg/Sources/Learn"
ln -sfn "$root/bench/learn/main.swift" "$pkg/Sources/learn-bench/main.swift"
cat > "$pkg/Package.swift" <<'SWIFT'
// swift-tools-version:6.0
import PackageDescription
let package = Package(
  name: "LearnBench",
  platforms: [.macOS(.v14)],
  targets: [
    .target(name: "Learn", swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
    .executableTarget(name: "learn-bench", dependencies: ["Learn"]),
  ],
  swiftLanguageModes: [.v6]
)
SWIFT
(cd "$pkg" && swift build -c release --product learn-bench >&2)

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores; 200k shots, stratified 80/20 seed 42, 2 threads"
scaling=()
[[ "${SCALING:-1}" == 1 ]] && scaling=("$out/features_1m.csv")
"$py" "$root/bench/learn/peers.py" "$out/features_200k.csv" "$out" "${scaling[@]}"
"$pkg/.build/release/learn-bench" "$out/train.csv" "$out/test.csv" "${scaling[@]}"
