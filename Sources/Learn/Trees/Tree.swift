/// One fitted decision tree in flat (structure-of-arrays) form, shared by the decision tree, random forest
/// and gradient boosting models.
///
/// Node 0 is the root. An internal node sends a row left when
/// * numeric split: the value is `≤ threshold` (equivalently its bin is `≤ binThreshold`),
/// * categorical split: the category is in the node's left set (bitset over codes 0…255),
/// * missing value (NaN): `missingLeft` decides; unseen categories go right.
/// Leaves have `feature == -1` and their output in `value`.
public struct DecisionTree: Sendable, Equatable {
  public internal(set) var feature: [Int32] = []
  public internal(set) var threshold: [Double] = []
  public internal(set) var binThreshold: [UInt8] = []
  public internal(set) var missingLeft: [Bool] = []
  /// Index of the node's category set in `categoryWords` (4 words each), or −1 for numeric splits and leaves.
  public internal(set) var categorySlot: [Int32] = []
  public internal(set) var categoryWords: [UInt64] = []
  public internal(set) var left: [Int32] = []
  public internal(set) var right: [Int32] = []
  /// Leaf output (for internal nodes: the output the node would have as a leaf).
  public internal(set) var value: [Double] = []
  /// Split gain of internal nodes (0 for leaves): reduction of the (regularised) loss.
  public internal(set) var gain: [Double] = []

  public init() {}

  public var nodeCount: Int { feature.count }
  public var leafCount: Int { feature.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

  mutating func addLeaf(value v: Double) -> Int {
    feature.append(-1); threshold.append(0); binThreshold.append(0); missingLeft.append(false)
    categorySlot.append(-1); left.append(-1); right.append(-1); value.append(v); gain.append(0)
    return feature.count - 1
  }

  /// Replaces leaf `node` by `fragment`, whose node 0 stands for `node`; the fragment's other nodes are appended
  /// in their order. Returns the map from fragment node numbers to this tree's.
  mutating func graft(_ fragment: DecisionTree, at node: Int) -> (Int) -> Int {
    let base = nodeCount - 1  // fragment node j ≥ 1 becomes base + j
    let map: (Int) -> Int = { j in j == 0 ? node : base + j }
    let slotBase = Int32(categoryWords.count / 4)
    categoryWords.append(contentsOf: fragment.categoryWords)
    for j in 0..<fragment.nodeCount {
      let target = j == 0 ? node : addLeaf(value: 0)
      feature[target] = fragment.feature[j]
      threshold[target] = fragment.threshold[j]
      binThreshold[target] = fragment.binThreshold[j]
      missingLeft[target] = fragment.missingLeft[j]
      categorySlot[target] = fragment.categorySlot[j] >= 0 ? fragment.categorySlot[j] + slotBase : -1
      left[target] = fragment.left[j] >= 0 ? Int32(map(Int(fragment.left[j]))) : -1
      right[target] = fragment.right[j] >= 0 ? Int32(map(Int(fragment.right[j]))) : -1
      value[target] = fragment.value[j]
      gain[target] = fragment.gain[j]
    }
    return map
  }

  mutating func setSplit(node: Int, feature f: Int, split: TreeSplit, threshold t: Double, left l: Int, right r: Int) {
    feature[node] = Int32(f)
    threshold[node] = t
    binThreshold[node] = split.bin
    missingLeft[node] = split.missingLeft
    if let words = split.categoryWords {
      categorySlot[node] = Int32(categoryWords.count / 4)
      categoryWords.append(contentsOf: words)
    }
    left[node] = Int32(l); right[node] = Int32(r)
    gain[node] = split.gain
  }

  /// Leaf index reached by row `i` of column-major raw `columns` (missing columns read as NaN).
  @inline(__always)
  func leaf(columns: UnsafeBufferPointer<UnsafeBufferPointer<Double>>, row i: Int) -> Int {
    var node = 0
    while true {
      let f = Int(feature[node])
      if f < 0 { return node }
      let x = f < columns.count && i < columns[f].count ? columns[f][i] : .nan
      let goLeft: Bool
      if x.isNaN {
        goLeft = missingLeft[node]
      } else if categorySlot[node] >= 0 {
        if x >= 0, x < 256, x == x.rounded(.towardZero) {
          let c = Int(x)
          goLeft = categoryWords[Int(categorySlot[node]) * 4 + c >> 6] & (1 << UInt64(c & 63)) != 0
        } else {
          goLeft = false
        }
      } else {
        goLeft = x <= threshold[node]
      }
      node = Int(goLeft ? left[node] : right[node])
    }
  }

  /// Leaf index reached by row `i` of a binned matrix (`missingBins[f]` = the missing bin of feature `f`).
  @inline(__always)
  func leaf(bins: UnsafePointer<UInt8>, rowCount n: Int, missingBins: UnsafeBufferPointer<Int>, row i: Int) -> Int {
    var node = 0
    while true {
      let f = Int(feature[node])
      if f < 0 { return node }
      let b = Int(bins[f * n + i])
      let goLeft: Bool
      if b == missingBins[f] {
        goLeft = missingLeft[node]
      } else if categorySlot[node] >= 0 {
        goLeft = categoryWords[Int(categorySlot[node]) * 4 + b >> 6] & (1 << UInt64(b & 63)) != 0
      } else {
        goLeft = b <= Int(binThreshold[node])
      }
      node = Int(goLeft ? left[node] : right[node])
    }
  }

  /// Adds `scale × leaf value` for every row of raw column-major `features` into `output`.
  func accumulate(features: [[Double]], scale: Double, into output: inout [Double]) {
    withColumnPointers(features) { cols in
      for i in 0..<output.count { output[i] += scale * value[leaf(columns: cols, row: i)] }
    }
  }

  /// Adds the tree's gain into `importance[feature]` (one slot per feature).
  func addGain(into importance: inout [Double]) {
    for node in 0..<nodeCount where feature[node] >= 0 && Int(feature[node]) < importance.count {
      importance[Int(feature[node])] += gain[node]
    }
  }

  func encode(into w: inout ByteWriter) {
    w.write(UInt64(nodeCount))
    for i in 0..<nodeCount {
      w.write(Int(feature[i])); w.write(threshold[i]); w.write(binThreshold[i]); w.write(missingLeft[i])
      w.write(Int(categorySlot[i])); w.write(Int(left[i])); w.write(Int(right[i])); w.write(value[i]); w.write(gain[i])
    }
    w.write(UInt64(categoryWords.count))
    for word in categoryWords { w.write(word) }
  }

  init(from r: inout ByteReader) throws {
    let n = try r.readCount(elementSize: 58)
    for _ in 0..<n {
      feature.append(Int32(clamping: try r.readInt())); threshold.append(try r.readDouble())
      binThreshold.append(try r.readUInt8()); missingLeft.append(try r.readBool())
      categorySlot.append(Int32(clamping: try r.readInt()))
      left.append(Int32(clamping: try r.readInt())); right.append(Int32(clamping: try r.readInt()))
      value.append(try r.readDouble()); gain.append(try r.readDouble())
    }
    let words = try r.readCount(elementSize: 8)
    for _ in 0..<words { categoryWords.append(try r.readUInt64()) }
    try validateStructure()
  }

  /// A decoded tree must be walkable without traps: children point forward, slots exist.
  func validateStructure() throws(TreeModelError) {
    guard nodeCount > 0 else { throw TreeModelError("tree payload has no nodes") }
    for i in 0..<nodeCount where feature[i] >= 0 {
      let l = Int(left[i]), r = Int(right[i])
      guard l > i, r > i, l < nodeCount, r < nodeCount else {
        throw TreeModelError("tree payload: node \(i) has invalid children \(l), \(r)")
      }
      let s = Int(categorySlot[i])
      guard s < 0 || s * 4 + 3 < categoryWords.count else {
        throw TreeModelError("tree payload: node \(i) refers to a missing category set \(s)")
      }
    }
  }
}

/// Calls `body` with stable buffer pointers to each column (no copies).
func withColumnPointers<R>(_ columns: [[Double]], _ body: (UnsafeBufferPointer<UnsafeBufferPointer<Double>>) -> R) -> R {
  var pointers: [UnsafeBufferPointer<Double>] = []
  pointers.reserveCapacity(columns.count)
  func recurse(_ j: Int) -> R {
    if j == columns.count { return pointers.withUnsafeBufferPointer { body($0) } }
    return columns[j].withUnsafeBufferPointer { p in
      pointers.append(p)
      return recurse(j + 1)
    }
  }
  return recurse(0)
}
