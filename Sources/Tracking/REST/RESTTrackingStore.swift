import Foundation
import WorkbenchCore
import WorkbenchHTTP

/// MLflow REST API 2.0 client (`/api/2.0/mlflow/...`), with artifacts through the `mlflow-artifacts` proxy.
///
/// Start the server with `--artifacts-destination DIR` (not `--default-artifact-root`) so that runs get
/// `mlflow-artifacts:/…` artifact URIs and uploads land where MLflow reads them. Requests go through the one
/// `HTTPClient` (retries by `RetryPolicy`, waits with `Task.sleep`); bodies are Core `JSONValue`s; credentials never
/// appear in errors.
public final class RESTTrackingStore: TrackingStore {
  public let configuration: RESTConfiguration
  /// JSON calls: per-attempt timeout `configuration.timeout`.
  private let client: HTTPClient
  /// Artifact transfers: four times the timeout, and answers up to `maxArtifactBytes`.
  private let artifactClient: HTTPClient
  private let sleep: @Sendable (Double) async throws -> Void
  private let clock: @Sendable () -> Int64
  private let chunker = LogBatchChunker()

  /// Largest artifact read into memory (`readArtifact`).
  public static let maxArtifactBytes = 1 << 30

  /// `sleep` waits between retries and between registration polls (tests record the waits instead).
  public init(
    configuration: RESTConfiguration, transport: any HTTPTransport = URLSessionTransport(),
    sleep: @escaping @Sendable (Double) async throws -> Void = HTTPClient.taskSleep,
    clock: @escaping @Sendable () -> Int64 = systemMillisecondClock
  ) {
    self.configuration = configuration
    self.client = HTTPClient(retry: configuration.retry, timeout: configuration.timeout, transport: transport, sleep: sleep)
    self.artifactClient = HTTPClient(
      retry: configuration.retry, timeout: configuration.timeout * 4, maxResponseBytes: Self.maxArtifactBytes,
      transport: transport, sleep: sleep)
    self.sleep = sleep
    self.clock = clock
  }

  // MARK: - HTTP core

  private typealias JSON = [String: JSONValue]

  private func endpoint(_ path: String, query: [(String, String)] = []) throws -> URL {
    guard var components = URLComponents(url: configuration.baseURL, resolvingAgainstBaseURL: false) else {
      throw TrackingError.invalidInput(what: "tracking URI", value: configuration.baseURL.absoluteString, rule: "not a URL")
    }
    components.path += path
    if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
    guard let url = components.url else {
      throw TrackingError.invalidInput(what: "REST path", value: path, rule: "could not build a URL")
    }
    return url
  }

  /// Sends with the `Authorization` header and retries; returns the final response (2xx or a non-retryable status).
  private func send(_ request: HTTPRequest, artifact: Bool = false) async throws -> HTTPResponse {
    var request = request
    if let auth = configuration.authorizationHeader { request.headers["Authorization"] = auth }
    do {
      return try await (artifact ? artifactClient : client).send(request)
    } catch HTTPError.unreachable(let url, let attempts, let reason, _) {
      throw TrackingError.unreachable(url: redactSecrets(url), attempts: attempts, reason: redactSecrets(reason))
    } catch HTTPError.responseTooLarge(let url, let limit) {
      throw TrackingError.badResponse(url: redactSecrets(url), reason: "answer larger than \(limit) bytes")
    }
  }

  /// Removes anything that could be a credential from text that goes into an error.
  private func redactSecrets(_ text: String) -> String {
    var out = RESTConfiguration.redact(text)
    switch configuration.credentials {
    case .none: break
    case .basic(_, let password): if !password.isEmpty { out = out.replacingOccurrences(of: password, with: "***") }
    case .bearer(let token): if !token.isEmpty { out = out.replacingOccurrences(of: token, with: "***") }
    }
    return out
  }

  private func serverError(_ response: HTTPResponse, url: URL) -> TrackingError {
    let shownURL = RESTConfiguration.redact(url.absoluteString)
    if let json = (try? response.json())?.objectValue {
      return .server(
        url: shownURL, status: response.status, errorCode: json["error_code"]?.stringValue ?? "",
        message: redactSecrets(json["message"]?.stringValue ?? ""))
    }
    let text = String(decoding: response.body.prefix(300), as: UTF8.self)
    return .server(url: shownURL, status: response.status, errorCode: "", message: redactSecrets(text))
  }

  private func call(_ method: String, _ path: String, query: [(String, String)] = [], body: JSON? = nil) async throws -> JSON {
    let url = try endpoint("/api/2.0/mlflow/" + path, query: query)
    let request = body.map { HTTPRequest.json(method, url, body: .object($0)) } ?? HTTPRequest(method: method, url: url)
    let response = try await send(request)
    guard response.isSuccess else { throw serverError(response, url: url) }
    if response.body.isEmpty { return [:] }
    guard let json = (try? response.json())?.objectValue else {
      throw TrackingError.badResponse(url: RESTConfiguration.redact(url.absoluteString), reason: "body is not a JSON object")
    }
    return json
  }

  private static func isNotFound(_ error: any Error) -> Bool {
    if case TrackingError.server(_, let status, let code, let message) = error {
      return status == 404 || code == "RESOURCE_DOES_NOT_EXIST" || (status == 400 && message.contains("not found"))
    }
    return false
  }

  private static func isAlreadyExists(_ error: any Error) -> Bool {
    if case TrackingError.server(_, _, let code, _) = error { return code == "RESOURCE_ALREADY_EXISTS" }
    return false
  }

  // MARK: - JSON conversions

  private static func int64(_ v: JSONValue?) -> Int64? {
    switch v {
    case .int(let i): return Int64(i)
    case .double(let d): return Int64(exactly: d)
    case .string(let s): return Int64(s)
    default: return nil
    }
  }

  private static func double(_ v: JSONValue?) -> Double? {
    switch v {
    case .string("NaN"): return .nan
    case .string("Infinity"): return .infinity
    case .string("-Infinity"): return -.infinity
    case .string(let s): return Double(s)
    case .int(let i): return Double(i)
    case .double(let d): return d
    default: return nil
    }
  }

  /// MLflow's JSON for a metric value: non-finite values as the strings Python's json writes.
  private static func jsonNumber(_ v: Double) -> JSONValue {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v > 0 ? "Infinity" : "-Infinity" }
    return .double(v)
  }

  private static func string(_ v: JSONValue?) -> String? { v?.stringValue }

  private static func objects(_ v: JSONValue?) -> [JSON] { (v?.arrayValue ?? []).compactMap(\.objectValue) }

  private static func pairs(_ v: JSONValue?) -> [String: String] {
    var out: [String: String] = [:]
    for item in objects(v) {
      if let k = item["key"]?.stringValue { out[k] = item["value"]?.stringValue ?? "" }
    }
    return out
  }

  private static func jsonPairs(_ kvs: [KeyValue]) -> JSONValue {
    .array(kvs.map { .object(["key": .string($0.key), "value": .string($0.value)]) })
  }

  private func experiment(from json: JSON?) throws -> Experiment {
    guard let json, let id = json["experiment_id"]?.stringValue, let name = json["name"]?.stringValue else {
      throw TrackingError.badResponse(url: configuration.baseURL.absoluteString, reason: "experiment without id or name")
    }
    return Experiment(
      experimentId: id, name: name, artifactLocation: json["artifact_location"]?.stringValue ?? "",
      lifecycleStage: json["lifecycle_stage"]?.stringValue ?? "active")
  }

  private func runInfo(from json: JSON?) throws -> RunInfo {
    guard let json, let id = (json["run_id"] ?? json["run_uuid"])?.stringValue else {
      throw TrackingError.badResponse(url: configuration.baseURL.absoluteString, reason: "run without run_id")
    }
    return RunInfo(
      runId: id, experimentId: json["experiment_id"]?.stringValue ?? "", runName: json["run_name"]?.stringValue ?? "",
      userId: json["user_id"]?.stringValue ?? "", status: RunStatus(rawValue: json["status"]?.stringValue ?? "") ?? .running,
      startTime: Self.int64(json["start_time"]) ?? 0, endTime: Self.int64(json["end_time"]),
      artifactURI: json["artifact_uri"]?.stringValue ?? "", lifecycleStage: json["lifecycle_stage"]?.stringValue ?? "active")
  }

  private func run(from json: JSON?) throws -> Run {
    let info = try runInfo(from: json?["info"]?.objectValue)
    let data = json?["data"]?.objectValue ?? [:]
    var metrics: [String: Double] = [:]
    for m in Self.objects(data["metrics"]) {
      if let k = m["key"]?.stringValue, let v = Self.double(m["value"]) { metrics[k] = v }
    }
    var inputs: [DatasetInput] = []
    for item in Self.objects(json?["inputs"]?["dataset_inputs"]) {
      guard let d = item["dataset"]?.objectValue else { continue }
      let tags = Self.pairs(item["tags"]).sorted { $0.key < $1.key }.map { KeyValue($0.key, $0.value) }
      let schema = d["schema"]?.stringValue
      inputs.append(
        DatasetInput(
          name: d["name"]?.stringValue ?? "", digest: d["digest"]?.stringValue ?? "",
          sourceType: d["source_type"]?.stringValue ?? "", source: d["source"]?.stringValue ?? "",
          profile: d["profile"]?.stringValue, schema: schema?.isEmpty == true ? nil : schema, tags: tags))
    }
    return Run(info: info, params: Self.pairs(data["params"]), metrics: metrics, tags: Self.pairs(data["tags"]), inputs: inputs)
  }

  private func modelVersion(from json: JSON?) throws -> ModelVersion {
    guard let json, let name = json["name"]?.stringValue, let version = Self.int64(json["version"]) else {
      throw TrackingError.badResponse(url: configuration.baseURL.absoluteString, reason: "model version without name/version")
    }
    return ModelVersion(
      name: name, version: Int(version), runId: json["run_id"]?.stringValue ?? "", source: json["source"]?.stringValue ?? "",
      status: json["status"]?.stringValue ?? "READY", description: json["description"]?.stringValue ?? "",
      creationTimestamp: Self.int64(json["creation_timestamp"]) ?? 0, tags: Self.pairs(json["tags"]),
      aliases: (json["aliases"]?.arrayValue ?? []).compactMap(\.stringValue).sorted())
  }

  // MARK: - Experiments

  public func findExperiment(named name: String) async throws -> Experiment? {
    do {
      let json = try await call("GET", "experiments/get-by-name", query: [("experiment_name", name)])
      let e = try experiment(from: json["experiment"]?.objectValue)
      if e.lifecycleStage == "deleted" {
        throw TrackingError.notFound(
          what: "active experiment \"\(name)\" (id \(e.experimentId) is deleted on the server)",
          hint: "restore it in the MLflow UI or pick another name")
      }
      return e
    } catch let error where Self.isNotFound(error) {
      return nil
    }
  }

  public func experiment(named name: String) async throws -> Experiment {
    try KeyValidation.validateExperimentName(name)
    if let e = try await findExperiment(named: name) { return e }
    do {
      _ = try await call("POST", "experiments/create", body: ["name": .string(name)])
    } catch let error where Self.isAlreadyExists(error) {}
    guard let e = try await findExperiment(named: name) else {
      throw TrackingError.notFound(what: "experiment \"\(name)\" after creating it", hint: "check the server logs")
    }
    return e
  }

  // MARK: - Runs

  public func createRun(_ creation: RunCreation) async throws -> RunInfo {
    var tags = creation.tags
    if !tags.contains(where: { $0.key == SystemTags.user }) { tags.append(KeyValue(SystemTags.user, creation.userId)) }
    if !tags.contains(where: { $0.key == SystemTags.sourceType }) { tags.append(KeyValue(SystemTags.sourceType, "LOCAL")) }
    if let parent = creation.parentRunId { tags.append(KeyValue(SystemTags.parentRunId, parent)) }
    try KeyValidation.validateBatch(params: [], metrics: [], tags: tags)
    let json = try await call(
      "POST", "runs/create",
      body: [
        "experiment_id": .string(creation.experimentId), "user_id": .string(creation.userId), "run_name": .string(creation.runName),
        "start_time": .int(Int(creation.startTime ?? clock())), "tags": Self.jsonPairs(tags),
      ])
    return try runInfo(from: json["run"]?["info"]?.objectValue)
  }

  public func logBatch(runId: String, params: [KeyValue], metrics: [MetricPoint], tags: [KeyValue]) async throws {
    try KeyValidation.validateBatch(params: params, metrics: metrics, tags: tags)
    for chunk in chunker.chunks(params: params, metrics: metrics, tags: tags) {
      let metricJSON: [JSONValue] = chunk.metrics.map { m -> JSONValue in
        ["key": .string(m.key), "value": Self.jsonNumber(m.value), "timestamp": .int(Int(m.timestamp)), "step": .int(Int(m.step))]
      }
      var body: JSON = ["run_id": .string(runId)]
      if !chunk.params.isEmpty { body["params"] = Self.jsonPairs(chunk.params) }
      if !chunk.tags.isEmpty { body["tags"] = Self.jsonPairs(chunk.tags) }
      if !metricJSON.isEmpty { body["metrics"] = .array(metricJSON) }
      do {
        _ = try await call("POST", "runs/log-batch", body: body)
      } catch TrackingError.server(_, _, _, let message) where message.contains("Changing param values is not allowed") {
        throw TrackingError.paramConflict(runId: runId, key: "(see server message)", existing: "", attempted: message)
      }
    }
  }

  public func logInputs(runId: String, datasets: [DatasetInput]) async throws {
    guard !datasets.isEmpty else { return }
    let items: [JSONValue] = datasets.map { d in
      var dataset: JSON = [
        "name": .string(d.name), "digest": .string(d.digest), "source_type": .string(d.sourceType), "source": .string(d.source),
      ]
      if let p = d.profile { dataset["profile"] = .string(p) }
      if let s = d.schema { dataset["schema"] = .string(s) }
      return .object(["tags": Self.jsonPairs(d.tags), "dataset": .object(dataset)])
    }
    _ = try await call("POST", "runs/log-inputs", body: ["run_id": .string(runId), "datasets": .array(items)])
  }

  /// `mlflow-artifacts:/1/<run>/artifacts` → `1/<run>/artifacts` (the proxy path).
  static func proxyPath(artifactURI: String) -> String? {
    guard artifactURI.hasPrefix("mlflow-artifacts:") else { return nil }
    var rest = artifactURI.dropFirst("mlflow-artifacts:".count)
    if rest.hasPrefix("//") {
      rest = rest.dropFirst(2)
      rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? ""
    }
    while rest.hasPrefix("/") { rest = rest.dropFirst() }
    return String(rest)
  }

  private static func encodeSegments(_ path: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "/?#;%")
    return path.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
      .joined(separator: "/")
  }

  public func logArtifact(runId: String, localURL: URL, artifactPath: String?) async throws {
    if let artifactPath { try KeyValidation.validateArtifactPath(artifactPath) }
    let info = try await getRun(runId: runId).info
    guard let prefix = Self.proxyPath(artifactURI: info.artifactURI) else {
      throw TrackingError.invalidInput(
        what: "run artifact URI", value: info.artifactURI,
        rule: "the server does not proxy artifacts for this experiment; start `mlflow server` with "
          + "--artifacts-destination DIR (and without --default-artifact-root)")
    }
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: localURL.path, isDirectory: &isDir) else {
      throw TrackingError.notFound(what: "artifact source \(localURL.path)", hint: "write the file before logging it")
    }
    var uploads: [(String, URL)] = []
    if isDir.boolValue {
      let base = localURL.standardizedFileURL.resolvingSymlinksInPath().path
      let e = FileManager.default.enumerator(at: localURL, includingPropertiesForKeys: nil)
      while let url = e?.nextObject() as? URL {
        let resolved = url.standardizedFileURL.resolvingSymlinksInPath()
        var d: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved.path, isDirectory: &d), !d.boolValue,
          resolved.path.hasPrefix(base + "/")
        else { continue }
        uploads.append((String(resolved.path.dropFirst(base.count + 1)), resolved))
      }
      uploads.sort { $0.0 < $1.0 }
    } else {
      uploads = [(localURL.lastPathComponent, localURL)]
    }
    for (relative, url) in uploads {
      let target = [prefix, artifactPath, relative].compactMap { $0 }.joined(separator: "/")
      let endpointURL = try endpoint("/api/2.0/mlflow-artifacts/artifacts/" + Self.encodeSegments(target))
      guard let data = FileManager.default.contents(atPath: url.path) else {
        throw TrackingError.io(path: url.path, reason: "cannot read artifact")
      }
      let response = try await send(
        HTTPRequest(method: "PUT", url: endpointURL, headers: ["Content-Type": "application/octet-stream"], body: data),
        artifact: true)
      guard response.isSuccess else { throw serverError(response, url: endpointURL) }
    }
  }

  public func readArtifact(runId: String, path: String) async throws -> Data {
    try KeyValidation.validateArtifactPath(path)
    let info = try await getRun(runId: runId).info
    guard let prefix = Self.proxyPath(artifactURI: info.artifactURI) else {
      throw TrackingError.invalidInput(
        what: "run artifact URI", value: info.artifactURI,
        rule: "the server does not proxy artifacts for this experiment; start `mlflow server` with --artifacts-destination DIR")
    }
    let url = try endpoint("/api/2.0/mlflow-artifacts/artifacts/" + Self.encodeSegments(prefix + "/" + path))
    let response = try await send(HTTPRequest(method: "GET", url: url), artifact: true)
    guard response.isSuccess else {
      if response.status == 404 {
        throw TrackingError.notFound(what: "artifact \(path) of run \(runId)", hint: "list the run's artifacts (is it a model run?)")
      }
      throw serverError(response, url: url)
    }
    return response.body
  }

  public func setTerminated(runId: String, status: RunStatus, endTime: Int64?) async throws {
    var body: JSON = ["run_id": .string(runId), "status": .string(status.rawValue)]
    if status.isTerminal { body["end_time"] = .int(Int(endTime ?? clock())) }
    _ = try await call("POST", "runs/update", body: body)
  }

  public func deleteRun(runId: String) async throws { _ = try await call("POST", "runs/delete", body: ["run_id": .string(runId)]) }

  public func getRun(runId: String) async throws -> Run {
    do {
      return try run(from: try await call("GET", "runs/get", query: [("run_id", runId)])["run"]?.objectValue)
    } catch let error where Self.isNotFound(error) {
      throw TrackingError.notFound(what: "run \(runId) on \(configuration.baseURL.absoluteString)", hint: "check the run id")
    }
  }

  private func search(experimentId: String, filter: String?) async throws -> [Run] {
    var runs: [Run] = []
    var token: String?
    repeat {
      var body: JSON = [
        "experiment_ids": [.string(experimentId)], "max_results": 1000, "run_view_type": "ACTIVE_ONLY",
        "order_by": ["attributes.start_time DESC"],
      ]
      if let filter { body["filter"] = .string(filter) }
      if let token { body["page_token"] = .string(token) }
      let json = try await call("POST", "runs/search", body: body)
      for r in Self.objects(json["runs"]) { runs.append(try run(from: r)) }
      token = json["next_page_token"]?.stringValue
    } while token?.isEmpty == false
    return runs
  }

  public func searchRuns(experimentId: String) async throws -> [Run] { try await search(experimentId: experimentId, filter: nil) }

  public func findRuns(experimentId: String, tag key: String, value: String) async throws -> [Run] {
    if value.contains("'") || key.contains("`") {
      return try await searchRuns(experimentId: experimentId).filter { $0.tags[key] == value }
    }
    return try await search(experimentId: experimentId, filter: "tags.`\(key)` = '\(value)'")
  }

  public func metricHistory(runId: String, key: String) async throws -> [MetricPoint] {
    var points: [MetricPoint] = []
    var token: String?
    repeat {
      var query = [("run_id", runId), ("metric_key", key), ("max_results", "25000")]
      if let token { query.append(("page_token", token)) }
      let json = try await call("GET", "metrics/get-history", query: query)
      for m in Self.objects(json["metrics"]) {
        points.append(
          MetricPoint(
            key: key, value: Self.double(m["value"]) ?? .nan, timestamp: Self.int64(m["timestamp"]) ?? 0,
            step: Self.int64(m["step"]) ?? 0))
      }
      token = json["next_page_token"]?.stringValue
    } while token?.isEmpty == false
    return points
  }

  public func listArtifacts(runId: String, path: String?) async throws -> [ArtifactEntry] {
    var query = [("run_id", runId)]
    if let path { query.append(("path", path)) }
    let json = try await call("GET", "artifacts/list", query: query)
    return (Self.objects(json["files"])).compactMap { f in
      guard let p = f["path"]?.stringValue else { return nil }
      return ArtifactEntry(path: p, isDirectory: f["is_dir"]?.boolValue ?? false, fileSize: Self.int64(f["file_size"]))
    }.sorted { $0.path < $1.path }
  }

  // MARK: - Registry

  public func findRegisteredModel(named name: String) async throws -> RegisteredModel? {
    try KeyValidation.validateModelName(name)
    do {
      let json = try await call("GET", "registered-models/get", query: [("name", name)])
      guard let m = json["registered_model"]?.objectValue else {
        throw TrackingError.badResponse(url: configuration.baseURL.absoluteString, reason: "no registered_model")
      }
      var aliases: [String: Int] = [:]
      for a in Self.objects(m["aliases"]) {
        if let alias = a["alias"]?.stringValue, let v = Self.int64(a["version"]) { aliases[alias] = Int(v) }
      }
      return RegisteredModel(
        name: m["name"]?.stringValue ?? name, description: m["description"]?.stringValue ?? "", tags: Self.pairs(m["tags"]),
        aliases: aliases)
    } catch let error where Self.isNotFound(error) {
      return nil
    }
  }

  public func registeredModelNames() async throws -> [String] {
    var names: [String] = []
    var token: String?
    repeat {
      var query = [("max_results", "1000")]
      if let token { query.append(("page_token", token)) }
      let json = try await call("GET", "registered-models/search", query: query)
      for m in Self.objects(json["registered_models"]) { if let n = m["name"]?.stringValue { names.append(n) } }
      token = json["next_page_token"]?.stringValue
    } while token?.isEmpty == false
    return names.sorted()
  }

  public func registeredModel(named name: String) async throws -> RegisteredModel {
    if let m = try await findRegisteredModel(named: name) { return m }
    do {
      _ = try await call("POST", "registered-models/create", body: ["name": .string(name)])
    } catch let error where Self.isAlreadyExists(error) {}
    guard let m = try await findRegisteredModel(named: name) else {
      throw TrackingError.notFound(what: "registered model \"\(name)\" after creating it", hint: "check the server logs")
    }
    return m
  }

  public func setRegisteredModelTag(name: String, key: String, value: String) async throws {
    try KeyValidation.validateKey(key, kind: "registered model tag")
    _ = try await call("POST", "registered-models/set-tag", body: ["name": .string(name), "key": .string(key), "value": .string(value)])
  }

  public func createModelVersion(
    name: String, runId: String, artifactPath: String, tags: [KeyValue], description: String
  ) async throws -> ModelVersion {
    try KeyValidation.validateArtifactPath(artifactPath)
    _ = try await registeredModel(named: name)
    let json = try await call(
      "POST", "model-versions/create",
      body: [
        "name": .string(name), "source": .string("runs:/\(runId)/\(artifactPath)"), "run_id": .string(runId),
        "description": .string(description),
        "tags": Self.jsonPairs(tags),
      ])
    var version = try modelVersion(from: json["model_version"]?.objectValue)
    var polls = 0
    while version.status == "PENDING_REGISTRATION" && polls < 60 {
      try await sleep(0.5)
      polls += 1
      version = try await modelVersion(name: name, version: version.version)
    }
    return version
  }

  public func modelVersion(name: String, version: Int) async throws -> ModelVersion {
    do {
      let json = try await call("GET", "model-versions/get", query: [("name", name), ("version", String(version))])
      return try modelVersion(from: json["model_version"]?.objectValue)
    } catch let error where Self.isNotFound(error) {
      throw TrackingError.notFound(what: "version \(version) of model \"\(name)\"", hint: "list versions with modelVersions(name:)")
    }
  }

  public func modelVersions(name: String) async throws -> [ModelVersion] {
    try KeyValidation.validateModelName(name)
    let quoted = name.contains("'") ? "\"\(name)\"" : "'\(name)'"
    var versions: [ModelVersion] = []
    var token: String?
    repeat {
      var query = [("filter", "name=\(quoted)"), ("max_results", "10000")]
      if let token { query.append(("page_token", token)) }
      let json = try await call("GET", "model-versions/search", query: query)
      for v in Self.objects(json["model_versions"]) { versions.append(try modelVersion(from: v)) }
      token = json["next_page_token"]?.stringValue
    } while token?.isEmpty == false
    // The search answer omits aliases on some versions: fill them from the registered model.
    let aliases = try await findRegisteredModel(named: name)?.aliases ?? [:]
    return versions.map { v in
      var v = v
      v.aliases = aliases.filter { $0.value == v.version }.map(\.key).sorted()
      return v
    }.sorted { $0.version < $1.version }
  }

  public func setModelVersionTag(name: String, version: Int, key: String, value: String) async throws {
    try KeyValidation.validateKey(key, kind: "model version tag")
    _ = try await call(
      "POST", "model-versions/set-tag", body: [
        "name": .string(name), "version": .string(String(version)), "key": .string(key), "value": .string(value),
      ])
  }

  public func setAlias(name: String, alias: String, version: Int) async throws {
    try KeyValidation.validateAlias(alias)
    _ = try await call("POST", "registered-models/alias", body: [
      "name": .string(name), "alias": .string(alias), "version": .string(String(version)),
    ])
  }

  public func deleteAlias(name: String, alias: String) async throws {
    try KeyValidation.validateAlias(alias)
    do {
      _ = try await call("DELETE", "registered-models/alias", body: ["name": .string(name), "alias": .string(alias)])
    } catch let error where Self.isNotFound(error) {}
  }

  public func modelVersion(name: String, alias: String) async throws -> ModelVersion? {
    try KeyValidation.validateAlias(alias)
    do {
      let json = try await call("GET", "registered-models/alias", query: [("name", name), ("alias", alias)])
      return try modelVersion(from: json["model_version"]?.objectValue)
    } catch let error where Self.isNotFound(error) {
      return nil
    }
  }
}
