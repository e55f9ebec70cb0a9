"""Data preparation and Python peers for bench/stats/run.sh.

prepare OUT DATA: writes the benchmark inputs read by the Swift driver into OUT:
  describe/<col>.f64   1M+ real shots (seasons 2004-2009), 7 numeric columns, float64 little-endian
  drift/{ref,cur}_<col>.f64 or .txt   reference = 2004 season, current = 2021 season, 10 columns
run OUT DATA REPEATS: times pandas / numpy / scipy / evidently on the same data and prints one JSON line.
"""
import json, math, os, sys, time, warnings

warnings.filterwarnings("ignore")
import numpy as np
import pandas as pd

NUMERIC = ["LOC_X", "LOC_Y", "SHOT_DISTANCE", "QUARTER", "MINS_LEFT", "SECS_LEFT", "SHOT_MADE"]
DRIFT_NUMERIC = ["LOC_X", "LOC_Y", "SHOT_DISTANCE", "SECONDS_LEFT", "QUARTER", "SHOT_MADE"]
DRIFT_CATEGORICAL = ["SHOT_TYPE", "BASIC_ZONE", "ZONE_RANGE", "ACTION_TYPE"]
MISSING = "\x01"


def season(data, year, cols):
    df = pd.read_csv(f"{data}/nba_shots/nba_com_2004_2024/NBA_{year}_Shots.csv.gz", usecols=cols)
    if "SHOT_MADE" in df:
        df["SHOT_MADE"] = df["SHOT_MADE"].astype(float)
    if "MINS_LEFT" in df and "SECS_LEFT" in df:
        df["SECONDS_LEFT"] = (df["MINS_LEFT"] * 60 + df["SECS_LEFT"]).astype(float)
    return df


def prepare(out, data):
    os.makedirs(f"{out}/describe", exist_ok=True)
    os.makedirs(f"{out}/drift", exist_ok=True)
    big = pd.concat([season(data, y, NUMERIC) for y in range(2004, 2010)], ignore_index=True)
    for c in NUMERIC:
        big[c].astype("<f8").values.tofile(f"{out}/describe/{c}.f64")
    cols = ["LOC_X", "LOC_Y", "SHOT_DISTANCE", "QUARTER", "MINS_LEFT", "SECS_LEFT", "SHOT_MADE"] + DRIFT_CATEGORICAL
    for tag, year in (("ref", 2004), ("cur", 2021)):
        df = season(data, year, cols)
        for c in DRIFT_NUMERIC:
            df[c].astype("<f8").values.tofile(f"{out}/drift/{tag}_{c}.f64")
        for c in DRIFT_CATEGORICAL:
            with open(f"{out}/drift/{tag}_{c}.txt", "w") as f:
                f.write("\n".join(MISSING if pd.isna(v) else str(v) for v in df[c]))
    print(json.dumps({"describe_rows": len(big), "drift_rows": [len(season(data, 2004, ["SHOT_MADE"])), len(season(data, 2021, ["SHOT_MADE"]))]}))


def load_describe(out):
    return pd.DataFrame({c: np.fromfile(f"{out}/describe/{c}.f64", dtype="<f8") for c in NUMERIC})


def load_drift(out, tag):
    d = {c: np.fromfile(f"{out}/drift/{tag}_{c}.f64", dtype="<f8") for c in DRIFT_NUMERIC}
    for c in DRIFT_CATEGORICAL:
        with open(f"{out}/drift/{tag}_{c}.txt") as f:
            d[c] = [None if v == MISSING else v for v in f.read().split("\n")]
    return pd.DataFrame(d)


CPU = {}


def best(fn, repeats, name=None):
    """Best wall time of `repeats` runs (and best process CPU time, all threads, recorded under `name`)."""
    times, cpus = [], []
    result = None
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    if name:
        CPU[name] = min(cpus)
    return min(times), result


def run(out, data, repeats):
    from scipy import stats
    from evidently.legacy.calculations.stattests.registry import get_stattest
    from evidently.legacy.core import ColumnType

    res = {}
    df = load_describe(out)
    pct = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]

    def pandas_describe():
        d = df.describe(percentiles=pct)
        return d, df.skew(), df.kurt(), (df == 0).sum()

    res["describe_pandas"], (d, skew, kurt, zeros) = best(pandas_describe, repeats, name="describe_pandas")

    def numpy_describe():
        out_ = {}
        for c in NUMERIC:
            v = df[c].values
            v = v[~np.isnan(v)]
            m = v.mean()
            out_[c] = (len(v), m, v.std(ddof=1), np.percentile(v, [0, 1, 5, 25, 50, 75, 95, 99, 100]), stats.skew(v, bias=False), (v == 0).sum())
        return out_

    res["describe_numpy_scipy"], _ = best(numpy_describe, repeats, name="describe_numpy_scipy")
    res["describe_values"] = {c: {"mean": d[c]["mean"], "std": d[c]["std"], "p1": d[c]["1%"], "median": d[c]["50%"],
                                  "p99": d[c]["99%"], "skew": skew[c], "kurtosis": kurt[c]} for c in NUMERIC}
    res["pearson_pandas"], pear = best(lambda: df.corr(), repeats, name="pearson_pandas")
    res["spearman_pandas"], spear = best(lambda: df.corr(method="spearman"), max(1, repeats // 2), name="spearman_pandas")
    try:
        import polars as pl

        pdf = pl.DataFrame({c: df[c].values for c in NUMERIC})

        def polars_describe():
            return (pdf.describe(percentiles=pct, interpolation="linear"),
                    pdf.select([pl.col(c).skew(bias=False) for c in NUMERIC]),
                    pdf.select([pl.col(c).kurtosis(bias=False) for c in NUMERIC]),
                    pdf.select([(pl.col(c) == 0).sum() for c in NUMERIC]))

        res["describe_polars"], _ = best(polars_describe, repeats, name="describe_polars")
        res["pearson_polars"], _ = best(lambda: pdf.corr(), repeats, name="pearson_polars")
        pairs = [(a, b) for i, a in enumerate(NUMERIC) for b in NUMERIC[:i]]
        res["spearman_polars"], _ = best(lambda: pdf.select([pl.corr(a, b, method="spearman").alias(f"{a}|{b}") for a, b in pairs]), max(1, repeats // 2), name="spearman_polars")
        res["polars_threads"] = pl.thread_pool_size()
    except Exception as e:
        res["polars_error"] = repr(e)
    res["pearson_values"] = pear.values.tolist()
    res["spearman_values"] = spear.values.tolist()

    ref = load_drift(out, "ref")
    cur = load_drift(out, "cur")
    kinds = {c: ColumnType.Numerical for c in DRIFT_NUMERIC}
    kinds.update({c: ColumnType.Categorical for c in DRIFT_CATEGORICAL})

    def evidently_stattests():
        rows = {}
        for c, kind in kinds.items():
            r = ref[c].replace([-np.inf, np.inf], np.nan).dropna()
            k = cur[c].replace([-np.inf, np.inf], np.nan).dropna()
            test = get_stattest(r, k, kind, None)
            result = test(r, k, kind, None)
            rows[c] = [test.name, float(result.drift_score), bool(result.drifted)]
        return rows

    res["drift_evidently_stattests"], rows = best(evidently_stattests, repeats, name="drift_evidently_stattests")
    res["drift_values"] = rows

    def scipy_stats():
        out_ = {}
        for c in DRIFT_NUMERIC:
            a = ref[c].dropna().values; b = cur[c].dropna().values
            out_[c] = (stats.ks_2samp(a, b).pvalue, stats.wasserstein_distance(a, b))
        return out_

    res["drift_scipy_ks_wasserstein"], _ = best(scipy_stats, repeats, name="drift_scipy_ks_wasserstein")

    # The whole Evidently DataDriftPreset report on the same 10 columns (what issue 6's 4.8 s anchor measures).
    try:
        from evidently import DataDefinition, Dataset, Report
        from evidently.presets import DataDriftPreset

        definition = DataDefinition(numerical_columns=DRIFT_NUMERIC, categorical_columns=DRIFT_CATEGORICAL)

        def preset():
            r = Dataset.from_pandas(ref, data_definition=definition)
            k = Dataset.from_pandas(cur, data_definition=definition)
            return Report([DataDriftPreset()]).run(current_data=k, reference_data=r)

        res["drift_evidently_preset"], snap = best(preset, max(1, repeats // 2), name="drift_evidently_preset")
        preset_rows = {}
        for m in snap.dict()["metrics"]:
            name = m.get("metric_name", "") or ""
            if name.startswith("ValueDrift"):
                col = m["config"]["column"]
                preset_rows[col] = [m["config"].get("method"), float(m["value"])]
        res["drift_preset_values"] = preset_rows
    except Exception as e:  # the preset API is informative only; stattests above are the comparison
        res["drift_evidently_preset_error"] = repr(e)
    res["cpu"] = CPU
    print(json.dumps(res, default=float))


def report(swift_path, python_path):
    sw = json.load(open(swift_path))
    py = json.load(open(python_path))

    def rel(a, b):
        if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
            return 0.0 if (a is None) == (b is None or math.isnan(b)) else math.inf
        return abs(a - b) / max(abs(b), 1e-300)

    desc = max(rel(sw["describe_values"][c][k], py["describe_values"][c][k]) for c in NUMERIC for k in sw["describe_values"][c])
    pear = max(abs((a or 0) - (b or 0)) for ra, rb in zip(sw["pearson_values"], py["pearson_values"]) for a, b in zip(ra, rb))
    spear = max(abs((a or 0) - (b or 0)) for ra, rb in zip(sw["spearman_values"], py["spearman_values"]) for a, b in zip(ra, rb))
    same_tests = all(sw["drift_values"][c][0] == py["drift_values"][c][0] for c in py["drift_values"])
    same_verdicts = all(sw["drift_values"][c][2] == py["drift_values"][c][2] for c in py["drift_values"])
    drift_rel = max(rel(sw["drift_values"][c][1], py["drift_values"][c][1]) for c in py["drift_values"])
    drifted = sum(1 for c in sw["drift_values"] if sw["drift_values"][c][2])

    def polars(task):
        key = f"{task}_polars"
        return [(f"polars ({py.get('polars_threads', '?')} threads)", py[key])] if key in py else []
    rows = [
        (f"describe, {sw['describe_rows']:,} rows x 7 columns", sw["describe_swift"], [("pandas describe+skew+kurt+zeros", py["describe_pandas"]), ("numpy+scipy", py["describe_numpy_scipy"])] + polars("describe"), f"max rel diff vs pandas {desc:.1e}"),
        (f"Pearson matrix, {sw['describe_rows']:,} x 7", sw["pearson_swift"], [("pandas corr()", py["pearson_pandas"])] + polars("pearson"), f"max abs diff {pear:.1e}"),
        (f"Spearman matrix, {sw['describe_rows']:,} x 7", sw["spearman_swift"], [("pandas corr('spearman')", py["spearman_pandas"])] + polars("spearman"), f"max abs diff {spear:.1e}"),
        (f"drift, default tests, {sw['drift_rows'][0]:,} vs {sw['drift_rows'][1]:,} rows x 10 columns", sw["drift_swift"],
         [("Evidently stattests (same selection)", py["drift_evidently_stattests"])] + ([("Evidently DataDriftPreset report", py["drift_evidently_preset"])] if "drift_evidently_preset" in py else []),
         f"tests identical: {same_tests}, verdicts identical: {same_verdicts} ({drifted}/10 drifted), max rel diff {drift_rel:.1e}"),
        ("KS p-value + Wasserstein, 6 numeric drift columns", sw["drift_swift_ks_wasserstein"], [("scipy ks_2samp + wasserstein_distance", py["drift_scipy_ks_wasserstein"])], ""),
    ]
    cpu_sw, cpu_py = sw.get("cpu", {}), py.get("cpu", {})
    swift_key = {0: "describe_swift", 1: "pearson_swift", 2: "spearman_swift", 3: "drift_swift", 4: "drift_swift_ks_wasserstein"}
    print(f"Swift: {sw.get('threads', '?')} cores visible; wall = best of N wall-clock seconds, CPU = best of N process CPU seconds (all threads).")
    print()
    print("| task | Swift wall (s) | Swift CPU (s) | peer | peer wall (s) | peer CPU (s) | wall ratio | CPU ratio | agreement |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---|")
    for idx, (task, t, peers, note) in enumerate(rows):
        tc = cpu_sw.get(swift_key[idx], float("nan"))
        for i, (name, pt) in enumerate(peers):
            key = [k for k, v in py.items() if v is pt and k != "cpu"]
            pc = cpu_py.get(key[0], float("nan")) if key else float("nan")
            print(f"| {task if i == 0 else ''} | {t:.3f} | {tc:.3f} | {name} | {pt:.3f} | {pc:.3f} | {pt / t:.1f}x | {pc / tc:.1f}x | {note if i == 0 else ''} |")


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        run(sys.argv[2], sys.argv[3], int(sys.argv[4]))
