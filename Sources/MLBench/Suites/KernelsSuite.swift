/// `kernels`: GEMM throughput of every path (GFLOPS and fraction of the measured FP32 peak of one core) and
/// element-wise throughput (GB/s and fraction of the measured copy bandwidth).
public struct KernelsSuite: BenchmarkSuite {
    public var name: String { "kernels" }
    public var summary: String { "GEMM GFLOPS per path (reference, simd, wide/AVX2, wide/AVX-512, OpenBLAS) and element-wise GB/s, as fractions of measured peak" }

    public init() {}

    public func run(into report: inout Report, options: SuiteOptions, progress: (String) -> Void) throws {
        progress("measuring peak FP32 throughput of one core")
        let peak = PeakThroughput.fp32FlopsPerSecond()
        report.results.append(.init(system: "machine", name: "peak_fp32_gflops_per_core", value: peak / 1e9, unit: "GFLOPS",
                                    params: ["isa": InstructionSet.detected.description, "threads": "1"]))
        // The large-GEMM choice (OpenBLAS or ours), calibrated once per process on OpenBLAS's thread count.
        BLAS.setThreads(options.threads)
        let choice = GEMMChoice.current
        var choiceParams = ["path": choice.path.rawValue, "openblas_core": choice.coreName, "reason": choice.reason,
                            "packed_body": choice.packedLevel.description]
        if let t2 = choice.packedAVX2GFLOPS, let t512 = choice.packedAVX512GFLOPS {
            let bodyParams = ["size": "384", "threads": "1", "chosen": choice.packedLevel.description]
            report.results.append(.init(system: "mlcore-wide-packed-avx2", name: "gemm_packed_body_gflops", value: t2,
                                        unit: "GFLOPS", params: bodyParams))
            report.results.append(.init(system: "mlcore-wide-packed-avx512", name: "gemm_packed_body_gflops", value: t512,
                                        unit: "GFLOPS", params: bodyParams))
        }
        if let cal = choice.calibration {
            choiceParams["size"] = String(cal.size)
            choiceParams["threads"] = String(cal.threads)
            report.results.append(.init(system: "mlcore-wide", name: "gemm_calibration_gflops", value: cal.oursGFLOPS,
                                        unit: "GFLOPS", params: choiceParams))
            report.results.append(.init(system: "mlcore-blas", name: "gemm_calibration_gflops", value: cal.blasGFLOPS,
                                        unit: "GFLOPS", params: choiceParams))
            report.results.append(.init(system: "machine", name: "gemm_calibration_seconds", value: cal.seconds,
                                        unit: "s", params: choiceParams))
        } else {
            report.results.append(.init(system: "machine", name: "gemm_calibration_seconds", value: 0, unit: "s",
                                        params: choiceParams))
        }
        let sizes = options.quick ? [8, 64, 256] : [8, 64, 256, 1024]
        let benchmark = GEMMBenchmark(sizes: sizes, threads: options.threads, minSeconds: options.quick ? 0.2 : 0.5,
                                      referenceUpTo: options.quick ? 64 : 256)
        for row in try benchmark.run(progress: progress) {
            let system = row.path == "wide" ? "mlcore-wide-\(row.isa)" : "mlcore-\(row.path)"
            var params = ["n": String(row.n), "m": String(row.n), "k": String(row.n), "threads": String(row.threads), "dtype": "float32"]
            if let chosen = row.chosen { params["chosen"] = chosen }
            report.results.append(.init(system: system, name: "gemm_gflops", value: row.gflops.median, unit: "GFLOPS",
                                        params: params, repeats: row.gflops))
            // Peak is per core; with several threads compare against threads x peak.
            let fraction = row.gflops.median * 1e9 / (peak * Double(row.threads))
            report.results.append(.init(system: system, name: "gemm_fraction_of_peak", value: fraction, unit: "fraction",
                                        params: params))
        }
    }
}
