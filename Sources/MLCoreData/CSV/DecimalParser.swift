#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Decimal text to Float / Double, correctly rounded (round to nearest, ties to even).
//
// The fast path is Clinger's: a decimal with at most 19 digits is an integer mantissa `m` and a power of ten `e`;
// when `m <= 2^53` and `|e| <= 22`, both `Double(m)` and `10^|e|` are exact, so one IEEE multiplication or
// division gives the correctly rounded Double. A Float is then `Float(double)`, which is correctly rounded too
// unless the Double landed exactly on a midpoint between two Floats (its low 29 significand bits are 1 followed
// by 28 zeros): only then could the exact value have been on the other side of the midpoint, so only then do we
// ask `strtof`. Every other input (more digits, larger exponents, `inf`, `nan`, spaces, quotes) takes the slow
// path, `strtof` / `strtod` on a NUL-terminated copy, which is correctly rounded in glibc.
// Reference: W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990.

/// A decimal number split into sign, integer mantissa (at most 19 digits) and power of ten.
struct DecimalScan {
    var negative: Bool
    var mantissa: UInt64
    var exponent: Int
    /// The first byte after the number.
    var end: UnsafePointer<UInt8>
}

/// Exact powers of ten as Doubles (10^0 ... 10^22 are all representable).
@usableFromInline let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
]

/// Doubles nearest to 10^-k, k = 0 ... 22 (not exact for k > 0; see `fastFloat`).
@usableFromInline let nearestInversePowersOfTen: [Double] = [
    1e-0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16,
    1e-17, 1e-18, 1e-19, 1e-20, 1e-21, 1e-22,
]

/// Scans `[+-]digits[.digits][(e|E)[+-]digits]` at `p`. `nil` when there is no digit, more than 19 digits, or an
/// `e` without exponent digits. The bytes after the number must include one that cannot continue it (the CSV
/// buffers are NUL-padded).
@inline(__always)
func scanDecimal(_ start: UnsafePointer<UInt8>) -> DecimalScan? {
    var p = start
    var negative = false
    if p[0] == UInt8(ascii: "-") {
        negative = true
        p += 1
    } else if p[0] == UInt8(ascii: "+") {
        p += 1
    }
    var m: UInt64 = 0
    let integerStart = p
    while true {
        let d = p[0] &- 48
        if d > 9 { break }
        m = m &* 10 &+ UInt64(d)
        p += 1
    }
    var digits = p - integerStart
    var exponent = 0
    if p[0] == UInt8(ascii: ".") {
        p += 1
        let fractionStart = p
        while true {
            let d = p[0] &- 48
            if d > 9 { break }
            m = m &* 10 &+ UInt64(d)
            p += 1
        }
        let f = p - fractionStart
        digits += f
        exponent = -f
    }
    if digits == 0 || digits > 19 { return nil }
    if p[0] | 0x20 == UInt8(ascii: "e") {
        var q = p + 1
        var negativeExponent = false
        if q[0] == UInt8(ascii: "-") {
            negativeExponent = true
            q += 1
        } else if q[0] == UInt8(ascii: "+") {
            q += 1
        }
        let exponentStart = q
        var e = 0
        while true {
            let d = q[0] &- 48
            if d > 9 { break }
            if e < 100_000 { e = e &* 10 &+ Int(d) }
            q += 1
        }
        if q == exponentStart { return nil }
        exponent += negativeExponent ? -e : e
        p = q
    }
    return DecimalScan(negative: negative, mantissa: m, exponent: exponent, end: p)
}

extension DecimalScan {
    /// The correctly rounded Float, or `nil` when the fast path cannot guarantee it.
    ///
    /// A negative exponent multiplies by the Double nearest to 10^-k instead of dividing by 10^k (a division costs
    /// about four multiplications): the product is within 2 Double ulps of the exact value (two roundings of
    /// relative size 2^-53), so its Float rounding is the exact value's unless a Float midpoint lies within those
    /// 2 ulps, that is, unless the low 29 significand bits are within 2 of `0x10000000`; then we divide exactly.
    @inline(__always)
    var fastFloat: Float? {
        let m = mantissa
        var v: Float
        if exponent == 0 && m <= 1 << 24 {
            v = Float(m)
        } else if m <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            if exponent >= 0 {
                let d = Double(m) * exactPowersOfTen[exponent]
                if d.bitPattern & 0x1FFF_FFFF == 0x1000_0000 { return nil }
                v = Float(d)
            } else {
                let d = Double(m) * nearestInversePowersOfTen[-exponent]
                let low = d.bitPattern & 0x1FFF_FFFF
                if low &- (0x1000_0000 - 2) <= 4 {
                    let exact = Double(m) / exactPowersOfTen[-exponent]
                    if exact.bitPattern & 0x1FFF_FFFF == 0x1000_0000 { return nil }
                    v = Float(exact)
                } else {
                    v = Float(d)
                }
            }
        } else {
            return nil
        }
        return negative ? -v : v
    }

    /// The correctly rounded Double, or `nil` when the fast path cannot guarantee it.
    @inline(__always)
    var fastDouble: Double? {
        let m = mantissa
        guard m <= 1 << 53 && exponent >= -22 && exponent <= 22 else { return nil }
        let d = exponent >= 0 ? Double(m) * exactPowersOfTen[exponent] : Double(m) / exactPowersOfTen[-exponent]
        return negative ? -d : d
    }
}

/// What a cell holds once spaces are trimmed: a number, a missing value, or something else.
enum CellValue<T> {
    case number(T)
    case missing
    case notANumber
}

/// Whether `s` (already trimmed) is one of the missing-value markers.
func isMissingMarker(_ s: UnsafeBufferPointer<UInt8>, _ markers: [[UInt8]]) -> Bool {
    if s.isEmpty { return true }
    for marker in markers where marker.count == s.count {
        if marker.withUnsafeBufferPointer({ memcmp($0.baseAddress!, s.baseAddress!, s.count) == 0 }) { return true }
    }
    return false
}

/// Parses one cell in full generality: surrounding spaces, tabs and line breaks (inside quotes), missing-value markers, `inf`/`nan`, any number
/// of digits. Hexadecimal floats and `nan(...)`, which `strtof` would accept, are refused.
func parseCell<T: BinaryFloatingPoint>(_ cell: UnsafeBufferPointer<UInt8>, as: T.Type, missing: [[UInt8]]) -> CellValue<T> {
    var lo = 0, hi = cell.count
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
    while lo < hi && isSpace(cell[lo]) { lo += 1 }
    while hi > lo && isSpace(cell[hi - 1]) { hi -= 1 }
    let s = UnsafeBufferPointer(rebasing: cell[lo..<hi])
    if isMissingMarker(s, missing) { return .missing }
    for b in s where b == UInt8(ascii: "x") || b == UInt8(ascii: "X") || b == UInt8(ascii: "(") || b == 0 {
        return .notANumber
    }
    // Short cells (the usual case) are copied to the stack; a NUL ends the number for the scanner and strtod.
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: s.count + 1) { tmp -> CellValue<T> in
        _ = tmp.initialize(from: s)
        tmp[s.count] = 0
        let p = UnsafePointer(tmp.baseAddress!)
        if let scan = scanDecimal(p), scan.end == p + s.count {
            if T.self == Float.self, let v = scan.fastFloat { return .number(T(v)) }
            if T.self == Double.self, let v = scan.fastDouble { return .number(T(v)) }
        }
        var end: UnsafeMutablePointer<CChar>? = nil
        let cString = UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)
        let v: T
        if T.self == Float.self {
            v = T(strtof(cString, &end))
        } else {
            v = T(strtod(cString, &end))
        }
        guard let end, UnsafeRawPointer(end) == UnsafeRawPointer(p + s.count), s.count > 0 else { return .notANumber }
        return .number(v)
    }
}
