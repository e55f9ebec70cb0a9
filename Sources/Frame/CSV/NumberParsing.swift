#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level parsers for the text forms the readers accept (ASCII, no surrounding spaces).
///
/// `parseDouble` is correctly rounded like `strtod`: an exact fast path (Clinger: ≤ 19 significant digits,
/// mantissa ≤ 2^53, |power of ten| ≤ 22) and `strtod` on a NUL-terminated copy otherwise.
enum NumberParsing {
  static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
  ]

  /// `[+-]?[0-9]+` fitting Int64. Negative zero ("-0") is rejected so it reads as the float -0.0 (keeps
  /// inference independent of chunking).
  @inline(__always)
  static func parseInt(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
    if n == 0 { return nil }
    var i = 0
    var negative = false
    let c0 = p[0]
    if c0 == 45 { negative = true; i = 1 } else if c0 == 43 { i = 1 }
    if i == n { return nil }
    var v: UInt64 = 0
    if n - i <= 18 {
      while i < n {
        let d = p[i] &- 48
        if d > 9 { return nil }
        v = v &* 10 &+ UInt64(d)
        i += 1
      }
    } else {
      while i < n {
        let d = p[i] &- 48
        if d > 9 { return nil }
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(UInt64(d))
        if o1 || o2 { return nil }
        v = a
        i += 1
      }
    }
    if negative {
      if v == 0 || v > UInt64(Int64.max) + 1 { return nil }
      return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
    }
    if v > UInt64(Int64.max) { return nil }
    return Int64(v)
  }

  /// `true`/`false`, ASCII case-insensitive.
  @inline(__always)
  static func parseBool(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
    if n == 4 {
      if p[0] | 0x20 == 116, p[1] | 0x20 == 114, p[2] | 0x20 == 117, p[3] | 0x20 == 101 { return true }
    } else if n == 5 {
      if p[0] | 0x20 == 102, p[1] | 0x20 == 97, p[2] | 0x20 == 108, p[3] | 0x20 == 115, p[4] | 0x20 == 101 {
        return false
      }
    }
    return nil
  }

  /// Decimal float text `[+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?`, or `inf`/`infinity` with a sign (case-insensitive).
  @inline(__always)
  static func parseDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    if n == 0 { return nil }
    var i = 0
    var negative = false
    if p[0] == 45 { negative = true; i = 1 } else if p[0] == 43 { i = 1 }
    if i == n { return nil }
    var mantissa: UInt64 = 0
    var significant = 0
    var exponent = 0
    var anyDigit = false
    var truncated = false
    while i < n {
      let d = p[i] &- 48
      if d > 9 { break }
      anyDigit = true
      if mantissa == 0 && d == 0 {
      } else if significant < 19 {
        mantissa = mantissa &* 10 &+ UInt64(d); significant += 1
      } else {
        truncated = true; exponent += 1
      }
      i += 1
    }
    if i < n && p[i] == 46 {
      i += 1
      while i < n {
        let d = p[i] &- 48
        if d > 9 { break }
        anyDigit = true
        if mantissa == 0 && d == 0 {
          exponent -= 1
        } else if significant < 19 {
          mantissa = mantissa &* 10 &+ UInt64(d); significant += 1; exponent -= 1
        } else {
          truncated = true
        }
        i += 1
      }
    }
    if !anyDigit { return parseInfinity(p, n) }
    if i < n && (p[i] | 0x20) == 101 {
      i += 1
      var expNegative = false
      if i < n && (p[i] == 45 || p[i] == 43) { expNegative = p[i] == 45; i += 1 }
      var e = 0
      var expDigits = 0
      while i < n {
        let d = p[i] &- 48
        if d > 9 { break }
        if e < 100_000 { e = e * 10 + Int(d) }
        expDigits += 1
        i += 1
      }
      if expDigits == 0 { return nil }
      exponent += expNegative ? -e : e
    }
    if i != n { return nil }
    if mantissa == 0 { return negative ? -0.0 : 0.0 }
    if !truncated && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
      var v = Double(mantissa)
      v = exponent < 0 ? v / powersOfTen[-exponent] : v * powersOfTen[exponent]
      return negative ? -v : v
    }
    return slowParse(p, n)
  }

  static func parseInfinity(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    var i = 0
    var negative = false
    if n > 0 && (p[0] == 45 || p[0] == 43) { negative = p[0] == 45; i = 1 }
    let rest = n - i
    guard rest == 3 || rest == 8 else { return nil }
    let word: [UInt8] = Array("infinity".utf8)
    for k in 0..<rest where p[i + k] | 0x20 != word[k] { return nil }
    return negative ? -Double.infinity : Double.infinity
  }

  /// Correctly rounded conversion by the C library (inputs are already validated decimal text).
  static func slowParse(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf -> Double? in
      guard let base = buf.baseAddress else { return nil }
      for k in 0..<n { base[k] = CChar(bitPattern: p[k]) }
      base[n] = 0
      var end: UnsafeMutablePointer<CChar>? = nil
      let v = strtod(base, &end)
      guard let end, end - base == n else { return nil }
      return v
    }
  }

  /// Convenience for tests and small inputs.
  static func parseDouble(_ s: String) -> Double? {
    var s = s
    return s.withUTF8 { b in b.baseAddress.flatMap { parseDouble($0, b.count) } }
  }
}
