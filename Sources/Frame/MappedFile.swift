#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a regular file (nil for an empty or non-mappable file: the caller reads it instead).
struct MappedFile {
  let base: UnsafeMutableRawPointer
  let count: Int

  init?(path: String) throws(ReadError) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      throw ReadError(source: path, message: "cannot open file: \(String(cString: strerror(errno)))",
                      hint: "check the path and permissions")
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
    let size = Int(st.st_size)
    guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
    _ = madvise(p, size, MADV_SEQUENTIAL)
    base = p
    count = size
  }

  var buffer: UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
  }

  func unmap() { _ = munmap(base, count) }
}

