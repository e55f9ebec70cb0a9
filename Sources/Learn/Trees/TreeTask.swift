/// Whether a tree model predicts a probability of class 1 (targets 0/1) or a real value.
public enum TreeTask: String, Sendable, Equatable, CaseIterable {
  /// Binary classification on 0/1 targets (gini for forests, log-loss for boosting).
  case classification
  /// Regression with squared error.
  case regression
}

extension TreeTask {
  func encode(into writer: inout ByteWriter) { writer.write(self == .classification ? UInt8(0) : UInt8(1)) }
  init(from reader: inout ByteReader) throws {
    switch try reader.readUInt8() {
    case 0: self = .classification
    case 1: self = .regression
    case let b: throw TreeModelError("unknown tree task code \(b) in model payload")
    }
  }
}
