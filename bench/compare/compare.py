"""Before/after measurements for bench/compare/run.sh (see there). Usage: compare.py BENCH_DIR ROOT REPEATS.

Every measurement alternates the two checkouts (before, after, before, after, ...) and reports medians. Times are
whole-process wall seconds and CPU seconds (user + system) of the child, or the drivers' own in-process figures.
"""
import json, os, shutil, statistics, subprocess, sys, time

bench, root, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
sides = ("before", "after")
binary = {s: {k: open(f"{bench}/compare-{s}.{k}").read().strip() for k in ("workbench", "csv", "stats", "learn-linear", "learn")}
          for s in sides}
results = {}  # (area, measure) -> {side: [values]}
env = dict(os.environ, NO_COLOR="1")


def record(area, measure, side, value):
    results.setdefault((area, measure), {s: [] for s in sides})[side].append(value)


def timed(cmd, cwd=None, extra_env=None):
    """(wall s, cpu s, peak RSS MB, stdout) of one child, from wait4's own rusage."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=dict(env, **(extra_env or {})), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{err.decode()[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.decode()


def fresh(path):
    """An empty project folder: its own `.workbench/` makes it the project root (else the root would be found by
    walking up to this repository's, and its cache and outputs would be used)."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(f"{path}/.workbench")
    return path


def workbook_project(side, name, text):
    d = fresh(f"{bench}/compare/{side}/{name}")
    with open(f"{d}/{name}.yaml", "w") as f:
        f.write(text)
    return d


# ---- workbooks --------------------------------------------------------------------------------------------------
noop_yaml = open(f"{root}/bench/noop/run.sh").read()
noop_yaml = noop_yaml[noop_yaml.index("workbook: noop"):noop_yaml.index("YAML\nsed")]
noop_yaml = noop_yaml.replace("$csv", f"{bench}/noop/shots.csv").replace("\\${shots}", "${shots}")
noop_yaml = noop_yaml.replace("{{ d1.rows }} shots; {{ d4.columns.Shot Made Flag.mean }} made", "{{ d1.rows }} shots; profiled")
eda_yaml = open(f"{root}/bench/eda/eda.yaml").read()
chain = ["workbook: chain", "cells:", "  - {id: c0, kind: test_sleep, ms: 0, value: 0}"]
for i in range(1, 10000):
    if i % 10 == 0:
        chain.append(f"  - {{id: c{i}, kind: test_sleep, ms: 0, value: \"${{c{i-10}.value}}\", input: c{i-1}}}")
    else:
        chain.append(f"  - {{id: c{i}, kind: test_sleep, ms: 0, input: c{i-1}}}")
chain_yaml = "\n".join(chain) + "\n"

noop_dirs = {}
for s in sides:
    noop_dirs[s] = workbook_project(s, "noop", noop_yaml)
    timed([binary[s]["workbench"], "run", "noop.yaml", "-q"], cwd=noop_dirs[s])  # fill the cache
    drift = workbook_project(s, "drift-bench", open(f"{bench}/drift/drift-bench.yaml").read())
    timed([binary[s]["workbench"], "run", "drift-bench.yaml", "--force", "--quiet"], cwd=drift)  # warm the file cache

for k in range(repeats):
    print(f"repeat {k + 1}/{repeats}", file=sys.stderr)
    for s in sides:
        wb = binary[s]["workbench"]
        # no-op rerun of 10 cells over a 186 MB CSV (bench/noop): median of 10 per repeat
        walls, cpus = [], []
        for _ in range(10):
            w, c, _, _ = timed([wb, "run", "noop.yaml", "-q"], cwd=noop_dirs[s])
            walls.append(w); cpus.append(c)
        record("no-op rerun, 10 cells (bench/noop)", "wall ms", s, 1000 * statistics.median(walls))
        record("no-op rerun, 10 cells (bench/noop)", "CPU ms", s, 1000 * statistics.median(cpus))
        # CSV reader, 1M x 22 (bench/csv driver)
        w, c, rss, _ = timed([binary[s]["csv"], f"{bench}/shots_1m.csv", "2"])
        record("CSV load 1M × 22 (bench/csv)", "wall s", s, w)
        record("CSV load 1M × 22 (bench/csv)", "CPU s", s, c)
        record("CSV load 1M × 22 (bench/csv)", "peak RSS MB", s, rss)
        # EDA pipeline, cold (bench/eda)
        d = workbook_project(s, "eda", eda_yaml)
        w, c, rss, _ = timed([wb, "run", "eda.yaml", "-q", "--param", f"shots={bench}/shots_1m.csv"], cwd=d)
        record("EDA pipeline 1M shots, cold (bench/eda)", "wall s", s, w)
        record("EDA pipeline 1M shots, cold (bench/eda)", "CPU s", s, c)
        record("EDA pipeline 1M shots, cold (bench/eda)", "peak RSS MB", s, rss)
        # drift report 200k x 10 (bench/drift)
        w, c, rss, _ = timed([wb, "run", "drift-bench.yaml", "--force", "--quiet"], cwd=f"{bench}/compare/{s}/drift-bench")
        record("drift report 200k × 10 (bench/drift)", "wall s", s, w)
        record("drift report 200k × 10 (bench/drift)", "CPU s", s, c)
        # engine scale: 10,000-cell chain (bench/plan)
        d = workbook_project(s, "chain", chain_yaml)
        for what, cmd in (("status", ["status", "chain.yaml"]), ("cold run", ["run", "chain.yaml", "-q"]), ("no-op run", ["run", "chain.yaml", "-q"])):
            w, c, _, _ = timed([wb] + cmd, cwd=d, extra_env={"WORKBENCH_TEST_KINDS": "1"})
            record("10,000-cell chain (bench/plan)", f"{what} wall s", s, w)
            record("10,000-cell chain (bench/plan)", f"{what} CPU s", s, c)
        # Stats library (bench/stats driver: best of 3 inside)
        _, _, _, out = timed([binary[s]["stats"], f"{bench}/stats/data", "3"])
        stats = json.loads(out)
        for key, value in sorted(stats.items()):
            if key.endswith("_swift") or key.endswith("_swift_ks_wasserstein"):
                record("Stats library (bench/stats)", f"{key.replace('_swift', '')} s", s, value)
        # logistic regression 200k (bench/learn-linear driver: best of 3 inside)
        _, _, _, out = timed([binary[s]["learn-linear"], f"{bench}/learn-linear/train.csv", f"{bench}/learn-linear/test.csv"])
        for line in out.splitlines():
            if line.startswith("{"):
                m = json.loads(line)
                if "model" in m:
                    record("logistic regression 200k (bench/learn-linear)", f"{m['model']} fit s", s, float(m["fit_seconds"]))
        # trees 200k (bench/learn driver, one fit each per repeat)
        _, _, _, out = timed([binary[s]["learn"], f"{bench}/learn/train.csv", f"{bench}/learn/test.csv"], extra_env={"REPEAT": "1"})
        for line in out.splitlines():
            if line.startswith("{"):
                m = json.loads(line)
                if "model" in m:
                    record("trees 200k (bench/learn)", f"{m['model']} fit s", s, float(m["fit_seconds"]))
                    record("trees 200k (bench/learn)", f"{m['model']} AUC", s, float(m["auc"]))

print(f"Medians of {repeats} alternated runs; load average at end {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores.")
print()
print("| benchmark | measure | before | after | after / before |")
print("|---|---|---:|---:|---:|")
for (area, measure), by in results.items():
    b, a = statistics.median(by["before"]), statistics.median(by["after"])
    fmt = (lambda v: f"{v:.4f}") if "AUC" in measure else (lambda v: f"{v:.3f}" if v < 10 else f"{v:.1f}")
    ratio = f"{a / b:.3f}" if b else "–"
    print(f"| {area} | {measure} | {fmt(b)} | {fmt(a)} | {ratio} |")
