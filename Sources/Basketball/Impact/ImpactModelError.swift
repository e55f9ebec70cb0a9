public enum ImpactModelError: Error, Equatable, CustomStringConvertible {
  case notEnoughData(String)
  public var description: String {
    switch self { case .notEnoughData(let m): return "impact model: \(m)" }
  }
}
