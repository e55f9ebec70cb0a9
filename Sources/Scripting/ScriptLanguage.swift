/// A language scripted cells can be written in, and how its code is started.
public enum ScriptLanguage: String, Sendable, CaseIterable {
  case python
  case r
  case shell

  /// The interpreter used when the cell names none (looked up on PATH).
  public var defaultInterpreter: String {
    switch self {
    case .python: "python3"
    case .r: "Rscript"
    case .shell: "bash"
    }
  }

  /// How the language is named in fingerprints and messages ("python environment: pandas").
  public var environmentLabel: String {
    switch self {
    case .python: "python environment"
    case .r: "R environment"
    case .shell: "shell environment"
    }
  }

  /// File name of the generated runner (prelude + the user's code) in the execution's scratch folder.
  var runnerName: String {
    switch self {
    case .python: "wb_runner.py"
    case .r: "wb_runner.R"
    case .shell: "wb_runner.sh"
    }
  }

  /// Whether tables cross the boundary as Arrow IPC files given the packages the interpreter has.
  public func readsArrow(packages: Set<String>) -> Bool {
    switch self {
    case .python: packages.contains("pyarrow") || packages.contains("polars")
    case .r: packages.contains("arrow")
    case .shell: false
    }
  }
}

/// How tables are handed to and from a script.
public enum TableFormat: String, Sendable {
  case arrow
  case csv

  public var fileExtension: String { self == .arrow ? "arrow" : "csv" }
}
