/// A binary min-heap of integers (positions in a run order: the ready cells of a topological sort or a schedule).
public struct MinHeap: Sendable {
  public init() {}
  private var items: [Int] = []

  public mutating func push(_ x: Int) {
    items.append(x)
    var i = items.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      guard items[parent] > items[i] else { break }
      items.swapAt(parent, i)
      i = parent
    }
  }

  public mutating func pop() -> Int? {
    guard let first = items.first else { return nil }
    let last = items.removeLast()
    guard !items.isEmpty else { return first }
    items[0] = last
    var i = 0
    while true {
      let l = 2 * i + 1, r = l + 1
      var smallest = i
      if l < items.count && items[l] < items[smallest] { smallest = l }
      if r < items.count && items[r] < items[smallest] { smallest = r }
      if smallest == i { break }
      items.swapAt(i, smallest)
      i = smallest
    }
    return first
  }
}
