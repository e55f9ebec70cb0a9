#!/usr/bin/env bash
# Engine scale benchmark (issue 11): planning and scheduling of a generated workbook of N dependent cells.
#   bench/plan/run.sh [N...]       (default: 1000 3000 10000; prints a Markdown table; figures go to docs/benchmarks.md)
# Each workbook is a chain (cell i reads cell i-1, the worst case for scheduling) of cheap `test_sleep` cells
# (ms: 0; enabled by WORKBENCH_TEST_KINDS=1) with an extra edge to cell i-10 on every tenth cell. Cells are kept
# to four options: the YAML reader refuses documents of more than 100,000 values. Measured, release build:
#   status    `workbench status` on a fresh project: parse, validate, order, plan every cell (executes nothing)
#   cold run  the first `workbench run`: plan, execute and store every cell, write every cell folder and the reports
#   no-op     `workbench run` again with nothing changed (median of 3)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/.build-bench/plan"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 3000 10000)
mkdir -p "$work"; cd "$root"
source bench/lib/build.sh
wb="$(workbench_binary "$root")"      # WORKBENCH=path reuses a build
export WORKBENCH_TEST_KINDS=1 NO_COLOR=1

# "wall cpu" seconds of one command (cpu = user + system: steadier than wall time on a shared machine).
seconds() {
  /usr/bin/time -f "%e %U %S" -o "$work/time.txt" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  awk '{ printf "%.2f %.2f", $1, $2 + $3 }' "$work/time.txt"
}

echo "| cells | edges | status: wall / cpu (s) | cold run: wall / cpu (s) | no-op rerun, median of 3: wall / cpu (s) |"
echo "|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  proj="$work/chain-$n"
  rm -rf "$proj"; mkdir -p "$proj/.workbench"   # its own project root (not the repository's)
  python3 - "$n" > "$proj/chain.yaml" <<'PY'
import sys
n = int(sys.argv[1])
print("workbook: chain")
print("cells:")
print("  - {id: c0, kind: test_sleep, ms: 0, value: 0}")
for i in range(1, n):
    if i % 10 == 0 and i >= 10:
        print(f"  - {{id: c{i}, kind: test_sleep, ms: 0, value: \"${{c{i-10}.value}}\", input: c{i-1}}}")
    else:
        print(f"  - {{id: c{i}, kind: test_sleep, ms: 0, input: c{i-1}}}")
PY
  edges=$(( n - 1 + (n - 1) / 10 ))
  cd "$proj"
  status=$(seconds "$wb" status chain.yaml)
  cold=$(seconds "$wb" run chain.yaml -q)
  noop=$(for _ in 1 2 3; do seconds "$wb" run chain.yaml -q; echo; done | sort -n | sed -n 2p)
  cd "$root"
  fmt() { echo "$1 / $2"; }
  echo "| $n | $edges | $(fmt $status) | $(fmt $cold) | $(fmt $noop) |"
done
