import Foundation
import MLCoreKernels
@testable import MLCoreONNX
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// The integer GEMM's bodies against a term-by-term reference, and the checks quantized operators make. The
/// operators' numbers are checked against onnxruntime by the `quant-*` parity fixtures
/// (scripts/fixtures/make_quantization_fixtures.py), the ONNX node tests and the real-world models.
@Suite struct QuantizationOperatorTests {
    /// `sum_p (a[i, p] - za[i]) * (b[p, j] - zb[j])`, wrapping as int32 does.
    static func reference(m: Int, n: Int, k: Int, a: [Int32], b: [Int32], za: [Int32], zb: [Int32]) -> [Int32] {
        var c = [Int32](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Int32 = 0
                for p in 0..<k {
                    s &+= (a[i * k + p] - za[za.count == 1 ? 0 : i]) &* (b[p * n + j] - zb[zb.count == 1 ? 0 : j])
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    /// Every body this CPU has, signed and unsigned operands, scalar and per-row/column zero points, every
    /// m, n, k in 0...15 and odd larger shapes crossing the 6/8-row and 16/32-column tiles.
    @Test("integer GEMM bodies match the reference over a shape sweep", arguments: IntegerGEMM.availableLevels)
    func gemmSweep(_ level: IntegerGEMM.Level) throws {
        var rng = SplitMix64(seed: 7)
        var shapes: [(Int, Int, Int)] = []
        for m in 0...15 { for n in 0...15 where (m + n) % 3 == 0 || m == n { for k in [0, 1, 2, 3, 7, 15] { shapes.append((m, n, k)) } } }
        shapes += [(17, 33, 31), (9, 65, 127), (25, 47, 300), (1, 100, 513), (61, 3, 19), (13, 37, 1)]
        for (m, n, k) in shapes {
            for (aSigned, bSigned) in [(false, false), (false, true), (true, true), (true, false)] {
                func draw(_ count: Int, _ signed: Bool) -> [Int32] {
                    (0..<count).map { _ in signed ? Int32.random(in: -128...127, using: &rng) : Int32.random(in: 0...255, using: &rng) }
                }
                let a = draw(m * k, aSigned), b = draw(k * n, bSigned)
                let perRow = (m + k) % 2 == 0, perColumn = (n + k) % 2 == 1
                let za = draw(perRow ? m : 1, aSigned), zb = draw(perColumn ? n : 1, bSigned)
                let a8 = a.map { UInt8(truncatingIfNeeded: $0) }, b8 = b.map { UInt8(truncatingIfNeeded: $0) }
                var c = [Int32](repeating: -1, count: m * n)
                try a8.withUnsafeBytes { pa in
                    try b8.withUnsafeBytes { pb in
                        try c.withUnsafeMutableBufferPointer { pc in
                            guard let base = pc.baseAddress else { return }
                            try IntegerGEMM.multiply(
                                m: m, n: n, k: k,
                                a: .init(pa.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, isSigned: aSigned, rowStride: k),
                                aZero: za.isEmpty ? [0] : za,
                                b: .init(pb.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, isSigned: bSigned, rowStride: n),
                                bZero: zb.isEmpty ? [0] : zb, c: base, ldc: n, threads: 2, level: level)
                        }
                    }
                }
                let want = Self.reference(m: m, n: n, k: k, a: a, b: b, za: za.isEmpty ? [0] : za, zb: zb.isEmpty ? [0] : zb)
                let bad = zip(c, want).filter { $0 != $1 }.count
                #expect(bad == 0, "level \(level) m=\(m) n=\(n) k=\(k) aSigned=\(aSigned) bSigned=\(bSigned) perRow=\(perRow) perColumn=\(perColumn): \(bad) of \(m * n) differ")
            }
        }
    }

    static func expectError(_ label: String, containing text: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(label): no error")
        } catch {
            #expect("\(error)".contains(text), "\(label): error does not say '\(text)': \(error)")
        }
    }

    @Test("bad quantization parameters throw errors naming the node")
    func badInputsThrow() throws {
        let x = try Tensor(shape: [2, 3], scalars: [Float](repeating: 0.5, count: 6))
        let scale = Tensor(scalar: Float(0.1))
        // float8 / int4 outputs are out of scope: a clear error, not a crash.
        Self.expectError("QuantizeLinear output_dtype float8", containing: "quantizelinear0") {
            _ = try NNOperatorTests.run("QuantizeLinear", [x, scale], ["output_dtype": .int(17)], opset: 21)
        }
        Self.expectError("QuantizeLinear output_dtype int4", containing: "int4") {
            _ = try NNOperatorTests.run("QuantizeLinear", [x, scale], ["output_dtype": .int(22)], opset: 21)
        }
        Self.expectError("QuantizeLinear int32 zero point", containing: "quantizelinear0") {
            _ = try NNOperatorTests.run("QuantizeLinear", [x, scale, Tensor(scalar: Int32(0))], opset: 19)
        }
        Self.expectError("per-axis scale of the wrong length", containing: "quantizelinear0") {
            _ = try NNOperatorTests.run("QuantizeLinear", [x, try Tensor(shape: [2], scalars: [Float(1), 2])], ["axis": .int(1)], opset: 13)
        }
        Self.expectError("blocked scale with the wrong block count", containing: "blocks") {
            _ = try NNOperatorTests.run("QuantizeLinear", [x, try Tensor(shape: [2, 1], scalars: [Float(1), 2])],
                                        ["axis": .int(1), "block_size": .int(2)], opset: 21)
        }
        let q = try Tensor(shape: [2, 3], scalars: [UInt8](repeating: 3, count: 6))
        Self.expectError("DequantizeLinear zero point of another type", containing: "dequantizelinear0") {
            _ = try NNOperatorTests.run("DequantizeLinear", [q, scale, Tensor(scalar: Int8(0))], opset: 13)
        }
        Self.expectError("MatMulInteger inner dimensions", containing: "matmulinteger0") {
            _ = try NNOperatorTests.run("MatMulInteger", [q, q], opset: 10)
        }
        Self.expectError("MatMulInteger float input", containing: "matmulinteger0") {
            _ = try NNOperatorTests.run("MatMulInteger", [x, try Tensor(shape: [3, 2], scalars: [Float](repeating: 1, count: 6))], opset: 10)
        }
        Self.expectError("ConvInteger rank", containing: "convinteger0") {
            _ = try NNOperatorTests.run("ConvInteger", [q, q], opset: 10)
        }
    }

    /// Round half to even and saturation, with values chosen on the ties.
    @Test func quantizeRoundsHalfToEvenAndSaturates() throws {
        let x = try Tensor(shape: [8], scalars: [Float(0.5), 1.5, 2.5, -0.5, -1.5, 300, -300, 127.5])
        let u8 = try NNOperatorTests.run("QuantizeLinear", [x, Tensor(scalar: Float(1)), Tensor(scalar: UInt8(0))], opset: 13)[0]
        #expect(try u8.scalars(as: UInt8.self) == [0, 2, 2, 0, 0, 255, 0, 128])
        let i8 = try NNOperatorTests.run("QuantizeLinear", [x, Tensor(scalar: Float(1)), Tensor(scalar: Int8(0))], opset: 13)[0]
        #expect(try i8.scalars(as: Int8.self) == [0, 2, 2, 0, -2, 127, -128, 127])
        let i16 = try NNOperatorTests.run("QuantizeLinear", [x, Tensor(scalar: Half(0.5))], ["output_dtype": .int(5)], opset: 21)[0]
        #expect(try i16.scalars(as: Int16.self) == [1, 3, 5, -1, -3, 600, -600, 255])
    }
}
