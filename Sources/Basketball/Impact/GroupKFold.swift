import Learn
import WorkbenchCore

/// K-fold assignment by group (here: by game), so that no group is in both a training and a test fold.
///
/// Distinct groups are sorted, shuffled with `SeededGenerator(seed:)`, and dealt round-robin to the folds;
/// every row gets its group's fold. Deterministic for a given seed.
public enum GroupKFold {
  /// Fold index (0..<k) of every row; `k` is capped at the number of groups.
  public static func assign(groups: [String], k: Int, seed: UInt64) -> [Int] {
    let distinct = Array(Set(groups)).sorted()
    guard !distinct.isEmpty else { return [] }
    let folds = max(1, min(k, distinct.count))
    var order = distinct
    var rng = SeededGenerator(seed: seed)
    rng.shuffle(&order)
    var foldOf: [String: Int] = [:]
    for (i, g) in order.enumerated() { foldOf[g] = i % folds }
    return groups.map { foldOf[$0] ?? 0 }
  }
}
