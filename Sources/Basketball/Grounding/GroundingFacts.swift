import Foundation
import WorkbenchCore

/// Everything a phrasing model may use: the numbers (with their rounding) and the real names (players, teams,
/// coaches). Built by ``FactSheet`` while the deterministic text is written, so the two always agree.
public struct GroundingFacts: Sendable, Codable, Equatable {
  public var numbers: [GroundingFact]
  public var names: [String]

  public init(numbers: [GroundingFact] = [], names: [String] = []) {
    self.numbers = numbers
    self.names = names
  }

  /// Compact canonical JSON (WorkbenchCore's writer, sorted keys) given to the language model.
  public func json() -> String {
    let numbers = self.numbers.map { n -> JSONValue in
      ["label": .string(n.label), "value": .double(n.value), "decimals": .int(n.decimals), "isPercent": .bool(n.isPercent)]
    }
    let document: JSONValue = ["numbers": .array(numbers), "names": .array(names.map { .string($0) })]
    return document.serialized(pretty: false)
  }

  public mutating func merge(_ other: GroundingFacts) {
    var seen = Set(numbers)
    for n in other.numbers where !seen.contains(n) { numbers.append(n); seen.insert(n) }
    for name in other.names where !names.contains(name) { names.append(name) }
  }
}
