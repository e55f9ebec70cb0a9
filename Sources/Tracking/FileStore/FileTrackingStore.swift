import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// MLflow's local file store (`mlruns/`), written exactly as MLflow 3.17 and 2.22 read it.
///
/// Layout: `<root>/<experiment id>/<run id>/{meta.yaml,params/,metrics/,tags/,artifacts/,inputs/}` and the
/// registry under `<root>/models/<name>/`. Experiment ids are integers (`max + 1`), run ids 32 lowercase hex
/// digits. Every `meta.yaml`, param, tag and alias file is written atomically (staging + rename), with no
/// trailing newline in value files; metric points are appended one `write(2)` per key.
/// Open it in MLflow with `MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri <root>`.
public final class FileTrackingStore: TrackingStore {
  /// Absolute, symlink-resolved root folder (all `file://` URIs derive from it).
  public let root: URL
  private let writer: AtomicFileWriter
  private let clock: @Sendable () -> Int64
  /// Staging entries of dead processes removed when the store was opened (see `AtomicFileWriter`).
  public let removedStagingLeftovers: [String]

  /// Opens (creating when needed) the store at `root`: `.trash/`, `models/` and the Default experiment `0`.
  public init(root: URL, clock: @escaping @Sendable () -> Int64 = systemMillisecondClock) throws {
    let absolute = URL(fileURLWithPath: root.path, isDirectory: true).standardizedFileURL
    do {
      try FileManager.default.createDirectory(at: absolute, withIntermediateDirectories: true)
    } catch {
      throw TrackingError.io(path: absolute.path, reason: "cannot create the store folder: \(error.localizedDescription)")
    }
    self.root = absolute.resolvingSymlinksInPath()
    self.writer = AtomicFileWriter(root: self.root)
    self.clock = clock
    removedStagingLeftovers = writer.removeLeftoversOfDeadProcesses()
    try writer.ensureDirectory(self.root.appendingPathComponent(".trash"))
    try writer.ensureDirectory(self.root.appendingPathComponent("models"))
    let defaultMeta = self.root.appendingPathComponent("0/meta.yaml")
    if !FileManager.default.fileExists(atPath: defaultMeta.path) {
      try? writeExperiment(id: "0", name: "Default")
    }
  }

  // MARK: - Paths and small helpers

  private func fileURI(_ url: URL) -> String { URL(fileURLWithPath: url.path).absoluteString }

  private static let reservedExperimentEntries: Set<String> = ["tags", "datasets", "traces", "models"]

  private func subdirectories(_ url: URL) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return [] }
    return names.filter { name in
      var isDir: ObjCBool = false
      return FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isDir)
        && isDir.boolValue
    }.sorted()
  }

  private func readText(_ url: URL) throws -> String {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw TrackingError.io(path: url.path, reason: "cannot read")
    }
    return String(decoding: data, as: UTF8.self)
  }

  private func readMeta(_ url: URL) throws -> [String: YAMLValue] {
    try MetaYAML.parse(try readText(url), path: url.path)
  }

  /// Files under `folder`, recursively, as (key relative to folder, URL), sorted by key.
  private func walkFiles(_ folder: URL) -> [(String, URL)] {
    guard let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isDirectoryKey]) else {
      return []
    }
    let base = folder.standardizedFileURL.resolvingSymlinksInPath().path
    var out: [(String, URL)] = []
    for case let url as URL in e {
      let resolved = url.standardizedFileURL.resolvingSymlinksInPath()
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: resolved.path, isDirectory: &isDir), !isDir.boolValue else { continue }
      guard resolved.path.hasPrefix(base + "/") else { continue }
      out.append((String(resolved.path.dropFirst(base.count + 1)), resolved))
    }
    return out.sorted { $0.0 < $1.0 }
  }

  private func readKeyValueFolder(_ folder: URL) throws -> [String: String] {
    var out: [String: String] = [:]
    for (key, url) in walkFiles(folder) { out[key] = try readText(url) }
    return out
  }

  // MARK: - Experiments

  private func writeExperiment(id: String, name: String) throws {
    let now = clock()
    let destination = root.appendingPathComponent(id, isDirectory: true)
    let meta: [String: YAMLValue] = [
      "artifact_location": .string(fileURI(destination)), "creation_time": .int(now), "experiment_id": .string(id),
      "last_update_time": .int(now), "lifecycle_stage": .string("active"), "name": .string(name),
    ]
    try writer.createDirectory(at: destination) { staged in
      try Data(MetaYAML.render(meta).utf8).write(to: staged.appendingPathComponent("meta.yaml"))
    }
  }

  /// (id, name, deleted) of every experiment, including those in `.trash`.
  private func allExperiments() -> [(id: String, name: String, deleted: Bool, meta: [String: YAMLValue])] {
    var out: [(String, String, Bool, [String: YAMLValue])] = []
    for (folder, deleted) in [(root, false), (root.appendingPathComponent(".trash"), true)] {
      for dir in subdirectories(folder) where dir.allSatisfy(\.isNumber) {
        guard let meta = try? readMeta(folder.appendingPathComponent(dir).appendingPathComponent("meta.yaml")),
          let name = meta["name"]?.stringValue
        else { continue }
        out.append((dir, name, deleted || meta["lifecycle_stage"]?.stringValue == "deleted", meta))
      }
    }
    return out
  }

  public func findExperiment(named name: String) throws -> Experiment? {
    guard let e = allExperiments().first(where: { $0.name == name }) else { return nil }
    if e.deleted {
      throw TrackingError.notFound(
        what: "active experiment \"\(name)\" (id \(e.id) is deleted)",
        hint: "restore it with `mlflow experiments restore --experiment-id \(e.id)` or pick another name")
    }
    return Experiment(
      experimentId: e.id, name: e.name,
      artifactLocation: e.meta["artifact_location"]?.stringValue ?? fileURI(root.appendingPathComponent(e.id)))
  }

  public func experiment(named name: String) throws -> Experiment {
    try KeyValidation.validateExperimentName(name)
    for _ in 0..<20 {
      if let existing = try findExperiment(named: name) { return existing }
      let next = (allExperiments().compactMap { Int64($0.id) }.max() ?? 0) + 1
      do {
        try writeExperiment(id: String(next), name: name)
      } catch TrackingError.alreadyExists {
        continue  // another process took this id: rescan
      }
    }
    guard let created = try findExperiment(named: name) else {
      throw TrackingError.io(path: root.path, reason: "could not create experiment \"\(name)\"")
    }
    return created
  }

  // MARK: - Runs

  private func validateRunId(_ runId: String) throws {
    guard !runId.isEmpty, runId.count <= 64, runId.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    else {
      throw TrackingError.invalidInput(what: "run id", value: runId, rule: "run ids are 32 hex digits")
    }
  }

  /// The folder of an existing run (searching every active experiment).
  private func runDirectory(_ runId: String) throws -> URL {
    try validateRunId(runId)
    for dir in subdirectories(root) where dir.allSatisfy(\.isNumber) {
      let candidate = root.appendingPathComponent(dir).appendingPathComponent(runId)
      if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("meta.yaml").path) { return candidate }
    }
    throw TrackingError.notFound(what: "run \(runId) in \(root.path)", hint: "check the run id (workbench runs lists them)")
  }

  private func writeValueFile(_ folder: URL, key: String, value: String) throws {
    try writer.write(value, to: folder.appendingPathComponent(key))
  }

  public func createRun(_ creation: RunCreation) throws -> RunInfo {
    let experimentDir = root.appendingPathComponent(creation.experimentId, isDirectory: true)
    guard creation.experimentId.allSatisfy(\.isNumber), !creation.experimentId.isEmpty,
      FileManager.default.fileExists(atPath: experimentDir.appendingPathComponent("meta.yaml").path)
    else {
      throw TrackingError.notFound(
        what: "experiment id \(creation.experimentId) in \(root.path)", hint: "get it with experiment(named:) first")
    }
    var tags = creation.tags
    tags.append(KeyValue(SystemTags.runName, creation.runName))
    if !tags.contains(where: { $0.key == SystemTags.user }) { tags.append(KeyValue(SystemTags.user, creation.userId)) }
    if !tags.contains(where: { $0.key == SystemTags.sourceType }) { tags.append(KeyValue(SystemTags.sourceType, "LOCAL")) }
    if let parent = creation.parentRunId { tags.append(KeyValue(SystemTags.parentRunId, parent)) }
    try KeyValidation.validateBatch(params: [], metrics: [], tags: tags)
    let runId = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let destination = experimentDir.appendingPathComponent(runId, isDirectory: true)
    let info = RunInfo(
      runId: runId, experimentId: creation.experimentId, runName: creation.runName, userId: creation.userId,
      status: .running, startTime: creation.startTime ?? clock(), endTime: nil,
      artifactURI: fileURI(destination.appendingPathComponent("artifacts", isDirectory: true)), lifecycleStage: "active")
    try writer.createDirectory(at: destination) { staged in
      for sub in ["params", "metrics", "artifacts", "tags"] {
        try FileManager.default.createDirectory(
          at: staged.appendingPathComponent(sub), withIntermediateDirectories: true)
      }
      for tag in tags {
        let url = staged.appendingPathComponent("tags").appendingPathComponent(tag.key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(tag.value.utf8).write(to: url)
      }
      try Data(MetaYAML.render(runMeta(info)).utf8).write(to: staged.appendingPathComponent("meta.yaml"))
    }
    return info
  }

  private func runMeta(_ info: RunInfo) -> [String: YAMLValue] {
    [
      "artifact_uri": .string(info.artifactURI), "end_time": info.endTime.map { .int($0) } ?? .null,
      "entry_point_name": .string(""), "experiment_id": .string(info.experimentId),
      "lifecycle_stage": .string(info.lifecycleStage), "run_id": .string(info.runId), "run_name": .string(info.runName),
      "run_uuid": .string(info.runId), "source_name": .string(""), "source_type": .int(4),
      "source_version": .string(""), "start_time": .int(info.startTime), "status": .int(Int64(info.status.fileStoreCode)),
      "user_id": .string(info.userId),
    ]
  }

  private func readRunInfo(_ dir: URL) throws -> RunInfo {
    let path = dir.appendingPathComponent("meta.yaml")
    let meta = try readMeta(path)
    guard let runId = meta["run_id"]?.stringValue ?? meta["run_uuid"]?.stringValue,
      let experimentId = meta["experiment_id"]?.stringValue
    else { throw TrackingError.storeCorrupt(path: path.path, reason: "run_id or experiment_id missing") }
    let statusCode = meta["status"]?.intValue ?? 1
    let status: RunStatus
    if let s = RunStatus(fileStoreCode: Int(statusCode)) {
      status = s
    } else if let text = meta["status"]?.stringValue, let s = RunStatus(rawValue: text) {
      status = s
    } else {
      throw TrackingError.storeCorrupt(path: path.path, reason: "unknown status \(meta["status"] ?? .null)")
    }
    return RunInfo(
      runId: runId, experimentId: experimentId, runName: meta["run_name"]?.stringValue ?? "",
      userId: meta["user_id"]?.stringValue ?? "", status: status, startTime: meta["start_time"]?.intValue ?? 0,
      endTime: meta["end_time"]?.intValue,
      artifactURI: meta["artifact_uri"]?.stringValue ?? fileURI(dir.appendingPathComponent("artifacts")),
      lifecycleStage: meta["lifecycle_stage"]?.stringValue ?? "active")
  }

  /// A metric line's value as MLflow's file store writes it (Python's `nan`, `inf`, `-inf`); not WorkbenchCore's
  /// `formatFloat`, whose "NaN" MLflow's reader would not accept.
  private static func formatMetricValue(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    return "\(v)"
  }

  public func logBatch(runId: String, params: [KeyValue], metrics: [MetricPoint], tags: [KeyValue]) throws {
    try KeyValidation.validateBatch(params: params, metrics: metrics, tags: tags)
    let dir = try runDirectory(runId)
    for p in params {
      let url = dir.appendingPathComponent("params").appendingPathComponent(p.key)
      if FileManager.default.fileExists(atPath: url.path) {
        let existing = try readText(url)
        if existing == p.value { continue }
        throw TrackingError.paramConflict(runId: runId, key: p.key, existing: existing, attempted: p.value)
      }
      try writeValueFile(dir.appendingPathComponent("params"), key: p.key, value: p.value)
    }
    var linesByKey: [String: String] = [:]
    var order: [String] = []
    for m in metrics {
      if linesByKey[m.key] == nil { order.append(m.key) }
      linesByKey[m.key, default: ""] += "\(m.timestamp) \(Self.formatMetricValue(m.value)) \(m.step)\n"
    }
    for key in order {
      guard let text = linesByKey[key] else { continue }
      try append(text, to: dir.appendingPathComponent("metrics").appendingPathComponent(key))
    }
    for t in tags { try writeValueFile(dir.appendingPathComponent("tags"), key: t.key, value: t.value) }
  }

  /// Appends with a single `write(2)` on an `O_APPEND` descriptor (never leaves an empty metric file).
  private func append(_ text: String, to url: URL) throws {
    try writer.ensureDirectory(url.deletingLastPathComponent())
    let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    guard fd >= 0 else { throw TrackingError.io(path: url.path, reason: "cannot open for append: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    if written != bytes.count {
      throw TrackingError.io(path: url.path, reason: "short write (\(written) of \(bytes.count) bytes)")
    }
  }

  public func logInputs(runId: String, datasets: [DatasetInput]) throws {
    let dir = try runDirectory(runId)
    let experimentDir = dir.deletingLastPathComponent()
    for d in datasets {
      guard !d.name.isEmpty, d.name.count <= 500, !d.digest.isEmpty, d.digest.count <= 36 else {
        throw TrackingError.invalidInput(
          what: "dataset", value: "\(d.name)@\(d.digest)", rule: "name 1-500 characters, digest 1-36 characters")
      }
      let datasetId = MD5.hex(d.name + d.digest)
      let datasetDir = experimentDir.appendingPathComponent("datasets").appendingPathComponent(datasetId)
      if !FileManager.default.fileExists(atPath: datasetDir.appendingPathComponent("meta.yaml").path) {
        var meta: [String: YAMLValue] = [
          "digest": .string(d.digest), "name": .string(d.name), "source": .string(d.source),
          "source_type": .string(d.sourceType), "schema": .string(d.schema ?? ""),
        ]
        if let profile = d.profile { meta["profile"] = .string(profile) }
        do {
          try writer.createDirectory(at: datasetDir) { staged in
            try Data(MetaYAML.render(meta).utf8).write(to: staged.appendingPathComponent("meta.yaml"))
          }
        } catch TrackingError.alreadyExists {}
      }
      let inputId = MD5.hex(datasetId + runId)
      var tagMap: [String: YAMLValue] = [:]
      for t in d.tags { tagMap[t.key] = .string(t.value) }
      let inputMeta: [String: YAMLValue] = [
        "destination_id": .string(runId), "destination_type": .string("RUN"), "source_id": .string(datasetId),
        "source_type": .string("DATASET"), "tags": .map(tagMap),
      ]
      try writer.write(
        MetaYAML.render(inputMeta),
        to: dir.appendingPathComponent("inputs").appendingPathComponent(inputId).appendingPathComponent("meta.yaml"))
    }
  }

  public func logArtifact(runId: String, localURL: URL, artifactPath: String?) throws {
    if let artifactPath { try KeyValidation.validateArtifactPath(artifactPath) }
    let dir = try runDirectory(runId)
    var base = dir.appendingPathComponent("artifacts", isDirectory: true)
    if let artifactPath { base = base.appendingPathComponent(artifactPath, isDirectory: true) }
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: localURL.path, isDirectory: &isDir) else {
      throw TrackingError.notFound(what: "artifact source \(localURL.path)", hint: "write the file before logging it")
    }
    if isDir.boolValue {
      for (relative, url) in walkFiles(localURL) { try copyFile(url, to: base.appendingPathComponent(relative)) }
    } else {
      try copyFile(localURL, to: base.appendingPathComponent(localURL.lastPathComponent))
    }
  }

  private func copyFile(_ source: URL, to destination: URL) throws {
    guard let data = FileManager.default.contents(atPath: source.path) else {
      throw TrackingError.io(path: source.path, reason: "cannot read artifact")
    }
    try writer.write(data, to: destination)
  }

  private func rewriteRunMeta(_ runId: String, _ update: (inout RunInfo) -> Void) throws {
    let dir = try runDirectory(runId)
    var info = try readRunInfo(dir)
    update(&info)
    try writer.write(MetaYAML.render(runMeta(info)), to: dir.appendingPathComponent("meta.yaml"))
  }

  public func setTerminated(runId: String, status: RunStatus, endTime: Int64?) throws {
    let end = endTime ?? clock()
    try rewriteRunMeta(runId) {
      $0.status = status
      $0.endTime = status.isTerminal ? end : nil
    }
  }

  public func deleteRun(runId: String) throws {
    try rewriteRunMeta(runId) { $0.lifecycleStage = "deleted" }
  }

  private func readRun(_ dir: URL) throws -> Run {
    let info = try readRunInfo(dir)
    let params = try readKeyValueFolder(dir.appendingPathComponent("params"))
    let tags = try readKeyValueFolder(dir.appendingPathComponent("tags"))
    var metrics: [String: Double] = [:]
    for (key, url) in walkFiles(dir.appendingPathComponent("metrics")) {
      let points = try parseMetricFile(url, key: key)
      let latest = points.max { a, b in
        (a.step, a.timestamp) != (b.step, b.timestamp) ? (a.step, a.timestamp) < (b.step, b.timestamp) : a.value < b.value
      }
      if let latest { metrics[key] = latest.value }
    }
    var inputs: [DatasetInput] = []
    let experimentDir = dir.deletingLastPathComponent()
    for inputDir in subdirectories(dir.appendingPathComponent("inputs")) {
      let meta = try readMeta(dir.appendingPathComponent("inputs").appendingPathComponent(inputDir).appendingPathComponent("meta.yaml"))
      guard let datasetId = meta["source_id"]?.stringValue else { continue }
      let dmeta = try readMeta(
        experimentDir.appendingPathComponent("datasets").appendingPathComponent(datasetId).appendingPathComponent("meta.yaml"))
      var tags: [KeyValue] = []
      if case .map(let m)? = meta["tags"] {
        for k in m.keys.sorted() { if let v = m[k]?.stringValue { tags.append(KeyValue(k, v)) } }
      }
      let schema = dmeta["schema"]?.stringValue
      inputs.append(
        DatasetInput(
          name: dmeta["name"]?.stringValue ?? "", digest: dmeta["digest"]?.stringValue ?? "",
          sourceType: dmeta["source_type"]?.stringValue ?? "", source: dmeta["source"]?.stringValue ?? "",
          profile: dmeta["profile"]?.stringValue, schema: schema?.isEmpty == true ? nil : schema, tags: tags))
    }
    return Run(info: info, params: params, metrics: metrics, tags: tags, inputs: inputs)
  }

  private func parseMetricFile(_ url: URL, key: String) throws -> [MetricPoint] {
    var points: [MetricPoint] = []
    for (n, line) in try readText(url).split(separator: "\n").enumerated() {
      let fields = line.split(separator: " ")
      guard fields.count >= 2, let ts = Int64(fields[0]), let value = Self.parseMetricValue(fields[1]) else {
        throw TrackingError.storeCorrupt(path: url.path, reason: "line \(n + 1) is not '<timestamp> <value> <step>'")
      }
      let step = fields.count >= 3 ? Int64(fields[2]) : 0
      guard let step else {
        throw TrackingError.storeCorrupt(path: url.path, reason: "line \(n + 1): step is not an integer")
      }
      points.append(MetricPoint(key: key, value: value, timestamp: ts, step: step))
    }
    return points
  }

  private static func parseMetricValue(_ s: Substring) -> Double? {
    switch s.lowercased() {
    case "nan": return .nan
    case "inf", "infinity", "+inf": return .infinity
    case "-inf", "-infinity": return -.infinity
    default: return Double(s)
    }
  }

  public func getRun(runId: String) throws -> Run { try readRun(try runDirectory(runId)) }

  /// The local folder holding the run's artifacts, or nil when the run does not exist.
  public func artifactDirectory(runId: String) -> URL? {
    (try? runDirectory(runId))?.appendingPathComponent("artifacts", isDirectory: true)
  }

  public func searchRuns(experimentId: String) throws -> [Run] {
    let experimentDir = root.appendingPathComponent(experimentId, isDirectory: true)
    guard experimentId.allSatisfy(\.isNumber), !experimentId.isEmpty,
      FileManager.default.fileExists(atPath: experimentDir.appendingPathComponent("meta.yaml").path)
    else { throw TrackingError.notFound(what: "experiment id \(experimentId)", hint: "list experiments by name first") }
    var runs: [Run] = []
    for dir in subdirectories(experimentDir) where !Self.reservedExperimentEntries.contains(dir) {
      let runDir = experimentDir.appendingPathComponent(dir)
      guard FileManager.default.fileExists(atPath: runDir.appendingPathComponent("meta.yaml").path) else { continue }
      let run = try readRun(runDir)
      if run.info.lifecycleStage == "active" { runs.append(run) }
    }
    return runs.sorted { ($0.info.startTime, $1.info.runId) > ($1.info.startTime, $0.info.runId) }
  }

  public func findRuns(experimentId: String, tag key: String, value: String) throws -> [Run] {
    try searchRuns(experimentId: experimentId).filter { $0.tags[key] == value }
  }

  public func readArtifact(runId: String, path: String) throws -> Data {
    try KeyValidation.validateArtifactPath(path)
    let url = try runDirectory(runId).appendingPathComponent("artifacts").appendingPathComponent(path)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw TrackingError.notFound(what: "artifact \(path) of run \(runId)", hint: "list the run's artifacts (is it a model run?)")
    }
    return data
  }

  public func metricHistory(runId: String, key: String) throws -> [MetricPoint] {
    try KeyValidation.validateKey(key, kind: "metric")
    let url = try runDirectory(runId).appendingPathComponent("metrics").appendingPathComponent(key)
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    return try parseMetricFile(url, key: key)
  }

  public func listArtifacts(runId: String, path: String?) throws -> [ArtifactEntry] {
    if let path { try KeyValidation.validateArtifactPath(path) }
    var folder = try runDirectory(runId).appendingPathComponent("artifacts", isDirectory: true)
    if let path { folder = folder.appendingPathComponent(path, isDirectory: true) }
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
    return names.sorted().map { name in
      let url = folder.appendingPathComponent(name)
      var isDir: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir)
      let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value
      return ArtifactEntry(
        path: path.map { "\($0)/\(name)" } ?? name, isDirectory: isDir.boolValue, fileSize: isDir.boolValue ? nil : size)
    }
  }

  // MARK: - Registry

  private func modelDirectory(_ name: String) throws -> URL {
    try KeyValidation.validateModelName(name)
    return root.appendingPathComponent("models").appendingPathComponent(name, isDirectory: true)
  }

  private func existingModelDirectory(_ name: String) throws -> URL {
    let dir = try modelDirectory(name)
    guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("meta.yaml").path) else {
      throw TrackingError.notFound(what: "registered model \"\(name)\"", hint: "register a version first")
    }
    return dir
  }

  public func findRegisteredModel(named name: String) throws -> RegisteredModel? {
    let dir = try modelDirectory(name)
    let metaURL = dir.appendingPathComponent("meta.yaml")
    guard FileManager.default.fileExists(atPath: metaURL.path) else { return nil }
    let meta = try readMeta(metaURL)
    return RegisteredModel(
      name: meta["name"]?.stringValue ?? name, description: meta["description"]?.stringValue ?? "",
      tags: try readKeyValueFolder(dir.appendingPathComponent("tags")), aliases: try readAliases(dir))
  }

  public func registeredModelNames() throws -> [String] {
    let models = root.appendingPathComponent("models")
    return subdirectories(models).filter {
      FileManager.default.fileExists(atPath: models.appendingPathComponent($0).appendingPathComponent("meta.yaml").path)
    }
  }

  private func readAliases(_ dir: URL) throws -> [String: Int] {
    var out: [String: Int] = [:]
    for (alias, value) in try readKeyValueFolder(dir.appendingPathComponent("aliases")) {
      if let v = Int(value) { out[alias] = v }
    }
    return out
  }

  public func registeredModel(named name: String) throws -> RegisteredModel {
    if let existing = try findRegisteredModel(named: name) { return existing }
    let now = clock()
    let meta: [String: YAMLValue] = [
      "creation_timestamp": .int(now), "description": .string(""), "last_updated_timestamp": .int(now),
      "name": .string(name),
    ]
    do {
      try writer.createDirectory(at: try modelDirectory(name)) { staged in
        try Data(MetaYAML.render(meta).utf8).write(to: staged.appendingPathComponent("meta.yaml"))
      }
    } catch TrackingError.alreadyExists {}
    guard let created = try findRegisteredModel(named: name) else {
      throw TrackingError.io(path: try modelDirectory(name).path, reason: "registered model was not created")
    }
    return created
  }

  public func setRegisteredModelTag(name: String, key: String, value: String) throws {
    try KeyValidation.validateKey(key, kind: "registered model tag")
    try KeyValidation.validateValue(value, key: key, limit: 100_000, kind: "registered model tag")
    let dir = try existingModelDirectory(name)
    try writeValueFile(dir.appendingPathComponent("tags"), key: key, value: value)
  }

  private func versionNumbers(_ dir: URL) -> [Int] {
    subdirectories(dir).compactMap { $0.hasPrefix("version-") ? Int($0.dropFirst("version-".count)) : nil }.sorted()
  }

  public func createModelVersion(
    name: String, runId: String, artifactPath: String, tags: [KeyValue], description: String
  ) throws -> ModelVersion {
    try KeyValidation.validateArtifactPath(artifactPath)
    for t in tags { try KeyValidation.validateKey(t.key, kind: "model version tag") }
    let runDir = try runDirectory(runId)
    let run = try readRunInfo(runDir)
    _ = try registeredModel(named: name)
    let dir = try existingModelDirectory(name)
    for _ in 0..<20 {
      let next = (versionNumbers(dir).max() ?? 0) + 1
      let now = clock()
      let meta: [String: YAMLValue] = [
        "creation_timestamp": .int(now), "current_stage": .string("None"), "description": .string(description),
        "last_updated_timestamp": .int(now), "name": .string(name), "run_id": .string(runId), "run_link": .string(""),
        "source": .string("runs:/\(runId)/\(artifactPath)"), "status": .string("READY"), "status_message": .string(""),
        "storage_location": .string(fileURI(runDir.appendingPathComponent("artifacts").appendingPathComponent(artifactPath))),
        "user_id": .string(run.userId), "version": .int(Int64(next)),
      ]
      do {
        try writer.createDirectory(at: dir.appendingPathComponent("version-\(next)", isDirectory: true)) { staged in
          for t in tags {
            let url = staged.appendingPathComponent("tags").appendingPathComponent(t.key)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(t.value.utf8).write(to: url)
          }
          try Data(MetaYAML.render(meta).utf8).write(to: staged.appendingPathComponent("meta.yaml"))
        }
      } catch TrackingError.alreadyExists {
        continue
      }
      var modelMeta = try readMeta(dir.appendingPathComponent("meta.yaml"))
      modelMeta["last_updated_timestamp"] = .int(now)
      try writer.write(MetaYAML.render(modelMeta.filter { $0.key != "aliases" }), to: dir.appendingPathComponent("meta.yaml"))
      return try modelVersion(name: name, version: next)
    }
    throw TrackingError.io(path: dir.path, reason: "could not allocate a new version number")
  }

  public func modelVersion(name: String, version: Int) throws -> ModelVersion {
    let dir = try existingModelDirectory(name)
    let versionDir = dir.appendingPathComponent("version-\(version)")
    let metaURL = versionDir.appendingPathComponent("meta.yaml")
    guard FileManager.default.fileExists(atPath: metaURL.path) else {
      throw TrackingError.notFound(what: "version \(version) of model \"\(name)\"", hint: "list versions with modelVersions(name:)")
    }
    let meta = try readMeta(metaURL)
    let aliases = try readAliases(dir).filter { $0.value == version }.map(\.key).sorted()
    return ModelVersion(
      name: name, version: Int(meta["version"]?.intValue ?? Int64(version)), runId: meta["run_id"]?.stringValue ?? "",
      source: meta["source"]?.stringValue ?? "", status: meta["status"]?.stringValue ?? "READY",
      description: meta["description"]?.stringValue ?? "", creationTimestamp: meta["creation_timestamp"]?.intValue ?? 0,
      tags: try readKeyValueFolder(versionDir.appendingPathComponent("tags")), aliases: aliases)
  }

  public func modelVersions(name: String) throws -> [ModelVersion] {
    let dir = try existingModelDirectory(name)
    return try versionNumbers(dir).map { try modelVersion(name: name, version: $0) }
  }

  public func setModelVersionTag(name: String, version: Int, key: String, value: String) throws {
    try KeyValidation.validateKey(key, kind: "model version tag")
    try KeyValidation.validateValue(value, key: key, limit: 100_000, kind: "model version tag")
    _ = try modelVersion(name: name, version: version)
    let dir = try existingModelDirectory(name).appendingPathComponent("version-\(version)").appendingPathComponent("tags")
    try writeValueFile(dir, key: key, value: value)
  }

  public func setAlias(name: String, alias: String, version: Int) throws {
    try KeyValidation.validateAlias(alias)
    _ = try modelVersion(name: name, version: version)
    let dir = try existingModelDirectory(name)
    try writer.write(String(version), to: dir.appendingPathComponent("aliases").appendingPathComponent(alias))
  }

  public func deleteAlias(name: String, alias: String) throws {
    try KeyValidation.validateAlias(alias)
    let url = try existingModelDirectory(name).appendingPathComponent("aliases").appendingPathComponent(alias)
    if FileManager.default.fileExists(atPath: url.path) {
      do { try FileManager.default.removeItem(at: url) } catch {
        throw TrackingError.io(path: url.path, reason: "cannot delete alias: \(error.localizedDescription)")
      }
    }
  }

  public func modelVersion(name: String, alias: String) throws -> ModelVersion? {
    try KeyValidation.validateAlias(alias)
    guard let model = try findRegisteredModel(named: name), let version = model.aliases[alias] else { return nil }
    return try modelVersion(name: name, version: version)
  }
}
