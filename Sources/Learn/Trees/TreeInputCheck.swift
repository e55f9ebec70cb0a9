/// Checks shared by every tree model's `fit`: a non-empty, rectangular feature matrix and a usable target.
enum TreeInputCheck {
  static func validate(_ data: Dataset, task: TreeTask, context: String) throws(TreeModelError) {
    let n = data.rowCount
    guard data.featureCount > 0 else { throw TreeModelError("\(context): the dataset has no feature columns; select at least one feature") }
    guard n > 0 else { throw TreeModelError("\(context): the dataset has no rows") }
    guard n < Int(Int32.max) else { throw TreeModelError("\(context): \(n) rows is more than the tree models support (2³¹ − 1)") }
    for (j, col) in data.features.enumerated() where col.count != n {
      throw TreeModelError("\(context): feature column \(j) ('\(name(data, j))') has \(col.count) values but the dataset has \(n) rows")
    }
    guard data.isCategorical.count == data.featureCount else {
      throw TreeModelError("\(context): isCategorical has \(data.isCategorical.count) flags for \(data.featureCount) features")
    }
    guard data.target.count == n else {
      throw TreeModelError("\(context): the target has \(data.target.count) values for \(n) rows; a labelled dataset is required to train")
    }
    for (i, y) in data.target.enumerated() {
      guard y.isFinite else { throw TreeModelError("\(context): target value at row \(i) is \(y); targets must be finite (drop or impute those rows)") }
      if task == .classification && y != 0 && y != 1 {
        throw TreeModelError("\(context): classification target at row \(i) is \(y); binary targets must be 0 or 1")
      }
    }
  }

  static func name(_ data: Dataset, _ j: Int) -> String { j < data.featureNames.count ? data.featureNames[j] : "#\(j)" }
}
