import Engine
import Foundation
import Frame
import Learn
import Reporting
import WorkbookModel

/// `train`: fits one model on a split's training part and evaluates it on the training part and once on the
/// held-out test part; outputs the model file, metrics, importance and plots.
enum TrainCell {
  static let descriptor = KindDescriptor(
    // 2: boosting trees of ≥ 32,768 rows are numbered by subtree task; training-loss history summed per 512 rows.
    name: "train", version: 3,
    summary: "Train one model (logistic regression, random forest or gradient boosting) and evaluate it on the held-out test part.",
    options: LearningOptions.common + [
      OptionSpec("model", .choice(ModelFamily.names), required: true, doc: "The model family."),
      OptionSpec("params", .dictionary(.any), doc: "Hyper-parameters of the family (see docs/cells/train.md); typos get a did-you-mean."),
    ],
    tools: ["gnuplot"], produces: [.model],
    validate: { cell, diagnostics in
      LearningOptions.validateInputs(cell, &diagnostics)
      validateParams(cell, &diagnostics)
    })

  /// Checks `params` keys and values against the chosen family, at their YAML locations.
  static func validateParams(_ cell: CellSpec, _ diagnostics: inout Diagnostics) {
    guard let model = cell.option("model")?.string, let family = ModelFamily(rawValue: model),
          let entries = cell.option("params")?.entries else { return }
    for e in entries {
      if e.value.string?.contains("${") == true { continue }
      let problems = family.problems(in: [e.key: LearningSpec.json(e.value)])
      for p in problems {
        diagnostics.error(p.message, at: p.unknownName ? e.keyLocation : e.value.location, cell: cell.id, hint: p.hint)
      }
    }
  }

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let inputs = try LearningInputs.load(context)
    let params = o["params"]?.objectValue ?? [:]
    let config = try ModelConfiguration.parse(model: try o.requiredString("model"), params: params,
                                              at: o.location(of: "model"), paramsLocation: o.location(of: "params"))
    let outcome = try await LearningFit.run(config, inputs: inputs, context: context, plots: try o.boolean("plots")) {
      context.progress($0, $1)
    }
    return CellOutput(result: .object(outcome.result), tables: [("predictions", outcome.predictions)],
                      files: outcome.files, report: outcome.report, warnings: inputs.warnings)
  }
}

/// Converts a YAML node to the JSON value the cell will see (for static checks of nested options).
enum LearningSpec {
  static func json(_ node: SpecNode) -> JSONValue {
    switch node.value {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .float(let d): return .double(d)
    case .string(let s): return .string(s)
    case .list(let l): return .array(l.map(json))
    case .map(let entries): return .object(Dictionary(entries.map { ($0.key, json($0.value)) }, uniquingKeysWith: { a, _ in a }))
    }
  }
}
