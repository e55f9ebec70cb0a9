import Foundation
import Testing
import TestSupport

/// Helpers of the tracking end-to-end tests: workbooks, reading result.json, and the real MLflow client.
enum TrackingE2E {
  /// Reads back a tracking store with the real MLflow client: every run of an experiment (params, metrics, tags,
  /// status, metric histories, artifact files, dataset inputs), the champion alias and the version list.
  /// argv: tracking URI, experiment name, model name ("" = none).
  static let readBack = #"""
import json, os, sys
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
import mlflow
from mlflow import MlflowClient
uri, exp_name, model = sys.argv[1], sys.argv[2], sys.argv[3]
mlflow.set_tracking_uri(uri)
c = MlflowClient(tracking_uri=uri, registry_uri=uri)
e = c.get_experiment_by_name(exp_name)
out = {"experiment_id": e.experiment_id, "runs": {}}
for r in c.search_runs([e.experiment_id], max_results=1000):
    rid = r.info.run_id
    full = c.get_run(rid)
    hist = {}
    for k in ("train_loss", "validation_loss", "cv_roc_auc"):
        if k in full.data.metrics:
            hist[k] = [[m.step, m.value] for m in sorted(c.get_metric_history(rid, k), key=lambda m: m.step)]
    def walk(path):
        res = []
        for a in c.list_artifacts(rid, path):
            res += walk(a.path) if a.is_dir else [a.path]
        return res
    inputs = [{"name": d.dataset.name, "digest": d.dataset.digest} for d in (full.inputs.dataset_inputs if full.inputs else [])]
    out["runs"][rid] = {"params": full.data.params, "metrics": full.data.metrics, "tags": full.data.tags,
                        "status": full.info.status, "name": full.info.run_name, "history": hist,
                        "artifacts": sorted(walk(None)), "inputs": inputs}
if model:
    try:
        mv = c.get_model_version_by_alias(model, "champion")
        out["champion"] = {"version": int(mv.version), "run_id": mv.run_id, "source": mv.source}
    except Exception as ex:
        out["champion"] = None
    out["versions"] = sorted(int(v.version) for v in c.search_model_versions(f"name='{model}'"))
try:
    import pandas  # mlflow-skinny (MLflow 2 here) has no pandas: mlflow.search_runs needs it
    out["search_runs_count"] = len(mlflow.search_runs(experiment_ids=[e.experiment_id]))
except ImportError:
    pass
print(json.dumps(out))
"""#

  static func read(_ python: URL, uri: String, experiment: String, model: String) throws -> [String: Any] {
    let text = try runPython(python, readBack, arguments: [uri, experiment, model])
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
      throw UnexpectedShape("the MLflow read-back printed no JSON object: \(text.prefix(300))")
    }
    return object
  }

  static func result(_ p: Project, _ workbook: String, _ cell: String) throws -> [String: Any] {
    let path = "outputs/\(workbook)/cells/\(cell)/result.json"
    guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: p.root.appendingPathComponent(path))) as? [String: Any] else {
      throw UnexpectedShape("\(path) is not a JSON object")
    }
    return object
  }

  /// Every file under `folder` whose bytes contain `needle`.
  static func filesContaining(_ needle: String, under folder: URL) -> [String] {
    guard let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    var hits: [String] = []
    let bytes = Data(needle.utf8)
    for case let url as URL in e {
      guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
            let data = try? Data(contentsOf: url) else { continue }
      if data.range(of: bytes) != nil { hits.append(url.path) }
    }
    return hits
  }

  /// Every regular file under `folder` (path relative to it → bytes).
  static func snapshot(_ folder: URL) -> [String: Data] {
    guard let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
    var files: [String: Data] = [:]
    for case let url as URL in e {
      guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
            let data = try? Data(contentsOf: url) else { continue }
      files[String(url.path.dropFirst(folder.path.count))] = data
    }
    return files
  }

  /// Metrics logged by the track cell equal those MLflow reads (exact doubles).
  static func sameMetrics(_ logged: [String: Any], _ read: [String: Any]) -> Bool {
    guard Set(logged.keys) == Set(read.keys) else { return false }
    return logged.allSatisfy { k, v in (v as? Double).map { $0 == (read[k] as? Double) } ?? false }
  }
}

