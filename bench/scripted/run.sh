#!/usr/bin/env bash
# Scripted-cell benchmarks (issue 13): (a) a trivial Python cell vs papermill and Ploomber, (b) 1M rows handed to
# Python and back as Arrow IPC vs CSV, (c) no-op rerun of 20 scripted cells. Prints a Markdown table.
#   bench/scripted/run.sh        (WORKBENCH=path picks the executable; default: a release build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/.build-bench/scripted"
mkdir -p "$work"; cd "$root"
scripts/python-env.sh bench
source "$root/bench/lib/build.sh"
WORKBENCH="$(workbench_binary "$root")"
WORKBENCH="$WORKBENCH" WORK="$work" "$root/.build-py/bench/bin/python" "$root/bench/scripted/bench.py"
