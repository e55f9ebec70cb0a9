/// The Python prelude: defines `wb` from the context file, then runs the cell's code with `wb` in scope.
///
/// Errors are recorded in the context's `error_path` (type, message and the line in the cell's code) so the
/// engine can point at the workbook line; the traceback still goes to stderr.
enum PythonPrelude {
  static let text = #"""
import json as _json, os as _os, sys as _sys

class _Workbench:
    """Access to the cell's inputs, outputs and params (Workbench scripted cell)."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self._c = _json.load(f)
        self.params = self._c["params"]
        self.seed = self._c["seed"]
        self.cell = self._c["cell"]
        self._metrics = {}

    def _input(self, name):
        i = self._c["inputs"].get(name)
        if i is None:
            raise KeyError(f"no input {name!r}: declared inputs are {sorted(self._c['inputs'])} (add it under `inputs:` or `files:`)")
        return i

    def input(self, name):
        """The path of an input (a table file, an upstream cell's file or an input file)."""
        return self._input(name)["path"]

    def rows(self, name):
        """An input table as a list of dicts (standard library only; values typed as in the table)."""
        i = self._input(name)
        if i["format"] == "arrow":
            import pyarrow.ipc as ipc
            return ipc.open_file(i["path"]).read_all().to_pylist()
        import csv
        kinds = {"int": int, "float": float, "string": str, "bool": lambda v: v == "true"}
        types = {c["name"]: kinds[c["type"]] for c in i["columns"]}
        with open(i["path"], newline="", encoding="utf-8") as f:
            return [{k: (None if v == "" and types[k] is not str else types[k](v)) for k, v in r.items()} for r in csv.DictReader(f)]

    def table(self, name, polars=False):
        """An input table as a pandas DataFrame (polars=True: a polars DataFrame)."""
        i = self._input(name)
        if i["kind"] != "table":
            raise TypeError(f"input {name!r} is a file, not a table: open wb.input({name!r})")
        if i["format"] == "arrow":
            if polars:
                import polars as pl
                return pl.read_ipc(i["path"])
            try:
                import pyarrow.ipc as ipc
            except ImportError:
                import pandas as pd, polars as pl
                return pd.DataFrame(pl.read_ipc(i["path"]).to_dict(as_series=False))
            import pandas as pd, pyarrow as pa
            t = ipc.open_file(i["path"]).read_all()
            mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
            return t.to_pandas(types_mapper=lambda t: mapping.get(t) if t in mapping else None)
        types = {c["name"]: c["type"] for c in i["columns"]}
        if polars:
            import polars as pl
            kinds = {"int": pl.Int64, "float": pl.Float64, "string": pl.String, "bool": pl.Boolean}
            return pl.read_csv(i["path"], schema_overrides={k: kinds[v] for k, v in types.items()})
        import pandas as pd
        kinds = {"int": "Int64", "float": "float64", "string": "object", "bool": "boolean"}
        return pd.read_csv(i["path"], dtype={k: kinds[v] for k, v in types.items()}, keep_default_na=False, na_values=[""])

    def _output(self, group, name):
        o = self._c["outputs"][group].get(name)
        if o is None:
            raise KeyError(f"{name!r} is not a declared output: add it under `outputs: {{{group}: [...]}}` (declared: {sorted(self._c['outputs'][group])})")
        return o

    def save_table(self, name, df):
        """Saves a declared output table (a pandas or polars DataFrame, or a pyarrow Table)."""
        o = self._output("tables", name)
        path, fmt = o["path"], o["format"]
        if isinstance(df, list):  # rows as dicts: no library needed
            columns = list(df[0].keys()) if df else []
            if fmt == "arrow":
                import pyarrow as pa, pyarrow.ipc as ipc
                t = pa.Table.from_pylist(df)
                with ipc.new_file(path, t.schema) as w:
                    w.write_table(t)
                return
            import csv
            with open(path, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
                writer.writeheader()
                writer.writerows({k: ("" if v is None else str(v).lower() if isinstance(v, bool) else v) for k, v in r.items()} for r in df)
            return
        module = type(df).__module__.split(".")[0]
        if module == "polars":
            if fmt == "arrow":
                df.write_ipc(path, compression="uncompressed")
            else:
                df.write_csv(path)
            return
        if module == "pandas" and fmt == "csv":
            df.to_csv(path, index=False, na_rep="", lineterminator="\n")
            return
        import pyarrow as pa, pyarrow.ipc as ipc
        t = pa.Table.from_pandas(df, preserve_index=False) if module == "pandas" else df
        columns = []
        for c in t.columns:
            if pa.types.is_dictionary(c.type):
                c = c.cast(c.type.value_type)
            columns.append(c)
        t = pa.table(columns, names=t.column_names)
        if fmt == "csv":
            import pyarrow.csv as pcsv
            pcsv.write_csv(t, path)
            return
        with ipc.new_file(path, t.schema) as w:
            w.write_table(t)

    def metric(self, name, value):
        """Records a declared metric (a number, text or true/false)."""
        if name not in self._c["outputs"]["metrics"]:
            raise KeyError(f"{name!r} is not a declared metric: add it under `outputs: {{metrics: [...]}}`")
        if hasattr(value, "item"):
            value = value.item()
        if not isinstance(value, (int, float, str, bool)) and value is not None:
            raise TypeError(f"metric {name!r} must be a number, text or true/false, got {type(value).__name__}")
        self._metrics[name] = value
        with open(self._c["metrics_path"], "w", encoding="utf-8") as f:
            _json.dump(self._metrics, f, sort_keys=True, allow_nan=True)

    def figure(self, name):
        """The path where a declared figure (e.g. "fig.svg") must be written."""
        return self._output("figures", name)["path"]

    def output(self, name):
        """The path where a declared output file must be written."""
        return self._output("files", name)["path"]


wb = _Workbench(_os.environ["WB_CONTEXT"])
_sys.modules["wb"] = wb
import random as _random
_random.seed(wb.seed)

def _wb_main():
    code = wb._c["code"]
    with open(code["path"], encoding="utf-8") as f:
        source = f.read()
    for p in reversed(code["search_path"]):
        _sys.path.insert(0, p)
    scope = {"__name__": "__main__", "__file__": code["path"], "wb": wb}
    try:
        exec(compile(source, code["display"], "exec"), scope)
    except SystemExit as e:
        if e.code in (None, 0):
            return
        raise
    except BaseException as e:
        import traceback
        line = None
        for frame in traceback.extract_tb(e.__traceback__):
            if frame.filename == code["display"]:
                line = frame.lineno
        with open(wb._c["error_path"], "w", encoding="utf-8") as f:
            _json.dump({"type": type(e).__name__, "message": str(e), "line": line}, f)
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)  # without the runner's own frame
        _sys.stderr.flush()
        _os._exit(1)

_wb_main()
"""#
}
