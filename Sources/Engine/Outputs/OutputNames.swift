/// Naming rules for cell outputs (they become files under `outputs/<workbook>/cells/<id>/`).
public enum OutputNames {
  public static let tableSuffix = ".wbf"
  /// Plain names only: no separators, no `..`, not hidden, bounded length.
  public static func isSafe(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 200 && !name.hasPrefix(".")
      && name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "_" || $0 == "-" }
  }
}
