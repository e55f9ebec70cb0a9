"""Drift benchmark helpers: prepare the two real seasons as CSV, run Evidently's DataDriftPreset (whole process),
time both tools as subprocesses in the same run, and compare per-column verdicts.

  peers.py prepare <work> <datasets>
  peers.py evidently <work>                      # one whole Evidently run (load CSV + preset + HTML), prints JSON
  peers.py time <work> <workbench> <python> <N>  # best of N whole-process runs of both, prints the markdown table
"""
import json, math, os, resource, shutil, subprocess, sys, time

NUMERIC = ["LOC_X", "LOC_Y", "SHOT_DISTANCE", "SECONDS_LEFT", "QUARTER", "SHOT_MADE"]
CATEGORICAL = ["SHOT_TYPE", "BASIC_ZONE", "ZONE_RANGE", "ACTION_TYPE"]


def prepare(work, datasets):
    work = os.path.abspath(work)
    import pandas as pd
    os.makedirs(work, exist_ok=True)
    for year, name in [(2004, "reference"), (2021, "current")]:
        df = pd.read_csv(f"{datasets}/nba_shots/nba_com_2004_2024/NBA_{year}_Shots.csv.gz",
                         usecols=["SHOT_MADE", "SHOT_TYPE", "BASIC_ZONE", "ZONE_RANGE", "ACTION_TYPE", "LOC_X", "LOC_Y",
                                  "SHOT_DISTANCE", "QUARTER", "MINS_LEFT", "SECS_LEFT"])
        df["SHOT_MADE"] = df["SHOT_MADE"].astype(int)
        df["SECONDS_LEFT"] = df["MINS_LEFT"] * 60 + df["SECS_LEFT"]
        df[NUMERIC + CATEGORICAL].to_csv(os.path.join(work, name + ".csv"), index=False)
    with open(os.path.join(work, "drift-bench.yaml"), "w") as f:
        f.write(f"""workbook: drift-bench
cells:
  - id: ref
    kind: load
    source: {work}/reference.csv
  - id: cur
    kind: load
    source: {work}/current.csv
  - id: drift
    kind: drift
    reference: ref
    current: cur
""")


def evidently(work):
    import pandas as pd
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset
    ref = pd.read_csv(os.path.join(work, "reference.csv"))
    cur = pd.read_csv(os.path.join(work, "current.csv"))
    definition = DataDefinition(numerical_columns=NUMERIC, categorical_columns=CATEGORICAL)
    snap = Report([DataDriftPreset()]).run(current_data=Dataset.from_pandas(cur, data_definition=definition),
                                           reference_data=Dataset.from_pandas(ref, data_definition=definition))
    snap.save_html(os.path.join(work, "evidently.html"))
    out = {}
    for m in snap.dict()["metrics"]:
        if m.get("metric_name", "").startswith("ValueDrift"):
            c = m["config"]
            p_value = "p_value" in c["method"]
            v = float(m["value"])
            out[c["column"]] = dict(method=c["method"], score=v,
                                    drifted=(v <= c["threshold"] if "K-S" in c["method"] else v < c["threshold"]) if p_value else v >= c["threshold"])
    print(json.dumps(out))


def timed(cmd, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({p.returncode}): {p.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.stdout


def time_both(work, workbench, python, repeats):
    # The workbook sits in its own project folder (a `.workbench/` marks the root; the workbook's inputs are absolute
    # paths): from .build-bench/drift/ the project root would be this repository's.
    project = os.path.join(work, "project")
    os.makedirs(os.path.join(project, ".workbench"), exist_ok=True)
    shutil.copyfile(os.path.join(work, "drift-bench.yaml"), os.path.join(project, "drift-bench.yaml"))
    best = {"workbench": (math.inf, math.inf), "evidently": (math.inf, math.inf)}
    ev = None
    for _ in range(repeats):
        w, c, _ = timed([workbench, "run", "drift-bench.yaml", "--force", "--quiet"], project)
        best["workbench"] = (min(best["workbench"][0], w), min(best["workbench"][1], c))
        w, c, out = timed([python, os.path.abspath(__file__), "evidently", work], project)
        best["evidently"] = (min(best["evidently"][0], w), min(best["evidently"][1], c))
        ev = json.loads(out.strip().splitlines()[-1])
    ours = json.load(open(os.path.join(project, "outputs/drift-bench/cells/drift/result.json")))
    same = all(ours["columns"][k]["drifted"] == v["drifted"] for k, v in ev.items()) and len(ev) == len(ours["columns"])
    rel = max(abs(ours["columns"][k]["score"] - v["score"]) / max(abs(v["score"]), 1e-300) for k, v in ev.items())
    html = os.path.getsize(os.path.join(project, "outputs/drift-bench/index.html"))
    ev_html = os.path.getsize(os.path.join(work, "evidently.html"))
    rows = sum(1 for _ in open(os.path.join(work, "reference.csv"))) - 1, sum(1 for _ in open(os.path.join(work, "current.csv"))) - 1
    (ww, wc), (ew, ec) = best["workbench"], best["evidently"]
    print(f"Data: 2004 season {rows[0]:,} rows vs 2021 season {rows[1]:,} rows, 10 columns (CSV). Best of {repeats}.")
    print()
    print("| whole process | wall (s) | CPU (s) | report size | drifted columns |")
    print("|---|---:|---:|---:|---:|")
    print(f"| `workbench run` (load + drift + report) | {ww:.2f} | {wc:.2f} | {html / 1e6:.2f} MB | {ours['drifted_columns']}/10 |")
    print(f"| Evidently 0.7 DataDriftPreset (pandas load + report + save_html) | {ew:.2f} | {ec:.2f} | {ev_html / 1e6:.2f} MB | {sum(v['drifted'] for v in ev.values())}/10 |")
    print()
    print(f"Ratio Evidently / workbench: wall {ew / ww:.1f}x, CPU {ec / wc:.1f}x. Per-column verdicts identical: {same}; "
          f"max relative score difference {rel:.1e}.")


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "evidently":
        evidently(sys.argv[2])
    else:
        time_both(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
