import Foundation
import Frame
import Testing
import TestSupport

/// Arrow IPC files written by Workbench are read back by itself, by pyarrow and by polars, and what they write
/// comes back unchanged: every column type, nulls included.
@Suite struct ArrowIPCTests {
  static func sample() throws -> Frame {
    try Frame(columns: [
      Column(name: "id", ints: [1, -2, 3, Int64.max, Int64.min], validity: [true, true, false, true, true]),
      Column(name: "x", floats: [0.5, -1e300, 0, 3.25, .infinity], validity: [true, false, true, true, true]),
      Column(name: "name", strings: ["a", nil, "ü é", "", "a"]),
      Column(name: "made", bools: [true, false, true, false, true], validity: [true, true, true, false, true]),
      Column(name: "dense", ints: [10, 20, 30, 40, 50]),
    ])
  }

  @Test func roundTripsItself() throws {
    let frame = try Self.sample()
    #expect(try ArrowIPC.read(ArrowIPC.write(frame), source: "t") == frame)
    let empty = try Frame(columns: [Column(name: "a", ints: []), Column(name: "s", strings: [])])
    #expect(try ArrowIPC.read(ArrowIPC.write(empty), source: "t") == empty)
  }

  @Test func rejectsDamagedFilesWithAnError() throws {
    let bytes = ArrowIPC.write(try Self.sample())
    #expect(throws: FrameError.self) { try ArrowIPC.read(Array(bytes.prefix(40)), source: "t") }
    for cut in stride(from: 8, to: bytes.count - 10, by: 7) {
      var damaged = bytes
      damaged[cut] ^= 0xFF
      _ = try? ArrowIPC.read(damaged, source: "t")  // an error or a frame, never a trap
    }
  }

  @Test(.needsPython("anchors"), arguments: ["pyarrow", "polars"])
  func roundTripsThroughPython(_ library: String) throws {
    let python = try #require(try Oracles.python("anchors"))
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("in.arrow"), output = dir.appendingPathComponent("out.arrow")
    let frame = try Self.sample()
    try Data(ArrowIPC.write(frame)).write(to: input)
    let code = library == "pyarrow" ? """
      import sys, pyarrow as pa, pyarrow.ipc as ipc
      t = ipc.open_file(sys.argv[1]).read_all()
      assert t.column("id").null_count == 1 and t.column("name").to_pylist()[2] == "ü é", t
      assert str(t.schema.field("x").type) == "double" and str(t.schema.field("made").type) == "bool"
      with ipc.new_file(sys.argv[2], t.schema) as w: w.write_table(t)
      """ : """
      import sys, polars as pl
      df = pl.read_ipc(sys.argv[1])
      assert df["id"].null_count() == 1 and df["name"][2] == "ü é", df
      assert df.dtypes == [pl.Int64, pl.Float64, pl.String, pl.Boolean, pl.Int64], df.dtypes
      df.write_ipc(sys.argv[2], compression="uncompressed")
      """
    _ = try runPython(python, code, arguments: [input.path, output.path])
    let back = try ArrowIPC.read([UInt8](try Data(contentsOf: output)), source: output.path)
    #expect(back == frame)
  }
}

