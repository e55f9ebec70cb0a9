#!/usr/bin/env bash
# Scale-out benchmark (issue 15): the PariVision workbook, local vs `--executor slurm` on the same machine.
# Usage: bench/scale/run.sh [SHOTS] — SHOTS defaults to all nineteen NBA.com seasons
# (../shared/datasets/nba_shots/nba_com_2004_2024). Needs a running Slurm (scripts/slurm.sh start) and a build of
# workbench with the Slurm executor (WORKBENCH=path; default: a release build, bench/lib/build.sh).
# Prints: both wall times and the scheduling overhead as a percentage, outputs compared byte for byte, each trial's
# time (from the array tasks' logs), and from those times how many 2-CPU nodes bring the sweep under one minute.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHOTS=${1:-$ROOT/../shared/datasets/nba_shots/nba_com_2004_2024}
SHOTS=$(cd "$(dirname "$SHOTS")" && pwd)/$(basename "$SHOTS")
source "$ROOT/bench/lib/build.sh"
WORKBENCH="$(workbench_binary "$ROOT")"
"$WORKBENCH" cell items --help >/dev/null 2>&1 || { echo "bench/scale: $WORKBENCH has no Slurm executor: build it (swift build)" >&2; exit 1; }
scontrol ping 2>/dev/null | grep -q "is UP" || { echo "bench/scale: Slurm is not running: scripts/slurm.sh start" >&2; exit 1; }
DIR=$ROOT/.build-bench/scale
rm -rf "$DIR" && mkdir -p "$DIR"
for mode in local slurm; do
  mkdir -p "$DIR/$mode/Workbooks" "$DIR/$mode/.workbench"  # .workbench: its own project root
  cp -R "$ROOT/Workbooks/parivision.yaml" "$ROOT/Workbooks/includes" "$DIR/$mode/Workbooks/"
  ln -s "$ROOT/datasets" "$DIR/$mode/datasets"
done
echo "workbench: $WORKBENCH; shots: $SHOTS"
run() {  # mode, extra arguments…
  mode=$1; shift
  cd "$DIR/$mode"
  start=$(date +%s.%N)
  WORKBENCH_SLURM_KEEP_LOGS=1 "$WORKBENCH" run Workbooks/parivision.yaml --param "shots=$SHOTS" "$@" > run.log 2>&1 || { tail -30 run.log; exit 1; }
  end=$(date +%s.%N)
  echo "$start $end" > times
}
run local
run slurm --executor slurm
cd "$DIR"
for cell in $(ls local/outputs/parivision/cells); do
  for f in $(cd "local/outputs/parivision/cells/$cell" && ls); do
    cmp -s "local/outputs/parivision/cells/$cell/$f" "slurm/outputs/parivision/cells/$cell/$f" || echo "differs: $cell/$f"
  done
done > differences.txt
python3 - "$DIR" <<'PY'
import glob, json, os, re, sys, heapq
d = sys.argv[1]
def wall(mode):
    a, b = open(f"{d}/{mode}/times").read().split()
    return float(b) - float(a)
local, slurm = wall("local"), wall("slurm")
print(f"local run: {local:.1f} s; --executor slurm: {slurm:.1f} s; scheduling overhead {100 * (slurm - local) / local:+.1f}%")
diff = open(f"{d}/differences.txt").read().split("\n")
diff = [x for x in diff if x]
print("outputs: every cell file byte-identical" if not diff else f"outputs: {len(diff)} files differ: {diff[:5]}")
logs = glob.glob(f"{d}/slurm/.workbench/slurm/*/sweep.items-*.log")
trials, tasks = {}, []
for path in logs:
    text = open(path).read()
    for i, s in re.findall(r"item (\d+) stored in ([0-9.]+) s", text):
        trials[int(i)] = float(s)
    for line in text.splitlines():
        if line.startswith("{"):
            tasks.append(json.loads(line)["duration_ms"] / 1000)
gather = None
for path in glob.glob(f"{d}/slurm/.workbench/slurm/*/sweep-*.log"):
    for line in open(path).read().splitlines():
        if line.startswith("{"):
            gather = json.loads(line)["duration_ms"] / 1000
run = json.load(open(f"{d}/local/outputs/parivision/run.json"))
local_sweep = next(c for c in run["cells"] if c["id"] == "sweep").get("duration_ms", 0) / 1000
if not trials:
    print("no per-trial times found in the array logs"); sys.exit(0)
times = [trials[i] for i in sorted(trials)]
startup = max(0.0, (sum(tasks) - sum(times)) / max(1, len(tasks)))
print(f"sweep: {len(times)} trials, {sum(times):.1f} s of trial time in {len(tasks)} array tasks "
      f"(per task {startup:.1f} s besides trials: loading the split from the cache); gathering job {gather or 0:.1f} s; "
      f"local sweep cell {local_sweep:.1f} s")
print("per-trial seconds: " + ", ".join(f"#{i}: {trials[i]:.1f}" for i in sorted(trials)))
def makespan(slots):  # longest-processing-time-first over `slots` CPUs
    heap = [0.0] * slots
    for t in sorted(times, reverse=True):
        heapq.heappush(heap, heapq.heappop(heap) + t)
    return max(heap)
print("on paper (2-CPU nodes; one task per CPU; tasks each load the split, then the gathering job refits):")
best = None
for nodes in [1, 2, 3, 4, 5, 8, 16, 32]:
    total = startup + makespan(2 * nodes) + (gather or 0)
    print(f"  {nodes:>2} node(s): sweep ≈ {total:.1f} s")
    if best is None and total < 60: best = nodes
floor = startup + max(times) + (gather or 0)
print(f"floor with one trial per CPU: {floor:.1f} s (the longest trial, {max(times):.1f} s, plus loading and gathering)")
print(f"nodes for under one minute: {best}" if best else
      "no number of nodes brings it under one minute at one trial per task: the longest trial alone exceeds it "
      "(splitting trials into their folds would be the next step)")
PY
