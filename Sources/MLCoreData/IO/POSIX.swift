#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's text for an `errno` value ("No such file or directory").
func errnoText(_ code: Int32) -> String {
    guard let s = strerror(code) else { return "error \(code)" }
    return String(cString: s)
}

extension DataError {
    /// The error for a failed `open(2)`: `.notFound` for a missing file, `.io` otherwise.
    static func openFailed(_ path: String, errno code: Int32) -> DataError {
        if code == ENOENT { return DataError(.notFound, file: path, reason: "no such file") }
        return DataError(.io, file: path, reason: "cannot open: \(errnoText(code))")
    }
}

/// Reads exactly `count` bytes (fewer only at end of file); retries on `EINTR` and short reads.
func readFully(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, file: String) throws -> Int {
    var done = 0
    while done < count {
        let n = read(fd, buffer + done, Swift.min(count - done, 1 << 30))
        if n < 0 {
            if errno == EINTR { continue }
            throw DataError(.io, file: file, position: "byte \(done)", reason: "read failed: \(errnoText(errno))")
        }
        if n == 0 { break }
        done += n
    }
    return done
}

/// The size of a regular file, or a `.notFound` / `.io` error (a directory is refused too).
func regularFileSize(_ fd: Int32, path: String) throws -> Int {
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw DataError(.io, file: path, reason: "cannot stat: \(errnoText(errno))") }
    guard (st.st_mode & S_IFMT) == S_IFREG else { throw DataError(.io, file: path, reason: "not a regular file") }
    return Int(st.st_size)
}
