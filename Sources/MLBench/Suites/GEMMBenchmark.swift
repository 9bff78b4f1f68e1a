/// GEMM throughput of each MLCore path on square float32 problems, in GFLOPS (2 n^3 flops per call).
public struct GEMMBenchmark: Sendable {
    public struct Row: Codable, Sendable {
        public var n: Int
        /// Rows of C and inner dimension (equal to `n` for the square sizes).
        public var m: Int?
        public var k: Int?
        /// `reference`, `simd`, `wide`, `blas`, or `auto` (no path forced: what ``KernelPaths`` picks).
        public var path: String
        /// For `auto`: the path ``KernelPaths`` chose for this shape.
        public var chosen: String?
        /// Instruction-set level of the wide path, the detected one for the others.
        public var isa: String
        public var threads: Int
        /// GFLOPS over repeats (min, median, max, cv).
        public var gflops: RepeatStats
        /// Per round, OpenBLAS's time over this path's time (above 1: faster than OpenBLAS). The paths are
        /// timed in turn within each round, so the ratio is steadier than one of separately timed medians.
        public var vsBLAS: RepeatStats?
    }

    public var sizes: [Int]
    /// Non-square problems (m, n, k), measured after the square sizes.
    public var shapes: [(m: Int, n: Int, k: Int)] = []
    public var threads: Int
    public var minSeconds: Double
    /// The reference path is included up to this size (it is O(n^3) scalar code).
    public var referenceUpTo: Int

    public init(sizes: [Int] = [8, 64, 256, 1024], threads: Int = 1, minSeconds: Double = 0.5, referenceUpTo: Int = 256) {
        self.sizes = sizes
        self.threads = threads
        self.minSeconds = minSeconds
        self.referenceUpTo = referenceUpTo
    }

    /// The (path, level) pairs to measure: reference, portable SIMD, wide at every runnable level, BLAS, and
    /// the automatic choice (path `nil`).
    public static var variants: [(KernelPath?, InstructionSet?)] {
        [(.reference, nil), (.simd, nil)] + InstructionSet.runnable.filter { $0 >= .avx2 }.map { (.wide, $0) }
            + [(.blas, nil), (nil, nil)]
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> [Row] {
        BLAS.setThreads(threads)
        var rows: [Row] = []
        for (m, n, k) in sizes.map({ ($0, $0, $0) }) + shapes {
            let a = try Tensor(shape: [m, k], scalars: Self.data(m * k, seed: 1))
            let b = try Tensor(shape: [k, n], scalars: Self.data(k * n, seed: 2))
            let variants = Self.variants.filter { path, _ in
                path != .reference || m * n * k <= referenceUpTo * referenceUpTo * referenceUpTo
            }
            // One output for every path, so that no path gains or loses from where its buffer happens to lie
            // relative to A and B (4 KiB aliasing between B's loads and C's stores measured up to 1% at n = 64).
            var c = try Tensor(zeros: [m, n])
            let options = variants.map { KernelOptions(threads: threads, path: $0.0, instructionSet: $0.1) }
            progress("gemm \(m)x\(n)x\(k): \(variants.map { ($0.0?.rawValue ?? "auto") + ($0.1.map { "/\($0)" } ?? "") }.joined(separator: ", "))")
            let seconds = measureInterleaved(count: variants.count, minSeconds: minSeconds) { i in
                try! GEMM.multiply(a, b, into: &c, options: options[i])
            }
            blackHole(c)
            let flops = 2.0 * Double(m) * Double(n) * Double(k)
            let blas = variants.firstIndex { $0.0 == .blas }
            for (i, (path, isa)) in variants.enumerated() {
                let vsBLAS = blas.map { j in RepeatStats(samples: zip(seconds[j], seconds[i]).map { $0 / $1 }) }
                let chosen = path == nil ? KernelPaths.gemm(m: m, n: n, k: k, dtype: .float32).rawValue : nil
                rows.append(Row(n: n, m: m, k: k, path: path?.rawValue ?? "auto", chosen: chosen,
                                isa: (isa ?? .detected).description, threads: threads,
                                gflops: RepeatStats(samples: seconds[i]).mapDecreasing { flops / $0 / 1e9 }, vsBLAS: vsBLAS))
            }
        }
        return rows
    }

    /// Deterministic data in [-1, 1): a linear congruential sequence, so runs are comparable.
    static func data(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 52)
        }
    }
}
