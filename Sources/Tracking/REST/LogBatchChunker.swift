/// Splits a `runs/log-batch` payload to MLflow's server limits: at most 100 params, 100 tags, 1000 metrics and
/// 1000 items in total per request, and bodies kept under about 900 kB. Params and tags go first, then metrics,
/// preserving order (so metric history order is kept).
public struct LogBatchChunker: Sendable {
  public struct Chunk: Sendable, Equatable {
    public var params: [KeyValue] = []
    public var metrics: [MetricPoint] = []
    public var tags: [KeyValue] = []
    public var itemCount: Int { params.count + metrics.count + tags.count }
  }

  public var maxParams = 100
  public var maxTags = 100
  public var maxMetrics = 1000
  public var maxItems = 1000
  public var maxBytes = 900_000

  public init() {}

  public func chunks(params: [KeyValue], metrics: [MetricPoint], tags: [KeyValue]) -> [Chunk] {
    var out: [Chunk] = []
    var current = Chunk()
    var bytes = 0
    func flushIfNeeded(_ wouldExceed: Bool) {
      if wouldExceed && current.itemCount > 0 {
        out.append(current)
        current = Chunk()
        bytes = 0
      }
    }
    for p in params {
      let size = p.key.utf8.count + p.value.utf8.count + 32
      flushIfNeeded(current.params.count >= maxParams || current.itemCount >= maxItems || bytes + size > maxBytes)
      current.params.append(p)
      bytes += size
    }
    for t in tags {
      let size = t.key.utf8.count + t.value.utf8.count + 32
      flushIfNeeded(current.tags.count >= maxTags || current.itemCount >= maxItems || bytes + size > maxBytes)
      current.tags.append(t)
      bytes += size
    }
    for m in metrics {
      let size = m.key.utf8.count + 80
      flushIfNeeded(current.metrics.count >= maxMetrics || current.itemCount >= maxItems || bytes + size > maxBytes)
      current.metrics.append(m)
      bytes += size
    }
    if current.itemCount > 0 { out.append(current) }
    return out
  }
}
