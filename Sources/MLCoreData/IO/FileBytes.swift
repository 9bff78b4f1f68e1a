#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file in memory, followed by ``padding`` zero bytes.
///
/// Parsers scan bytes without a bounds check per byte: a number or a field always ends at a byte that cannot
/// continue it, and the zero padding guarantees one exists before the end of the allocation.
final class FileBytes: @unchecked Sendable {
    /// Zero bytes after the content (at least one; enough for any look-ahead of the parsers).
    static let padding = 64

    let base: UnsafeMutablePointer<UInt8>
    let count: Int
    /// The file name used in errors.
    let file: String

    /// Reads `path` completely.
    /// - Throws: ``DataError`` (`.notFound`, `.io`) naming the file.
    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError.openFailed(path, errno: errno) }
        defer { close(fd) }
        let size = try regularFileSize(fd, path: path)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: size + Self.padding)
        do {
            count = try readFully(fd, into: base, count: size, file: path)
        } catch {
            base.deallocate()
            throw error
        }
        file = path
        (base + count).initialize(repeating: 0, count: size + Self.padding - count)
    }

    /// Copies `bytes` (for parsing in-memory text).
    init(copying bytes: UnsafeRawBufferPointer, file: String) {
        count = bytes.count
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: count + Self.padding)
        if count > 0 { UnsafeMutableRawPointer(base).copyMemory(from: bytes.baseAddress!, byteCount: count) }
        (base + count).initialize(repeating: 0, count: Self.padding)
        self.file = file
    }

    deinit { base.deallocate() }

    var end: UnsafePointer<UInt8> { UnsafePointer(base + count) }
}
