import CZlib

/// gzip / zlib decompression through the system zlib.
public enum Gzip {
  /// True when `bytes` start with the gzip magic number 1f 8b.
  public static func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
  }

  /// Inflates a whole gzip file (concatenated members are joined, as `gzip -d` does).
  /// Throws ``ReadError`` naming `source` on a corrupt or truncated stream, or when the output would exceed
  /// `limits.maximumBytes` (a gzip bomb stops there instead of exhausting memory).
  public static func inflate(_ input: [UInt8], source: String, limits: ReadLimits = ReadLimits()) throws(ReadError) -> [UInt8] {
    var output = [UInt8]()
    output.reserveCapacity(min(limits.maximumBytes, max(1 << 16, input.count * 4)))
    var stream = z_stream()
    var status = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else { throw ReadError(source: source, message: "zlib could not start (code \(status))") }
    defer { inflateEnd(&stream) }
    let chunk = 1 << 18
    var buffer = [UInt8](repeating: 0, count: chunk)
    var failure: String? = nil
    var overLimit = false
    input.withUnsafeBufferPointer { inBuf in
      guard let inBase = inBuf.baseAddress else { failure = "empty input"; return }
      let slice = 1 << 30
      var fed = min(inBuf.count, slice)  // bytes handed to zlib so far (avail_in is 32-bit)
      stream.next_in = UnsafeMutablePointer(mutating: inBase)
      stream.avail_in = UInt32(fed)
      while true {
        if stream.avail_in == 0 && fed < inBuf.count {
          let more = min(inBuf.count - fed, slice)
          stream.next_in = UnsafeMutablePointer(mutating: inBase + fed)
          stream.avail_in = UInt32(more)
          fed += more
        }
        let produced: Int = buffer.withUnsafeMutableBufferPointer { out in
          stream.next_out = out.baseAddress
          stream.avail_out = UInt32(chunk)
          status = CZlib.inflate(&stream, Z_NO_FLUSH)
          return chunk - Int(stream.avail_out)
        }
        if output.count + produced > limits.maximumBytes { overLimit = true; return }
        output.append(contentsOf: buffer[0..<produced])
        if status == Z_STREAM_END {
          // Another member may follow (skip trailing zero padding).
          var rest = Int(stream.avail_in) + (inBuf.count - fed)
          while rest > 0 {
            if stream.avail_in == 0 {
              let more = min(inBuf.count - fed, slice)
              stream.next_in = UnsafeMutablePointer(mutating: inBase + fed)
              stream.avail_in = UInt32(more)
              fed += more
            }
            if stream.next_in.pointee != 0 { break }
            stream.next_in += 1
            stream.avail_in -= 1
            rest -= 1
          }
          if rest == 0 { return }
          if inflateReset(&stream) != Z_OK { failure = "cannot restart after a gzip member"; return }
          continue
        }
        if status == Z_BUF_ERROR && stream.avail_in == 0 && fed == inBuf.count {
          failure = "truncated gzip stream (ends before the end-of-stream marker)"; return
        }
        if status != Z_OK && status != Z_BUF_ERROR {
          let detail = stream.msg.map { String(cString: $0) } ?? "code \(status)"
          failure = "corrupt gzip stream: \(detail)"; return
        }
      }
    }
    if overLimit { throw limits.tooManyBytes(source, "decompresses to") }
    if let failure {
      throw ReadError(source: source, message: failure, hint: "re-download or re-compress the file; `gzip -t` checks it")
    }
    return output
  }

  /// Compresses `input` as a single gzip member (used by tests and writers).
  public static func deflate(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
    var stream = z_stream()
    guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                        Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
    defer { deflateEnd(&stream) }
    var output = [UInt8]()
    let chunk = 1 << 16
    var buffer = [UInt8](repeating: 0, count: chunk)
    guard input.count < Int(UInt32.max) else { return [] }
    var copy = input
    copy.withUnsafeMutableBufferPointer { inBuf in
      stream.next_in = inBuf.baseAddress
      stream.avail_in = UInt32(inBuf.count)
      while true {
        var status: Int32 = 0
        let produced: Int = buffer.withUnsafeMutableBufferPointer { out in
          stream.next_out = out.baseAddress
          stream.avail_out = UInt32(chunk)
          status = CZlib.deflate(&stream, Z_FINISH)
          return chunk - Int(stream.avail_out)
        }
        output.append(contentsOf: buffer[0..<produced])
        if status == Z_STREAM_END || (status != Z_OK && status != Z_BUF_ERROR) { return }
      }
    }
    return output
  }

  /// CRC-32 (zlib polynomial) of `bytes`.
  static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard let base = bytes.baseAddress else { return 0 }
    var crc: UInt = 0
    var offset = 0
    while offset < bytes.count {
      let n = min(bytes.count - offset, 1 << 30)
      crc = CZlib.crc32(crc, base.assumingMemoryBound(to: Bytef.self) + offset, UInt32(n))
      offset += n
    }
    return UInt32(truncatingIfNeeded: crc)
  }
}
