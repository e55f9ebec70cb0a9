#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, builds, runs the whole suite.
#   scripts/test.sh [extra swift test arguments]
# System packages via scripts/setup.sh; Python oracles (scikit-learn, scipy, pandas, polars, LightGBM,
# XGBoost, Evidently, MLflow 3 and 2) via scripts/python-env.sh into .build-py/ (ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/python-env.sh all
# On CI every oracle and dataset must be present: a missing one fails the test instead of skipping it.
if [ "${CI:-}" = "true" ]; then export WORKBENCH_REQUIRE_ORACLES=1; fi
swift build
swift test "$@"
