import Foundation
import Testing
import TestSupport
@testable import Frame

/// Reads real NBA shot files and compares every column's type and values with `pandas.read_csv`.
///
/// pandas runs with `float_precision="round_trip"` (correctly rounded, like our reader) and our null tokens.
/// Values are compared through CRC-32s of the null mask and of a canonical byte form (ints and floats as
/// little-endian 8-byte arrays — float bit patterns, so equality is exact —, bools as bytes, strings joined by
/// newlines). Intentional type difference: an integer column with nulls is
/// `int` with a validity mask here but float64 in pandas; that case is compared as floats.
@Suite struct RealDataTests {
  static let pandasScript = """
    import sys, json, zlib
    import numpy as np, pandas as pd
    d = pd.read_csv(sys.argv[1], float_precision="round_trip", keep_default_na=False,
                    na_values=["", "NA", "NaN", "nan", "null", "NULL", "N/A"])
    out = []
    for name in d.columns:
        s = d[name]
        k = s.dtype.kind
        nulls = s.isna().to_numpy(np.uint8)
        if k == "i": data = s.to_numpy("<i8").tobytes()
        elif k == "f": data = s.fillna(0.0).to_numpy("<f8").tobytes()
        elif k == "b": data = s.to_numpy(np.uint8).tobytes()
        else: data = "\\n".join("" if v is None or v != v else str(v) for v in s.tolist()).encode("utf-8")
        out.append({"name": str(name), "dtype": str(s.dtype), "rows": len(s),
                    "nulls": zlib.crc32(nulls.tobytes()), "crc": zlib.crc32(data)})
    print(json.dumps(out))
    """

  struct PandasColumn: Decodable {
    var name: String
    var dtype: String
    var rows: Int
    var nulls: UInt32
    var crc: UInt32
  }

  /// CRC-32 of the null mask (one byte per row) and of the values: numbers as little-endian 8-byte arrays
  /// (nulls store 0), bools as bytes, strings joined by newlines (nulls as empty text).
  static func checksums(_ column: Column, asFloat: Bool) -> (nulls: UInt32, values: UInt32) {
    let mask = (0..<column.count).map { UInt8(column.isNull($0) ? 1 : 0) }
    let nulls = mask.withUnsafeBytes { Gzip.crc32($0) }
    let values: UInt32
    switch column.storage {
    case .int(let v) where asFloat:
      values = v.map { Double($0).bitPattern.littleEndian }.withUnsafeBytes { Gzip.crc32($0) }
    case .int(let v): values = v.map(\.littleEndian).withUnsafeBytes { Gzip.crc32($0) }
    case .float(let v): values = v.map(\.bitPattern.littleEndian).withUnsafeBytes { Gzip.crc32($0) }
    case .bool(let v): values = v.map { UInt8($0 ? 1 : 0) }.withUnsafeBytes { Gzip.crc32($0) }
    case .string(let codes, let dictionary):
      let rendered = dictionary.map { Array($0.utf8) }
      var out: [UInt8] = []
      out.reserveCapacity(column.count * 12)
      for row in 0..<column.count {
        if row > 0 { out.append(10) }
        if !column.isNull(row) { out.append(contentsOf: rendered[Int(codes[row])]) }
      }
      values = out.withUnsafeBytes { Gzip.crc32($0) }
    }
    return (nulls, values)
  }

  func compareWithPandas(_ url: URL) throws {
    let python = try #require(try Oracles.python("anchors"))
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
      let sums = Self.checksums(column, asFloat: nullableInt)
      #expect(sums.nulls == expected.nulls, "nulls of column \(column.name)")
      #expect(sums.values == expected.crc, "values of column \(column.name)")
    }
  }

  @Test(.needsDataset("nba_shots/kaggle_random_10000.csv"), .needsPython("anchors")) func kaggleSampleMatchesPandas() throws {
    let url = try #require(try Oracles.sharedDataset("nba_shots/kaggle_random_10000.csv"))
    try compareWithPandas(url)
  }

  @Test(.needsDataset("nba_shots/kaggle_random_10000.csv")) func realFileIsIdenticalForAnyChunking() throws {
    let url = try #require(try Oracles.sharedDataset("nba_shots/kaggle_random_10000.csv"))
    let reference = try CSVReader.read(path: url.path, options: CSVOptions(threads: 1, chunkBytes: 1 << 30)).frame
    #expect(reference.rowCount == 10_000)
    #expect(reference.columns.count == 22)
    let bytes = FrameCodec.encode(reference)
    for (threads, chunk) in [(2, 1 << 18), (2, 4096), (4, 777)] {
      let f = try CSVReader.read(path: url.path, options: CSVOptions(threads: threads, chunkBytes: chunk)).frame
      #expect(FrameCodec.encode(f) == bytes)
    }
    #expect(try FrameCodec.decode(bytes) == reference)
    let text = CSVWriter.write(reference)
    #expect(try CSVReader.read(bytes: text).frame == reference)
  }

  @Test(.needsDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"), .needsPython("anchors")) func gzipSeasonMatchesPandas() throws {
    let url = try #require(try Oracles.sharedDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"))
    try compareWithPandas(url)
  }
}

