import Foundation

/// Normalises team names that vary across LiveStats files ("LANDERNEAU ", "LANDERNEAU BRETAGNE BASKET HN",
/// "ROCHE VENDÉE", code "ESBVA" for "VIL") into one stable key and display name.
///
/// Per file: the name is trimmed, upper-cased, accent-folded and inner spaces collapsed (``fold(_:)``).
/// Across a folder (``unify(_:)``): team appearances are linked when they share a non-empty code or an identical
/// folded name (union–find); each group's key is its most frequent code (ties: alphabetical) — or its folded
/// name when it has no code — and its display name is its most frequent folded name (ties: longest, then alphabetical).
public enum TeamNameNormalizer {
  public static func fold(_ name: String) -> String {
    let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
      .uppercased()
    return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  public static func unify(_ games: [FibaGame]) -> [FibaGame] {
    // Nodes: "C:<code>" and "N:<name>".
    var parent: [String: String] = [:]
    func find(_ x: String) -> String {
      var r = x
      while let p = parent[r], p != r { r = p }
      var y = x
      while let p = parent[y], p != r { parent[y] = r; y = p }
      return r
    }
    func union(_ a: String, _ b: String) {
      if parent[a] == nil { parent[a] = a }
      if parent[b] == nil { parent[b] = b }
      let ra = find(a), rb = find(b)
      if ra != rb { if ra < rb { parent[rb] = ra } else { parent[ra] = rb } }
    }
    for g in games {
      for t in g.teams {
        let n = "N:" + t.name
        if parent[n] == nil { parent[n] = n }
        if !t.code.isEmpty { union("C:" + t.code, n) }
      }
    }
    var codeCounts: [String: [String: Int]] = [:], nameCounts: [String: [String: Int]] = [:]
    for g in games {
      for t in g.teams {
        let root = find("N:" + t.name)
        nameCounts[root, default: [:]][t.name, default: 0] += 1
        if !t.code.isEmpty { codeCounts[root, default: [:]][t.code, default: 0] += 1 }
      }
    }
    func best(_ counts: [String: Int], preferLonger: Bool) -> String? {
      counts.max { a, b in
        if a.value != b.value { return a.value < b.value }
        if preferLonger && a.key.count != b.key.count { return a.key.count < b.key.count }
        return a.key > b.key
      }?.key
    }
    var out = games
    for gi in out.indices {
      for ti in out[gi].teams.indices {
        let root = find("N:" + out[gi].teams[ti].name)
        let display = best(nameCounts[root] ?? [:], preferLonger: true) ?? out[gi].teams[ti].name
        let key = best(codeCounts[root] ?? [:], preferLonger: false) ?? display
        out[gi].teams[ti].teamKey = key
        out[gi].teams[ti].name = display
      }
    }
    return out
  }
}
