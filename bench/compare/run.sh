#!/usr/bin/env bash
# Before/after benchmark of two checkouts of Workbench (issue 12: the redesign must hold every figure).
#   bench/compare/run.sh BEFORE_CHECKOUT [AFTER_CHECKOUT]      (AFTER defaults to this checkout; REPEATS=5)
# e.g. git worktree add --detach ../before 2182406 && bench/compare/run.sh ../before
#
# Each checkout gets its own release builds (bench/lib/build.sh): `workbench` with a static Swift runtime, and the
# library drivers of bench/csv, bench/stats, bench/learn-linear and bench/learn compiled from that checkout's own
# Sources and driver code. Then every measurement runs REPEATS times, before and after alternated (ABAB...), so that
# a change of machine load hits both alike, on the same data as the per-area benchmarks (.build-bench/). Prints a
# Markdown table of medians and after/before ratios. Peers (pandas, polars, ...) are not run: the per-area scripts
# compare against them.
set -euo pipefail
after_default="$(cd "$(dirname "$0")/../.." && pwd)"
before="$(cd "${1:?usage: bench/compare/run.sh BEFORE_CHECKOUT [AFTER_CHECKOUT]}" && pwd)"
after="$(cd "${2:-$after_default}" && pwd)"
root="$after_default"
py="$root/.build-py/anchors/bin/python"
shared="${WORKBENCH_SHARED_DATASETS:-$root/../shared/datasets}"
nba="$shared/nba_shots/nba_com_2004_2024"
bench="$root/.build-bench"
[ -x "$py" ] || { echo "missing $py: run scripts/python-env.sh anchors" >&2; exit 1; }
source "$root/bench/lib/build.sh"

for side in before after; do
  dir=${!side}
  echo "building $side ($dir, $(git -C "$dir" rev-parse --short HEAD))" >&2
  WORKBENCH="" workbench_binary "$dir" > "$bench/compare-$side.workbench"
  driver_binary "$dir" csvbench "$dir/bench/csv" Frame > "$bench/compare-$side.csv"
  driver_binary "$dir" stats-bench "$dir/bench/stats/Driver" Stats > "$bench/compare-$side.stats"
  driver_binary "$dir" learn-linear-bench "$dir/bench/learn-linear/main.swift" Learn > "$bench/compare-$side.learn-linear"
  driver_binary "$dir" learn-bench "$dir/bench/learn/main.swift" Learn > "$bench/compare-$side.learn"
done

# Data, made once and shared with the per-area benchmarks.
mkdir -p "$bench/learn" "$bench/learn-linear" "$bench/stats" "$bench/drift"
[ -s "$bench/shots_1m.csv" ] || "$py" "$root/bench/csv/make_data.py" "$nba" "$bench/shots_1m.csv" 1000000
[ -f "$bench/stats/data/drift/cur_ACTION_TYPE.txt" ] || "$py" "$root/bench/stats/peers.py" prepare "$bench/stats/data" "$shared" >/dev/null
[ -f "$bench/drift/current.csv" ] || "$py" "$root/bench/drift/peers.py" prepare "$bench/drift" "$shared"
if [[ ! -f "$bench/learn/features_200k.csv" || "$(cat "$bench/learn/selection.txt" 2>/dev/null)" != most-recent-v2 ]]; then
  "$py" "$root/bench/learn/prepare_features.py" "$nba" "$bench/learn"
fi
[ -f "$bench/learn/train.csv" ] || SPLIT_ONLY=1 "$py" "$root/bench/learn/peers.py" "$bench/learn/features_200k.csv" "$bench/learn"
[ -f "$bench/learn-linear/train.csv" ] || SPLIT_ONLY=1 "$py" "$root/bench/learn-linear/peers.py" "$bench/learn/features_200k.csv" "$bench/learn-linear"
[ -s "$bench/noop/shots.csv" ] || { mkdir -p "$bench/noop"; "$(cat "$bench/compare-after.workbench")" simulate shots --rows 1000000 --seed 7 --season 2019 -o "$bench/noop/shots.csv"; }

"$py" "$root/bench/compare/compare.py" "$bench" "$root" "${REPEATS:-5}"
