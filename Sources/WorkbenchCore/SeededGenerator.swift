#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Workbench's own seeded generator: xoshiro256** seeded through SplitMix64.
///
/// Every random choice in the project (splits, bootstraps, feature sampling, simulated data) draws from this
/// generator, never from `SystemRandomNumberGenerator`, so the same seed gives the same bytes on any machine.
/// For parallel work, derive one independent stream per task with ``stream(_:)`` (never share a generator
/// across threads): results then do not depend on the number of threads or on scheduling.
/// Members are `@inlinable`: the tree learners and simulators draw from it in their inner loops.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
  /// The seed this generator (or its parent) was created from.
  public let seed: UInt64

  @inlinable public init(seed: UInt64) {
    self.seed = seed
    var sm = SplitMix64(state: seed)
    s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
  }

  @inlinable static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

  @inlinable public mutating func next() -> UInt64 {
    let result = Self.rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = Self.rotl(s3, 45)
    return result
  }

  /// An independent generator for sub-task `index` (tree number, fold, trial…), derived from this
  /// generator's seed only, so it is the same whatever order tasks run in.
  @inlinable public func stream(_ index: Int) -> SeededGenerator {
    var sm = SplitMix64(state: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
    return SeededGenerator(seed: sm.next())
  }

  /// Uniform double in [0, 1) with 53 random bits.
  @inlinable public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// Uniform integer in 0..<upperBound (Lemire's unbiased method), upperBound > 0.
  @inlinable public mutating func nextInt(below upperBound: Int) -> Int {
    precondition(upperBound > 0)
    let bound = UInt64(upperBound)
    var m = next().multipliedFullWidth(by: bound)
    if m.low < bound {
      let threshold = (0 &- bound) % bound
      while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
    }
    return Int(m.high)
  }

  /// Standard normal deviate (Box–Muller, deterministic: no cached second value).
  @inlinable public mutating func nextGaussian() -> Double {
    var u1 = nextDouble()
    while u1 <= .leastNormalMagnitude { u1 = nextDouble() }
    let u2 = nextDouble()
    return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
  }

  /// Fisher–Yates shuffle in place.
  @inlinable public mutating func shuffle<T>(_ array: inout [T]) {
    guard array.count > 1 else { return }
    for i in stride(from: array.count - 1, to: 0, by: -1) {
      let j = nextInt(below: i + 1)
      if i != j { array.swapAt(i, j) }
    }
  }
}

/// SplitMix64 (Steele et al. 2014): expands a 64-bit seed into xoshiro state, derives sub-streams, and drives
/// ``SeededSample``.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64
  @inlinable public init(state: UInt64) { self.state = state }

  @inlinable public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in `0..<bound` without modulo bias (Lemire's method); 0 when `bound` is 0.
  @inlinable public mutating func next(below bound: UInt64) -> UInt64 {
    guard bound > 0 else { return 0 }
    var m = next().multipliedFullWidth(by: bound)
    if m.low < bound {
      let threshold = (0 &- bound) % bound
      while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
    }
    return m.high
  }
}

/// The one seeded row sample: the transform `sample` step and the plot `sample:` option both call it, so the same
/// seed and count pick the same rows in both.
public enum SeededSample {
  /// `count` distinct indices of `0..<population` in ascending order (all of them when `count ≥ population`):
  /// a partial Fisher–Yates shuffle driven by SplitMix64 seeded with `seed`.
  public static func indices(count: Int, of population: Int, seed: UInt64) -> [Int] {
    let k = max(0, min(count, population))
    var generator = SplitMix64(state: seed)
    var indices = Array(0..<population)
    for i in 0..<k {
      let j = i + Int(generator.next(below: UInt64(population - i)))
      indices.swapAt(i, j)
    }
    return indices.prefix(k).sorted()
  }
}
