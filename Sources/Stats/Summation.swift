/// Compensated (Neumaier) summation helpers used by every moment computation.
///
/// Neumaier's variant of Kahan summation keeps the rounding error of each addition in a second
/// accumulator, so a sum of a million doubles is exact to about one unit in the last place —
/// at least as accurate as numpy's pairwise sum, which is what pandas uses.
@usableFromInline
struct CompensatedSum {
  @usableFromInline var sum = 0.0
  @usableFromInline var compensation = 0.0

  @inlinable init() {}

  @inlinable mutating func add(_ x: Double) {
    let t = sum + x
    if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
    sum = t
  }

  @inlinable var value: Double { sum + compensation }
}
