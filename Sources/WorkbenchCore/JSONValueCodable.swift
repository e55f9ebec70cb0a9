import Foundation

extension JSONValue {
  /// The JSON of a `Codable` model (report blocks, parsed games, queued runs): Foundation's encoder builds the tree,
  /// this type's canonical writer makes the bytes, so files written from models are as stable as `result.json`.
  public init(encoding value: some Encodable) throws {
    self = try JSONValue.parse(Array(try JSONEncoder().encode(value)))
  }

  /// The model `type` read back from this value.
  public func decoded<T: Decodable>(as type: T.Type) throws -> T {
    try JSONDecoder().decode(type, from: Data(serializedBytes(pretty: false)))
  }
}
