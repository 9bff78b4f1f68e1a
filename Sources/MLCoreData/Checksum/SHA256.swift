#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 (FIPS 180-4) for dataset checksums, streaming: whole 64-byte blocks are compressed straight from the
/// caller's buffer, and only a partial block is kept between ``update(_:)`` calls.
///
/// ```swift
/// var h = SHA256()
/// h.update(Array("abc".utf8))
/// h.hexDigest()   // "ba7816bf..."
/// try SHA256.hex(contentsOfFile: "datasets/build/airline-nyc2013/train.csv")
/// ```
/// - Complexity: O(n); about 64 rounds of 32-bit arithmetic per 64 bytes, no allocation per block.
/// - SeeAlso: https://csrc.nist.gov/publications/detail/fips/180/4/final
public struct SHA256: Sendable {
    private var h0: UInt32 = 0x6a09e667, h1: UInt32 = 0xbb67ae85, h2: UInt32 = 0x3c6ef372, h3: UInt32 = 0xa54ff53a
    private var h4: UInt32 = 0x510e527f, h5: UInt32 = 0x9b05688c, h6: UInt32 = 0x1f83d9ab, h7: UInt32 = 0x5be0cd19
    /// Bytes of an incomplete block, waiting for more input (fewer than 64).
    private var pending: [UInt8] = []
    /// Total bytes hashed so far.
    public private(set) var byteCount: UInt64 = 0

    public init() {}

    /// Hashes more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress, bytes.count > 0 else { return }
        var count = bytes.count
        byteCount &+= UInt64(count)
        if !pending.isEmpty {
            let take = Swift.min(64 - pending.count, count)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            base += take
            count -= take
            if pending.count < 64 { return }
            pending.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
            pending.removeAll(keepingCapacity: true)
        }
        let blocks = count / 64
        if blocks > 0 { compress(base, blocks: blocks) }
        let rest = count - blocks * 64
        if rest > 0 { pending.append(contentsOf: UnsafeRawBufferPointer(start: base + blocks * 64, count: rest)) }
    }

    /// Hashes more bytes.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Hashes more bytes (any sequence; arrays and buffers take the faster overloads).
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        update(Array(bytes))
    }

    /// The 32-byte digest of everything hashed so far (the hasher itself is left unchanged).
    public func finalize() -> [UInt8] {
        var copy = self
        let bitLength = byteCount &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        tail.withUnsafeBytes { copy.compress($0.baseAddress!, blocks: $0.count / 64) }
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [copy.h0, copy.h1, copy.h2, copy.h3, copy.h4, copy.h5, copy.h6, copy.h7] {
            out.append(UInt8(truncatingIfNeeded: word >> 24))
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 8))
            out.append(UInt8(truncatingIfNeeded: word))
        }
        return out
    }

    /// The digest as 64 lowercase hex digits, as `sha256sum` prints it.
    public func hexDigest() -> String { Self.hexString(finalize()) }

    /// The hex digest of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        var h = SHA256()
        h.update(bytes)
        return h.hexDigest()
    }

    /// The hex digest of a file, read in 1 MiB pieces (constant memory for any size).
    /// - Throws: ``DataError`` (`.notFound` or `.io`) naming the file.
    public static func hex(contentsOfFile path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError.openFailed(path, errno: errno) }
        defer { close(fd) }
        var h = SHA256()
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(.io, file: path, position: "byte \(h.byteCount)", reason: "read failed: \(errnoText(errno))")
            }
            if n == 0 { break }
            h.update(UnsafeRawBufferPointer(start: buffer, count: n))
        }
        return h.hexDigest()
    }

    static func hexString(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(digest.count * 2)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compresses `blocks` whole 64-byte blocks starting at `p` into the state.
    private mutating func compress(_ p: UnsafeRawPointer, blocks: Int) {
        var (a0, b0, c0, d0, e0, f0, g0, hh0) = (h0, h1, h2, h3, h4, h5, h6, h7)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            SHA256.roundConstants.withUnsafeBufferPointer { k in
                for block in 0..<blocks {
                    let base = p + block * 64
                    for i in 0..<16 {
                        w[i] = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                    }
                    for i in 16..<64 {
                        let x = w[i &- 15], y = w[i &- 2]
                        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)
                        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10)
                        w[i] = w[i &- 16] &+ s0 &+ w[i &- 7] &+ s1
                    }
                    var (a, b, c, d, e, f, g, h) = (a0, b0, c0, d0, e0, f0, g0, hh0)
                    // Eight rounds per iteration with the variables renamed instead of shifted.
                    var i = 0
                    while i < 64 {
                        sha256Round(a, b, c, &d, e, f, g, &h, k[i] &+ w[i])
                        sha256Round(h, a, b, &c, d, e, f, &g, k[i &+ 1] &+ w[i &+ 1])
                        sha256Round(g, h, a, &b, c, d, e, &f, k[i &+ 2] &+ w[i &+ 2])
                        sha256Round(f, g, h, &a, b, c, d, &e, k[i &+ 3] &+ w[i &+ 3])
                        sha256Round(e, f, g, &h, a, b, c, &d, k[i &+ 4] &+ w[i &+ 4])
                        sha256Round(d, e, f, &g, h, a, b, &c, k[i &+ 5] &+ w[i &+ 5])
                        sha256Round(c, d, e, &f, g, h, a, &b, k[i &+ 6] &+ w[i &+ 6])
                        sha256Round(b, c, d, &e, f, g, h, &a, k[i &+ 7] &+ w[i &+ 7])
                        i &+= 8
                    }
                    a0 &+= a; b0 &+= b; c0 &+= c; d0 &+= d
                    e0 &+= e; f0 &+= f; g0 &+= g; hh0 &+= h
                }
            }
        }
        (h0, h1, h2, h3, h4, h5, h6, h7) = (a0, b0, c0, d0, e0, f0, g0, hh0)
    }

    private static let roundConstants: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
}

/// One SHA-256 round on the working variables (a ... h); `kw` is the round constant plus the schedule word.
/// Writes the new `e` into `d` and the new `a` into `h`, so callers rotate names instead of values.
@inline(__always)
private func sha256Round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                         _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32) {
    let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ kw
    let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
    d = d &+ t1
    h = t1 &+ t2
}

@inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 &- n)) }
