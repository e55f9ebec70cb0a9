import Foundation

/// MLflow REST API 2.0 client (`/api/2.0/mlflow/...`), with artifacts through the `mlflow-artifacts` proxy.
///
/// Start the server with `--artifacts-destination DIR` (not `--default-artifact-root`) so that runs get
/// `mlflow-artifacts:/…` artifact URIs and uploads land where MLflow reads them. Retries follow `RetryPolicy`;
/// credentials never appear in errors.
public final class RESTTrackingStore: TrackingStore {
  public let configuration: RESTConfiguration
  private let transport: any HTTPTransport
  private let sleep: @Sendable (Double) -> Void
  private let clock: @Sendable () -> Int64
  private let chunker = LogBatchChunker()

  public init(
    configuration: RESTConfiguration, transport: (any HTTPTransport)? = nil,
    sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) },
    clock: @escaping @Sendable () -> Int64 = systemMillisecondClock
  ) {
    self.configuration = configuration
    self.transport = transport ?? URLSessionTransport(timeout: configuration.timeout)
    self.sleep = sleep
    self.clock = clock
  }

  // MARK: - HTTP core

  private typealias JSON = [String: Any]

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

  /// Sends with retries; returns the final response (2xx or a non-retryable status).
  private func send(_ request: HTTPRequest) throws -> HTTPResponse {
    var request = request
    if let auth = configuration.authorizationHeader { request.headers["Authorization"] = auth }
    let shownURL = RESTConfiguration.redact(request.url.absoluteString)
    var attempt = 0
    while true {
      do {
        let response = try transport.send(request)
        if RetryPolicy.isRetryable(status: response.status) && attempt < configuration.retry.maxRetries {
          sleep(configuration.retry.delay(afterAttempt: attempt))
          attempt += 1
          continue
        }
        return response
      } catch let failure as HTTPTransportFailure {
        if attempt < configuration.retry.maxRetries {
          sleep(configuration.retry.delay(afterAttempt: attempt))
          attempt += 1
          continue
        }
        throw TrackingError.unreachable(url: shownURL, attempts: attempt + 1, reason: redactSecrets(failure.reason))
      }
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
    if let json = JSONValue.object(from: response.body) {
      return .server(
        url: shownURL, status: response.status, errorCode: json["error_code"] as? String ?? "",
        message: redactSecrets(json["message"] as? String ?? ""))
    }
    let text = String(decoding: response.body.prefix(300), as: UTF8.self)
    return .server(url: shownURL, status: response.status, errorCode: "", message: redactSecrets(text))
  }

  private func call(_ method: String, _ path: String, query: [(String, String)] = [], body: JSON? = nil) throws -> JSON {
    let url = try endpoint("/api/2.0/mlflow/" + path, query: query)
    var request = HTTPRequest(method: method, url: url)
    if let body {
      request.body = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
      request.headers["Content-Type"] = "application/json"
    }
    let response = try send(request)
    guard (200..<300).contains(response.status) else { throw serverError(response, url: url) }
    if response.body.isEmpty { return [:] }
    guard let json = JSONValue.object(from: response.body) else {
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

  private static func int64(_ v: Any?) -> Int64? {
    if let n = v as? NSNumber { return n.int64Value }
    if let s = v as? String { return Int64(s) }
    return nil
  }

  private static func double(_ v: Any?) -> Double? {
    if let s = v as? String {
      switch s {
      case "NaN": return .nan
      case "Infinity": return .infinity
      case "-Infinity": return -.infinity
      default: return Double(s)
      }
    }
    if let n = v as? NSNumber { return n.doubleValue }
    return nil
  }

  private static func jsonNumber(_ v: Double) -> Any {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v > 0 ? "Infinity" : "-Infinity" }
    return v
  }

  private static func pairs(_ v: Any?) -> [String: String] {
    var out: [String: String] = [:]
    for item in v as? [JSON] ?? [] {
      if let k = item["key"] as? String { out[k] = item["value"] as? String ?? "" }
    }
    return out
  }

  private static func jsonPairs(_ kvs: [KeyValue]) -> [JSON] { kvs.map { ["key": $0.key, "value": $0.value] } }

  private func experiment(from json: JSON?) throws -> Experiment {
    guard let json, let id = json["experiment_id"] as? String, let name = json["name"] as? String else {
      throw TrackingError.badResponse(url: configuration.baseURL.absoluteString, reason: "experiment without id or name")
    }
    return Experiment(
      experimentId: id, name: name, artifactLocation: json["artifact_location"] as? String ?? "",
      lifecycleStage: json["lifecycle_stage"] as? String ?? "active")
  }

  private func runInfo(from json: JSON?) throws -> RunInfo {
    guard let json, let id = (json["run_id"] ?? json["run_uuid"]) as? String else {
      throw TrackingError.badResponse(url: configuration.baseURL.absoluteString, reason: "run without run_id")
    }
    return RunInfo(
      runId: id, experimentId: json["experiment_id"] as? String ?? "", runName: json["run_name"] as? String ?? "",
      userId: json["user_id"] as? String ?? "", status: RunStatus(rawValue: json["status"] as? String ?? "") ?? .running,
      startTime: Self.int64(json["start_time"]) ?? 0, endTime: Self.int64(json["end_time"]),
      artifactURI: json["artifact_uri"] as? String ?? "", lifecycleStage: json["lifecycle_stage"] as? String ?? "active")
  }

  private func run(from json: JSON?) throws -> Run {
    let info = try runInfo(from: json?["info"] as? JSON)
    let data = json?["data"] as? JSON ?? [:]
    var metrics: [String: Double] = [:]
    for m in data["metrics"] as? [JSON] ?? [] {
      if let k = m["key"] as? String, let v = Self.double(m["value"]) { metrics[k] = v }
    }
    var inputs: [DatasetInput] = []
    for item in (json?["inputs"] as? JSON)?["dataset_inputs"] as? [JSON] ?? [] {
      guard let d = item["dataset"] as? JSON else { continue }
      let tags = Self.pairs(item["tags"]).sorted { $0.key < $1.key }.map { KeyValue($0.key, $0.value) }
      let schema = d["schema"] as? String
      inputs.append(
        DatasetInput(
          name: d["name"] as? String ?? "", digest: d["digest"] as? String ?? "",
          sourceType: d["source_type"] as? String ?? "", source: d["source"] as? String ?? "",
          profile: d["profile"] as? String, schema: schema?.isEmpty == true ? nil : schema, tags: tags))
    }
    return Run(info: info, params: Self.pairs(data["params"]), metrics: metrics, tags: Self.pairs(data["tags"]), inputs: inputs)
  }

  private func modelVersion(from json: JSON?) throws -> ModelVersion {
    guard let json, let name = json["name"] as? String, let version = Self.int64(json["version"]) else {
      throw TrackingError.badResponse(url: configuration.baseURL.absoluteString, reason: "model version without name/version")
    }
    return ModelVersion(
      name: name, version: Int(version), runId: json["run_id"] as? String ?? "", source: json["source"] as? String ?? "",
      status: json["status"] as? String ?? "READY", description: json["description"] as? String ?? "",
      creationTimestamp: Self.int64(json["creation_timestamp"]) ?? 0, tags: Self.pairs(json["tags"]),
      aliases: (json["aliases"] as? [String] ?? []).sorted())
  }

  // MARK: - Experiments

  public func findExperiment(named name: String) throws -> Experiment? {
    do {
      let json = try call("GET", "experiments/get-by-name", query: [("experiment_name", name)])
      let e = try experiment(from: json["experiment"] as? JSON)
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

  public func experiment(named name: String) throws -> Experiment {
    try KeyValidation.validateExperimentName(name)
    if let e = try findExperiment(named: name) { return e }
    do {
      _ = try call("POST", "experiments/create", body: ["name": name])
    } catch let error where Self.isAlreadyExists(error) {}
    guard let e = try findExperiment(named: name) else {
      throw TrackingError.notFound(what: "experiment \"\(name)\" after creating it", hint: "check the server logs")
    }
    return e
  }

  // MARK: - Runs

  public func createRun(_ creation: RunCreation) throws -> RunInfo {
    var tags = creation.tags
    if !tags.contains(where: { $0.key == SystemTags.user }) { tags.append(KeyValue(SystemTags.user, creation.userId)) }
    if !tags.contains(where: { $0.key == SystemTags.sourceType }) { tags.append(KeyValue(SystemTags.sourceType, "LOCAL")) }
    if let parent = creation.parentRunId { tags.append(KeyValue(SystemTags.parentRunId, parent)) }
    try KeyValidation.validateBatch(params: [], metrics: [], tags: tags)
    let json = try call(
      "POST", "runs/create",
      body: [
        "experiment_id": creation.experimentId, "user_id": creation.userId, "run_name": creation.runName,
        "start_time": NSNumber(value: creation.startTime ?? clock()), "tags": Self.jsonPairs(tags),
      ])
    return try runInfo(from: (json["run"] as? JSON)?["info"] as? JSON)
  }

  public func logBatch(runId: String, params: [KeyValue], metrics: [MetricPoint], tags: [KeyValue]) throws {
    try KeyValidation.validateBatch(params: params, metrics: metrics, tags: tags)
    for chunk in chunker.chunks(params: params, metrics: metrics, tags: tags) {
      let metricJSON: [JSON] = chunk.metrics.map {
        ["key": $0.key, "value": Self.jsonNumber($0.value), "timestamp": NSNumber(value: $0.timestamp), "step": NSNumber(value: $0.step)]
      }
      var body: JSON = ["run_id": runId]
      if !chunk.params.isEmpty { body["params"] = Self.jsonPairs(chunk.params) }
      if !chunk.tags.isEmpty { body["tags"] = Self.jsonPairs(chunk.tags) }
      if !metricJSON.isEmpty { body["metrics"] = metricJSON }
      do {
        _ = try call("POST", "runs/log-batch", body: body)
      } catch TrackingError.server(_, _, _, let message) where message.contains("Changing param values is not allowed") {
        throw TrackingError.paramConflict(runId: runId, key: "(see server message)", existing: "", attempted: message)
      }
    }
  }

  public func logInputs(runId: String, datasets: [DatasetInput]) throws {
    guard !datasets.isEmpty else { return }
    let items: [JSON] = datasets.map { d in
      var dataset: JSON = ["name": d.name, "digest": d.digest, "source_type": d.sourceType, "source": d.source]
      if let p = d.profile { dataset["profile"] = p }
      if let s = d.schema { dataset["schema"] = s }
      return ["tags": Self.jsonPairs(d.tags), "dataset": dataset]
    }
    _ = try call("POST", "runs/log-inputs", body: ["run_id": runId, "datasets": items])
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

  public func logArtifact(runId: String, localURL: URL, artifactPath: String?) throws {
    if let artifactPath { try KeyValidation.validateArtifactPath(artifactPath) }
    let info = try getRun(runId: runId).info
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
      let response = try send(
        HTTPRequest(method: "PUT", url: endpointURL, headers: ["Content-Type": "application/octet-stream"], body: data))
      guard (200..<300).contains(response.status) else { throw serverError(response, url: endpointURL) }
    }
  }

  public func readArtifact(runId: String, path: String) throws -> Data {
    try KeyValidation.validateArtifactPath(path)
    let info = try getRun(runId: runId).info
    guard let prefix = Self.proxyPath(artifactURI: info.artifactURI) else {
      throw TrackingError.invalidInput(
        what: "run artifact URI", value: info.artifactURI,
        rule: "the server does not proxy artifacts for this experiment; start `mlflow server` with --artifacts-destination DIR")
    }
    let url = try endpoint("/api/2.0/mlflow-artifacts/artifacts/" + Self.encodeSegments(prefix + "/" + path))
    let response = try send(HTTPRequest(method: "GET", url: url))
    guard (200..<300).contains(response.status) else {
      if response.status == 404 {
        throw TrackingError.notFound(what: "artifact \(path) of run \(runId)", hint: "list the run's artifacts (is it a model run?)")
      }
      throw serverError(response, url: url)
    }
    return response.body
  }

  public func setTerminated(runId: String, status: RunStatus, endTime: Int64?) throws {
    var body: JSON = ["run_id": runId, "status": status.rawValue]
    if status.isTerminal { body["end_time"] = NSNumber(value: endTime ?? clock()) }
    _ = try call("POST", "runs/update", body: body)
  }

  public func deleteRun(runId: String) throws { _ = try call("POST", "runs/delete", body: ["run_id": runId]) }

  public func getRun(runId: String) throws -> Run {
    do {
      return try run(from: try call("GET", "runs/get", query: [("run_id", runId)])["run"] as? JSON)
    } catch let error where Self.isNotFound(error) {
      throw TrackingError.notFound(what: "run \(runId) on \(configuration.baseURL.absoluteString)", hint: "check the run id")
    }
  }

  private func search(experimentId: String, filter: String?) throws -> [Run] {
    var runs: [Run] = []
    var token: String?
    repeat {
      var body: JSON = [
        "experiment_ids": [experimentId], "max_results": 1000, "run_view_type": "ACTIVE_ONLY",
        "order_by": ["attributes.start_time DESC"],
      ]
      if let filter { body["filter"] = filter }
      if let token { body["page_token"] = token }
      let json = try call("POST", "runs/search", body: body)
      for r in json["runs"] as? [JSON] ?? [] { runs.append(try run(from: r)) }
      token = json["next_page_token"] as? String
    } while token?.isEmpty == false
    return runs
  }

  public func searchRuns(experimentId: String) throws -> [Run] { try search(experimentId: experimentId, filter: nil) }

  public func findRuns(experimentId: String, tag key: String, value: String) throws -> [Run] {
    if value.contains("'") || key.contains("`") {
      return try searchRuns(experimentId: experimentId).filter { $0.tags[key] == value }
    }
    return try search(experimentId: experimentId, filter: "tags.`\(key)` = '\(value)'")
  }

  public func metricHistory(runId: String, key: String) throws -> [MetricPoint] {
    var points: [MetricPoint] = []
    var token: String?
    repeat {
      var query = [("run_id", runId), ("metric_key", key), ("max_results", "25000")]
      if let token { query.append(("page_token", token)) }
      let json = try call("GET", "metrics/get-history", query: query)
      for m in json["metrics"] as? [JSON] ?? [] {
        points.append(
          MetricPoint(
            key: key, value: Self.double(m["value"]) ?? .nan, timestamp: Self.int64(m["timestamp"]) ?? 0,
            step: Self.int64(m["step"]) ?? 0))
      }
      token = json["next_page_token"] as? String
    } while token?.isEmpty == false
    return points
  }

  public func listArtifacts(runId: String, path: String?) throws -> [ArtifactEntry] {
    var query = [("run_id", runId)]
    if let path { query.append(("path", path)) }
    let json = try call("GET", "artifacts/list", query: query)
    return (json["files"] as? [JSON] ?? []).compactMap { f in
      guard let p = f["path"] as? String else { return nil }
      return ArtifactEntry(path: p, isDirectory: f["is_dir"] as? Bool ?? false, fileSize: Self.int64(f["file_size"]))
    }.sorted { $0.path < $1.path }
  }

  // MARK: - Registry

  public func findRegisteredModel(named name: String) throws -> RegisteredModel? {
    try KeyValidation.validateModelName(name)
    do {
      let json = try call("GET", "registered-models/get", query: [("name", name)])
      guard let m = json["registered_model"] as? JSON else {
        throw TrackingError.badResponse(url: configuration.baseURL.absoluteString, reason: "no registered_model")
      }
      var aliases: [String: Int] = [:]
      for a in m["aliases"] as? [JSON] ?? [] {
        if let alias = a["alias"] as? String, let v = Self.int64(a["version"]) { aliases[alias] = Int(v) }
      }
      return RegisteredModel(
        name: m["name"] as? String ?? name, description: m["description"] as? String ?? "", tags: Self.pairs(m["tags"]),
        aliases: aliases)
    } catch let error where Self.isNotFound(error) {
      return nil
    }
  }

  public func registeredModelNames() throws -> [String] {
    var names: [String] = []
    var token: String?
    repeat {
      var query = [("max_results", "1000")]
      if let token { query.append(("page_token", token)) }
      let json = try call("GET", "registered-models/search", query: query)
      for m in json["registered_models"] as? [JSON] ?? [] { if let n = m["name"] as? String { names.append(n) } }
      token = json["next_page_token"] as? String
    } while token?.isEmpty == false
    return names.sorted()
  }

  public func registeredModel(named name: String) throws -> RegisteredModel {
    if let m = try findRegisteredModel(named: name) { return m }
    do {
      _ = try call("POST", "registered-models/create", body: ["name": name])
    } catch let error where Self.isAlreadyExists(error) {}
    guard let m = try findRegisteredModel(named: name) else {
      throw TrackingError.notFound(what: "registered model \"\(name)\" after creating it", hint: "check the server logs")
    }
    return m
  }

  public func setRegisteredModelTag(name: String, key: String, value: String) throws {
    try KeyValidation.validateKey(key, kind: "registered model tag")
    _ = try call("POST", "registered-models/set-tag", body: ["name": name, "key": key, "value": value])
  }

  public func createModelVersion(
    name: String, runId: String, artifactPath: String, tags: [KeyValue], description: String
  ) throws -> ModelVersion {
    try KeyValidation.validateArtifactPath(artifactPath)
    _ = try registeredModel(named: name)
    let json = try call(
      "POST", "model-versions/create",
      body: [
        "name": name, "source": "runs:/\(runId)/\(artifactPath)", "run_id": runId, "description": description,
        "tags": Self.jsonPairs(tags),
      ])
    var version = try modelVersion(from: json["model_version"] as? JSON)
    var polls = 0
    while version.status == "PENDING_REGISTRATION" && polls < 60 {
      sleep(0.5)
      polls += 1
      version = try modelVersion(name: name, version: version.version)
    }
    return version
  }

  public func modelVersion(name: String, version: Int) throws -> ModelVersion {
    do {
      let json = try call("GET", "model-versions/get", query: [("name", name), ("version", String(version))])
      return try modelVersion(from: json["model_version"] as? JSON)
    } catch let error where Self.isNotFound(error) {
      throw TrackingError.notFound(what: "version \(version) of model \"\(name)\"", hint: "list versions with modelVersions(name:)")
    }
  }

  public func modelVersions(name: String) throws -> [ModelVersion] {
    try KeyValidation.validateModelName(name)
    let quoted = name.contains("'") ? "\"\(name)\"" : "'\(name)'"
    var versions: [ModelVersion] = []
    var token: String?
    repeat {
      var query = [("filter", "name=\(quoted)"), ("max_results", "10000")]
      if let token { query.append(("page_token", token)) }
      let json = try call("GET", "model-versions/search", query: query)
      for v in json["model_versions"] as? [JSON] ?? [] { versions.append(try modelVersion(from: v)) }
      token = json["next_page_token"] as? String
    } while token?.isEmpty == false
    // The search answer omits aliases on some versions: fill them from the registered model.
    let aliases = try findRegisteredModel(named: name)?.aliases ?? [:]
    return versions.map { v in
      var v = v
      v.aliases = aliases.filter { $0.value == v.version }.map(\.key).sorted()
      return v
    }.sorted { $0.version < $1.version }
  }

  public func setModelVersionTag(name: String, version: Int, key: String, value: String) throws {
    try KeyValidation.validateKey(key, kind: "model version tag")
    _ = try call(
      "POST", "model-versions/set-tag", body: ["name": name, "version": String(version), "key": key, "value": value])
  }

  public func setAlias(name: String, alias: String, version: Int) throws {
    try KeyValidation.validateAlias(alias)
    _ = try call("POST", "registered-models/alias", body: ["name": name, "alias": alias, "version": String(version)])
  }

  public func deleteAlias(name: String, alias: String) throws {
    try KeyValidation.validateAlias(alias)
    do {
      _ = try call("DELETE", "registered-models/alias", body: ["name": name, "alias": alias])
    } catch let error where Self.isNotFound(error) {}
  }

  public func modelVersion(name: String, alias: String) throws -> ModelVersion? {
    try KeyValidation.validateAlias(alias)
    do {
      let json = try call("GET", "registered-models/alias", query: [("name", name), ("alias", alias)])
      return try modelVersion(from: json["model_version"] as? JSON)
    } catch let error where Self.isNotFound(error) {
      return nil
    }
  }
}
