@testable import MLCoreKernels
import MLCoreCKernels
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// The large-GEMM choice (OpenBLAS or ours) as a pure function of given numbers, and the threaded wide
/// path against the scalar reference.
@Suite struct GEMMChoiceTests {
    @Test("a core name without AVX2 kernels decides for ours, whatever the timings")
    func slowCoreName() {
        for name in ["Prescott", "PRESCOTT", "Core2", "Nehalem", "Sandybridge"] {
            let d = GEMMChoice.decide(coreName: name, calibration: .init(size: 512, threads: 1, oursGFLOPS: 10, blasGFLOPS: 100))
            #expect(d.path == .wide, "\(name)")
            #expect(d.calibration == nil)
        }
    }

    @Test("with a capable core, OpenBLAS only when measured more than 5% faster")
    func calibrationDecides() {
        func path(_ ours: Double, _ blas: Double) -> KernelPath {
            GEMMChoice.decide(coreName: "Cooperlake", calibration: .init(size: 512, threads: 1, oursGFLOPS: ours, blasGFLOPS: blas)).path
        }
        #expect(path(100, 104) == .wide)  // within the margin: ours
        #expect(path(100, 100) == .wide)
        #expect(path(116, 105) == .wide)  // the Zen 4 figures of this change
        #expect(path(100, 106) == .blas)
        #expect(path(30, 170) == .blas)
        #expect(GEMMChoice.decide(coreName: "Haswell", calibration: nil).path == .blas)
    }

    @Test("the packed body: AVX-512 unless AVX2 is more than 2% faster")
    func packedBody() {
        #expect(GEMMChoice.packedLevel(avx2GFLOPS: 107, avx512GFLOPS: 104) == .avx2)  // Zen 4, 1024^3
        #expect(GEMMChoice.packedLevel(avx2GFLOPS: 105, avx512GFLOPS: 104) == .avx512)
        #expect(GEMMChoice.packedLevel(avx2GFLOPS: 90, avx512GFLOPS: 170) == .avx512)  // full-width AVX-512 FMAs
    }

    @Test("KernelPaths asks the choice only for large Float32 problems on AVX2 CPUs")
    func pathsUseChoice() {
        func pick(_ m: Int, _ n: Int, _ k: Int, _ dtype: DType = .float32, isa: InstructionSet = .avx512,
                  large: KernelPath) -> (KernelPath, Bool) {
            var asked = false
            let p = KernelPaths.gemm(m: m, n: n, k: k, dtype: dtype, isa: isa) { asked = true; return large }
            return (p, asked)
        }
        // Small: ours without asking (no calibration for small problems).
        #expect(pick(8, 8, 8, large: .blas) == (.wide, false))
        #expect(pick(256, 256, 256, large: .blas) == (.wide, false))
        // Large: whatever the choice says.
        #expect(pick(1024, 1024, 1024, large: .blas) == (.blas, true))
        #expect(pick(1024, 1024, 1024, large: .wide) == (.wide, true))
        #expect(pick(64, 3136, 576, isa: .avx2, large: .wide) == (.wide, true))
        // Past OpenBLAS's 32-bit sizes: ours.
        #expect(pick(1, 1 << 32, 1, large: .blas).0 == .wide)
        // No AVX2: SIMD for tiny, BLAS above; Float64: BLAS above tiny.
        #expect(pick(1024, 1024, 1024, isa: .baseline, large: .wide).0 == .blas)
        #expect(pick(1024, 1024, 1024, .float64, large: .wide).0 == .blas)
        #expect(pick(4, 4, 4, .float64, large: .blas).0 == .simd)
    }

    @Test("the process's decision is consistent with its own inputs")
    func currentDecision() {
        let d = GEMMChoice.current
        if InstructionSet.detected >= .avx2 {
            if let cal = d.calibration {
                #expect(cal.oursGFLOPS > 0 && cal.blasGFLOPS > 0)
                #expect(d.path == GEMMChoice.decide(coreName: d.coreName, calibration: cal).path)
            }
            if let t2 = d.packedAVX2GFLOPS, let t512 = d.packedAVX512GFLOPS {
                #expect(d.packedLevel == GEMMChoice.packedLevel(avx2GFLOPS: t2, avx512GFLOPS: t512))
            }
            if d.calibration == nil {
                #expect(GEMMChoice.slowCoreNames.contains(d.coreName.lowercased()))
                #expect(d.path == .wide)
            }
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let m: Int, n: Int, k: Int
        var testDescription: String { "\(m)x\(n)x\(k)" }
    }

    /// Odd sizes 0...15, primes, the 1000x3x517 shape, and shapes past the unpacked kernel's B limit
    /// (k * n > 256 * 256) so the packed kernel runs (always with transposed B; at AVX2 also without).
    static let cases: [Case] = (0...15).filter { $0 % 2 == 1 || $0 == 0 }.map { Case(m: $0, n: $0, k: $0) } + [
        Case(m: 13, n: 7, k: 11), Case(m: 31, n: 37, k: 41), Case(m: 97, n: 3, k: 101), Case(m: 1000, n: 3, k: 517),
        Case(m: 29, n: 263, k: 257), Case(m: 61, n: 131, k: 521), Case(m: 25, n: 37, k: 1031),
    ]

    @Test("the threaded wide path matches the reference: 2-4 threads, every block split", arguments: cases)
    func threadedWide(_ c: Case) throws {
        for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
            let (a, b, c0) = try GEMMTests.operands(.init(m: c.m, n: c.n, k: c.k), transA: transA, transB: transB, dtype: .float32)
            for beta in [0.0, 1.0, -0.75] {
                var expected = c0
                try GEMM.multiply(a, b, into: &expected, transposeA: transA, transposeB: transB, alpha: 1.25,
                                  beta: beta, options: .init(threads: 1, path: .reference))
                let tolerance = Double(Tolerance.gemmFloat(k: c.k)) * (1 + abs(beta)) * 1.25
                let p = try GEMM.validate(a, b, transposeA: transA, transposeB: transB)
                for level in InstructionSet.runnable where level >= .avx2 {
                    for threads in [2, 3, 4] {
                        var got = c0
                        try a.withUnsafeBufferPointer(as: Float.self) { ap in
                            try b.withUnsafeBufferPointer(as: Float.self) { bp in
                                try got.withUnsafeMutableBufferPointer(as: Float.self) { cp in
                                    // minWork 0: even the tiny problems are split across threads.
                                    p.parallel(threads: threads, minWork: 0, ap.baseAddress!, bp.baseAddress!, cp.baseAddress!) {
                                        sgemmWide($0, level: level, alpha: 1.25, $1, $2, beta: Float(beta), $3)
                                    }
                                }
                            }
                        }
                        let d = try GEMMTests.diff(got, expected)
                        #expect(d <= tolerance, "\(c.testDescription) transA=\(transA) transB=\(transB) beta=\(beta) \(level) threads=\(threads): \(d) > \(tolerance)")
                    }
                }
            }
        }
    }

    @Test("the packed kernel is what runs for the large test shapes (so the tests above cover it)")
    func packedCovered() {
        #expect(mlc_sgemm_uses_unpacked(MLC_ISA_AVX2, 29, 263, 257) == 0)
        #expect(mlc_sgemm_uses_unpacked(MLC_ISA_AVX2, 25, 37, 1031) == 1)  // k * n = 38147: unpacked
        #expect(mlc_sgemm_uses_unpacked(MLC_ISA_AVX512, 2048, 2048, 2048) == 0)
        #expect(mlc_sgemm_uses_unpacked(MLC_ISA_AVX512, 64, 3136, 576) == 1)
    }
}
