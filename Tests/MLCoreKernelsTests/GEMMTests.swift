import MLCoreKernels
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// Every GEMM path against the scalar reference over a shape sweep (DESIGN.md, house style 2).
@Suite struct GEMMTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let m: Int, n: Int, k: Int
        var testDescription: String { "\(m)x\(n)x\(k)" }
    }

    /// 0...15 cubes, vector shapes, powers of two, odd shapes, zero-size and 1-element dimensions.
    static let cases: [Case] = {
        var c = (0...15).map { Case(m: $0, n: $0, k: $0) }
        let triples = [
            (1, 1, 1), (1, 7, 3), (5, 1, 9), (13, 17, 1), (0, 5, 3), (5, 0, 3), (4, 5, 0), (1, 300, 70),
            (300, 1, 70), (1, 33, 257), (2, 47, 5), (11, 32, 31), (12, 32, 64), (13, 33, 65), (25, 81, 79),
            (32, 32, 32), (64, 64, 64), (100, 37, 129), (128, 128, 128), (49, 200, 300), (256, 256, 256),
            // The AVX-512 small kernel's panels and tails: ymm tails (24, 40, 100 = 64 + 36), masked zmm tails
            // (29, 61), balanced panels (96 = 48 + 48, 130 = 48 + 48 + 34), row blocks of 4 and 6 with remainders.
            (7, 24, 9), (9, 40, 17), (5, 29, 33), (6, 61, 20), (13, 96, 7), (3, 130, 11), (11, 100, 5), (17, 8, 8),
        ]
        c += triples.map { Case(m: $0.0, n: $0.1, k: $0.2) }
        return c
    }()

    static var paths: [(KernelPath, InstructionSet?)] {
        [(.simd, nil), (.blas, nil)] + InstructionSet.runnable.map { (.wide, $0) }
    }

    static func operands(_ c: Case, transA: Bool, transB: Bool, dtype: DType) throws -> (Tensor, Tensor, Tensor) {
        let aShape: Shape = transA ? [c.k, c.m] : [c.m, c.k]
        let bShape: Shape = transB ? [c.n, c.k] : [c.k, c.n]
        let seed = UInt64(c.m * 1_000_003 + c.n * 1009 + c.k)
        if dtype == .float32 {
            return (try Tensor(shape: aShape, scalars: randomFloats(c.m * c.k, seed: seed)),
                    try Tensor(shape: bShape, scalars: randomFloats(c.k * c.n, seed: seed + 1)),
                    try Tensor(shape: [c.m, c.n], scalars: randomFloats(c.m * c.n, seed: seed + 2)))
        }
        return (try Tensor(shape: aShape, scalars: randomDoubles(c.m * c.k, seed: seed)),
                try Tensor(shape: bShape, scalars: randomDoubles(c.k * c.n, seed: seed + 1)),
                try Tensor(shape: [c.m, c.n], scalars: randomDoubles(c.m * c.n, seed: seed + 2)))
    }

    static func diff(_ x: Tensor, _ y: Tensor) throws -> Double {
        if x.dtype == .float32 { return Double(maxAbsDiff(try x.scalars(as: Float.self), try y.scalars(as: Float.self))) }
        return maxAbsDiff(try x.scalars(as: Double.self), try y.scalars(as: Double.self))
    }

    @Test("every path matches the reference", arguments: cases)
    func pathsMatchReference(_ c: Case) throws {
        // Large shapes run fewer combinations: the debug-build reference is the slow part of this suite.
        let large = c.m * c.n * c.k > 200_000
        let dtypes: [DType] = large ? [.float32] : [.float32, .float64]
        let transposes = large ? [(false, false), (true, true)] : [(false, false), (true, false), (false, true), (true, true)]
        for dtype in dtypes {
            for (transA, transB) in transposes {
                let (a, b, c0) = try Self.operands(c, transA: transA, transB: transB, dtype: dtype)
                // alpha/beta exercise the scaling; beta = 0 exercises "C is not read".
                for (alpha, beta) in large ? [(0.5, -1.5)] : [(1.0, 0.0), (0.5, -1.5)] {
                    var expected = c0
                    try GEMM.multiply(a, b, into: &expected, transposeA: transA, transposeB: transB, alpha: alpha,
                                      beta: beta, options: .init(threads: 1, path: .reference))
                    let tolerance = dtype == .float32 ? Double(Tolerance.gemmFloat(k: c.k)) * (1 + abs(beta))
                                                      : Tolerance.gemmDouble(k: c.k) * (1 + abs(beta))
                    for (path, isa) in Self.paths {
                        for threads in [1, 2] {
                            var got = c0
                            try GEMM.multiply(a, b, into: &got, transposeA: transA, transposeB: transB, alpha: alpha,
                                              beta: beta, options: .init(threads: threads, path: path, instructionSet: isa))
                            let d = try Self.diff(got, expected)
                            #expect(d <= tolerance,
                                    "gemm \(c.testDescription) \(dtype) transA=\(transA) transB=\(transB) alpha=\(alpha) beta=\(beta) path=\(path) isa=\(isa?.description ?? "-") threads=\(threads): maxAbsDiff \(d) > \(tolerance)")
                        }
                    }
                }
            }
        }
    }

    @Test("beta = 0 does not read C: NaN in C does not propagate")
    func betaZeroIgnoresNaN() throws {
        let a = try Tensor(shape: [13, 7], scalars: randomFloats(91, seed: 1))
        let b = try Tensor(shape: [7, 35], scalars: randomFloats(245, seed: 2))
        for (path, isa) in Self.paths + [(.reference, nil)] {
            var c = try Tensor(shape: [13, 35], repeating: Float.nan)
            try GEMM.multiply(a, b, into: &c, beta: 0, options: .init(threads: 1, path: path, instructionSet: isa))
            #expect(try c.scalars(as: Float.self).allSatisfy { $0.isFinite }, "path \(path) isa \(isa?.description ?? "-")")
        }
    }

    @Test("a hand-computed product")
    func handComputed() throws {
        // [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
        let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4] as [Float])
        let b = try Tensor(shape: [2, 2], scalars: [5, 6, 7, 8] as [Float])
        for (path, isa) in Self.paths + [(.reference, nil)] {
            let c = try GEMM.multiply(a, b, options: .init(path: path, instructionSet: isa))
            #expect(try c.scalars(as: Float.self) == [19, 22, 43, 50], "path \(path)")
        }
    }

    @Test("row views as operands, and an output that shares storage with an operand, copy on write")
    func viewsAndSharedStorage() throws {
        // A and B are row slices (offset views); C starts as a copy of A's storage, so writing it must copy
        // first and leave A (and the product's input) untouched.
        let whole = try Tensor(shape: [12, 6], scalars: (0..<72).map { Float($0 % 7) - 3 })
        let a = try whole.rows(2..<8)             // 6 x 6, starts at element 12
        let b = try whole.rows(6..<12)            // 6 x 6, starts at element 36
        let aBefore = try a.scalars(as: Float.self)
        for (path, isa) in Self.paths {
            var expected = a
            try GEMM.multiply(a, b, into: &expected, alpha: 0.5, beta: 2, options: .init(threads: 1, path: .reference))
            var c = a                             // shares storage with `a` and `whole`
            try GEMM.multiply(a, b, into: &c, alpha: 0.5, beta: 2, options: .init(threads: 1, path: path, instructionSet: isa))
            #expect(try Self.diff(c, expected) <= Double(Tolerance.gemmFloat(k: 6)) * 3, "path \(path) isa \(isa?.description ?? "-")")
            #expect(try a.scalars(as: Float.self) == aBefore, "path \(path): the operand changed")
        }
    }

    @Test("bad shapes and types throw errors that name both shapes")
    func errors() throws {
        let a = try Tensor(zeros: [2, 3])
        let b = try Tensor(zeros: [4, 5])
        #expect(throws: TensorError.self) { try GEMM.multiply(a, b) }
        do {
            _ = try GEMM.multiply(a, b)
        } catch {
            #expect("\(error)".contains("[2, 3]") && "\(error)".contains("[4, 5]"), "\(error)")
        }
        #expect(throws: TensorError.self) { try GEMM.multiply(a, try Tensor(zeros: [3, 2], dtype: .float64)) }
        #expect(throws: TensorError.self) { try GEMM.multiply(try Tensor(zeros: [2, 3], dtype: .int64), try Tensor(zeros: [3, 2], dtype: .int64)) }
        #expect(throws: TensorError.self) { try GEMM.multiply(try Tensor(zeros: [2, 3, 1]), b) }
        var wrongC = try Tensor(zeros: [3, 3])
        #expect(throws: TensorError.self) { try GEMM.multiply(a, try Tensor(zeros: [3, 2]), into: &wrongC) }
    }

    @Test("automatic path: our kernels below the crossover, the measured choice above, ours past BLAS's 32-bit sizes")
    func automaticPath() {
        #expect(KernelPaths.gemm(m: 8, n: 8, k: 8, dtype: .float32) != .blas)
        #expect(KernelPaths.gemm(m: 100_000, n: 64, k: 128, dtype: .float32) != .blas)
        if InstructionSet.detected >= .avx2 {
            #expect(KernelPaths.gemm(m: 1024, n: 1024, k: 1024, dtype: .float32) == GEMMChoice.current.path)
        }
        #expect(KernelPaths.gemm(m: 1024, n: 1024, k: 1024, dtype: .float64) == .blas)
        #expect(KernelPaths.gemm(m: 1, n: 1 << 32, k: 1, dtype: .float32) != .blas)
        #expect(KernelPaths.gemm(m: 1 << 40, n: 1 << 40, k: 1 << 40, dtype: .float64) != .blas)
    }
}
