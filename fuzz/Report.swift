// libFuzzer target: bytes -> Report.decode (the input of `bench compare`) -> ReportComparison against itself
// and a fixed base. Either a comparison or a thrown error, never a trap. Built and run by scripts/fuzz.sh.
import Foundation
import MLBench

/// A fixed base report, decoded rather than built with `Report(suite:...)`: that initializer runs `git` through
/// Foundation's `Process`, whose run leaves a 32-byte weak-reference side table behind (swift-corelibs-foundation),
/// which LeakSanitizer would report against the first input.
let base = try! Report.decode(Data("""
    {"schema": 1, "runId": "base", "utcTime": "2025-01-01T00:00:00Z", "commandLine": ["bench"], "suite": "inference",
     "quick": true, "threads": 1, "datasets": [], "notes": [],
     "environment": {"cpuModel": "cpu", "cores": 2, "memoryBytes": 1, "os": "linux", "swiftVersion": "6.3",
       "buildConfiguration": "release", "fingerprint": "f",
       "isa": {"avx2": true, "fma": true, "avx512f": false, "neon": false, "widePath": "avx2"},
       "blas": {"library": "OpenBLAS", "core": "Haswell", "threads": 1}},
     "results": [{"system": "mlcore", "name": "latency_p50", "value": 10, "unit": "us", "dataset": "d",
                  "scenario": "single-stream", "params": {"threads": "1"},
                  "repeats": {"repeats": 3, "min": 9, "median": 10, "max": 11, "cv": 0.1}}]}
    """.utf8))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReport(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let report = try? Report.decode(Data(bytes: data, count: size)) else { return 0 }
    _ = ReportComparison(base: report, new: report)
    _ = ReportComparison(base: base, new: report)
    _ = ReportComparison(base: report, new: base)
    _ = try? report.jsonData()
    return 0
}
