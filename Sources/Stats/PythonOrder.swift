/// String comparison by Unicode scalar values, the order Python's `<` and `sorted()` use.
enum PythonOrder {
  static func less(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
  }
}
