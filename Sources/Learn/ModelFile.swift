/// A model that can be written into (and read back from) a ``ModelFile`` payload bit-exactly.
///
/// `kind` names the model family in the file (e.g. `"logistic_regression"`, `"random_forest"`); it must be
/// unique per type and never change once files exist. `encode(into:)` writes only the model's own state;
/// the container adds magic, version, kind and feature metadata around it.
public protocol PersistableModel: Sendable {
  static var kind: String { get }
  func encode(into writer: inout ByteWriter)
  init(from reader: inout ByteReader) throws
}

/// A binary classifier that gives P(target = 1) for each row of a dataset (one value per row, in row order).
public protocol ProbabilisticClassifier: Sendable {
  func predictProbability(_ data: Dataset) -> [Double]
}

/// A regressor (or any model with one numeric output per row).
public protocol Regressor: Sendable {
  func predict(_ data: Dataset) -> [Double]
}

/// Errors while reading a model file: every case says what was wrong and what to do.
public struct ModelFileError: Error, Sendable, CustomStringConvertible, Equatable {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// The versioned container for a trained model.
///
/// Layout (little-endian, see ``ByteWriter``):
/// `"WBMODEL"` (7 bytes) · format version `UInt32` · kind `String` · feature count `UInt64` ·
/// per feature: name `String`, categorical `Bool` · payload length `UInt64` · payload bytes ·
/// FNV-1a 64-bit checksum of everything before it (`UInt64`).
/// The payload is the model's own ``PersistableModel/encode(into:)`` output, so a decoded model predicts
/// bit-identically (doubles are stored as IEEE-754 bit patterns).
public struct ModelFile: Sendable, Equatable {
  public static let magic: [UInt8] = Array("WBMODEL".utf8)
  public static let currentVersion: UInt32 = 1

  public var formatVersion: UInt32
  public var kind: String
  public var featureNames: [String]
  public var isCategorical: [Bool]
  public var payload: [UInt8]

  public init(kind: String, featureNames: [String], isCategorical: [Bool], payload: [UInt8],
              formatVersion: UInt32 = ModelFile.currentVersion) {
    self.formatVersion = formatVersion
    self.kind = kind
    self.featureNames = featureNames
    self.isCategorical = isCategorical
    self.payload = payload
  }

  /// Wraps a model: its kind, the feature schema it was trained on, and its encoded state.
  public init<Model: PersistableModel>(model: Model, featureNames: [String], isCategorical: [Bool]) {
    var writer = ByteWriter()
    model.encode(into: &writer)
    self.init(kind: Model.kind, featureNames: featureNames, isCategorical: isCategorical, payload: writer.bytes)
  }

  /// The serialized file bytes.
  public func encoded() -> [UInt8] {
    var w = ByteWriter()
    w.write(bytes: Self.magic)
    w.write(formatVersion)
    w.write(kind)
    w.write(UInt64(featureNames.count))
    for (i, name) in featureNames.enumerated() {
      w.write(name)
      w.write(i < isCategorical.count ? isCategorical[i] : false)
    }
    w.write(UInt64(payload.count))
    w.write(bytes: payload)
    w.write(Self.checksum(w.bytes))
    return w.bytes
  }

  /// Parses file bytes; throws ``ModelFileError`` on anything corrupt, truncated or from a newer version.
  public init(decoding bytes: [UInt8]) throws(ModelFileError) {
    guard bytes.count >= Self.magic.count + 8, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
      throw ModelFileError("not a Workbench model file (missing \"WBMODEL\" header); check the path points to a model artifact")
    }
    let body = Array(bytes.dropLast(8))
    var tail = ByteReader(Array(bytes.suffix(8)))
    let stored: UInt64
    do { stored = try tail.readUInt64() } catch { throw ModelFileError("model file truncated: \(error)") }
    guard stored == Self.checksum(body) else {
      throw ModelFileError("model file is corrupt (checksum mismatch); re-train or re-copy the artifact")
    }
    var r = ByteReader(body)
    do {
      for _ in Self.magic { _ = try r.readUInt8() }
      let version = try r.readUInt32()
      guard version >= 1, version <= Self.currentVersion else {
        throw ModelFileError("model file format version \(version) is not supported (this build reads 1...\(Self.currentVersion)); upgrade Workbench")
      }
      let kind = try r.readString()
      let count = try r.readCount(elementSize: 9)
      var names: [String] = [], flags: [Bool] = []
      names.reserveCapacity(count); flags.reserveCapacity(count)
      for _ in 0..<count {
        names.append(try r.readString())
        flags.append(try r.readBool())
      }
      let payloadCount = try r.readCount(elementSize: 1)
      var payload: [UInt8] = []
      payload.reserveCapacity(payloadCount)
      for _ in 0..<payloadCount { payload.append(try r.readUInt8()) }
      guard r.isAtEnd else { throw ModelFileError("model file has \(r.bytes.count - r.offset) unexpected trailing bytes") }
      self.init(kind: kind, featureNames: names, isCategorical: flags, payload: payload, formatVersion: version)
    } catch let e as ModelFileError {
      throw e
    } catch {
      throw ModelFileError("model file is malformed: \(error)")
    }
  }

  /// Decodes the payload as `Model`; throws if the file holds another kind or the payload is malformed.
  public func model<Model: PersistableModel>(as type: Model.Type = Model.self) throws(ModelFileError) -> Model {
    guard kind == Model.kind else {
      throw ModelFileError("model file holds a \"\(kind)\" model, not \"\(Model.kind)\"")
    }
    var r = ByteReader(payload)
    let m: Model
    do { m = try Model(from: &r) } catch { throw ModelFileError("\(kind) payload is malformed: \(error)") }
    guard r.isAtEnd else { throw ModelFileError("\(kind) payload has \(r.bytes.count - r.offset) unexpected trailing bytes") }
    return m
  }

  /// FNV-1a 64-bit, enough to detect accidental corruption (not an authenticity check).
  static func checksum(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
  }
}
