import Foundation
import Testing
import TestSupport

/// Scripted cells (`python`, `r`, `shell`) with the real interpreters: the anchors virtual environment (pandas,
/// polars, pyarrow), Rscript and bash.
@Suite struct ScriptCellTests {
  static func anchors() throws -> String? { try Oracles.python("anchors")?.path }

  /// Every column type with nulls, through pandas, polars and pyarrow and back; a Python table feeding `train`
  /// and the trained model's file feeding a Python cell.
  @Test(.needsPython("anchors")) func tablesCrossBothWaysWithEveryTypeAndFeedBuiltInKinds() throws {
    let python = try #require(try Self.anchors())
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", sampleCSV(rows: 300))
    try p.write("w.yaml", """
      workbook: w
      cells:
        - id: shots
          kind: load
          source: shots.csv
        - id: typed
          kind: python
          interpreter: \(python)
          outputs: {tables: [t]}
          code: |
            import pyarrow as pa
            t = pa.table({"i": pa.array([1, None, -3], pa.int64()), "f": pa.array([0.5, 2.0, None]),
                          "s": pa.array(["a", None, "ü"]), "b": pa.array([True, None, False])})
            wb.save_table("t", t)
        - id: via_pandas
          kind: python
          interpreter: \(python)
          inputs: {t: typed}
          outputs: {tables: [t]}
          code: |
            df = wb.table("t")
            assert str(df["i"].dtype) == "Int64" and df["i"].isna().sum() == 1, df.dtypes
            wb.save_table("t", df)
        - id: via_polars
          kind: python
          interpreter: \(python)
          inputs: {t: via_pandas}
          outputs: {tables: [t]}
          code: |
            import polars as pl
            df = wb.table("t", polars=True)
            assert df.dtypes == [pl.Int64, pl.Float64, pl.String, pl.Boolean], df.dtypes
            wb.save_table("t", df)
        - id: same
          kind: sql
          tables: {a: typed, b: via_polars}
          query: SELECT (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)) AS differing, (SELECT count(*) FROM b) AS n
        - id: features
          kind: python
          interpreter: \(python)
          inputs: {shots: shots}
          outputs: {tables: [features]}
          code: |
            df = wb.table("shots")
            df["far"] = (df["distance"] > 5).astype("int64")
            wb.save_table("features", df[["distance", "far", "made"]])
        - id: split
          kind: split
          input: features
          target: made
        - id: model
          kind: train
          input: split
          model: logistic_regression
          features: [distance, far]
          plots: false
        - id: inspect
          kind: python
          interpreter: \(python)
          inputs: {model: model.model.json}
          outputs: {metrics: [features]}
          code: |
            import json
            schema = json.load(open(wb.input("model")))
            wb.metric("features", len(json.dumps(schema)) > 0)
      """)
    let out = try p.workbench(["run", "w.yaml"])
    #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
    let same = try p.read("outputs/w/cells/same/table.csv")
    #expect(same.contains("0,3"), "\(same)")
    #expect(try p.read("outputs/w/cells/inspect/result.json").contains("\"features\" : true") || (try p.read("outputs/w/cells/inspect/result.json")).contains("\"features\": true"))
  }

  /// Code edits rerun, title edits do not, a tracked helper or a package version reruns with that reason, and an
  /// unchanged output leaves dependents cached.
  @Test(.needsPython("anchors")) func cacheKeyFollowsCodeTrackedFilesAndEnvironment() throws {
    try #require(try Self.anchors() != nil)
    let p = try Project()
    defer { p.remove() }
    // A virtual environment whose one distribution we can "upgrade" by rewriting its metadata.
    let venv = p.root.appendingPathComponent("venv")
    let made = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-m", "venv", "--without-pip", venv.path])
    #expect(made.status == 0, "\(made.stderr)")
    let site = try FileManager.default.contentsOfDirectory(atPath: venv.appendingPathComponent("lib").path)
      .map { venv.appendingPathComponent("lib/\($0)/site-packages") }.first!
    func install(_ version: String) throws {
      for old in try FileManager.default.contentsOfDirectory(atPath: site.path) where old.hasPrefix("wbfake-") {
        try FileManager.default.removeItem(at: site.appendingPathComponent(old))
      }
      let info = site.appendingPathComponent("wbfake-\(version).dist-info")
      try FileManager.default.createDirectory(at: info, withIntermediateDirectories: true)
      try "Metadata-Version: 2.1\nName: wbfake\nVersion: \(version)\n".write(to: info.appendingPathComponent("METADATA"), atomically: true, encoding: .utf8)
    }
    try install("1.0")
    try p.write("helpers/h.py", "VALUE = 1\n")
    func workbook(code: String, title: String = "Values") -> String {
      """
      workbook: w
      cells:
        - id: values
          kind: python
          title: \(title)
          interpreter: venv/bin/python
          track: [helpers/*.py]
          outputs: {metrics: [v]}
          code: |
            \(code)
        - id: after
          kind: shell
          params: {v: "${values.metrics.v}"}
          outputs: {metrics: [double]}
          code: echo $((WB_PARAM_V * 2)) > "$WB_OUTPUT_DOUBLE"
      """
    }
    try p.write("w.yaml", workbook(code: "from helpers import h; wb.metric('v', h.VALUE)"))
    var out = try p.workbench(["run", "w.yaml"])
    #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
    #expect(try p.executed("w") == ["values", "after"])

    try p.write("w.yaml", workbook(code: "from helpers import h; wb.metric('v', h.VALUE)", title: "Renamed"))
    try p.workbench(["run", "w.yaml"])
    #expect(try p.executed("w").isEmpty)

    try p.write("w.yaml", workbook(code: "from helpers import h; wb.metric('v', h.VALUE)  # same output"))
    try p.workbench(["run", "w.yaml"])
    #expect(try p.executed("w") == ["values"])  // early cutoff: `after` stays cached

    try p.write("helpers/h.py", "VALUE = 2\n")
    out = try p.workbench(["status", "w.yaml"])
    #expect(out.stdout.contains("tracked file helpers/h.py changed"), "\(out.stdout)")
    try p.workbench(["run", "w.yaml"])
    #expect(try p.executed("w") == ["values", "after"])

    try install("2.0")
    out = try p.workbench(["explain", "w.yaml", "values"])
    #expect(out.stdout.contains("python environment: wbfake 1.0 → 2.0"), "\(out.stdout)")
    try p.workbench(["run", "w.yaml"])
    #expect(try p.executed("w") == ["values"])
  }

  @Test(.needsPython("anchors")) func failuresPointAtTheWorkbookLineAndOutputsAreChecked() throws {
    let python = try #require(try Self.anchors())
    let p = try Project()
    defer { p.remove() }
    try p.write("w.yaml", """
      workbook: w
      cells:
        - id: calib
          kind: python
          interpreter: \(python)
          outputs: {metrics: [m]}
          code: |
            x = 1
            y = 0
            wb.metric("m", x / y)
        - id: missing
          kind: python
          interpreter: \(python)
          outputs: {tables: [t]}
          code: print("nothing saved")
        - id: extra
          kind: shell
          outputs: {files: [a.txt]}
          code: |
            echo a > "$WB_OUTPUT_A_TXT"
            echo b > "$(dirname "$WB_OUTPUT_A_TXT")/b.txt"
        - id: undeclared
          kind: python
          interpreter: \(python)
          code: wb.metric("nope", 1)
      """)
    let out = try p.workbench(["run", "w.yaml"])
    #expect(out.status == 1)
    let text = out.stdout + out.stderr
    #expect(text.contains("w.yaml:10:1: in cell 'calib': ZeroDivisionError: division by zero"), "\(text)")
    #expect(text.contains("declared output `t.arrow` was not written"), "\(text)")
    #expect(text.contains("the code wrote `b.txt` in the output folder, which is not a declared output"), "\(text)")
    #expect(text.contains("'nope' is not a declared metric"), "\(text)")
    #expect(!p.exists("outputs/w/cells/missing/result.json"))
  }

  /// A secret passed by `env:` is usable by the code but appears in no output, log, report or cache file.
  @Test(.needsPython("anchors")) func secretsReachTheCodeButNothingStored() throws {
    let python = try #require(try Self.anchors())
    let p = try Project()
    defer { p.remove() }
    let secret = "s3cr3t-\(UUID().uuidString)"
    try p.write("w.yaml", """
      workbook: w
      cells:
        - id: uses
          kind: python
          interpreter: \(python)
          env: [API_TOKEN]
          outputs: {metrics: [length]}
          code: |
            import os
            token = os.environ["API_TOKEN"]
            print("token is", token)
            wb.metric("length", len(token))
        - id: leaks
          kind: shell
          env: [API_TOKEN]
          outputs: {files: [t.txt]}
          code: echo "$API_TOKEN" > "$WB_OUTPUT_T_TXT"
        - id: unnamed
          kind: python
          interpreter: \(python)
          outputs: {metrics: [seen]}
          code: |
            import os
            wb.metric("seen", "API_TOKEN" in os.environ)
      """)
    let out = try p.workbench(["run", "w.yaml"], environment: ["API_TOKEN": secret])
    #expect(out.status == 1)
    #expect((out.stdout + out.stderr).contains("contains the value of environment variable `API_TOKEN`"))
    #expect(try p.read("outputs/w/cells/uses/result.json").contains("\(secret.count)"))
    #expect(try p.read("outputs/w/cells/unnamed/result.json").contains("false"))
    #expect(!(out.stdout + out.stderr).contains(secret))
    for folder in ["outputs", ".workbench"] {
      let root = p.root.appendingPathComponent(folder)
      for case let file as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)! {
        guard let data = try? Data(contentsOf: file) else { continue }
        #expect(data.range(of: Data(secret.utf8)) == nil, "secret found in \(file.path)")
      }
    }
  }

  /// Timeout and Ctrl-C kill the script's whole process group: the background child it started is gone.
  @Test(arguments: ["timeout", "interrupt"])
  func stoppingKillsTheProcessGroup(_ how: String) throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("w.yaml", """
      workbook: w
      cells:
        - id: slow
          kind: shell
          timeout: \(how == "timeout" ? 1 : 600)
          code: |
            sleep 300 &
            echo $! > \(p.root.path)/child.pid
            wait
      """)
    if how == "timeout" {
      let out = try p.workbench(["run", "w.yaml"])
      #expect(out.status == 1)
      #expect((out.stdout + out.stderr).contains("ran longer than `timeout` (1.0 s)"))
    } else {
      var env = ProcessInfo.processInfo.environment
      env["WORKBENCH_TEST_KINDS"] = "1"
      let run = try startProcess(TestPaths.workbenchExecutable, ["run", "w.yaml"], currentDirectory: p.root, environment: env)
      while !p.exists("child.pid") { usleep(20_000) }
      kill(run.pid, SIGINT)
      let status = run.wait()
      #expect(status.status == 130 || status.status == 2, "exit \(status.status) signaled \(status.signaled)")
    }
    let pid = pid_t(try p.read("child.pid").trimmingCharacters(in: .whitespacesAndNewlines))!
    var reaped = false
    for _ in 0..<500 where !reaped {  // the kill is asynchronous: wait for the kernel to reap it
      reaped = kill(pid, 0) != 0 || (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z ") == true
      if !reaped { usleep(10_000) }
    }
    #expect(reaped, "the script's child \(pid) survived")
  }

  /// A nondeterministic script is flagged by `verify`, naming the output that differs.
  @Test(.needsPython("anchors")) func verifyFlagsANondeterministicScript() throws {
    let python = try #require(try Self.anchors())
    let p = try Project()
    defer { p.remove() }
    try p.write("w.yaml", """
      workbook: w
      cells:
        - id: seeded
          kind: python
          interpreter: \(python)
          outputs: {metrics: [x]}
          code: |
            import random
            wb.metric("x", random.random())
        - id: planted
          kind: python
          interpreter: \(python)
          outputs: {metrics: [x]}
          code: |
            import os
            wb.metric("x", os.urandom(8).hex())
      """)
    #expect(try p.workbench(["run", "w.yaml"]).status == 0)
    let out = try p.workbench(["verify", "w.yaml"])
    #expect(out.status == 1)
    let text = out.stdout + out.stderr
    #expect(text.contains("identical  seeded"), "\(text)")
    #expect(text.contains("DIFFERS    planted  outputs:") && text.contains("result.json"), "\(text)")
  }

  /// A run killed with SIGKILL while a script runs leaves nothing half-written: the next run executes the cell
  /// and publishes the same bytes as a run never interrupted.
  @Test(.needsPython("anchors")) func killedRunIsRepairedByTheNextRun() throws {
    let python = try #require(try Self.anchors())
    func project() throws -> Project {
      let p = try Project()
      try p.write("w.yaml", """
        workbook: w
        cells:
          - id: slow
            kind: python
            interpreter: \(python)
            outputs: {tables: [t]}
            code: |
              import os, pathlib, time, pandas as pd
              marker = pathlib.Path(wb.params["marker"])
              if not marker.exists():
                  marker.write_text(str(os.getpid()))
                  time.sleep(300)
              wb.save_table("t", pd.DataFrame({"x": [1, 2, 3]}))
            params: {marker: \(p.root.path)/started}
        """)
      return p
    }
    let killed = try project()
    defer { killed.remove() }
    var env = ProcessInfo.processInfo.environment
    env["WORKBENCH_TEST_KINDS"] = "1"
    let run = try startProcess(TestPaths.workbenchExecutable, ["run", "w.yaml"], currentDirectory: killed.root, environment: env)
    while (try? killed.read("started"))?.isEmpty ?? true { usleep(20_000) }
    kill(run.pid, SIGKILL)
    _ = run.wait()
    if let orphan = pid_t(try killed.read("started")) { kill(orphan, SIGKILL) }  // the script outlives a SIGKILLed parent
    #expect(try killed.workbench(["run", "w.yaml"]).status == 0)
    #expect(try killed.executed("w") == ["slow"])
    let clean = try project()
    defer { clean.remove() }
    try clean.write("started", "done")
    #expect(try clean.workbench(["run", "w.yaml"]).status == 0)
    let published = try clean.read("outputs/w/cells/slow/t.csv")
    #expect(try killed.read("outputs/w/cells/slow/t.csv") == published)
  }

  /// CSV hand-off: chosen with `table_format: csv` (pandas and polars keep types and nulls), and taken
  /// automatically, said once, by an interpreter with neither pyarrow nor polars.
  @Test(.needsPython("anchors")) func csvFallbackKeepsTypesAndSaysSo() throws {
    let python = try #require(try Self.anchors())
    let p = try Project()
    defer { p.remove() }
    // A bare virtual environment: the standard library only.
    let made = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-m", "venv", "--without-pip", p.root.appendingPathComponent("bare").path])
    #expect(made.status == 0, "\(made.stderr)")
    try p.write("w.yaml", """
      workbook: w
      cells:
        - id: typed
          kind: python
          interpreter: \(python)
          outputs: {tables: [t]}
          code: |
            import pyarrow as pa
            wb.save_table("t", pa.table({"i": pa.array([1, None, 3], pa.int64()), "f": [0.5, None, 2.0],
                                         "s": ["a", "b", None], "b": pa.array([True, None, False])}))
        - id: pandas_csv
          kind: python
          interpreter: \(python)
          table_format: csv
          inputs: {t: typed}
          outputs: {tables: [t]}
          code: |
            df = wb.table("t")
            assert str(df["i"].dtype) == "Int64" and str(df["b"].dtype) == "boolean", df.dtypes
            wb.save_table("t", df)
        - id: polars_csv
          kind: python
          interpreter: \(python)
          table_format: csv
          inputs: {t: pandas_csv}
          outputs: {tables: [t]}
          code: |
            wb.save_table("t", wb.table("t", polars=True))
        - id: bare
          kind: python
          interpreter: bare/bin/python
          inputs: {t: polars_csv}
          outputs: {tables: [t]}
          code: |
            rows = wb.rows("t")
            assert rows[1] == {"i": None, "f": None, "s": "b", "b": None}, rows
            wb.save_table("t", rows)
        - id: same
          kind: sql
          tables: {a: typed, b: bare}
          query: SELECT (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)) AS differing
      """)
    let out = try p.workbench(["run", "w.yaml"])
    let text = out.stdout + out.stderr
    #expect(out.status == 0, "\(text)")
    #expect(text.components(separatedBy: "tables cross as CSV").count == 2, "\(text)")  // once: the bare interpreter
    #expect(try p.read("outputs/w/cells/same/table.csv").contains("differing\n0"))
  }

  /// R reads and writes data.frames (CSV when the arrow package is absent) and the shell gets WB_* variables.
  @Test(.needsTool("Rscript", package: "r-base-core")) func rAndShellCellsShareTheContract() throws {
    _ = try #require(try Oracles.tool("Rscript", package: "r-base-core"))
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", sampleCSV(rows: 100))
    try p.write("w.yaml", """
      workbook: w
      params:
        cut: 4.5
      cells:
        - id: shots
          kind: load
          source: shots.csv
        - id: zones
          kind: r
          inputs: {shots: shots}
          params: {cut: "${cut}", label: "far"}
          outputs: {tables: [zones], metrics: [n, label], figures: [hist.svg]}
          code: |
            df <- wb$table("shots")
            stopifnot(is.numeric(df$made), is.numeric(df$distance), is.character(df$zone))
            df$far <- df$distance > wb$params$cut
            zones <- aggregate(made ~ zone + far, data = df, FUN = mean)
            wb$save_table("zones", zones)
            wb$metric("n", nrow(df))
            wb$metric("label", wb$params$label)
            svg(wb$figure("hist.svg")); hist(df$distance); invisible(dev.off())
        - id: head
          kind: shell
          inputs: {zones: zones}
          outputs: {tables: [top]}
          code: head -n 3 "$WB_INPUT_ZONES" > "$WB_OUTPUT_TOP"
        - id: broken
          kind: r
          outputs: {metrics: [m]}
          code: |
            x <- 1
            stop("no data for this season")
      """)
    let out = try p.workbench(["run", "w.yaml"])
    let text = out.stdout + out.stderr
    let line = try p.read("w.yaml").split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("stop(") }! + 1
    #expect(text.contains("w.yaml:\(line):1: in cell 'broken': Error: no data for this season"), "\(text)")
    #expect(try p.read("outputs/w/cells/zones/result.json").contains("\"far\""))
    #expect(try p.read("outputs/w/cells/head/top.csv").split(separator: "\n").count == 3)
    #expect(p.exists("outputs/w/cells/zones/hist.svg"))
  }

  /// `scripting:` sets each kind's interpreter once per workbook: a cell's own `interpreter:` wins, the same effective
  /// interpreter keeps the same cache key, and mistakes are reported at their line with a suggestion.
  @Test func workbookLevelInterpreterIsTheCellsDefault() throws {
    let p = try Project()
    defer { p.remove() }
    func workbook(_ scripting: String, cellInterpreter: String?) -> String {
      """
      workbook: w
      \(scripting)
      cells:
        - id: greet
          kind: shell
      \(cellInterpreter.map { "    interpreter: \($0)\n" } ?? "")    outputs: {metrics: [n]}
          code: echo 3 > "$WB_OUTPUT_N"
        - id: own
          kind: shell
          interpreter: bash
          outputs: {metrics: [m]}
          code: echo 4 > "$WB_OUTPUT_M"
      """
    }
    try p.write("w.yaml", workbook("", cellInterpreter: "bash"))
    var out = try p.workbench(["run", "w.yaml"])
    #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
    #expect(try p.executed("w") == ["greet", "own"])

    // Moved from the cell to the workbook: the same effective interpreter, nothing reruns.
    try p.write("w.yaml", workbook("scripting: {shell: bash}", cellInterpreter: nil))
    out = try p.workbench(["run", "w.yaml"])
    #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
    #expect(try p.executed("w").isEmpty)

    // A workbook interpreter that does not exist fails the cells that use it, at its line; `own` keeps its own.
    try p.write("w.yaml", workbook("scripting:\n  shell: tools/no-such-shell", cellInterpreter: nil))
    out = try p.workbench(["run", "w.yaml"])
    #expect(out.status == 1)
    #expect((out.stdout + out.stderr).contains("w.yaml:3:10: interpreter `tools/no-such-shell` was not found"), "\(out.stdout)\(out.stderr)")
    #expect(try p.read("outputs/w/cells/own/result.json").contains("\"m\""))

    try p.write("w.yaml", workbook("scripting: {pyhton: python3}", cellInterpreter: nil))
    out = try p.workbench(["status", "w.yaml"])
    #expect((out.stdout + out.stderr).contains("w.yaml:2:13: error: unknown key `pyhton` in `scripting`"), "\(out.stdout)\(out.stderr)")
    #expect((out.stdout + out.stderr).contains("python"), "\(out.stdout)\(out.stderr)")
    try p.write("w.yaml", workbook("scriptng: {shell: bash}", cellInterpreter: nil))
    out = try p.workbench(["status", "w.yaml"])
    #expect((out.stdout + out.stderr).contains("unknown top-level key `scriptng`"), "\(out.stdout)\(out.stderr)")
    #expect((out.stdout + out.stderr).contains("scripting"), "\(out.stdout)\(out.stderr)")
  }

  /// Without `threads:`, numeric libraries get the machine's cores divided by `--jobs`; that count is in the cache
  /// key (it can change floating-point results), so a run with other `--jobs` reruns the cell and `explain` says why.
  /// A written `threads:` does not follow `--jobs`.
  @Test func oneThreadUnlessWrittenWhateverTheJobs() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("w.yaml", """
      workbook: w
      cells:
        - id: derived
          kind: shell
          outputs: {metrics: [omp, blas]}
          code: |
            echo "$OMP_NUM_THREADS" > "$WB_OUTPUT_OMP"
            echo "$OPENBLAS_NUM_THREADS" > "$WB_OUTPUT_BLAS"
        - id: written
          kind: shell
          threads: 3
          outputs: {metrics: [omp]}
          code: echo "$OMP_NUM_THREADS" > "$WB_OUTPUT_OMP"
      """)
    var out = try p.workbench(["run", "w.yaml"])
    #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
    let derived = try p.read("outputs/w/cells/derived/result.json")
    #expect(derived.contains("\"omp\": 1") && derived.contains("\"blas\": 1"), "\(derived)")
    #expect(try p.read("outputs/w/cells/written/result.json").contains("\"omp\": 3"))
    // Another --jobs changes neither key nor result: nothing reruns.
    out = try p.workbench(["run", "w.yaml", "--jobs", "4"])
    #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
    #expect(try p.executed("w").isEmpty)
  }

  /// A failing line of inline shell code is reported at its workbook line, with bash's message.
  @Test func shellFailurePointsAtTheWorkbookLine() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("w.yaml", """
      workbook: w
      cells:
        - id: fetch
          kind: shell
          outputs: {files: [out.txt]}
          code: |
            echo start
            no_such_tool_wb --fetch > "$WB_OUTPUT_OUT_TXT"
      """)
    let out = try p.workbench(["run", "w.yaml"])
    #expect(out.status == 1)
    let text = out.stdout + out.stderr
    #expect(text.contains("w.yaml:8:1: in cell 'fetch': bash: no_such_tool_wb: command not found"), "\(text)")
    #expect(!p.exists("outputs/w/cells/fetch/out.txt"))
  }

  /// The coaching workbook's shell step archives the game file: its SHA-256 and sizes are metrics, the gzip a file
  /// that decompresses to the exact bytes.
  @Test func coachingWorkbookArchivesTheGameFile() throws {
    let p = try CoachE2E.project()
    defer { p.remove() }
    let out = try p.workbench(["run", "Workbooks/coaching.yaml"])
    #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
    let result = try CoachE2E.result(p, "coaching", "game_archive")
    let metrics = result["metrics"] as? [String: Any] ?? [:]
    let game = try Data(contentsOf: p.root.appendingPathComponent("datasets/fiba_game_sample.json"))
    #expect(metrics["bytes"] as? Int == game.count)
    #expect((metrics["sha256"] as? String)?.hasPrefix("sha256:") == true && (metrics["sha256"] as? String)?.count == 71)
    let unzipped = try runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                  ["gzip", "-dc", CoachE2E.cellFile(p, "coaching", "game_archive", "game.json.gz").path])
    #expect(unzipped.status == 0 && unzipped.stdout == String(decoding: game, as: UTF8.self))
  }
}
