import WorkbenchCore

/// Row indices of one train/test partition (each array ascending, disjoint).
public struct IndexSplit: Sendable, Equatable {
  public var train: [Int]
  public var test: [Int]
  public init(train: [Int], test: [Int]) {
    self.train = train
    self.test = test
  }
}

/// Seeded train/test splits and k-fold schemes, returning row indices.
///
/// Sizes follow scikit-learn: `test = ceil(n × testFraction)`, `train = n − test`; stratified splits give each
/// class the counts of sklearn's `StratifiedShuffleSplit` (its `_approximate_mode` allocation, train first);
/// stratified k-fold uses `StratifiedKFold`'s round-robin allocation; group k-fold places the largest groups first
/// into the lightest fold. The rows drawn differ from sklearn's (another random generator), the sizes do not.
public enum Split {
  /// Train/test split. With `stratifyBy` (one class label per row), every class keeps its proportion in both parts.
  public static func trainTest(
    rowCount: Int, testFraction: Double, stratifyBy labels: [Double]? = nil, seed: UInt64
  ) throws(SplitError) -> IndexSplit {
    guard testFraction > 0, testFraction < 1, testFraction.isFinite else {
      throw SplitError("test fraction \(testFraction) must be strictly between 0 and 1 (e.g. 0.2)")
    }
    let nTest = Int((testFraction * Double(rowCount)).rounded(.up))
    let nTrain = rowCount - nTest
    guard nTest >= 1, nTrain >= 1 else {
      throw SplitError("test fraction \(testFraction) of \(rowCount) rows leaves \(nTrain) train and \(nTest) test rows; each part needs at least one row")
    }
    var rng = SeededGenerator(seed: seed)
    guard let labels else {
      var order = Array(0..<rowCount)
      rng.shuffle(&order)
      return IndexSplit(train: order[nTest...].sorted(), test: order[..<nTest].sorted())
    }
    guard labels.count == rowCount else {
      throw SplitError("stratification labels have \(labels.count) values for \(rowCount) rows")
    }
    let (classes, members) = try groupByClass(labels)
    for (c, rows) in zip(classes, members) where rows.count < 2 {
      throw SplitError("class \(format(c)) has only \(rows.count) row; stratified splitting needs at least 2 per class (drop the class or split without stratification)")
    }
    guard nTrain >= classes.count, nTest >= classes.count else {
      throw SplitError("test fraction \(testFraction) gives \(nTest) test and \(nTrain) train rows for \(classes.count) classes; each part needs at least one row per class — choose a fraction nearer 0.5")
    }
    let counts = members.map(\.count)
    let trainCounts = approximateMode(counts, draws: nTrain, rng: &rng)
    let remaining = zip(counts, trainCounts).map { $0 - $1 }
    let testCounts = approximateMode(remaining, draws: nTest, rng: &rng)
    var train: [Int] = [], test: [Int] = []
    train.reserveCapacity(nTrain); test.reserveCapacity(nTest)
    for k in classes.indices {
      guard testCounts[k] > 0 else {
        throw SplitError("test fraction \(testFraction) leaves class \(format(classes[k])) (\(counts[k]) rows) with no test row; use a larger test fraction or merge rare classes")
      }
      guard trainCounts[k] > 0 else {
        throw SplitError("test fraction \(testFraction) leaves class \(format(classes[k])) (\(counts[k]) rows) with no training row; use a smaller test fraction")
      }
      var rows = members[k]
      rng.shuffle(&rows)
      train.append(contentsOf: rows[..<trainCounts[k]])
      test.append(contentsOf: rows[trainCounts[k]..<(trainCounts[k] + testCounts[k])])
    }
    return IndexSplit(train: train.sorted(), test: test.sorted())
  }

  /// K consecutive folds (of the shuffled order when `shuffle`); the first `n mod k` folds get one extra row.
  public static func kFold(rowCount: Int, k: Int, shuffle: Bool = true, seed: UInt64 = 0) throws(SplitError) -> [IndexSplit] {
    try checkK(k, units: rowCount, what: "rows")
    var order = Array(0..<rowCount)
    if shuffle {
      var rng = SeededGenerator(seed: seed)
      rng.shuffle(&order)
    }
    var foldOf = [Int](repeating: 0, count: rowCount)
    var start = 0
    for f in 0..<k {
      let size = rowCount / k + (f < rowCount % k ? 1 : 0)
      for i in order[start..<(start + size)] { foldOf[i] = f }
      start += size
    }
    return folds(from: foldOf, k: k)
  }

  /// K folds preserving class proportions (sklearn `StratifiedKFold`): the per-fold count of each class comes from
  /// dealing the sorted labels round-robin; with `shuffle`, the fold assignment inside each class is shuffled.
  public static func stratifiedKFold(labels: [Double], k: Int, shuffle: Bool = true, seed: UInt64 = 0) throws(SplitError) -> [IndexSplit] {
    try checkK(k, units: labels.count, what: "rows")
    let (classes, members) = try groupByClass(labels, orderByFirstAppearance: true)
    for (c, rows) in zip(classes, members) where rows.count < k {
      throw SplitError("class \(format(c)) has \(rows.count) rows, fewer than k = \(k) folds; lower k to at most \(rows.count) or merge rare classes")
    }
    // Round-robin allocation over labels sorted by class code (sklearn's `y_order[i::k]`).
    var allocation = [[Int]](repeating: [Int](repeating: 0, count: classes.count), count: k)
    var position = 0
    for (c, rows) in members.enumerated() {
      for _ in rows {
        allocation[position % k][c] += 1
        position += 1
      }
    }
    var rng = SeededGenerator(seed: seed)
    var foldOf = [Int](repeating: 0, count: labels.count)
    for (c, rows) in members.enumerated() {
      var assignment: [Int] = []
      assignment.reserveCapacity(rows.count)
      for f in 0..<k { assignment.append(contentsOf: repeatElement(f, count: allocation[f][c])) }
      if shuffle { rng.shuffle(&assignment) }
      for (i, row) in rows.enumerated() { foldOf[row] = assignment[i] }
    }
    return folds(from: foldOf, k: k)
  }

  /// K folds where all rows of a group land in the same fold (no group straddles train and test).
  /// Deterministic balancing: groups sorted by size (largest first, ties by group id) each go to the fold
  /// with the fewest rows so far (ties to the lowest fold number).
  public static func groupKFold(groups: [Int], k: Int) throws(SplitError) -> [IndexSplit] {
    var sizes: [Int: Int] = [:]
    for g in groups { sizes[g, default: 0] += 1 }
    guard k >= 2 else { throw SplitError("k = \(k) folds: cross-validation needs k ≥ 2") }
    guard k <= sizes.count else {
      throw SplitError("k = \(k) folds exceeds the \(sizes.count) distinct groups; lower k to at most \(sizes.count)")
    }
    let order = sizes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    var load = [Int](repeating: 0, count: k)
    var foldOfGroup: [Int: Int] = [:]
    for (g, size) in order {
      var best = 0
      for f in 1..<k where load[f] < load[best] { best = f }
      foldOfGroup[g] = best
      load[best] += size
    }
    return folds(from: groups.map { foldOfGroup[$0] ?? 0 }, k: k)
  }

  // MARK: helpers

  static func checkK(_ k: Int, units: Int, what: String) throws(SplitError) {
    guard k >= 2 else { throw SplitError("k = \(k) folds: cross-validation needs k ≥ 2") }
    guard k <= units else { throw SplitError("k = \(k) folds exceeds the \(units) \(what); lower k to at most \(units)") }
  }

  static func folds(from foldOf: [Int], k: Int) -> [IndexSplit] {
    var tests = [[Int]](repeating: [], count: k)
    for (i, f) in foldOf.enumerated() { tests[f].append(i) }
    return tests.indices.map { f in
      var train: [Int] = []
      train.reserveCapacity(foldOf.count - tests[f].count)
      for (i, g) in foldOf.enumerated() where g != f { train.append(i) }
      return IndexSplit(train: train, test: tests[f])
    }
  }

  /// Distinct class labels (ascending, or in order of first appearance) and the rows of each, ascending.
  static func groupByClass(_ labels: [Double], orderByFirstAppearance: Bool = false) throws(SplitError) -> ([Double], [[Int]]) {
    var index: [Double: Int] = [:]
    var classes: [Double] = [], members: [[Int]] = []
    for (i, y) in labels.enumerated() {
      guard y.isFinite else { throw SplitError("class label at row \(i) is \(y); remove or impute missing labels before splitting") }
      if let c = index[y] {
        members[c].append(i)
      } else {
        index[y] = classes.count
        classes.append(y)
        members.append([i])
      }
    }
    // sklearn encodes StratifiedKFold classes by first appearance; everything else by sorted value.
    // Both then deal rows class by class in that order.
    let order = orderByFirstAppearance ? Array(classes.indices) : classes.indices.sorted { classes[$0] < classes[$1] }
    return (order.map { classes[$0] }, order.map { members[$0] })
  }

  /// sklearn's `_approximate_mode`: floor of the proportional allocation, then the largest remainders get one
  /// more (ties among equal remainders broken at random).
  static func approximateMode(_ counts: [Int], draws: Int, rng: inout SeededGenerator) -> [Int] {
    let total = Double(counts.reduce(0, +))
    guard total > 0 else { return counts.map { _ in 0 } }
    let continuous = counts.map { Double($0) / total * Double(draws) }
    var floored = continuous.map { $0.rounded(.down) }
    var needToAdd = draws - Int(floored.reduce(0, +))
    if needToAdd > 0 {
      let remainder = zip(continuous, floored).map { $0 - $1 }
      for value in Set(remainder).sorted(by: >) where needToAdd > 0 {
        var tied = remainder.indices.filter { remainder[$0] == value }
        rng.shuffle(&tied)
        let addNow = min(tied.count, needToAdd)
        for i in tied[..<addNow] { floored[i] += 1 }
        needToAdd -= addNow
      }
    }
    return floored.map { Int($0) }
  }

  static func format(_ label: Double) -> String { formatFloat(label, integralWithoutPoint: true) }
}
