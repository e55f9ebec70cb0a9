public enum ShotCoachingError: Error, Equatable, CustomStringConvertible {
  case lengthMismatch(String)
  public var description: String {
    switch self { case .lengthMismatch(let m): return "shot coaching: \(m)" }
  }
}
