#!/usr/bin/env bash
# No-op rerun benchmark (issue 2): a 10-cell workbook over a >=150 MB shots CSV, rerun with nothing changed,
# side by side with `dvc repro` on an equivalent 10-stage pipeline, in the same run on the same data.
#   bench/noop/run.sh            (prints a Markdown table; figures go to docs/benchmarks.md by hand)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/.build-bench/noop"
mkdir -p "$work"
cd "$root"
scripts/setup.sh
command -v hyperfine >/dev/null || { apt-get install -y -qq hyperfine >/dev/null; }
scripts/python-env.sh dvc
source bench/lib/build.sh
wb="$(workbench_binary "$root")"      # WORKBENCH=path reuses a build

# 1. Data: 1,000,000 simulated shots in the Kaggle schema (~190 MB), generated once.
csv="$work/shots.csv"
[ -f "$csv" ] || "$wb" simulate shots --rows 1000000 --seed 7 --season 2019 -o "$csv"
size_mb=$(( $(stat -c %s "$csv") / 1000000 ))

# 2. Workbench project: load + 9 dependent cells.
proj="$work/workbench"
mkdir -p "$proj/.workbench"   # its own project root (not the repository's)
cat > "$proj/noop.yaml" <<YAML
workbook: noop
params:
  shots: $csv
cells:
  - {id: bronze, kind: load, source: "\${shots}"}
  - {id: d1, kind: describe, input: bronze, columns: [Shot Distance]}
  - {id: d2, kind: describe, input: bronze, columns: [X Location]}
  - {id: d3, kind: describe, input: bronze, columns: [Y Location]}
  - {id: d4, kind: describe, input: bronze, columns: [Shot Made Flag]}
  - {id: d5, kind: describe, input: bronze, columns: [Shot Zone Basic]}
  - {id: d6, kind: describe, input: bronze, columns: [Shot Type]}
  - {id: d7, kind: describe, input: bronze, columns: [Period]}
  - {id: d8, kind: describe, input: bronze, columns: [Minutes Remaining]}
  - {id: summary, kind: note, text: "{{ d1.rows }} shots; {{ d4.columns.Shot Made Flag.mean }} made"}
YAML
sed -i 's/{{ d4.columns.Shot Made Flag.mean }} made/profiled/' "$proj/noop.yaml"
(cd "$proj" && "$wb" run noop.yaml -q)

# 3. DVC project: 10 stages with the same shape (stage 1 reads the CSV, the others depend on it).
dvcdir="$work/dvc"
if [ ! -f "$dvcdir/dvc.lock" ]; then
  rm -rf "$dvcdir"; mkdir -p "$dvcdir"
  (
    cd "$dvcdir"
    git init -q . && "$root/.build-py/dvc/bin/dvc" init -q
    ln -s "$csv" shots.csv
    {
      echo "stages:"
      echo "  bronze:"
      echo "    cmd: python3 -c \"import sys; n=sum(1 for _ in open('shots.csv')); open('bronze.txt','w').write(str(n))\""
      echo "    deps: [shots.csv]"
      echo "    outs: [bronze.txt]"
      for i in 1 2 3 4 5 6 7 8; do
        echo "  d$i:"
        echo "    cmd: python3 -c \"open('d$i.txt','w').write(open('bronze.txt').read())\""
        echo "    deps: [bronze.txt]"
        echo "    outs: [d$i.txt]"
      done
      echo "  summary:"
      echo "    cmd: cat d1.txt d2.txt > summary.txt"
      echo "    deps: [d1.txt, d2.txt]"
      echo "    outs: [summary.txt]"
    } > dvc.yaml
    "$root/.build-py/dvc/bin/dvc" repro -q >/dev/null
  )
fi

# 4. Timed no-op reruns, same run.
hyperfine -N -w 3 -r 20 --export-json "$work/noop.json" \
  -n workbench "bash -c 'cd $proj && $wb run noop.yaml -q'" \
  -n "dvc repro" "bash -c 'cd $dvcdir && $root/.build-py/dvc/bin/dvc repro -q'" >/dev/null
python3 - "$work/noop.json" "$size_mb" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["results"]
t = {r["command"]: r for r in d}
w, v = t["workbench"], t["dvc repro"]
print(f"| tool | no-op rerun, mean ± sd (ms) | min (ms) |")
print(f"|---|---|---|")
for name, r in (("workbench run (10 cells)", w), ("dvc repro (10 stages)", v)):
    print(f"| {name} | {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} | {r['min']*1000:.1f} |")
print(f"\ninput: {sys.argv[2]} MB CSV; ratio dvc/workbench = {v['mean']/w['mean']:.1f}x")
PY
