import Foundation

/// Makes a logged Workbench model an MLflow Model: an `MLmodel` file with a `python_function` flavour whose loader
/// (`code/workbench_pyfunc.py`, numpy only) reads `model.wbm` and `model.json` and predicts like Workbench, so
/// `mlflow.pyfunc.load_model("models:/NAME@champion")` and `mlflow models serve` work on a registered version.
public enum MLflowPyfuncFlavor {
  /// The loader module's name (`loader_module` in `MLmodel`).
  public static let loaderModule = "workbench_pyfunc"

  /// Writes `MLmodel`, `requirements.txt`, `python_env.yaml` and `code/workbench_pyfunc.py` into a model folder
  /// that already holds `model.wbm` and `model.json`. The bytes depend on nothing but `features` (deterministic).
  public static func write(into folder: URL, features: [String]) throws {
    let fm = FileManager.default
    try fm.createDirectory(at: folder.appendingPathComponent("code"), withIntermediateDirectories: true)
    try Data(mlmodel(features: features).utf8).write(to: folder.appendingPathComponent("MLmodel"))
    try Data("numpy\npandas\n".utf8).write(to: folder.appendingPathComponent("requirements.txt"))
    try Data("python: \"3.11\"\nbuild_dependencies: [pip]\ndependencies: [-r requirements.txt]\n".utf8)
      .write(to: folder.appendingPathComponent("python_env.yaml"))
    try Data(loaderSource.utf8).write(to: folder.appendingPathComponent("code/\(loaderModule).py"))
  }

  /// The `MLmodel` text: the `python_function` flavour. No signature: MLflow would refuse integer columns for
  /// double inputs, and the loader checks the columns itself (missing ones are named).
  static func mlmodel(features: [String]) -> String {
    """
      artifact_path: model
      flavors:
        python_function:
          loader_module: \(loaderModule)
          code: code
          data: .
          env:
            virtualenv: python_env.yaml
          python_version: "3.11"
      metadata:
        workbench_features: [\(features.map(jsonString).joined(separator: ", "))]

      """
  }

  static func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
      default: out.unicodeScalars.append(u)
      }
    }
    return out + "\""
  }

  /// The numpy-only loader. It mirrors `ModelFile`, the three model payloads and the `predict` cell's encoding
  /// (categorical levels, the `missing` policy with training medians) so its probabilities equal Workbench's.
  static let loaderSource = #"""
    """Workbench model loader for MLflow's python_function flavour (numpy only).

    Reads model.wbm (Workbench's model file) and model.json (the feature schema) and predicts exactly as the
    Workbench `predict` cell does: P(1) for a classifier, the predicted value for a regressor.
    """
    import json
    import math
    import os
    import struct

    import numpy as np


    class _Reader:
        def __init__(self, data):
            self.data, self.offset = data, 0

        def take(self, n):
            if n < 0 or self.offset + n > len(self.data):
                raise ValueError("model file truncated at byte %d" % self.offset)
            chunk = self.data[self.offset:self.offset + n]
            self.offset += n
            return chunk

        def u8(self): return self.take(1)[0]
        def u32(self): return struct.unpack("<I", self.take(4))[0]
        def u64(self): return struct.unpack("<Q", self.take(8))[0]
        def i64(self): return struct.unpack("<q", self.take(8))[0]
        def f64(self): return struct.unpack("<d", self.take(8))[0]
        def boolean(self): return self.u8() != 0
        def string(self): return self.take(self.u64()).decode("utf-8")
        def doubles(self): return np.frombuffer(self.take(8 * self.u64()), dtype="<f8").astype(np.float64)


    def _fnv1a(data):
        h = 0xcbf29ce484222325
        for b in data:
            h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        return h


    class _Tree:
        def __init__(self, r):
            n = r.u64()
            self.feature = np.empty(n, np.int64); self.threshold = np.empty(n); self.missing_left = np.empty(n, bool)
            self.slot = np.empty(n, np.int64); self.left = np.empty(n, np.int64); self.right = np.empty(n, np.int64)
            self.value = np.empty(n)
            for i in range(n):
                self.feature[i] = r.i64(); self.threshold[i] = r.f64(); r.u8(); self.missing_left[i] = r.boolean()
                self.slot[i] = r.i64(); self.left[i] = r.i64(); self.right[i] = r.i64(); self.value[i] = r.f64(); r.f64()
            self.words = np.array([r.u64() for _ in range(r.u64())], dtype=np.uint64)

        def leaves(self, x):
            node = np.zeros(x.shape[0], np.int64)
            while True:
                f = self.feature[node]
                rows = np.nonzero(f >= 0)[0]
                if rows.size == 0:
                    return node
                at = node[rows]
                v = x[rows, f[rows]]
                go_left = v <= self.threshold[at]
                categorical = self.slot[at] >= 0
                if categorical.any():
                    c = v[categorical]
                    valid = (c >= 0) & (c < 256) & (c == np.trunc(np.nan_to_num(c, nan=-1.0)))
                    code = np.where(valid, np.nan_to_num(c, nan=0.0), 0).astype(np.int64)
                    word = self.words[self.slot[at][categorical] * 4 + (code >> 6)]
                    bit = (word >> (code & 63).astype(np.uint64)) & np.uint64(1)
                    go_left[categorical] = valid & (bit == 1)
                missing = np.isnan(v)
                go_left[missing] = self.missing_left[at][missing]
                node[rows] = np.where(go_left, self.left[at], self.right[at])


    def _sigmoid(f):
        e = np.exp(-np.abs(f))
        return np.where(f >= 0, 1 / (1 + e), e / (1 + e))


    class WorkbenchModel:
        """A Workbench model: `predict(DataFrame)` returns one number per row."""

        def __init__(self, model_bytes, schema):
            data = bytes(model_bytes)
            if data[:7] != b"WBMODEL":
                raise ValueError("not a Workbench model file (missing WBMODEL header)")
            if struct.unpack("<Q", data[-8:])[0] != _fnv1a(data[:-8]):
                raise ValueError("model file is corrupt (checksum mismatch)")
            r = _Reader(data[:-8]); r.take(7)
            if r.u32() != 1:
                raise ValueError("unsupported model file format version")
            self.kind = r.string()
            self.features = [(r.string(), r.boolean())[0] for _ in range(r.u64())]
            payload = _Reader(r.take(r.u64()))
            self.schema = schema or {}
            if self.kind == "logistic_regression":
                if payload.u32() != 1:
                    raise ValueError("unsupported logistic regression payload")
                for _ in range(payload.u64()):
                    payload.string()
                self.coefficients = payload.doubles(); self.intercept = payload.f64()
            elif self.kind in ("random_forest", "gradient_boosting"):
                self.classification = payload.u8() == 0
                payload.i64()
                self.base = payload.f64() if self.kind == "gradient_boosting" else 0.0
                payload.doubles()
                if self.kind == "gradient_boosting":
                    payload.doubles(); payload.doubles()
                self.trees = [_Tree(payload) for _ in range(payload.u64())]
            else:
                raise ValueError("model kind %r is not supported by this loader" % self.kind)

        def _matrix(self, frame):
            import pandas as pd
            if not isinstance(frame, pd.DataFrame):
                frame = pd.DataFrame(frame)
            missing = [f for f in self.features if f not in frame.columns]
            if missing:
                raise ValueError("missing column(s) %s; the model takes: %s" % (", ".join(missing), ", ".join(self.features)))
            categorical = set(self.schema.get("categorical", []))
            levels = self.schema.get("levels", {})
            x = np.empty((len(frame), len(self.features)))
            for j, name in enumerate(self.features):
                column = frame[name]
                if name in categorical:
                    lookup = {level: k for k, level in enumerate(levels.get(name, []))}
                    x[:, j] = [float(lookup.get(_level_text(v), math.nan)) for v in column]
                else:
                    x[:, j] = pd.to_numeric(column, errors="raise").astype(float).to_numpy()
            medians = self.schema.get("medians")
            if self.schema.get("missing") == "impute" and medians is not None:
                for j in range(x.shape[1]):
                    bad = ~np.isfinite(x[:, j])
                    x[bad, j] = medians[j]
            else:
                bad = np.argwhere(~np.isfinite(x))
                if bad.size:
                    row, j = bad[0]
                    raise ValueError("feature %s, row %d: missing or non-finite value (the model was trained with missing: error)"
                                     % (self.features[j], row))
            return x

        def predict(self, model_input, params=None):
            x = self._matrix(model_input)
            if self.kind == "logistic_regression":
                m = np.full(x.shape[0], self.intercept)
                for j, w in enumerate(self.coefficients):
                    m += w * x[:, j]
                return 1 / (1 + np.exp(-m))
            total = np.zeros(x.shape[0])
            for tree in self.trees:
                total += tree.value[tree.leaves(x)]
            if self.kind == "random_forest":
                return 0.0 + (1 / max(len(self.trees), 1)) * total
            raw = self.base + 1.0 * total
            return _sigmoid(raw) if self.classification else raw


    def _level_text(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        if isinstance(v, str):
            return v
        f = float(v)
        if f == int(f) and abs(f) < 1e15:
            return str(int(f))
        return repr(f)


    def _load_pyfunc(path):
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        with open(os.path.join(folder, "model.wbm"), "rb") as handle:
            model_bytes = handle.read()
        schema_path = os.path.join(folder, "model.json")
        schema = json.load(open(schema_path)) if os.path.exists(schema_path) else None
        return WorkbenchModel(model_bytes, schema)
    """#
}
