#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file; unmapped when the last reference goes away.
///
/// Pages are read from disk (or the page cache) only when touched, so opening a large `.npy` file and reading a
/// few rows costs only those rows.
public final class MappedFile: @unchecked Sendable {
    /// The mapped bytes (`nil` for an empty file, which cannot be mapped).
    let base: UnsafeRawPointer?
    /// The file size in bytes.
    public let count: Int
    /// The path, for errors.
    public let path: String

    /// Maps `path` read-only.
    /// - Throws: ``DataError`` (`.notFound`, `.io`) naming the file.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError.openFailed(path, errno: errno) }
        defer { close(fd) }
        let size = try regularFileSize(fd, path: path)
        self.path = path
        count = size
        if size == 0 {
            base = nil
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else {
            throw DataError(.io, file: path, reason: "mmap failed: \(errnoText(errno))")
        }
        base = UnsafeRawPointer(p)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// Calls `body` with the mapped bytes; they stay valid only during the call.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(UnsafeRawBufferPointer(start: base, count: count)) }
    }
}
