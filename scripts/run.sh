#!/usr/bin/env bash
# The main job (README): builds in release mode and runs Workbooks/parivision.yaml on the bundled sample
# data. Extra arguments go to `workbench run` (e.g. --param shots=../shared/datasets/nba_shots/kaggle_random_10000.csv).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --static-swift-stdlib --product workbench
exec .build/release/workbench run Workbooks/parivision.yaml "$@"
