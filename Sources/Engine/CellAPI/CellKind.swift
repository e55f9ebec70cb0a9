import Foundation
import WorkbookModel

/// A cell kind the engine can run: its descriptor (options, version, tools) and its body.
///
/// Each kind lives in one file in the Cells module and is registered with one line in `CellRegistry`.
public struct CellImplementation: Sendable {
  public var descriptor: KindDescriptor
  public var run: @Sendable (CellContext) async throws -> CellOutput
  /// What this cell's code runs on beyond the kind's declared tools (a scripted cell's interpreter and installed
  /// packages), from its options: name → version text, in the cache key and compared by `explain` like tools.
  public var environment: (@Sendable (_ options: CellOptions, _ memo: FingerprintMemo) throws -> [String: String])?
  /// Independent pieces of the cell's work (a sweep's trials) that other processes may compute into its
  /// sub-cache before the cell runs (a Slurm job array); nil for kinds whose work is one piece.
  public var workItems: CellWorkItems?

  public init(descriptor: KindDescriptor, run: @escaping @Sendable (CellContext) async throws -> CellOutput) {
    self.descriptor = descriptor
    self.run = run
  }
}

/// The independent pieces of a cell's work, addressable from outside the cell: each has a key (its sub-cache
/// entry) and can be computed on its own, by any process sharing the cache; the cell reuses the stored ones.
public struct CellWorkItems: Sendable {
  /// The items' keys, in order (computed from the cell's options and inputs, as the cell computes them).
  public var keys: @Sendable (CellContext) async throws -> [String]
  /// Computes item `index` (0-based) and stores it in the sub-cache; does nothing when it is stored already.
  public var compute: @Sendable (CellContext, _ index: Int) async throws -> Void

  public init(keys: @escaping @Sendable (CellContext) async throws -> [String],
              compute: @escaping @Sendable (CellContext, _ index: Int) async throws -> Void) {
    self.keys = keys
    self.compute = compute
  }
}
