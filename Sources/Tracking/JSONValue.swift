import Foundation

/// A JSON document decoded with `JSONDecoder`, which parses doubles exactly (on Linux `JSONSerialization`
/// can return a double one ulp off, e.g. for `0.1111111111111111`). Integers stay `Int64`.
enum JSONValue: Decodable {
  case null
  case bool(Bool)
  case int(Int64)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? c.decode(Int64.self) {
      self = .int(i)
    } else if let d = try? c.decode(Double.self) {
      self = .double(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSONValue].self))
    }
  }

  /// Foundation-style value: NSNumber, String, Bool, [Any], [String: Any], NSNull.
  var foundationValue: Any {
    switch self {
    case .null: return NSNull()
    case .bool(let b): return b
    case .int(let i): return NSNumber(value: i)
    case .double(let d): return NSNumber(value: d)
    case .string(let s): return s
    case .array(let a): return a.map(\.foundationValue)
    case .object(let o): return o.mapValues(\.foundationValue)
    }
  }

  /// Parses `data` as a JSON object; nil when it is not one.
  static func object(from data: Data) -> [String: Any]? {
    (try? JSONDecoder().decode(JSONValue.self, from: data))?.foundationValue as? [String: Any]
  }
}
