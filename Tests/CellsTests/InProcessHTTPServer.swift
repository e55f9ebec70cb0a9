import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real HTTP/1.1 server on 127.0.0.1 inside the test process: a listening socket on a port the OS picks and one
/// thread of its own (never the cooperative pool) that answers each request from a fixed table of paths, one
/// request per connection (`Connection: close`); unknown paths get 404. It records the paths it was asked for.
/// Call ``stop()`` when done (the serving thread holds the server).
final class InProcessHTTPServer: Sendable {
  struct Response: Sendable {
    var status: Int
    var body: [UInt8]
    init(_ body: String, status: Int = 200) {
      self.status = status
      self.body = Array(body.utf8)
    }
  }

  let port: Int
  private let listener: Int32
  private let routes: [String: Response]
  private let requested = Mutex<[String]>([])

  init(routes: [String: Response]) throws {
    self.routes = routes
    #if canImport(Glibc)
    let stream = Int32(SOCK_STREAM.rawValue)
    #else
    let stream = SOCK_STREAM
    #endif
    let fd = socket(AF_INET, stream, 0)
    guard fd >= 0 else { throw MissingResource("socket(): \(String(cString: strerror(errno)))") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0  // a free port
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
        bind(fd, socketAddress, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, socketAddress, &length) == 0
      }
    }
    guard bound else {
      let reason = String(cString: strerror(errno))
      close(fd)
      throw MissingResource("cannot listen on 127.0.0.1: \(reason)")
    }
    listener = fd
    port = Int(UInt16(bigEndian: address.sin_port))
    let thread = Thread { [self] in serve() }
    thread.start()
  }

  /// `http://127.0.0.1:<port><path>`.
  func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

  /// The paths requested so far, in order.
  var requests: [String] { requested.withLock { $0 } }

  /// Stops accepting: the serving thread's `accept` fails, and the thread closes the socket and ends (closing it
  /// here could let the thread's next `accept` meet a reused descriptor number).
  func stop() {
    shutdown(listener, Int32(SHUT_RDWR))
  }

  private func serve() {
    while true {
      let client = accept(listener, nil, nil)
      if client < 0 {
        if errno == EINTR { continue }
        close(listener)  // stopped
        return
      }
      var timeout = timeval(tv_sec: 10, tv_usec: 0)  // a silent client cannot hold the thread forever
      setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
      answer(client)
      close(client)
    }
  }

  private func answer(_ client: Int32) {
    var request: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    let end: [UInt8] = Array("\r\n\r\n".utf8)
    while request.count < 65_536, !request.ends(with: end) {
      let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
      guard n > 0 else { break }
      request += buffer[0..<n]
      if request.firstRange(of: end) != nil { break }
    }
    let firstLine = String(decoding: request.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
    let parts = firstLine.split(separator: " ")
    let path = parts.count >= 2 ? String(parts[1]) : ""
    requested.withLock { $0.append(path) }
    let response = routes[path] ?? Response("no such path", status: 404)
    let head = "HTTP/1.1 \(response.status) \(response.status == 200 ? "OK" : "Status")\r\n"
      + "Content-Length: \(response.body.count)\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
    let bytes = Array(head.utf8) + response.body
    var sent = 0
    while sent < bytes.count {
      #if canImport(Glibc)
      let flags = Int32(MSG_NOSIGNAL)
      #else
      let flags: Int32 = 0
      #endif
      let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, flags) }
      guard n > 0 else { return }
      sent += n
    }
  }
}

extension Array where Element == UInt8 {
  fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
