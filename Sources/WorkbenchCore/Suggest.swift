/// "Did you mean" suggestions by edit distance (case-insensitive Levenshtein, no transpositions). Ties go to the
/// alphabetically first candidate, so a hint never depends on the order candidates were listed in.
public enum Suggest {
  /// The candidate nearest to `word` within `maxDistance` (default: max(2, a third of the word's length)).
  public static func closest(to word: String, in candidates: some Sequence<String>, maxDistance: Int? = nil) -> String? {
    let limit = maxDistance ?? max(2, word.count / 3)
    let lowered = word.lowercased()
    var best: (name: String, distance: Int)?
    for c in candidates {
      let d = distance(lowered, c.lowercased())
      guard d <= limit else { continue }
      if let b = best, d > b.distance || (d == b.distance && c >= b.name) { continue }
      best = (c, d)
    }
    return best?.name
  }

  /// A ready-made hint: "did you mean `x`?" or nil.
  public static func hint(for word: String, in candidates: some Sequence<String>) -> String? {
    closest(to: word, in: candidates).map { "did you mean `\($0)`?" }
  }

  /// Levenshtein distance between the characters of `a` and `b`.
  public static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
