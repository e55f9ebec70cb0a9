#!/usr/bin/env bash
# Issue 3 end-to-end benchmark: load + silver transform + describe + correlate on 1,000,000 real shots
# (NBA.com 2004-2009 seasons mapped to the Kaggle schema by bench/csv/make_data.py), whole process, same run:
# `workbench run` (cold cache each time) vs pandas and polars doing the same steps (bench/eda/peers.py).
#   bench/eda/run.sh [repeats]        (prints a Markdown table; figures in docs/benchmarks.md)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
repeats="${1:-3}"
cd "$root"
scripts/setup.sh
scripts/python-env.sh anchors
source bench/lib/build.sh
wb="$(workbench_binary "$root")"      # WORKBENCH=path reuses a build
data="$root/.build-bench/shots_1m.csv"
[ -f "$data" ] || "$root/.build-py/anchors/bin/python" bench/csv/make_data.py "$root/../shared/datasets/nba_shots/nba_com_2004_2024" "$data" 1000000
work="$root/.build-bench/eda"; mkdir -p "$work"
cp bench/eda/eda.yaml "$work/eda.yaml"
py="$root/.build-py/anchors/bin/python"
measure() {  # name, command...: prints "name seconds peakKB"
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || { cat "$work/err.txt" >&2; exit 1; }
  echo "$name $(cat "$work/time.txt")"
}
: > "$work/results.txt"
for i in $(seq "$repeats"); do
  rm -rf "$work/.workbench" "$work/state" "$work/outputs"; mkdir "$work/.workbench"   # its own project root, cold
  measure workbench bash -c "cd '$work' && '$wb' run eda.yaml -q --param shots='$data'" >> "$work/results.txt"
  measure pandas "$py" bench/eda/peers.py pandas "$data" >> "$work/results.txt"
  measure polars "$py" bench/eda/peers.py polars "$data" >> "$work/results.txt"
done
python3 - "$work/results.txt" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
by = {}
for name, sec, kb in rows: by.setdefault(name, []).append((float(sec), int(kb)))
w = statistics.median(s for s, _ in by["workbench"])
print("| tool | median wall s | min wall s | peak RSS MB | time vs workbench |")
print("|---|---|---|---|---|")
for name in ("workbench", "pandas", "polars"):
    secs = [s for s, _ in by[name]]; mem = max(k for _, k in by[name]) / 1024
    print(f"| {name} | {statistics.median(secs):.2f} | {min(secs):.2f} | {mem:.0f} | {statistics.median(secs)/w:.2f}x |")
PY
