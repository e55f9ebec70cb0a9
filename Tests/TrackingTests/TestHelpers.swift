import Foundation
import WorkbenchCore
import TestSupport
@testable import Tracking

#if canImport(Glibc)
  import Glibc
#endif

/// A deterministic millisecond clock: starts at `start`, advances by `step` per reading.
final class SteppingClock: @unchecked Sendable {
  private let lock = NSLock()
  private var next: Int64
  private let step: Int64
  init(start: Int64 = 1_760_000_000_000, step: Int64 = 1000) {
    self.next = start
    self.step = step
  }
  func now() -> Int64 {
    lock.withLock {
      defer { next += step }
      return next
    }
  }
  var closure: @Sendable () -> Int64 { { self.now() } }
}

/// Runs an MLflow Python snippet in env `python` with the file-store flag and telemetry off, cwd = `directory`.
func runMLflowPython(_ python: URL, _ code: String, arguments: [String], directory: URL, extraEnvironment: [String: String] = [:])
  throws -> String
{
  var env = ["MLFLOW_ALLOW_FILE_STORE": "true", "MLFLOW_DISABLE_TELEMETRY": "true", "PYTHONWARNINGS": "ignore"]
  for (k, v) in extraEnvironment { env[k] = v }
  let out = try runProcess(python, ["-c", code] + arguments, currentDirectory: directory, environment: env)
  guard out.status == 0 else { throw MissingResource("python failed (\(out.status)): \(out.stderr.suffix(3000))") }
  return out.stdout
}

func parseJSONObject(_ text: String) throws -> [String: Any] {
  // The last line holds the JSON (MLflow may print warnings before it on stdout).
  let line = text.split(separator: "\n").last.map(String.init) ?? ""
  guard let object = (try? JSONValue.parse(Array(line.utf8)))?.foundationValue as? [String: Any] else {
    throw MissingResource("not a JSON object: \(text.prefix(500))")
  }
  return object
}

/// Python that reads an experiment back through MlflowClient and prints one JSON line.
let readBackPython = #"""
import json, sys, mlflow
from mlflow import MlflowClient
uri = sys.argv[1]
mlflow.set_tracking_uri(uri)
c = MlflowClient(tracking_uri=uri, registry_uri=uri)

def read(exp_name, model):
    exp = c.get_experiment_by_name(exp_name)
    try:
        import pandas  # mlflow-skinny (2.22) ships without pandas: mlflow.search_runs needs it
        ids = mlflow.search_runs(experiment_ids=[exp.experiment_id])["run_id"].tolist()
    except ImportError:
        ids = [r.info.run_id for r in c.search_runs([exp.experiment_id])]
    out = {"experiment_id": exp.experiment_id, "search_ids": sorted(ids), "runs": {}}
    for rid in ids:
        r = c.get_run(rid)
        hist = {k: [[m.timestamp, m.value, m.step] for m in c.get_metric_history(rid, k)] for k in r.data.metrics}
        def walk(path=None):
            res = []
            for f in c.list_artifacts(rid, path):
                res.append(f.path + ("/" if f.is_dir else ""))
                if f.is_dir:
                    res += walk(f.path)
            return res
        inputs = [[d.dataset.name, d.dataset.digest, {t.key: t.value for t in d.tags}] for d in r.inputs.dataset_inputs]
        out["runs"][rid] = {"name": r.info.run_name, "status": r.info.status, "params": r.data.params,
            "metrics": r.data.metrics, "tags": r.data.tags, "history": hist, "artifacts": walk(), "inputs": inputs,
            "start": r.info.start_time, "end": r.info.end_time}
    if model:
        mv = c.get_model_version_by_alias(model, "champion")
        out["champion"] = {"version": str(mv.version), "run_id": mv.run_id}
        out["versions"] = sorted(int(v.version) for v in c.search_model_versions(f"name='{model}'"))
    return out

# arguments after the URI: experiment, model, experiment, model, ... ("" = no registry check)
args = sys.argv[2:]
print(json.dumps({e: read(e, m) for e, m in zip(args[::2], args[1::2])}, sort_keys=True))
"""#


extension JSONValue {
  /// Foundation-style value (NSNumber, String, Bool, arrays, dictionaries, NSNull) for the oracle comparisons.
  var foundationValue: Any {
    switch self {
    case .null: return NSNull()
    case .bool(let b): return b
    case .int(let i): return NSNumber(value: i)
    case .double(let d): return NSNumber(value: d)
    case .string(let s): return s
    case .array(let a): return a.map(\.foundationValue)
    case .object(let o): return o.mapValues(\.foundationValue)
    }
  }
}
