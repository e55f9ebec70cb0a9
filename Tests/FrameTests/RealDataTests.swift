import Foundation
import Testing
import TestSupport
@testable import Frame

/// Reads real NBA shot files and compares every column's type and values with `pandas.read_csv`.
///
/// pandas runs with `float_precision="round_trip"` (correctly rounded, like our reader) and our null tokens.
/// Values are compared through a CRC-32 of one canonical line per row (ints in decimal, floats as their IEEE bit
/// pattern, bools as true/false, nulls as `<NA>`). Intentional type difference: an integer column with nulls is
/// `int` with a validity mask here but float64 in pandas; that case is compared as floats.
@Suite struct RealDataTests {
  static let pandasScript = """
    import sys, json, zlib, struct
    import pandas as pd
    d = pd.read_csv(sys.argv[1], float_precision="round_trip", keep_default_na=False,
                    na_values=["", "NA", "NaN", "nan", "null", "NULL", "N/A"])
    out = []
    for name in d.columns:
        s = d[name]
        k = s.dtype.kind
        vals = []
        for v in s.tolist():
            if v is None or (isinstance(v, float) and v != v): vals.append("<NA>")
            elif k == "b": vals.append("true" if v else "false")
            elif k == "i": vals.append(str(int(v)))
            elif k == "f": vals.append(str(struct.unpack("<q", struct.pack("<d", v))[0]))
            else: vals.append(str(v))
        out.append({"name": str(name), "dtype": str(s.dtype), "rows": len(vals),
                    "crc": zlib.crc32("\\n".join(vals).encode("utf-8"))})
    print(json.dumps(out))
    """

  struct PandasColumn: Decodable {
    var name: String
    var dtype: String
    var rows: Int
    var crc: UInt32
  }

  static func canonical(_ column: Column, asFloat: Bool) -> UInt32 {
    var out: [UInt8] = []
    out.reserveCapacity(column.count * 12)
    let null = Array("<NA>".utf8)
    var rendered: [[UInt8]] = []
    if case .string(_, let d) = column.storage { rendered = d.map { Array($0.utf8) } }
    for row in 0..<column.count {
      if row > 0 { out.append(10) }
      if column.isNull(row) { out.append(contentsOf: null); continue }
      switch column.storage {
      case .int(let v): out.append(contentsOf: (asFloat ? String(Double(v[row]).bitPattern.toSigned) : String(v[row])).utf8)
      case .float(let v): out.append(contentsOf: String(v[row].bitPattern.toSigned).utf8)
      case .bool(let v): out.append(contentsOf: (v[row] ? "true" : "false").utf8)
      case .string(let codes, _): out.append(contentsOf: rendered[Int(codes[row])])
      }
    }
    return out.withUnsafeBytes { Gzip.crc32($0) }
  }

  func compareWithPandas(_ url: URL) throws {
    guard let python = try Oracles.python("anchors") else { return }
    let ours = try CSVReader.read(path: url.path).frame
    let output = try runPython(python, Self.pandasScript, arguments: [url.path])
    let pandas = try JSONDecoder().decode([PandasColumn].self, from: Data(output.utf8))
    #expect(ours.columnNames == pandas.map(\.name))
    for (column, expected) in zip(ours.columns, pandas) {
      #expect(column.count == expected.rows)
      let pandasType: DataType? =
        switch expected.dtype {
        case "int64": .int
        case "float64": .float
        case "bool": .bool
        case "object": .string
        default: nil
        }
      let nullableInt = column.type == .int && pandasType == .float && column.nullCount > 0
      #expect(column.type == pandasType || nullableInt, "column \(column.name): ours \(column.type), pandas \(expected.dtype)")
      #expect(Self.canonical(column, asFloat: nullableInt) == expected.crc, "values of column \(column.name)")
    }
  }

  @Test func kaggleSampleMatchesPandas() throws {
    guard let url = try Oracles.sharedDataset("nba_shots/kaggle_random_10000.csv") else { return }
    try compareWithPandas(url)
  }

  @Test func gzipSeasonMatchesPandas() throws {
    guard let url = try Oracles.sharedDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz") else { return }
    try compareWithPandas(url)
  }
}

extension UInt64 {
  var toSigned: Int64 { Int64(bitPattern: self) }
}
