/// One token of an expression, with its character offset and length.
struct ExpressionToken: Sendable, Equatable {
  enum Kind: Sendable, Equatable {
    case integer(Int64)
    case float(Double)
    case string(String)
    /// A bare word: a column name, a function name or a keyword (keywords are matched case-insensitively).
    case word(String)
    /// A backquoted column name (never a keyword).
    case quotedName(String)
    /// An operator or punctuation: + - * / % ( ) , = == != <> < <= > >=
    case symbol(String)
    case end
  }
  var kind: Kind
  var offset: Int
  var length: Int
}

/// Splits expression text into tokens. Never traps: any unexpected character is an ``ExpressionError``.
enum ExpressionLexer {
  static func tokenize(_ text: String) throws(ExpressionError) -> [ExpressionToken] {
    let chars = Array(text)
    var tokens: [ExpressionToken] = []
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c.isWhitespace { i += 1; continue }
      let start = i
      if c.isASCII, c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber) {
        var j = i
        var isFloat = false
        while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
        if j < chars.count, chars[j] == "." {
          isFloat = true
          j += 1
          while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
        }
        if j < chars.count, chars[j] == "e" || chars[j] == "E" {
          var k = j + 1
          if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
          if k < chars.count, chars[k].isASCII, chars[k].isNumber {
            isFloat = true
            j = k
            while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
          }
        }
        if j < chars.count, chars[j].isLetter || chars[j] == "_" {
          throw ExpressionError("unexpected `\(chars[j])` after a number", offset: j,
                                hint: "a column name that starts with a digit must be written in backquotes, e.g. `2PT rate`")
        }
        let literal = String(chars[i..<j])
        if isFloat {
          guard let v = Double(literal) else { throw ExpressionError("invalid number `\(literal)`", offset: start, length: j - start) }
          tokens.append(.init(kind: .float(v), offset: start, length: j - start))
        } else if let v = Int64(literal) {
          tokens.append(.init(kind: .integer(v), offset: start, length: j - start))
        } else if let v = Double(literal) {
          tokens.append(.init(kind: .float(v), offset: start, length: j - start))
        } else {
          throw ExpressionError("invalid number `\(literal)`", offset: start, length: j - start)
        }
        i = j
        continue
      }
      if c.isLetter || c == "_" {
        var j = i + 1
        while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
        tokens.append(.init(kind: .word(String(chars[i..<j])), offset: start, length: j - start))
        i = j
        continue
      }
      if c == "'" || c == "`" {
        // Quoted text ('…') or column name (`…`); a doubled quote stands for itself.
        var value = ""
        var j = i + 1
        var closed = false
        while j < chars.count {
          if chars[j] == c {
            if j + 1 < chars.count, chars[j + 1] == c { value.append(c); j += 2; continue }
            closed = true
            j += 1
            break
          }
          value.append(chars[j])
          j += 1
        }
        guard closed else {
          throw ExpressionError(c == "'" ? "unterminated text: missing the closing `'`" : "unterminated column name: missing the closing backquote",
                                offset: start, length: chars.count - start)
        }
        if c == "`", value.isEmpty { throw ExpressionError("empty column name ``", offset: start, length: 2) }
        tokens.append(.init(kind: c == "'" ? .string(value) : .quotedName(value), offset: start, length: j - start))
        i = j
        continue
      }
      if c == "\"" {
        throw ExpressionError("double quotes are not used in expressions", offset: start,
                              hint: "write text in single quotes ('Mid-Range') and column names with spaces in backquotes (`Shot Distance`)")
      }
      let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
      if ["==", "!=", "<>", "<=", ">="].contains(two) {
        tokens.append(.init(kind: .symbol(two), offset: start, length: 2))
        i += 2
        continue
      }
      if "+-*/%(),=<>".contains(c) {
        tokens.append(.init(kind: .symbol(String(c)), offset: start, length: 1))
        i += 1
        continue
      }
      var hint: String?
      if c == "&" { hint = "use `and`" } else if c == "|" { hint = "use `or`, or concat(a, b) to join text" } else if c == "!" { hint = "use `not`" }
      throw ExpressionError("unexpected character `\(c)`", offset: start, hint: hint)
    }
    tokens.append(.init(kind: .end, offset: chars.count, length: 1))
    return tokens
  }
}
