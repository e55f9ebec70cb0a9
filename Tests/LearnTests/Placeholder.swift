import Testing
import Learn
import TestSupport
@Test func generatorIsDeterministic() {
  var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
  #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
  print(TestPaths.sharedDatasets.path)
}
