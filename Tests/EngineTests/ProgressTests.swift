import Engine
import Testing

/// The terminal status line: nothing for cells shorter than a second, then the running cell's progress, redrawn at
/// a bounded rate. Times are given, not measured.
@Suite("progress display")
struct ProgressTests {
  @Test func shortCellsShowNothing() {
    var d = ProgressDisplay()
    d.started("bronze", kind: "load", at: 0)
    #expect(d.progress("bronze", fraction: 0.5, detail: "file 1/2", at: 0.4) == nil)
    #expect(d.tick(at: 0.9) == nil)
    d.finished("bronze")
    #expect(d.tick(at: 5) == nil)
  }

  @Test func aLongCellShowsWhatItIsDoing() {
    var d = ProgressDisplay()
    d.started("sweep", kind: "sweep", at: 0)
    _ = d.progress("sweep", fraction: 0.25, detail: "trial 3/12 fold 2/5: logistic_regression", at: 0.5)
    let line = d.tick(at: 1.2)
    #expect(line == "sweep (sweep) [#####...............] 25% 1s trial 3/12 fold 2/5: logistic_regression")
    // Redraws are rate-limited; the next one after the interval carries the new state.
    #expect(d.progress("sweep", fraction: 0.5, detail: "trial 6/12 fold 1/5: random_forest", at: 1.25) == nil)
    #expect(d.tick(at: 1.4)?.contains("50% 1s trial 6/12") == true)
  }

  @Test func aCellWithoutReportsShowsItsElapsedTime() {
    var d = ProgressDisplay()
    d.started("profile", kind: "describe", at: 10)
    #expect(d.tick(at: 13.5) == "profile (describe) 3s")
  }

  @Test func concurrentCellsShowTheLatestAndACount() {
    var d = ProgressDisplay()
    d.started("a", kind: "load", at: 0)
    d.started("b", kind: "load", at: 0)
    _ = d.progress("a", fraction: 0.1, detail: "games 1/10", at: 1.0)
    let line = d.progress("b", fraction: 0.2, detail: "games 2/10", at: 1.5)
    #expect(line?.hasPrefix("b (load)") == true && line?.hasSuffix("(+1 running)") == true, "\(line ?? "nil")")
    d.cleared()
    d.finished("b")
    #expect(d.tick(at: 1.55)?.hasPrefix("a (load)") == true)
  }

  @Test func longLinesAreCut() {
    var d = ProgressDisplay()
    d.width = 30
    d.started("c", kind: "k", at: 0)
    let line = d.progress("c", fraction: 0.5, detail: String(repeating: "x", count: 100), at: 2)
    #expect(line?.count == 30 && line?.hasSuffix("…") == true)
  }
}

extension ProgressTests {
  @Test func anUnchangedLineIsNotRedrawn() {
    var d = ProgressDisplay()
    d.started("p", kind: "describe", at: 0)
    #expect(d.tick(at: 1.1) == "p (describe) 1s")
    #expect(d.tick(at: 1.5) == nil)
    #expect(d.tick(at: 2.0) == "p (describe) 2s")
    d.cleared()  // something else was printed over it
    #expect(d.tick(at: 2.05) == "p (describe) 2s")
  }
}

extension ProgressTests {
  @Test func aNonFiniteFractionUpdatesTheDetailOnly() {
    var d = ProgressDisplay()
    d.started("sweep", kind: "sweep", at: 0)
    _ = d.progress("sweep", fraction: 0.4, detail: "trial 4/10", at: 1.0)
    let line = d.progress("sweep", fraction: .nan, detail: "trial 5/10 fold 2/5", at: 1.5)
    #expect(line == "sweep (sweep) [########............] 40% 1s trial 5/10 fold 2/5")
  }
}
