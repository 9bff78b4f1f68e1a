// GEMM micro-benchmark: GFLOPS of every MLCore path at each size, single-threaded by default.
//
//   swift run -c release GEMMBench [--sizes 8,64,256,1024] [--threads 1] [--min-time 0.5] [--json]
//   swift run -c release GEMMBench --crossover     sweeps sizes to find where OpenBLAS overtakes our kernels
//
// scripts/bench-gemm-peers.sh runs this beside NumPy and onnxruntime in one run.
import Foundation
import MLBench

var sizes = [8, 64, 256, 1024]
var shapes: [(m: Int, n: Int, k: Int)] = []
var threads = 1
var minSeconds = 0.5
var json = false
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
    switch arg {
    case "--sizes": sizes = (args.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--shapes":  // MxNxK,MxNxK,... (replaces the square sizes)
        sizes = []
        shapes = (args.popFirst() ?? "").split(separator: ",").compactMap { t in
            let d = t.split(separator: "x").compactMap { Int($0) }
            return d.count == 3 ? (d[0], d[1], d[2]) : nil
        }
    case "--threads": threads = Int(args.popFirst() ?? "") ?? 1
    case "--min-time": minSeconds = Double(args.popFirst() ?? "") ?? 0.5
    case "--json": json = true
    case "--crossover":
        sizes = [8, 16, 24, 32, 48, 64, 80, 96, 128, 160, 192, 256, 384, 512]
    default:
        FileHandle.standardError.write("GEMMBench: unknown argument \(arg)\n".data(using: .utf8)!)
        exit(2)
    }
}

struct Output: Codable {
    var openblasCore: String
    var openblasCoretype: String?
    var detectedISA: String
    var threads: Int
    var results: [GEMMBenchmark.Row]
}

var benchmark = GEMMBenchmark(sizes: sizes, threads: threads, minSeconds: minSeconds)
benchmark.shapes = shapes
let rows = try benchmark.run { message in
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
}
let output = Output(openblasCore: BLAS.coreName, openblasCoretype: BLAS.coreTypeOverride,
                    detectedISA: InstructionSet.detected.description, threads: threads, results: rows)
if json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(output), as: UTF8.self))
} else {
    let choice = GEMMChoice.current
print("large-GEMM choice: \(choice.path) (\(choice.reason))" + (choice.calibration.map { String(format: "; calibration %d^3 on %d threads: ours %.1f GFLOPS, OpenBLAS %.1f, %.0f ms", $0.size, $0.threads, $0.oursGFLOPS, $0.blasGFLOPS, $0.seconds * 1000) } ?? "") + "; packed body \(choice.packedLevel)" + (choice.packedAVX2GFLOPS.map { String(format: " (avx2 %.1f vs avx512 %.1f GFLOPS)", $0, choice.packedAVX512GFLOPS ?? 0) } ?? ""))
print("OpenBLAS core: \(output.openblasCore)   OPENBLAS_CORETYPE: \(output.openblasCoretype ?? "(unset)")   detected ISA: \(output.detectedISA)   threads: \(threads)")
    print("GFLOPS, median [min..max] over rounds of >= 20 ms batches, the paths timed in turn in each round;")
    print("vs BLAS: median [min..max] over rounds of OpenBLAS's time / this path's time (above 1: faster)")
    print("n or MxNxK".padding(toLength: 16, withPad: " ", startingAt: 0) + "path".padding(toLength: 18, withPad: " ", startingAt: 0) + "GFLOPS".padding(toLength: 42, withPad: " ", startingAt: 0) + "vs BLAS")
    for r in rows {
        let label = r.path == "wide" ? "wide/\(r.isa)" : r.path == "auto" ? "auto->\(r.chosen ?? "?")" : r.path
        let size = r.m.map { "\($0)x\(r.n)x\(r.k ?? r.n)" } ?? String(r.n)
        print(size.padding(toLength: 16, withPad: " ", startingAt: 0)
              + label.padding(toLength: 18, withPad: " ", startingAt: 0)
              + String(format: "%8.2f [%.2f..%.2f] (%d rounds)", r.gflops.median, r.gflops.min, r.gflops.max, r.gflops.repeats)
                  .padding(toLength: 42, withPad: " ", startingAt: 0)
              + (r.vsBLAS.map { String(format: "%5.3f [%.3f..%.3f]", $0.median, $0.min, $0.max) } ?? ""))
    }
}
