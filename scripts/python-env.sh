#!/usr/bin/env bash
# Creates the Python virtual environments used as test oracles and benchmark peers, under .build-py/ (ignored).
# Usage: scripts/python-env.sh [anchors|mlflow3|mlflow2|dvc|airflow|schemathesis|bench|all]   (default: all but bench)
# schemathesis: fuzzes `workbench serve` from its /openapi.json (the serving tests).
# airflow: a real Airflow 3 for the DAG export tests (pinned; Airflow's constraint files are not reachable here).
# bench: papermill and Ploomber, the peers of bench/scripted (not needed by the tests).
# Each environment is created once; a marker file records the requirement set so a change re-installs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
base="$root/.build-py"
mkdir -p "$base"
declare -A reqs=(
  [anchors]="numpy scipy pandas<3 polars scikit-learn lightgbm xgboost evidently==0.7.* pyarrow"
  [mlflow3]="mlflow==3.17.2"
  [mlflow2]="mlflow-skinny==2.22.5"
  [dvc]="dvc"
  [airflow]="apache-airflow==3.3.2"
  [bench]="papermill ploomber ipykernel pandas pyarrow"
  [schemathesis]="schemathesis==4.*"
)
make_env() {
  local name="$1" want="${reqs[$1]}" dir="$base/$1"
  if [ -f "$dir/.requirements" ] && [ "$(cat "$dir/.requirements")" = "$want" ]; then return 0; fi
  echo "python-env: creating $dir ($want)" >&2
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check $want
  echo "$want" > "$dir/.requirements"
}
which="${1:-all}"
if [ "$which" = all ]; then for n in anchors mlflow3 mlflow2 dvc airflow schemathesis; do make_env "$n"; done; else make_env "$which"; fi
