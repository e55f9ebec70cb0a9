/// Encodes user text (titles, labels, legend entries, category and player names) for a gnuplot script.
///
/// The dangers in gnuplot 5.4: backquoted commands (`` `cmd` ``) are substituted in the raw command line
/// (except inside single quotes), `@name` expands a macro, `system("…")` runs a command when evaluated as
/// an expression, a newline ends the command, and double-quoted strings interpret backslash escapes.
/// Single-quoted strings would be safe but gnuplot's scanner mis-parses a doubled quote (`''`) right after
/// the opening quote or after another doubled quote (`'''x'` is a syntax error), so names starting with an
/// apostrophe could not be written. We therefore emit **double-quoted** strings in which every character
/// that could act is written as an escape, so the raw script line never contains it:
/// `"` → `\"`, `\` → `\\`, `` ` `` → `\140`, `@` → `\100`, `'` → `\047`, `$` → `\044`, and control
/// characters (newline, carriage return, tab…) → a space. The text is a string *literal*, never an
/// expression, so `system(…)` inside it is just characters. Enhanced text mode is off in every terminal
/// (`noenhanced`), so `^ _ { } @ & ~` print literally. User text never goes into data blocks.
public enum GnuplotText {
  /// `text` as a double-quoted gnuplot string literal that prints exactly ``printed(_:)``.
  public static func quoted(_ text: String) -> String {
    var out = "\""
    out.reserveCapacity(text.utf8.count + 2)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "`": out += "\\140"
      case "@": out += "\\100"
      case "'": out += "\\047"
      case "$": out += "\\044"
      case _ where isControl(scalar): out += " "
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
    return out
  }

  /// The text a quoted string prints: control characters (newlines…) replaced by spaces.
  public static func printed(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? " " : $0 }))
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
  }

  /// A number as gnuplot data: shortest round-trip decimal, `NaN` for non-finite values (gnuplot skips them).
  public static func number(_ value: Double) -> String {
    guard value.isFinite else { return "NaN" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }
}
