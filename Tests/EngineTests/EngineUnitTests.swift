import Cells
import Engine
import Foundation
import Frame
import Testing
import TestSupport
import WorkbookModel

@Suite struct KeyComponentTests {
  func components(seed: Int = 42, file: String = "aa", upstream: String = "u1", top: JSONValue = 5) -> KeyComponents {
    KeyComponents(scheme: 1, kind: "describe", kindVersion: 1, spec: ["options": ["input": "bronze", "top": top]],
                  params: ["seed": .int(seed)], upstream: ["bronze": upstream], files: ["data.csv": file],
                  tools: [:])
  }

  @Test func keyIsStableAndSensitive() {
    #expect(components().key == components().key)
    #expect(components().key != components(seed: 7).key)
    #expect(components().key != components(file: "bb").key)
    #expect(components().key != components(upstream: "u2").key)
  }

  @Test func differencesExplainWhy() {
    let old = components(), new = components(seed: 7, file: "bb", upstream: "u2", top: 6)
    let d = new.differences(from: old)
    #expect(d.contains("param seed 42→7"))
    #expect(d.contains("input data.csv changed"))
    #expect(d.contains("upstream cell bronze output changed"))
    #expect(d.contains("option `top` changed"))
  }
}

@Suite struct CacheStoreTests {
  @Test func blobsAreContentAddressedAndVerified() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let state = try StateDatabase(path: dir.appendingPathComponent("s.sqlite").path)
    let store = try CacheStore(root: dir.appendingPathComponent("cache"), state: state)
    let digest = try store.putBlob(Array("hello".utf8))
    #expect(digest == Digest.sha256("hello"))
    // Lowercase hex of the standard SHA-256 (as `sha256sum` prints it).
    #expect(digest == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    #expect(try store.blob(digest) == Array("hello".utf8))
    #expect(store.verifyBlob(digest, size: 5) == nil)
    // Corrupt it (same size): detected both by the cheap check and by a read.
    let path = dir.appendingPathComponent("cache/blobs/\(digest.prefix(2))/\(digest)").path
    try Data("jello".utf8).write(to: URL(fileURLWithPath: path))
    #expect(store.verifyBlob(digest, size: 5) != nil)
    #expect(throws: CacheCorruption.self) { try store.blob(digest) }
    // A missing blob is a problem too, never a crash.
    try FileManager.default.removeItem(atPath: path)
    #expect(store.verifyBlob(digest, size: 5)?.problem == "is missing")
  }

  /// Tables are stored streamed (hashed and written piece by piece): the blob is named by the SHA-256 of the
  /// frame's encoding, reads back verified, is stored once however often it is put, and leaves no temporary file.
  @Test func streamedTableBlobsAreTheEncodedBytes() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let state = try StateDatabase(path: dir.appendingPathComponent("s.sqlite").path)
    let store = try CacheStore(root: dir.appendingPathComponent("cache"), state: state)
    let frame = try Frame(columns: [
      Column(name: "id", ints: (0..<200_000).map { Int64($0) }),
      Column(name: "zone", strings: (0..<200_000).map { ["paint", "mid", nil][$0 % 3] }),
    ])
    let encoded = FrameCodec.encode(frame)
    let (digest, size) = try store.putBlob { sink in FrameCodec.encode(frame, to: sink) }
    #expect(digest == Digest.sha256(encoded) && size == encoded.count)
    #expect(Digest.sha256(of: frame) == digest)
    #expect(try store.blob(digest) == encoded)
    let again = try store.putBlob { sink in FrameCodec.encode(frame, to: sink) }
    #expect(again.digest == digest)
    let files = FileManager.default.enumerator(atPath: dir.appendingPathComponent("cache/blobs").path)?
      .compactMap { $0 as? String }.filter { !$0.hasSuffix("/") } ?? []
    #expect(files.filter { $0.contains("incoming") }.isEmpty)
    #expect(files.filter { $0.hasSuffix(digest) }.count == 1)
  }

  @Test func statCacheAvoidsRehashing() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let state = try StateDatabase(path: dir.appendingPathComponent("s.sqlite").path)
    let file = dir.appendingPathComponent("x.csv")
    try Data("a,b\n1,2\n".utf8).write(to: file)
    let d1 = try state.digest(ofFile: file.path)
    #expect(d1 == Digest.sha256("a,b\n1,2\n"))
    let s = FileSystem.statSignature(file.path)!
    #expect(state.cachedDigest(path: file.path, signature: s) == d1)
    try Data("a,b\n1,3\n".utf8).write(to: file)
    #expect(try state.digest(ofFile: file.path) == Digest.sha256("a,b\n1,3\n"))
  }
}

@Suite struct InProcessEngineTests {
  /// Independent cells run in parallel with --jobs 2 and give the same outputs as --jobs 1.
  @Test func jobsDoNotChangeOutputs() async throws {
    var digests: [[String: String]] = []
    for jobs in [1, 2] {
      let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
      var csv = "a,b,c\n"
      for i in 0..<500 { csv += "\(i),\(Double(i) / 7),\(["x", "y", "z"][i % 3])\n" }
      try Data(csv.utf8).write(to: dir.appendingPathComponent("t.csv"))
      try Data("""
        workbook: par
        cells:
          - {id: t, kind: load, source: t.csv}
          - {id: p1, kind: describe, input: t, columns: [a]}
          - {id: p2, kind: describe, input: t, columns: [b]}
          - {id: p3, kind: describe, input: t, columns: [c]}
          - {id: n, kind: note, text: "{{ p1.rows }} {{ p2.rows }} {{ p3.rows }}"}
        """.utf8).write(to: dir.appendingPathComponent("par.yaml"))
      let engine = try Engine(layout: ProjectLayout(root: dir), registry: CellRegistry.standard)
      let wb = try engine.load(workbookAt: dir.appendingPathComponent("par.yaml").path)
      var options = RunOptions()
      options.jobs = jobs
      let summary = try await engine.run(wb, options: options)
      #expect(summary.exitCode == 0)
      #expect(summary.records.allSatisfy { $0.status == .executed })
      digests.append(Dictionary(uniqueKeysWithValues: summary.records.map { ($0.id, $0.outputDigest ?? "") }))
    }
    #expect(digests[0] == digests[1])
  }
}
