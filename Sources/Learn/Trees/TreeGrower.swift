import WorkbenchCore

/// The best split found for a node.
struct TreeSplit {
  var feature: Int = -1
  /// Numeric: bins `≤ bin` go left.
  var bin: UInt8 = 0
  var missingLeft = false
  /// Categorical: bitset of the categories that go left (4 words), nil for numeric splits.
  var categoryWords: [UInt64]? = nil
  var gain: Double = 0
  var leftG = 0.0, leftH = 0.0, leftC = 0.0
}

/// Hyper-parameters of one histogram tree, in gradient/hessian form.
///
/// Every tree here minimises a second-order loss: each row carries a gradient `g` and hessian `h`; a leaf
/// outputs `−G/(H+λ)` and a split gains `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)` (LightGBM's gain; XGBoost's is
/// half of it). With `g = −w·y`, `h = w`, `λ = 0` this is exactly a CART tree: leaf = weighted mean of `y`,
/// gain = weighted squared-error reduction, which for 0/1 targets is half the Gini impurity decrease.
struct GrowerSettings: Sendable {
  var maxDepth: Int = Int.max
  var maxLeaves: Int = Int.max
  var minSamplesLeaf: Int = 1
  var minChildWeight: Double = 0
  var lambda: Double = 0
  var minGain: Double = 0
  /// Features examined per split (0 = all features allowed for the tree), sampled without replacement.
  var featuresPerSplit: Int = 0
  var catSmooth: Double = 0
  var minDataPerCategory: Int = 1
  /// Stop splitting nodes whose 0/1 targets are all equal (forest classification, `g = −w·y`, `h = w`).
  var stopWhenPure: Bool = false
  var histogramThreads: Int = 1
  /// Spinning helper threads for the parallel loops of one boosting fit (nil: `concurrentPerform`).
  var pool: SpinPool? = nil
}

/// Where the training rows of one leaf ended up in the grower's row order.
struct LeafRange { var node: Int; var begin: Int; var end: Int }

/// Grows one tree on binned data with per-feature gradient histograms.
///
/// Nodes are expanded best-first (largest gain first) when `maxLeaves` is finite — LightGBM's leaf-wise
/// growth — and depth-first otherwise; without a leaf limit both give the same tree as level-wise growth
/// (boosting grows such trees as a tree of subtree tasks, see `grow`).
/// A child's histogram is built on the smaller child only and obtained for the larger one by subtracting
/// from the parent's (the "histogram subtraction trick"). Histograms are built row-wise (all examined features
/// per row); a node with more than 16,384 rows is cut into fixed 16,384-row blocks summed in parallel and added
/// in block order, so results never depend on the thread count.
final class TreeGrower {
  let bins: UnsafePointer<UInt8>
  /// Row-major copy of `bins`: row `r`'s bins at `rowBins[r * featureCount ..< (r + 1) * featureCount]`.
  let rowBins: UnsafePointer<UInt8>
  let n: Int
  let binner: FeatureBinner
  let settings: GrowerSettings
  /// Rows of the tree's sample, ascending; nodes own contiguous ranges (stable partitions keep each range
  /// ascending, so gradient reads below stay monotone and cache-friendly).
  let rows: UnsafeMutablePointer<Int32>
  /// Gradient and hessian of data row `r` at `gh[2r]`, `gh[2r+1]` (indexed by data row, not sample position);
  /// borrowed from the caller for the grower's lifetime.
  let gh: UnsafePointer<Double>
  let m: Int
  private let scratchRows: UnsafeMutablePointer<Int32>
  /// Histogram memory of the main growth (subtrees grown on other threads use their own pools).
  private let pool: HistogramPool

  private struct Pending {
    var node: Int
    var begin: Int
    var end: Int
    var depth: Int
    var G: Double, H: Double, C: Double
    var hist: [UnsafeMutablePointer<Double>?]
    var split: TreeSplit?
  }

  /// `sampleRows`: ascending distinct data rows of the tree's sample; `gradientsAndHessians`: `g, h` of each data
  /// row, interleaved (`2 × rowCount` values, borrowed, not copied); `rowBins`: the same bins row-major
  /// (``BinnedMatrix/rowMajor(threads:)``), read by the histogram builder.
  init(bins: UnsafePointer<UInt8>, rowBins: UnsafePointer<UInt8>, rowCount: Int, binner: FeatureBinner, settings: GrowerSettings,
       sampleRows: UnsafeBufferPointer<Int32>, gradientsAndHessians: UnsafePointer<Double>) {
    self.bins = bins
    self.rowBins = rowBins
    self.n = rowCount
    self.binner = binner
    self.settings = settings
    m = sampleRows.count
    let rows = UnsafeMutablePointer<Int32>.allocate(capacity: max(m, 1))
    if let base = sampleRows.baseAddress { rows.update(from: base, count: m) }
    self.rows = rows; self.gh = gradientsAndHessians
    scratchRows = .allocate(capacity: max(m, 1))
    pool = HistogramPool(sizes: binner.valueBinCounts.map { ($0 + 1) * 3 })
  }

  deinit {
    rows.deallocate(); scratchRows.deallocate()
  }

  private func histogramSize(_ f: Int) -> Int { (binner.valueBinCounts[f] + 1) * 3 }

  /// Sums (g, h, count) per bin over rows `begin..<end` for several features at once into `dsts`
  /// (row-wise: each row's updates go to different histograms, so they do not wait on each other).
  private func buildRows(_ features: UnsafeBufferPointer<Int>, _ dsts: UnsafeBufferPointer<UnsafeMutablePointer<Double>>,
                         _ begin: Int, _ end: Int) {
    let k = features.count
    let stride = binner.featureCount
    for j in 0..<k { dsts[j].update(repeating: 0, count: histogramSize(features[j])) }
    var i = begin
    while i < end {
      let r = Int(rows[i])
      let gr = gh[2 &* r], hr = gh[2 &* r + 1]
      let rowBase = rowBins + r &* stride
      for j in 0..<k {
        let b = Int(rowBase[features[j]]) &* 3
        let d = dsts[j]
        d[b] += gr; d[b + 1] += hr; d[b + 2] += 1
      }
      i += 1
    }
  }

  /// Row blocks of this size are summed separately and added in block order: the block layout depends only on
  /// the node's row count, so the sums are the same whatever the number of threads.
  private static let histogramBlock = 16_384

  private func buildAll(_ features: [Int], _ begin: Int, _ end: Int, into hist: inout [UnsafeMutablePointer<Double>?],
                        pool: HistogramPool, threads: Int) {
    var targets: [Int] = [], dsts: [UnsafeMutablePointer<Double>] = []
    for f in features where hist[f] == nil {
      let p = pool.acquire(f)
      hist[f] = p
      targets.append(f); dsts.append(p)
    }
    guard !targets.isEmpty, end > begin else {
      for (f, p) in zip(targets, dsts) { p.update(repeating: 0, count: histogramSize(f)) }
      return
    }
    let blockSize = Self.histogramBlock
    let blocks = (end - begin + blockSize - 1) / blockSize
    targets.withUnsafeBufferPointer { fs in
      if blocks == 1 {
        dsts.withUnsafeBufferPointer { ds in buildRows(fs, ds, begin, end) }
        return
      }
      let sizes = targets.map { histogramSize($0) }
      let total = sizes.reduce(0, +)
      let scratch = UnsafeMutablePointer<Double>.allocate(capacity: blocks * total)
      defer { scratch.deallocate() }
      let box = UncheckedBox((fs, scratch))
      TreeParallel.forEach(blocks, threads: threads, pool: settings.pool) { blk in
        let (fs, scratch) = box.value
        var blockDsts: [UnsafeMutablePointer<Double>] = []
        var offset = blk * total
        for size in sizes { blockDsts.append(scratch + offset); offset += size }
        let lo = begin + blk * blockSize, hi = min(end, lo + blockSize)
        blockDsts.withUnsafeBufferPointer { ds in self.buildRows(fs, ds, lo, hi) }
      }
      var offset = 0
      for (j, size) in sizes.enumerated() {
        let d = dsts[j]
        d.update(from: scratch + offset, count: size)
        for blk in 1..<blocks {
          let src = scratch + blk * total + offset
          for q in 0..<size { d[q] += src[q] }
        }
        offset += size
      }
    }
  }

  private func leafValue(_ G: Double, _ H: Double) -> Double {
    let d = H + settings.lambda
    return d > 0 ? -G / d : 0
  }

  private func sampleFeatures(_ allowed: [Int], _ generator: inout SeededGenerator) -> [Int] {
    let k = settings.featuresPerSplit
    guard k > 0, k < allowed.count else { return allowed }
    var pool = allowed
    for i in 0..<k { pool.swapAt(i, i + generator.nextInt(below: pool.count - i)) }
    return pool[0..<k].sorted()
  }

  private func isSplittable(depth: Int, C: Double, G: Double, H: Double) -> Bool {
    guard depth < settings.maxDepth, C >= Double(2 * max(settings.minSamplesLeaf, 1)),
          H >= 2 * settings.minChildWeight else { return false }
    if settings.stopWhenPure && (G == 0 || G == -H) { return false }
    return true
  }

  /// Best split of a node over `features` (ties: lowest feature, then lowest bin, win).
  private func findSplit(_ features: [Int], hist: [UnsafeMutablePointer<Double>?], G: Double, H: Double, C: Double) -> TreeSplit? {
    let lambda = settings.lambda
    let minLeaf = Double(max(settings.minSamplesLeaf, 1))
    let minHess = settings.minChildWeight
    let parentScore = G * G / (H + lambda)
    var best = TreeSplit()
    // Splits of a constant node can show a rounding-level "gain"; require a little more than that.
    best.gain = settings.minGain + 1e-12 * (abs(parentScore) + 1)
    var found = false
    @inline(__always) func consider(_ lg: Double, _ lh: Double, _ lc: Double) -> Double? {
      let rc = C - lc, rh = H - lh
      guard lc >= minLeaf, rc >= minLeaf, lh >= minHess, rh >= minHess else { return nil }
      let rg = G - lg
      return lg * lg / (lh + lambda) + rg * rg / (rh + lambda) - parentScore
    }
    for f in features {
      guard let hp = hist[f] else { continue }
      let vb = binner.valueBinCounts[f]
      let mg = hp[vb * 3], mh = hp[vb * 3 + 1], mc = hp[vb * 3 + 2]
      if binner.isCategorical[f] {
        var cats: [(ratio: Double, c: Int)] = []
        for c in 0..<vb where hp[c * 3 + 2] >= Double(max(settings.minDataPerCategory, 1)) {
          cats.append((hp[c * 3] / (hp[c * 3 + 1] + settings.catSmooth), c))
        }
        guard cats.count >= 2 else { continue }
        cats.sort { $0.ratio != $1.ratio ? $0.ratio < $1.ratio : $0.c < $1.c }
        var lg = 0.0, lh = 0.0, lc = 0.0
        for k in 0..<(cats.count - 1) {
          let c = cats[k].c
          lg += hp[c * 3]; lh += hp[c * 3 + 1]; lc += hp[c * 3 + 2]
          if let gain = consider(lg, lh, lc), gain > best.gain {
            var words = [UInt64](repeating: 0, count: 4)
            for j in 0...k { let cj = cats[j].c; words[cj >> 6] |= 1 << UInt64(cj & 63) }
            best = TreeSplit(feature: f, bin: 0, missingLeft: false, categoryWords: words, gain: gain,
                             leftG: lg, leftH: lh, leftC: lc)
            found = true
          }
        }
      } else {
        var lg = 0.0, lh = 0.0, lc = 0.0
        for t in 0..<vb {
          let cb = hp[t * 3 + 2]
          lg += hp[t * 3]; lh += hp[t * 3 + 1]; lc += cb
          if t == vb - 1 {
            // Everything non-missing left, missing right: only meaningful when there are missing values.
            if mc > 0, let gain = consider(lg, lh, lc), gain > best.gain {
              best = TreeSplit(feature: f, bin: UInt8(t), missingLeft: false, categoryWords: nil, gain: gain,
                               leftG: lg, leftH: lh, leftC: lc)
              found = true
            }
            break
          }
          if cb == 0 { continue }
          if let gain = consider(lg, lh, lc), gain > best.gain {
            best = TreeSplit(feature: f, bin: UInt8(t), missingLeft: false, categoryWords: nil, gain: gain,
                             leftG: lg, leftH: lh, leftC: lc)
            found = true
          }
          if mc > 0, let gain = consider(lg + mg, lh + mh, lc + mc), gain > best.gain {
            best = TreeSplit(feature: f, bin: UInt8(t), missingLeft: true, categoryWords: nil, gain: gain,
                             leftG: lg + mg, leftH: lh + mh, leftC: lc + mc)
            found = true
          }
        }
        // No missing value in this node: unseen missing values follow the larger child.
        if found, best.feature == f, mc == 0 { best.missingLeft = best.leftC >= C - best.leftC }
      }
    }
    return found ? best : nil
  }

  /// Stable in-place partition of rows `begin..<end` by `split`; returns the first right index.
  /// Branch-free: a 256-entry table says which bins go left, and every row is written to both outputs.
  private func partition(_ begin: Int, _ end: Int, _ split: TreeSplit) -> Int {
    let f = split.feature
    let col = bins + f * n
    let missing = binner.valueBinCounts[f]
    var table = [Int](repeating: 0, count: 256)
    for b in 0..<256 {
      let goLeft: Bool
      if b == missing { goLeft = split.missingLeft }
      else if let words = split.categoryWords { goLeft = words[b >> 6] & (1 << UInt64(b & 63)) != 0 }
      else { goLeft = b <= Int(split.bin) }
      table[b] = goLeft ? 1 : 0
    }
    // Scratch positions mirror the range, so subtrees on other threads (disjoint ranges) never share them.
    let scratch = scratchRows + begin
    var l = begin, r = 0
    table.withUnsafeBufferPointer { t in
      for i in begin..<end {
        let row = rows[i]
        let left = t[Int(col[Int(row)])]
        rows[l] = row
        scratch[r] = row
        l += left; r += 1 - left
      }
    }
    (rows + l).update(from: scratch, count: r)
    return l
  }

  /// Grows the tree over features `allowed` (sorted); `generator` drives per-split feature sampling.
  ///
  /// Depth-limited trees without per-split feature sampling (boosting) are grown as a tree of tasks
  /// (`growInTasks`): subtrees own disjoint row ranges, their own histogram memory and node numbering, run side by
  /// side when `histogramThreads > 1`, and are grafted in a fixed order, so the tree (node numbers included) is the
  /// same for any thread count. Other trees (forest, leaf-wise boosting) grow in one depth-/best-first pass.
  func grow(allowed: [Int], generator: inout SeededGenerator) -> (tree: DecisionTree, leaves: [LeafRange]) {
    var tree = DecisionTree()
    var G = 0.0, H = 0.0
    for i in 0..<m { let r = Int(rows[i]); G += gh[2 * r]; H += gh[2 * r + 1] }
    let C = Double(m)
    let root = tree.addLeaf(value: leafValue(G, H))
    let featureCount = binner.featureCount
    let threads = settings.histogramThreads

    var rootPending = Pending(node: root, begin: 0, end: m, depth: 0, G: G, H: H, C: C,
                              hist: Array(repeating: nil, count: featureCount), split: nil)
    if isSplittable(depth: 0, C: C, G: G, H: H) {
      let features = sampleFeatures(allowed, &generator)
      buildAll(features, 0, m, into: &rootPending.hist, pool: pool, threads: threads)
      rootPending.split = findSplit(features, hist: rootPending.hist, G: G, H: H, C: C)
    }
    if rootPending.split == nil {
      pool.release(rootPending.hist)
      return (tree, [LeafRange(node: root, begin: 0, end: m)])
    }
    let independentSubtrees = settings.maxLeaves == Int.max && settings.featuresPerSplit == 0
    guard independentSubtrees else {
      let (leaves, _) = expand([rootPending], tree: &tree, pool: pool, allowed: allowed, generator: &generator,
                               threads: threads)
      return (tree, leaves)
    }
    return growInTasks(rootPending, rootValue: tree.value[root], allowed: allowed)
  }

  /// Subtrees with at least this many rows are split once and their two children grown as separate tasks.
  private static let taskRows = 32_768

  /// One piece of a tree grown as a task: its own node numbering (node 0 = `start`), attached below node
  /// `attach` of task `parent`'s piece.
  private struct GrowthTask {
    var start: Pending
    var value: Double
    var parent: Int
    var attach: Int
  }

  /// Grows the tree as a tree of tasks, level by level: a task whose subtree has at least `taskRows` rows only
  /// splits its root and hands the two children on as new tasks; a smaller one grows its whole subtree. The tasks of
  /// a level run side by side (largest first, each to the least loaded thread), and the pieces are grafted in task
  /// order at the end. Which tasks exist depends only on row counts, so the tree never depends on `threads`.
  private func growInTasks(_ root: Pending, rootValue: Double, allowed: [Int]) -> (tree: DecisionTree, leaves: [LeafRange]) {
    let threads = settings.histogramThreads
    var tasks = [GrowthTask(start: root, value: rootValue, parent: -1, attach: 0)]
    var pieces: [(fragment: DecisionTree, leaves: [LeafRange])?] = [nil]
    var pools: [HistogramPool] = [pool]  // every buffer's allocating pool lives until the tree is grown
    var level = [0]
    while !level.isEmpty {
      let levelPools = level.map { _ in HistogramPool(sizes: pool.sizes) }
      pools += levelPools
      let taskThreads = level.count == 1 ? threads : 1
      let sizes = level.map { tasks[$0].start.end - tasks[$0].start.begin }
      let results = TreeParallel.balancedMap(sizes, threads: threads, pool: settings.pool) {
        k -> (DecisionTree, [LeafRange], [Pending]) in
        let task = tasks[level[k]]
        var fragment = DecisionTree()
        var start = task.start
        start.node = fragment.addLeaf(value: task.value)
        var unusedGenerator = SeededGenerator(seed: 0)  // no per-split sampling on this path
        let large = start.end - start.begin >= Self.taskRows
        let (leaves, kids) = self.expand([start], tree: &fragment, pool: levelPools[k], allowed: allowed,
                                         generator: &unusedGenerator, threads: taskThreads, limit: large ? 1 : Int.max)
        return (fragment, leaves, kids)
      }
      var next: [Int] = []
      for (k, (fragment, leaves, kids)) in results.enumerated() {
        pieces[level[k]] = (fragment, leaves)
        for kid in kids.sorted(by: { $0.node < $1.node }) {
          tasks.append(GrowthTask(start: kid, value: fragment.value[kid.node], parent: level[k], attach: kid.node))
          pieces.append(nil)
          next.append(tasks.count - 1)
        }
      }
      level = next
    }
    // Graft the pieces in task order (parents before children).
    var tree = pieces[0]!.fragment
    var maps: [(Int) -> Int] = [{ $0 }]
    var leafRanges = pieces[0]!.leaves
    for t in 1..<tasks.count {
      let map = tree.graft(pieces[t]!.fragment, at: maps[tasks[t].parent](tasks[t].attach))
      maps.append(map)
      leafRanges += pieces[t]!.leaves.map { LeafRange(node: map($0.node), begin: $0.begin, end: $0.end) }
    }
    withExtendedLifetime(pools) {}
    return (tree, leafRanges)
  }

  /// Expands `start` nodes (each with its split found) depth-first — best-first when `maxLeaves` is set — until
  /// no node can be split, or after `limit` expansions. Returns the finished leaves and the nodes still pending.
  private func expand(_ start: [Pending], tree: inout DecisionTree, pool: HistogramPool, allowed: [Int],
                      generator: inout SeededGenerator, threads: Int, limit: Int = Int.max) -> ([LeafRange], [Pending]) {
    var leafRanges: [LeafRange] = []
    var pending = start
    var leaves = tree.leafCount
    var expansions = 0
    let featureCount = binner.featureCount
    let bestFirst = settings.maxLeaves < Int.max

    while !pending.isEmpty && expansions < limit {
      if leaves >= settings.maxLeaves {
        for p in pending { leafRanges.append(LeafRange(node: p.node, begin: p.begin, end: p.end)); pool.release(p.hist) }
        return (leafRanges, [])
      }
      var pick = pending.count - 1
      if bestFirst {
        for k in 0..<pending.count {
          let a = pending[k], b = pending[pick]
          if a.split!.gain > b.split!.gain || (a.split!.gain == b.split!.gain && a.node < b.node) { pick = k }
        }
      }
      let parent = pending.remove(at: pick)
      expansions += 1
      let split = parent.split!
      let mid = partition(parent.begin, parent.end, split)
      let lG = split.leftG, lH = split.leftH, lC = Double(mid - parent.begin)
      let rG = parent.G - lG, rH = parent.H - lH, rC = Double(parent.end - mid)
      let leftNode = tree.addLeaf(value: leafValue(lG, lH))
      let rightNode = tree.addLeaf(value: leafValue(rG, rH))
      let f = split.feature
      let rawThreshold: Double
      if split.categoryWords != nil {
        rawThreshold = 0
      } else if Int(split.bin) < binner.upperEdges[f].count {
        rawThreshold = binner.upperEdges[f][Int(split.bin)]
      } else {
        rawThreshold = .infinity
      }
      tree.setSplit(node: parent.node, feature: f, split: split, threshold: rawThreshold, left: leftNode, right: rightNode)
      leaves += 1

      let depth = parent.depth + 1
      var kids = [
        Pending(node: leftNode, begin: parent.begin, end: mid, depth: depth, G: lG, H: lH, C: lC,
                hist: Array(repeating: nil, count: featureCount), split: nil),
        Pending(node: rightNode, begin: mid, end: parent.end, depth: depth, G: rG, H: rH, C: rC,
                hist: Array(repeating: nil, count: featureCount), split: nil),
      ]
      let splittable = kids.map { isSplittable(depth: $0.depth, C: $0.C, G: $0.G, H: $0.H) }
      let features = splittable.map { $0 ? sampleFeatures(allowed, &generator) : [] }
      let small = lC <= rC ? 0 : 1, large = 1 - small
      var smallNeeds = features[small]
      if splittable[large] {
        for f in features[large] where parent.hist[f] != nil && !smallNeeds.contains(f) { smallNeeds.append(f) }
      }
      buildAll(smallNeeds, kids[small].begin, kids[small].end, into: &kids[small].hist, pool: pool, threads: threads)
      var parentHist = parent.hist
      if splittable[large] {
        var direct: [Int] = []
        for f in features[large] {
          if let p = parentHist[f], let s = kids[small].hist[f] {
            for k in 0..<histogramSize(f) { p[k] -= s[k] }
            kids[large].hist[f] = p
            parentHist[f] = nil
          } else {
            direct.append(f)
          }
        }
        buildAll(direct, kids[large].begin, kids[large].end, into: &kids[large].hist, pool: pool, threads: threads)
      }
      pool.release(parentHist)
      for k in [1, 0] {
        if splittable[k] {
          kids[k].split = findSplit(features[k], hist: kids[k].hist, G: kids[k].G, H: kids[k].H, C: kids[k].C)
        }
        if kids[k].split == nil {
          leafRanges.append(LeafRange(node: kids[k].node, begin: kids[k].begin, end: kids[k].end))
          pool.release(kids[k].hist)
        } else if splittable[k] {
          pending.append(kids[k])
        }
      }
    }
    return (leafRanges, pending)
  }
}

/// Histogram memory of one growing (sub)tree: free lists per feature, and the buffers it allocated (freed with
/// it). A buffer may be released into another pool (a subtree's) than the one that allocated it; only the
/// allocating pool frees it, and every pool of a tree lives until the tree is grown.
final class HistogramPool: @unchecked Sendable {
  let sizes: [Int]
  private var free: [[UnsafeMutablePointer<Double>]]
  private var allocated: [UnsafeMutablePointer<Double>] = []

  init(sizes: [Int]) {
    self.sizes = sizes
    free = Array(repeating: [], count: sizes.count)
  }

  deinit { for p in allocated { p.deallocate() } }

  func acquire(_ f: Int) -> UnsafeMutablePointer<Double> {
    if let p = free[f].popLast() { return p }
    let p = UnsafeMutablePointer<Double>.allocate(capacity: sizes[f])
    allocated.append(p)
    return p
  }

  func release(_ hist: [UnsafeMutablePointer<Double>?]) {
    for (f, p) in hist.enumerated() { if let p { free[f].append(p) } }
  }
}
