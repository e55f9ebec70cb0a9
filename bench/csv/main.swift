// Benchmark driver: loads one CSV into a typed Frame and prints its shape (timed whole-process by run.sh).
import Frame

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
  FileHandleOutput.emit("usage: csvbench FILE.csv[.gz] [threads]\n")
  exit(2)
}
let threads = arguments.count >= 3 ? Int(arguments[2]) ?? 2 : 2
do {
  let result = try CSVReader.read(path: arguments[1], options: CSVOptions(threads: threads))
  let frame = result.frame
  let types = frame.columns.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ",")
  FileHandleOutput.emit("rows=\(frame.rowCount) columns=\(frame.columns.count) bad=\(result.badRows.count)\n\(types)\n")
} catch {
  FileHandleOutput.emit("error: \(error)\n")
  exit(1)
}
