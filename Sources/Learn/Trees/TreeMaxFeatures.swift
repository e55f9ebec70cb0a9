/// How many features a tree examines at each split (scikit-learn's `max_features`).
public enum MaxFeatures: Sendable, Equatable {
  /// Every feature (sklearn `None`/`1.0`).
  case all
  /// `max(1, ⌊√F⌋)` (sklearn `"sqrt"`, the classifier default).
  case sqrt
  /// `max(1, ⌊log₂ F⌋)` (sklearn `"log2"`).
  case log2
  /// `max(1, ⌊fraction·F⌋)` for 0 < fraction ≤ 1 (sklearn float).
  case fraction(Double)
  /// Exactly this many (1…F) (sklearn int).
  case count(Int)

  /// The number of features per split for `featureCount` features.
  public func resolve(featureCount f: Int) throws(TreeModelError) -> Int {
    switch self {
    case .all: return f
    case .sqrt: return max(1, Int(Double(f).squareRoot()))
    case .log2:
      var k = 0, v = f
      while v > 1 { v >>= 1; k += 1 }
      return max(1, k)
    case .fraction(let x):
      guard x > 0, x <= 1 else { throw TreeModelError("max_features fraction is \(x); it must be in (0, 1]") }
      return max(1, Int(x * Double(f)))
    case .count(let k):
      guard k >= 1, k <= f else { throw TreeModelError("max_features is \(k); it must be between 1 and the number of features (\(f))") }
      return k
    }
  }

  func encode(into w: inout ByteWriter) {
    switch self {
    case .all: w.write(UInt8(0)); w.write(0.0)
    case .sqrt: w.write(UInt8(1)); w.write(0.0)
    case .log2: w.write(UInt8(2)); w.write(0.0)
    case .fraction(let x): w.write(UInt8(3)); w.write(x)
    case .count(let k): w.write(UInt8(4)); w.write(Double(k))
    }
  }
}
