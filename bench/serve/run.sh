#!/usr/bin/env bash
# Serving benchmark (issue 14): `workbench serve` vs `mlflow models serve` of the same registered model (a gradient
# boosting champion trained on the bundled shot sample; MLflow loads it through the model's python_function flavour),
# with wrk on 127.0.0.1: single-row and 100-row `dataframe_split` requests. Prints a Markdown table (requests/s,
# p50/p99 latency, errors, RSS after the runs). `workbench serve` runs with its request log (the default) and without.
#   bench/serve/run.sh     WORKBENCH=path picks the executable (default: a release build); DURATION=seconds (default 15)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/.build-bench/serve"
duration="${DURATION:-15}"
rm -rf "$work"; mkdir -p "$work/.workbench"
cd "$root"
scripts/python-env.sh mlflow3
command -v wrk >/dev/null || { echo "wrk is missing: scripts/setup.sh --test installs it" >&2; exit 1; }
source bench/lib/build.sh
WORKBENCH="$(workbench_binary "$root")"
python="$root/.build-py/mlflow3/bin/python"

cat > "$work/bench.yaml" <<YAML
workbook: bench
cells:
  - id: shots
    kind: load
    source: $root/datasets/nba_shots_sample.csv
  - id: features
    kind: transform
    input: shots
    steps:
      - select: [Period, Minutes Remaining, Seconds Remaining, Shot Distance, X Location, Y Location, Shot Made Flag]
  - id: split
    kind: split
    input: features
    target: Shot Made Flag
  - id: model
    kind: train
    input: split
    model: gradient_boosting
    params: {rounds: 100, max_depth: 3}
    features: [Period, Minutes Remaining, Seconds Remaining, Shot Distance, X Location, Y Location]
    plots: false
  - id: track
    kind: track
    of: model
    data: split.train
  - id: champion
    kind: promote
    of: track
    model_name: bench
YAML
(cd "$work" && "$WORKBENCH" run bench.yaml > run.log 2>&1) || { tail -20 "$work/run.log" >&2; exit 1; }

# Request bodies: 1 and 100 held-out rows.
"$python" - "$work" <<'PY'
import json, sys
import pandas as pd
work = sys.argv[1]
test = pd.read_csv(work + "/outputs/bench/cells/split/test.csv")
features = ["Period", "Minutes Remaining", "Seconds Remaining", "Shot Distance", "X Location", "Y Location"]
for n in (1, 100):
    body = {"dataframe_split": {"columns": features, "data": test[features].head(n).values.tolist()}}
    text = json.dumps(body)
    with open("%s/post%d.lua" % (work, n), "w") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n' % json.dumps(text))
        f.write('done = function(summary, latency, requests)\n'
                '  io.write(string.format("RESULT %.1f %.3f %.3f %d %d\\n", summary.requests / (summary.duration / 1e6),'
                ' latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect'
                ' + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.requests))\nend\n')
PY

rss_kb() {  # resident memory of a process and its descendants, in kB
  local total=0 pid
  for pid in $1 $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
wait_ready() { for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/ping" >/dev/null && return 0; sleep 0.2; done; return 1; }

results="$work/results.md"
echo "| server | rows/request | requests/s | p50 ms | p99 ms | errors | requests | RSS MB |" > "$results"
echo "|---|---|---|---|---|---|---|---|" >> "$results"
measure() {  # name port pid
  for n in 1 100; do
    wrk -t2 -c8 -d"${duration}s" --latency -s "$work/post$n.lua" "http://127.0.0.1:$2/invocations" > "$work/$1-$n.txt"
    read -r _ rps p50 p99 errors requests < <(grep RESULT "$work/$1-$n.txt")
    echo "| $1 | $n | $rps | $p50 | $p99 | $errors | $requests | $(( $(rss_kb "$3") / 1024 )) |" >> "$results"
  done
}

(cd "$work" && exec "$WORKBENCH" serve bench.yaml --port 5101 --poll 0 > serve.log 2>&1) &
wb=$!
wait_ready 5101 || { cat "$work/serve.log" >&2; kill "$wb"; exit 1; }
measure "workbench serve" 5101 "$wb"
kill -TERM "$wb"; wait "$wb" || true
# The same without the request log (every scored row is appended to SQLite by default), to show what logging costs.
(cd "$work" && exec "$WORKBENCH" serve bench.yaml --port 5103 --poll 0 --request-log none > serve-nolog.log 2>&1) &
wb=$!
wait_ready 5103 || { cat "$work/serve-nolog.log" >&2; kill "$wb"; exit 1; }
measure "workbench serve, no request log" 5103 "$wb"
kill -TERM "$wb"; wait "$wb" || true

(cd "$work" && PATH="$root/.build-py/mlflow3/bin:$PATH" MLFLOW_ALLOW_FILE_STORE=true MLFLOW_TRACKING_URI="file://$work/mlruns" exec "$root/.build-py/mlflow3/bin/mlflow" \
  models serve -m "models:/bench@champion" --env-manager local -h 127.0.0.1 -p 5102 > mlflow.log 2>&1) &
ml=$!
wait_ready 5102 || { cat "$work/mlflow.log" >&2; kill "$ml"; exit 1; }
measure "mlflow models serve" 5102 "$ml"
kill -TERM "$ml"; wait "$ml" || true
# MLflow's default is one uvicorn worker; with one per core it may use the machine as workbench serve does.
(cd "$work" && PATH="$root/.build-py/mlflow3/bin:$PATH" MLFLOW_ALLOW_FILE_STORE=true MLFLOW_TRACKING_URI="file://$work/mlruns" exec "$root/.build-py/mlflow3/bin/mlflow" \
  models serve -m "models:/bench@champion" --env-manager local -h 127.0.0.1 -p 5104 -w "$(nproc)" > mlflow-workers.log 2>&1) &
ml=$!
wait_ready 5104 || { cat "$work/mlflow-workers.log" >&2; kill "$ml"; exit 1; }
measure "mlflow models serve -w $(nproc)" 5104 "$ml"
kill -TERM "$ml"; wait "$ml" || true

echo "workbench: $WORKBENCH; wrk -t2 -c8 -d${duration}s on $(nproc) cores" >> "$results"
cat "$results"
