import MLCoreCKernels

/// Which Float32 GEMM runs large problems on this machine, our packed/unpacked wide kernels or OpenBLAS:
/// decided from what the machine does, not from an assumption about OpenBLAS.
///
/// Why: Debian's OpenBLAS 0.3.21 does not recognise some CPUs and falls back to old kernels. On an Intel
/// Xeon (family 6 model 207, two full-width AVX-512 FMA units, ~177 GFLOPS/core) it runs its Prescott SSE3
/// kernels at ~30 GFLOPS where our AVX-512 path reaches 164-171. On AMD EPYC Zen 4 (117 GFLOPS/core) it picks
/// Cooperlake and is good (1024^3: 101-104 GFLOPS; ours 104-108 after the packed-kernel tuning of this
/// change; `OPENBLAS_CORETYPE=Prescott` there: 31-41 GFLOPS).
///
/// The rule (``decide(coreName:calibration:)``): a core name whose OpenBLAS kernels have no AVX2/FMA body
/// (Prescott, Core2, Nehalem, Sandybridge, ...) means ours, without timing anything; otherwise one
/// calibration per process times both on a representative large problem and OpenBLAS is chosen only when it
/// is more than 5% faster (a tie goes to ours: it honours ``KernelOptions/threads`` per call, where
/// OpenBLAS's thread count is process-wide).
public enum GEMMChoice {
    /// One timing of both paths on ``size``^3 (float32, both on ``threads`` threads); best of the rounds.
    public struct Calibration: Sendable, Hashable, Codable {
        public var size: Int
        public var threads: Int
        public var oursGFLOPS: Double
        public var blasGFLOPS: Double
        public var seconds: Double

        public init(size: Int, threads: Int, oursGFLOPS: Double, blasGFLOPS: Double, seconds: Double = 0) {
            self.size = size
            self.threads = threads
            self.oursGFLOPS = oursGFLOPS
            self.blasGFLOPS = blasGFLOPS
            self.seconds = seconds
        }
    }

    /// The outcome for large Float32 problems and why.
    public struct Decision: Sendable, Equatable {
        public var path: KernelPath
        public var coreName: String
        /// `nil` when the core name alone decided.
        public var calibration: Calibration?
        public var reason: String
        /// The level of our packed kernel's body: on an AVX-512 CPU, the AVX2 6x16 body when it measured faster
        /// than the AVX-512 12x32 one (Zen 4 splits 512-bit FMAs in halves: 6x16 was 1-10% faster there).
        public var packedLevel: InstructionSet = InstructionSet.detected
        /// GFLOPS of the packed AVX2 and AVX-512 bodies (`nil` below AVX-512).
        public var packedAVX2GFLOPS: Double?
        public var packedAVX512GFLOPS: Double?
    }

    /// The pure rule for the packed body: the faster one, AVX-512 unless AVX2 is more than 2% faster.
    public static func packedLevel(avx2GFLOPS: Double, avx512GFLOPS: Double) -> InstructionSet {
        avx2GFLOPS > avx512GFLOPS * 1.02 ? .avx2 : .avx512
    }

    /// Times the packed kernel's AVX2 and AVX-512 bodies on 384^3 with B transposed (always packed), one
    /// thread, best of `rounds` after a warm-up: about 6 ms.
    static func timePackedBodies(size: Int = 384, rounds: Int = 2) -> (avx2: Double, avx512: Double) {
        let count = size * size
        let a = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<count {
            a[i] = Float(i % 17) * 0.125 - 1
            b[i] = Float(i % 13) * 0.25 - 1.5
        }
        let p = GEMMProblem(m: size, n: size, k: size, transA: false, transB: true, lda: size, ldb: size, ldc: size)
        func run(_ body: InstructionSet) { sgemmWide(p, level: .avx512, packedLevel: body, alpha: 1, a, b, beta: 0, c) }
        run(.avx2); run(.avx512)
        var best2 = Double.infinity, best512 = Double.infinity
        for _ in 0..<rounds {
            var t = monotonicSeconds(); run(.avx2); best2 = Swift.min(best2, monotonicSeconds() - t)
            t = monotonicSeconds(); run(.avx512); best512 = Swift.min(best512, monotonicSeconds() - t)
        }
        let flops = 2 * Double(size) * Double(size) * Double(size)
        return (flops / best2 / 1e9, flops / best512 / 1e9)
    }

    /// OpenBLAS core names (`openblas_get_corename`) whose single-precision GEMM kernels predate AVX2/FMA:
    /// on a CPU with AVX2 our kernels are 2-5x faster than these (Zen 4, 1024^3: Prescott 41 GFLOPS vs
    /// ours 104-108), so no calibration is needed.
    public static let slowCoreNames: Set<String> = [
        "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai", "coppermine", "northwood",
        "banias", "opteron", "opteron_sse3", "barcelona", "bobcat", "athlon", "sandybridge", "bulldozer",
        "piledriver", "generic", "unknown",
    ]

    /// OpenBLAS must be this much faster than ours to be chosen.
    public static let blasMargin = 1.05

    /// The pure rule: from OpenBLAS's core name and (when the name does not decide) a calibration to the
    /// path for large Float32 problems. `calibration == nil` with a capable core name keeps OpenBLAS (the
    /// caller could not time; the core is one OpenBLAS knows).
    public static func decide(coreName: String, calibration: Calibration?) -> Decision {
        if slowCoreNames.contains(coreName.lowercased()) {
            return Decision(path: .wide, coreName: coreName, calibration: nil,
                            reason: "OpenBLAS core \(coreName) has no AVX2/FMA kernels")
        }
        guard let cal = calibration else {
            return Decision(path: .blas, coreName: coreName, calibration: nil, reason: "not calibrated")
        }
        if cal.blasGFLOPS > cal.oursGFLOPS * blasMargin {
            return Decision(path: .blas, coreName: coreName, calibration: cal,
                            reason: "OpenBLAS measured faster")
        }
        return Decision(path: .wide, coreName: coreName, calibration: cal,
                        reason: "ours measured as fast or faster")
    }

    /// The decision for this process, made once on first use (thread-safe: a Swift `static let`).
    /// Calibration costs about 12 ms at 384^3 (6 ms each for BLAS-vs-ours and the packed bodies; MLP training
    /// on digits, 0.40 s, pays it once) and the BLAS timing runs only when the CPU has AVX2 and OpenBLAS's core name does not
    /// decide.
    public static let current: Decision = {
        let name = BLAS.coreName
        if InstructionSet.detected < .avx2 {
            return Decision(path: .blas, coreName: name, calibration: nil, reason: "no AVX2: our wide kernels do not run")
        }
        var decision = slowCoreNames.contains(name.lowercased()) ? decide(coreName: name, calibration: nil)
                                                                   : decide(coreName: name, calibration: calibrate())
        if InstructionSet.detected >= .avx512 {
            let t = timePackedBodies()
            decision.packedAVX2GFLOPS = t.avx2
            decision.packedAVX512GFLOPS = t.avx512
            decision.packedLevel = packedLevel(avx2GFLOPS: t.avx2, avx512GFLOPS: t.avx512)
        }
        return decision
    }()

    /// Times our wide path and OpenBLAS on `size`^3 float32, alternating, best of `rounds` after a warm-up,
    /// each on OpenBLAS's current thread count.
    public static func calibrate(size: Int = 384, rounds: Int = 2) -> Calibration {
        let start = monotonicSeconds()
        let threads = BLAS.threads
        let count = size * size
        let a = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<count {
            a[i] = Float(i % 17) * 0.125 - 1
            b[i] = Float(i % 13) * 0.25 - 1.5
        }
        let p = GEMMProblem(m: size, n: size, k: size, transA: false, transB: false, lda: size, ldb: size, ldc: size)
        let level = InstructionSet.cpu
        func ours() { p.parallel(threads: threads, a, b, c) { sgemmWide($0, level: level, alpha: 1, $1, $2, beta: 0, $3) } }
        func blas() { sgemmBLAS(p, alpha: 1, a, b, beta: 0, c) }
        ours(); blas()
        var bestOurs = Double.infinity, bestBLAS = Double.infinity
        for _ in 0..<rounds {
            var t = monotonicSeconds(); ours(); bestOurs = Swift.min(bestOurs, monotonicSeconds() - t)
            t = monotonicSeconds(); blas(); bestBLAS = Swift.min(bestBLAS, monotonicSeconds() - t)
        }
        let flops = 2 * Double(size) * Double(size) * Double(size)
        return Calibration(size: size, threads: threads, oursGFLOPS: flops / bestOurs / 1e9,
                           blasGFLOPS: flops / bestBLAS / 1e9, seconds: monotonicSeconds() - start)
    }
}
