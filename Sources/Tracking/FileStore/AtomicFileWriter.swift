import Foundation
import WorkbenchCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Crash-safe writes for the file store: every file and every new directory is first built in a staging folder
/// beside the store root (outside MLflow's view) and then moved into place with one `rename(2)`.
/// A crash therefore never leaves a half-written `meta.yaml`, param or tag file inside the store.
struct AtomicFileWriter: Sendable {
  /// `<parent of root>/.<root name>.staging`: same file system as the store, never scanned by MLflow.
  let stagingDirectory: URL

  init(root: URL) {
    stagingDirectory = root.deletingLastPathComponent()
      .appendingPathComponent(".\(root.lastPathComponent).staging", isDirectory: true)
  }

  private func freshStagingURL() throws -> URL {
    do {
      try FileManager.default.createDirectory(at: stagingDirectory, withIntermediateDirectories: true)
    } catch {
      throw TrackingError.io(path: stagingDirectory.path, reason: "cannot create staging folder: \(error.localizedDescription)")
    }
    return stagingDirectory.appendingPathComponent(Self.stagingName(for: .current))
  }

  /// `<pid>.<start>.<uuid>`: the owner is in the name, so leftovers of a killed process can be recognised.
  static func stagingName(for owner: ProcessIdentity) -> String {
    "\(owner.pid).\(owner.start).\(UUID().uuidString.lowercased())"
  }

  /// Removes staging files and folders left by processes that died mid-write (killed between writing and the
  /// rename). Folders of live processes are kept; other entries (temp files of `write`) are removed after an hour.
  /// Returns the names removed.
  @discardableResult
  func removeLeftoversOfDeadProcesses(now: Date = Date()) -> [String] {
    let fm = FileManager.default
    guard let names = try? fm.contentsOfDirectory(atPath: stagingDirectory.path) else { return [] }
    var removed: [String] = []
    for name in names.sorted() {
      let url = stagingDirectory.appendingPathComponent(name)
      let parts = name.split(separator: ".", maxSplits: 2)
      let dead: Bool
      if parts.count == 3, let pid = Int32(parts[0]), let start = UInt64(parts[1]) {
        dead = !ProcessIdentity.isRunning(pid: pid, start: start)
      } else {
        let modified = (try? fm.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? now
        dead = now.timeIntervalSince(modified) > 3600
      }
      if dead, (try? fm.removeItem(at: url)) != nil { removed.append(name) }
    }
    return removed
  }

  /// Writes `data` to `destination` atomically (replacing an existing file), creating parent folders.
  /// Through WorkbenchCore's `AtomicFile` with this store's staging folder; a temp file a killed process left there
  /// is removed after an hour (see ``removeLeftoversOfDeadProcesses(now:)``).
  func write(_ data: Data, to destination: URL) throws {
    do {
      try AtomicFile.write(data, to: destination.path, stagingDirectory: stagingDirectory.path)
    } catch {
      throw TrackingError.io(path: error.path, reason: error.reason)
    }
  }

  func write(_ text: String, to destination: URL) throws { try write(Data(text.utf8), to: destination) }

  /// Builds a directory in staging with `build`, then renames it to `destination` (which must not exist).
  func createDirectory(at destination: URL, build: (URL) throws -> Void) throws {
    let temp = try freshStagingURL()
    do {
      try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
      try build(temp)
      try ensureDirectory(destination.deletingLastPathComponent())
      try move(temp, to: destination, replacing: false)
    } catch {
      try? FileManager.default.removeItem(at: temp)
      throw error
    }
  }

  func ensureDirectory(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw TrackingError.io(path: url.path, reason: "cannot create folder: \(error.localizedDescription)")
    }
  }

  private func move(_ source: URL, to destination: URL, replacing: Bool) throws {
    if !replacing && FileManager.default.fileExists(atPath: destination.path) {
      throw TrackingError.alreadyExists(path: destination.path)
    }
    do {
      try AtomicFile.moveIntoPlace(source.path, to: destination.path)  // across file systems: copied to a sibling first
    } catch {
      // Another writer's folder appeared between the check above and the rename.
      if !replacing && (error.code == EEXIST || error.code == ENOTEMPTY) { throw TrackingError.alreadyExists(path: destination.path) }
      throw TrackingError.io(path: destination.path, reason: error.reason)
    }
  }
}
