// Benchmark driver: loads one CSV into a typed Frame and prints its shape (timed whole-process by run.sh).
// `csvbench FILE [threads] [--codec]`: with --codec, also times FrameCodec encode/decode of the loaded frame.
import Frame

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
  FileHandleOutput.emit("usage: csvbench FILE.csv[.gz] [threads] [--codec]\n")
  exit(2)
}
let threads = arguments.count >= 3 ? Int(arguments[2]) ?? 2 : 2
do {
  let result = try CSVReader.read(path: arguments[1], options: CSVOptions(threads: threads))
  let frame = result.frame
  let types = frame.columns.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ",")
  FileHandleOutput.emit("rows=\(frame.rowCount) columns=\(frame.columns.count) bad=\(result.badRows.count)\n\(types)\n")
  if arguments.contains("--codec") {
    let clock = ContinuousClock()
    var bytes: [UInt8] = []
    let encode = clock.measure { bytes = FrameCodec.encode(frame) }
    var decoded = Frame.empty
    let decode = try clock.measure { decoded = try FrameCodec.decode(bytes) }
    let mb = Double(bytes.count) / 1e6
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    FileHandleOutput.emit(
      "codec bytes=\(bytes.count) encode=\(seconds(encode))s (\(Int(mb / seconds(encode))) MB/s) "
        + "decode=\(seconds(decode))s (\(Int(mb / seconds(decode))) MB/s) equal=\(decoded == frame)\n")
  }
} catch {
  FileHandleOutput.emit("error: \(error)\n")
  exit(1)
}
