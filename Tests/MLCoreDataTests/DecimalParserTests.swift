import MLCoreTensor
#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import MLCoreData
import Testing

/// The fast decimal parser must give exactly what glibc's correctly rounded strtof / strtod give.
@Suite struct DecimalParserTests {
    func parse<T: BinaryFloatingPoint>(_ s: String, as: T.Type) -> T? {
        let bytes = Array(s.utf8)
        return bytes.withUnsafeBufferPointer { b -> T? in
            if case .number(let v) = parseCell(b, as: T.self, missing: []) { return v }
            return nil
        }
    }

    func strtofBits(_ s: String) -> UInt32 { strtof(s, nil).bitPattern }
    func strtodBits(_ s: String) -> UInt64 { strtod(s, nil).bitPattern }

    @Test func typicalCells() {
        for s in ["0", "1", "-0", "0.5", "-3e2", "1e-7", "123456.789", "0.1", "3.4028235e38", "1.17549435e-38",
                  "16777217", "9007199254740993", "2.5e-10", "+7", ".5", "5.", "1E+05", "0.000001"] {
            #expect(parse(s, as: Float.self)?.bitPattern == strtofBits(s), "'\(s)' as Float")
            #expect(parse(s, as: Double.self)?.bitPattern == strtodBits(s), "'\(s)' as Double")
        }
    }

    @Test func notNumbers() {
        for s in ["x", "-", ".", "1e", "1.2.3", "0x10", "nan(1)", "1,5", "--1", "1e+"] {
            #expect(parse(s, as: Float.self) == nil, "'\(s)'")
        }
        #expect(parse("inf", as: Float.self) == .infinity)
        #expect(parse(" -2.5\t", as: Float.self) == -2.5)
    }

    /// Random decimals of 1 to 19 digits with exponents -30...30: every fast-path result equals strtof's.
    @Test func randomDecimalsMatchStrtof() {
        var g = SplitMix64(seed: 7)
        for i in 0..<100_000 {
            let digits = 1 + Int(g.next() % 19)
            var s = ""
            for _ in 0..<digits { s.append(Character(UnicodeScalar(48 + UInt8(g.next() % 10)))) }
            let point = Int(g.next() % UInt64(digits + 1))
            s.insert(".", at: s.index(s.startIndex, offsetBy: point))
            if g.next() % 2 == 0 { s += "e\(Int(g.next() % 61) - 30)" }
            if g.next() % 2 == 0 { s = "-" + s }
            #expect(parse(s, as: Float.self)?.bitPattern == strtofBits(s), "case \(i): '\(s)' as Float")
            #expect(parse(s, as: Double.self)?.bitPattern == strtodBits(s), "case \(i): '\(s)' as Double")
        }
    }

    /// Decimals right at and next to Float midpoints, where double rounding would go wrong.
    @Test func floatMidpoints() {
        var g = SplitMix64(seed: 11)
        for i in 0..<20_000 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: g.next() % 0x2000_0000) + 0x3000_0000)  // ~1e-10...1e9
            let mid = (Double(f) + Double(f.nextUp)) / 2  // exact in Double
            for candidate in [mid, mid.nextUp, mid.nextDown] {
                for s in [String(candidate), String(format: "%.17g", candidate), String(format: "%.9e", candidate)] {
                    #expect(parse(s, as: Float.self)?.bitPattern == strtofBits(s), "case \(i): '\(s)'")
                }
            }
        }
        // Exact midpoints with short decimals (fast path, then the exact-tie fallback): k + 1/2 for k in
        // [2^23, 2^24) (Float ulp 1), j + 1/16 for j in [2^20, 2^21) (ulp 1/8).
        for i in 0..<10_000 {
            let k = Double((1 << 23) + Int(g.next() % (1 << 23)))
            let ties = [k + 0.5, (k / 8).rounded(.down) + 0.0625]
            for t in ties {
                let s = String(format: "%.4f", t)
                #expect(parse(s, as: Float.self)?.bitPattern == strtofBits(s), "tie \(i): '\(s)'")
            }
        }
    }
}
