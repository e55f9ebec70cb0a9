"""Scripted-cell benchmarks (issue 13), run by bench/scripted/run.sh with the `bench` Python environment.

(a) overhead of a trivial Python cell vs papermill executing a trivial notebook and Ploomber building a one-task
    pipeline (same interpreter for all three);
(b) a 1,000,000-row table handed to a Python cell and back, as Arrow IPC vs as CSV (the cell's own duration);
(c) a no-op rerun of a workbook of 20 scripted cells.
Prints a Markdown table; the figures go to docs/benchmarks.md by hand.
"""
import json, os, pathlib, resource, shutil, statistics, subprocess, sys, time

wb = os.environ["WORKBENCH"]
python = sys.executable
work = pathlib.Path(os.environ["WORK"])
repeats = int(os.environ.get("REPEATS", "5"))
env = dict(os.environ, NO_COLOR="1")


def timed(cmd, cwd):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_of(cmd, cwd, prepare=None):
    samples = []
    for _ in range(repeats):
        if prepare:
            prepare()
        samples.append(timed(cmd, cwd))
    return statistics.median(samples)


def fresh(name):
    d = work / name
    shutil.rmtree(d, ignore_errors=True)
    (d / ".workbench").mkdir(parents=True)  # its own project root (not the repository's)
    return d


rows = []

# (a) trivial cell / notebook / task
a = fresh("a")
(a / "w.yaml").write_text(f"""workbook: trivial
cells:
  - id: trivial
    kind: python
    interpreter: {python}
    outputs: {{metrics: [x]}}
    code: wb.metric("x", 1)
""")
workbench_a = median_of([wb, "run", "w.yaml", "--force"], a)
nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [], "source": ["x = 1"]}],
      "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
(a / "trivial.ipynb").write_text(json.dumps(nb))
papermill = str(pathlib.Path(python).parent / "papermill")
papermill_a = median_of([papermill, "trivial.ipynb", "out.ipynb", "-k", "python3", "--no-progress-bar"], a)
(a / "tasks.py").write_text("from pathlib import Path\n\ndef trivial(product):\n    Path(str(product)).write_text('1')\n")
(a / "pipeline.yaml").write_text("tasks:\n  - source: tasks.trivial\n    product: out.txt\n")
ploomber = str(pathlib.Path(python).parent / "ploomber")
ploomber_a = median_of([ploomber, "build", "--force"], a)
rows.append(("(a) trivial Python cell, executed (`run --force`)", workbench_a))
rows.append(("(a) papermill, trivial notebook", papermill_a))
rows.append(("(a) Ploomber, one-task pipeline (`build --force`)", ploomber_a))

# (b) 1M rows in and out, Arrow vs CSV: the Python cell's own duration from run.json
b = fresh("b")
subprocess.run([python, "-c", """
import numpy as np, pandas as pd
r = np.random.default_rng(7); n = 1_000_000
pd.DataFrame({"id": np.arange(n), "x": r.normal(size=n), "zone": r.choice(["paint", "mid", "corner", "above"], n),
              "made": r.random(n) < 0.45}).to_csv("rows.csv", index=False)
"""], cwd=b, check=True)
cells = "".join(f"""  - id: through_{fmt}
    kind: python
    interpreter: {python}
    table_format: {fmt}
    inputs: {{rows: rows}}
    outputs: {{tables: [rows]}}
    code: |
      df = wb.table("rows")
      wb.save_table("rows", df)
""" for fmt in ["arrow", "csv"]) + f"""  - id: through_none
    kind: python
    interpreter: {python}
    outputs: {{metrics: [x]}}
    code: |
      import pandas, pyarrow.ipc
      wb.metric("x", 1)
"""
(b / "w.yaml").write_text(f"workbook: handoff\ncells:\n  - id: rows\n    kind: load\n    source: rows.csv\n{cells}")
subprocess.run([wb, "run", "w.yaml"], cwd=b, env=env, check=True, stdout=subprocess.DEVNULL)
durations = {"arrow": [], "csv": [], "none": []}
for _ in range(repeats):
    for fmt in durations:
        subprocess.run([wb, "run", "w.yaml", "--force", "--cell", f"through_{fmt}"], cwd=b, env=env, check=True, stdout=subprocess.DEVNULL)
        run = json.loads((b / "outputs/handoff/run.json").read_text())
        cell = next(c for c in run["cells"] if c["id"] == f"through_{fmt}")
        durations[fmt].append(cell["duration_ms"] / 1000)
arrow_b, csv_b = statistics.median(durations["arrow"]), statistics.median(durations["csv"])
base_b = statistics.median(durations["none"])
rows.append(("(b) 1,000,000 rows into pandas and back, Arrow IPC (cell time)", arrow_b))
rows.append(("(b) the same, CSV (cell time)", csv_b))
rows.append(("(b) the same cell without tables (Python start + `import pandas, pyarrow`)", base_b))

# (c) no-op rerun of 20 scripted cells
c = fresh("c")
cells = "".join(f"""  - id: s{i}
    kind: python
    interpreter: {python}
    outputs: {{metrics: [x]}}
    code: wb.metric("x", {i})
""" for i in range(20))
(c / "w.yaml").write_text(f"workbook: twenty\ncells:\n{cells}")
subprocess.run([wb, "run", "w.yaml"], cwd=c, env=env, check=True, stdout=subprocess.DEVNULL)
noop_c = median_of([wb, "run", "w.yaml"], c)
cpu = []
for _ in range(repeats):  # CPU time (user + system) of the child: steadier than wall time on a shared machine
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    timed([wb, "run", "w.yaml"], c)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
noop_cpu = statistics.median(cpu)
rows.append(("(c) no-op rerun, 20 scripted cells (wall)", noop_c))
rows.append(("(c) the same, CPU time (user + system)", noop_cpu))

print("| measurement | seconds (median of %d) |" % repeats)
print("|---|---|")
for name, s in rows:
    print(f"| {name} | {s:.3f} |")
print()
print(f"(a) workbench / papermill = {workbench_a / papermill_a:.3f} (target <= 0.1); workbench / Ploomber = {workbench_a / ploomber_a:.3f}")
print(f"(b) CSV / Arrow = {csv_b / arrow_b:.1f}x whole cell; {(csv_b - base_b) / max(arrow_b - base_b, 1e-3):.1f}x for the hand-off alone (target >= 5x)")
print(f"(c) no-op = {noop_c * 1000:.0f} ms wall, {noop_cpu * 1000:.0f} ms CPU (target < 50 ms)")
