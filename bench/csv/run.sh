#!/usr/bin/env bash
# CSV load benchmark: our reader (release build of bench/csv/main.swift) vs pandas.read_csv vs polars.read_csv,
# whole process, same run, same file. Usage: bench/csv/run.sh [runs per tool, default 5]
#
# Data: .build-bench/shots_1m.csv, 1,000,000 rows x 22 Kaggle-schema columns made from the real NBA.com season
# files by make_data.py (mapping in that file and in ../shared/datasets/nba_shots/SOURCE.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${1:-5}"
BENCH="$ROOT/.build-bench"
PY="${PYTHON:-$ROOT/.build-py/anchors/bin/python}"
DATA="$BENCH/shots_1m.csv"
SHARED="${WORKBENCH_SHARED_DATASETS:-$ROOT/../shared/datasets}"
mkdir -p "$BENCH"

if [[ ! -s "$DATA" ]]; then
  "$PY" "$ROOT/bench/csv/make_data.py" "$SHARED/nba_shots/nba_com_2004_2024" "$DATA" 1000000
fi

# The driver: $CSVBENCH if given, else a release build of a throw-away package holding the Frame sources of this
# checkout (symlinked) and the driver, so the benchmark does not depend on other modules building.
source "$ROOT/bench/lib/build.sh"
DRIVER="${CSVBENCH:-$(driver_binary "$ROOT" csvbench "$ROOT/bench/csv" Frame)}"

measure() {  # name, command... : one timed run, prints "name wall_s peak_kb user_s sys_s"
  local name="$1"; shift
  /usr/bin/time -f "$name %e %M %U %S" -o "$BENCH/time.$name" "$@" > /dev/null
  cat "$BENCH/time.$name"
}

# Interleaved runs so that machine load affects every tool alike.
for ((k = 0; k < RUNS; k++)); do
  measure ours "$DRIVER" "$DATA" 2
  measure pandas "$PY" -c "import sys, pandas as pd; d = pd.read_csv(sys.argv[1]); print(d.shape)" "$DATA"
  measure polars "$PY" -c "import sys, polars as pl; d = pl.read_csv(sys.argv[1]); print(d.shape)" "$DATA"
done > "$BENCH/csv_times.txt"

"$PY" - "$BENCH/csv_times.txt" "$DATA" <<'PYEOF'
import sys, statistics, os, platform
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
by = {}
for name, wall, kb, user, sys_ in rows:
    by.setdefault(name, []).append((float(wall), int(kb), float(user) + float(sys_)))
ours = statistics.median(w for w, _, _ in by["ours"])
print(f"file: {sys.argv[2]} ({os.path.getsize(sys.argv[2]) / 1e6:.1f} MB), runs per tool: {len(by['ours'])}, "
      f"cores: {os.cpu_count()}, load average at end: {os.getloadavg()[0]:.2f}")
print("| tool | median wall s | min wall s | median CPU s (user+sys) | peak RSS MB | wall vs ours |")
print("|---|---|---|---|---|---|")
for name in ["ours", "pandas", "polars"]:
    v = by[name]
    med = statistics.median(w for w, _, _ in v)
    print(f"| {name} | {med:.3f} | {min(w for w, _, _ in v):.3f} | {statistics.median(c for _, _, c in v):.3f} | "
          f"{max(k for _, k, _ in v) / 1024:.0f} | {med / ours:.2f}x |")
PYEOF
