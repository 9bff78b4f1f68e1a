#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file through a 1 MiB buffer, hashing the bytes (SHA-256) as they go out.
///
/// The bytes go to `<path>.partial`, renamed to `path` by ``finish()``: a build that fails or is interrupted never
/// leaves a complete-looking file whose checksum would then be wrong. Numbers are formatted straight into the
/// buffer (no `String` per cell), in one deterministic text form:
/// - integers in decimal; a ``appendFixed(_:decimals:)`` value as sign, integer part, `.`, exactly `decimals`
///   digits;
/// - a floating-point value that is integral (and below 2^53 in magnitude) as an integer (`1400`, `0`, `-3`);
///   any other finite value as Swift's `description`, the shortest decimal that reads back to the same value
///   (Swift's own algorithm, identical on every platform); NaN as an empty cell (missing).
///
/// Not thread-safe: one writer per file.
public final class BufferedFileWriter {
    public let path: String
    private let fd: Int32
    private let capacity = 1 << 20
    private let buffer: UnsafeMutablePointer<UInt8>
    private var used = 0
    private var hasher = SHA256()
    private var finished = false

    /// Creates (or truncates) `<path>.partial`, creating missing parent directories.
    /// - Throws: ``DataError`` `.io` naming the file.
    public init(path: String) throws {
        self.path = path
        try Self.makeParentDirectories(of: path)
        let fd = open(path + ".partial", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DataError(.io, file: path, reason: "cannot create: \(errnoText(errno))") }
        self.fd = fd
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        if !finished {
            close(fd)
            unlink(path + ".partial")
        }
        buffer.deallocate()
    }

    /// Bytes written so far.
    public private(set) var byteCount = 0

    /// Flushes, closes and renames the file into place.
    /// - Returns: the file's size and SHA-256 (hex).
    /// - Throws: ``DataError`` `.io` when a write, close or rename fails.
    @discardableResult
    public func finish() throws -> (bytes: Int, sha256: String) {
        try flush()
        finished = true
        guard close(fd) == 0 else { throw DataError(.io, file: path, reason: "close failed: \(errnoText(errno))") }
        guard rename(path + ".partial", path) == 0 else {
            throw DataError(.io, file: path, reason: "rename failed: \(errnoText(errno))")
        }
        return (byteCount, hasher.hexDigest())
    }

    private func flush() throws {
        guard used > 0 else { return }
        hasher.update(UnsafeRawBufferPointer(start: buffer, count: used))
        var done = 0
        while done < used {
            let n = write(fd, buffer + done, used - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(.io, file: path, position: "byte \(byteCount + done)", reason: "write failed: \(errnoText(errno))")
            }
            done += n
        }
        byteCount += used
        used = 0
    }

    /// Makes room for `n` more bytes (`n` at most the buffer size) and returns where they go.
    @inline(__always)
    private func reserve(_ n: Int) throws -> UnsafeMutablePointer<UInt8> {
        if used + n > capacity { try flush() }
        return buffer + used
    }

    @inline(__always)
    public func append(byte: UInt8) throws {
        let p = try reserve(1)
        p.pointee = byte
        used += 1
    }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while !rest.isEmpty {
            let n = Swift.min(rest.count, capacity)
            let p = try reserve(n)
            UnsafeMutableRawPointer(p).copyMemory(from: rest.baseAddress!, byteCount: n)
            used += n
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
    }

    public func append(_ text: String) throws {
        var text = text
        try text.withUTF8 { try append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends an integer in decimal.
    @inline(__always)
    public func append(_ value: Int64) throws {
        let p = try reserve(20)
        used += writeDecimal(value, to: p)
    }

    /// Appends `scaled / 10^decimals` with exactly `decimals` digits after the point (`decimals` in 1...18):
    /// `appendFixed(-12345, decimals: 4)` writes `-1.2345`, `appendFixed(5, decimals: 4)` writes `0.0005`.
    @inline(__always)
    public func appendFixed(_ scaled: Int64, decimals: Int) throws {
        let p = try reserve(22)
        var q = p
        var m = scaled.magnitude
        if scaled < 0 {
            q.pointee = UInt8(ascii: "-")
            q += 1
        }
        var unit: UInt64 = 1
        for _ in 0..<decimals { unit &*= 10 }
        let whole = m / unit
        m -= whole * unit
        q += writeDecimal(whole, to: q)
        q.pointee = UInt8(ascii: ".")
        q += 1
        var i = decimals - 1
        while i >= 0 {
            q[i] = UInt8(truncatingIfNeeded: m % 10) &+ 48
            m /= 10
            i -= 1
        }
        q += decimals
        used += q - p
    }

    /// Appends a Double in the writer's deterministic form (see the type's documentation).
    public func append(_ value: Double) throws {
        if value.isNaN { return }
        if value == value.rounded(.towardZero) && value.magnitude < 9_007_199_254_740_992 {
            try append(Int64(value))
        } else {
            try append(value.description)
        }
    }

    /// Appends a Float in the writer's deterministic form (shortest decimal that reads back to the same Float).
    public func append(_ value: Float) throws {
        if value.isNaN { return }
        if value == value.rounded(.towardZero) && value.magnitude < 16_777_216 {
            try append(Int64(value))
        } else {
            try append(value.description)
        }
    }

    private static func makeParentDirectories(of path: String) throws {
        let components = path.split(separator: "/")
        guard components.count > 1 else { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in components.dropLast() {
            prefix += "/" + part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw DataError(.io, file: path, reason: "cannot create directory \(prefix): \(errnoText(errno))")
            }
        }
    }
}

/// Writes the decimal digits of `value` at `p`; returns how many bytes were written (at most 20).
@inline(__always)
func writeDecimal(_ value: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
    if value < 0 {
        p.pointee = UInt8(ascii: "-")
        return 1 + writeDecimal(value.magnitude, to: p + 1)
    }
    return writeDecimal(UInt64(value), to: p)
}

@inline(__always)
func writeDecimal(_ value: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
    if value < 10 {
        p.pointee = UInt8(truncatingIfNeeded: value) &+ 48
        return 1
    }
    var n = 0
    var v = value
    while v > 0 { n += 1; v /= 10 }
    v = value
    var i = n - 1
    while i >= 0 {
        p[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
        v /= 10
        i -= 1
    }
    return n
}
