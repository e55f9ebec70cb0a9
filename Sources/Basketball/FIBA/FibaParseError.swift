import Foundation

/// A malformed or unreadable FIBA LiveStats file: names the file, the JSON path and what was expected.
///
/// Rendered as `data_x.json: $.tm.1.pl.7.sMinutes: expected "M:SS", found "abc"`.
public struct FibaParseError: Error, CustomStringConvertible, Sendable, Equatable {
  /// File name (last path component) or a caller-supplied label.
  public var file: String
  /// JSON path from the root, `$` then dot-separated keys and array indices.
  public var path: String
  /// What was wrong.
  public var message: String

  public init(file: String, path: String, message: String) {
    self.file = file
    self.path = path
    self.message = message
  }

  public var description: String { "\(file): \(path): \(message)" }
}
