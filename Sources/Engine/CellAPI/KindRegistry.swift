import WorkbookModel

/// The kinds available to a run, plus fingerprints of the external tools they use.
public struct KindRegistry: Sendable {
  public private(set) var implementations: [String: CellImplementation] = [:]
  /// Tool name → a function returning its version text (memoised per process by the engine).
  public private(set) var tools: [String: @Sendable () -> String] = [:]
  /// Turn errors of libraries the engine does not know (Learn, Tracking…) into coded ``CellError``s; the first
  /// that answers wins (see ``CellError/explaining(_:registry:)``).
  public private(set) var errorExplanations: [@Sendable (any Error) -> CellError?] = []

  public init() {}

  /// Registers a kind. `externalEffects: true` marks kinds whose outputs record side effects (see
  /// `KindDescriptor.externalEffects`): `verify` re-executes them but does not compare their outputs.
  public mutating func register(_ implementation: CellImplementation, externalEffects: Bool = false) {
    var implementation = implementation
    if externalEffects { implementation.descriptor.externalEffects = true }
    implementations[implementation.descriptor.name] = implementation
  }

  public mutating func registerTool(_ name: String, fingerprint: @escaping @Sendable () -> String) {
    tools[name] = fingerprint
  }

  /// Adds a mapping from library errors to coded cell errors (nil: not one of mine).
  public mutating func registerErrorCodes(_ explain: @escaping @Sendable (any Error) -> CellError?) {
    errorExplanations.append(explain)
  }

  public var descriptors: [String: KindDescriptor] { implementations.mapValues(\.descriptor) }
  /// Kinds whose work items (a sweep's trials) `workbench cell items` computes one share at a time.
  public var itemKinds: Set<String> { Set(implementations.filter { $0.value.workItems != nil }.keys) }
}
