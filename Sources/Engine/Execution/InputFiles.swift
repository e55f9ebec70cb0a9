import Foundation
import WorkbookModel

/// Expands input paths: a file, a folder (every non-hidden file under it) or a glob.
///
/// Only regular files are inputs: an empty path, or a device, pipe or socket (`/dev/zero`, a FIFO, `/dev/stdin` on a
/// pipe) is an error, since reading one may never end or give different bytes than the ones hashed into the key.
public enum InputFiles {
  public static func expand(_ path: String, root: URL, location: SourceLocation?) throws -> [String] {
    guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw CellError("the input path is empty", code: .inputInvalid, at: location, hint: "name a file, a folder or a glob (e.g. --param shots=data/shots.csv)")
    }
    let absolute = path.hasPrefix("/") ? path : root.appendingPathComponent(path).path
    if FileSystem.isGlob(path) {
      let matches = FileSystem.glob(absolute)
      guard !matches.isEmpty else {
        throw CellError("no file matches `\(path)`", code: .inputMissing, at: location, hint: "check the pattern (relative to \(root.path))")
      }
      for match in matches { try requireRegularFile(match, location: location) }
      return matches
    }
    guard let s = FileSystem.statSignature(absolute) else {
      throw CellError("input `\(path)` does not exist", code: .inputMissing, at: location,
                      hint: "paths are relative to the project root \(root.path); pass another with --param")
    }
    if s.isDirectory {
      let files = FileSystem.filesUnder(absolute)
      guard !files.isEmpty else { throw CellError("folder `\(path)` has no files", code: .inputMissing, at: location) }
      for file in files { try requireRegularFile(file, location: location) }
      return files
    }
    try requireRegularFile(absolute, location: location)
    return [absolute]
  }

  static func requireRegularFile(_ path: String, location: SourceLocation?) throws {
    guard let s = FileSystem.statSignature(path), !s.isRegularFile else { return }
    throw CellError("input `\(path)` is \(s.isDirectory ? "a folder" : "not a regular file (a device, pipe or socket)")", code: .inputInvalid, at: location,
                    hint: "inputs are regular files, folders of files or globs of files; save the data to a file first")
  }
}
