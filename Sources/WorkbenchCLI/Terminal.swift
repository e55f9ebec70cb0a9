import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Terminal output: colour and progress only on a terminal, `NO_COLOR` honoured, everything else plain text.
struct Terminal: Sendable {
  let color: Bool
  let interactive: Bool

  static let standardError = Terminal(fd: 2)
  static let standardOutput = Terminal(fd: 1)

  init(fd: Int32) {
    let env = ProcessInfo.processInfo.environment
    interactive = isatty(fd) == 1 && env["TERM"] != "dumb"
    color = interactive && env["NO_COLOR"] == nil
  }

  func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
  func red(_ s: String) -> String { paint(s, "31") }
  func green(_ s: String) -> String { paint(s, "32") }
  func yellow(_ s: String) -> String { paint(s, "33") }
  func blue(_ s: String) -> String { paint(s, "34") }
  func dim(_ s: String) -> String { paint(s, "2") }
  func bold(_ s: String) -> String { paint(s, "1") }
}

func printError(_ s: String) {
  FileHandle.standardError.write(Data((s + "\n").utf8))
}

func printOut(_ s: String) {
  FileHandle.standardOutput.write(Data((s + "\n").utf8))
}
