// CSV loader micro-benchmark: MB/s and rows/s of NumericCSV (and CSVTable) on one core, file in the page cache.
//
//   swift run -c release CSVBench FILE... [--repeats 7] [--table] [--sha256] [--json]
//
// --table also times CSVTable (mixed columns, Float64); --sha256 also times MLCoreData's SHA256 over the file.
// Each file is read once untimed (page cache, allocator warm-up), then `--repeats` timed loads; the figure is
// the median with [min..max]. MB is 10^6 bytes of file. scripts/bench-csv-peers.sh runs this beside pandas'
// read_csv on the same files and prints the ratio.
import Foundation
import MLBench

var files: [String] = []
var repeats = 7
var json = false
var table = false
var sha = false
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
    switch arg {
    case "--repeats": repeats = Swift.max(1, Int(args.popFirst() ?? "") ?? 7)
    case "--json": json = true
    case "--table": table = true
    case "--sha256": sha = true
    default:
        if arg.hasPrefix("--") {
            FileHandle.standardError.write(Data("CSVBench: unknown argument \(arg)\n".utf8))
            exit(2)
        }
        files.append(arg)
    }
}
guard !files.isEmpty else {
    FileHandle.standardError.write(Data("usage: CSVBench FILE... [--repeats N] [--table] [--sha256] [--json]\n".utf8))
    exit(2)
}

struct Result: Codable {
    var file: String
    var loader: String
    var bytes: Int
    var rows: Int
    var columns: Int
    var repeats: Int
    /// Wall-clock seconds per load: median, min, max.
    var seconds: RepeatStats
    /// 10^6 bytes per wall-clock second: median [min..max].
    var mbPerSecond: RepeatStats
    /// CPU seconds (user + system) of the loading thread per load; on a shared machine this is the steadier figure.
    var cpuSeconds: RepeatStats
    /// 10^6 bytes per CPU second.
    var mbPerCPUSecond: RepeatStats
    var rowsPerSecond: Double
}

/// CPU time of the calling thread (user + system), in seconds.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func measure(_ file: String, loader: String, repeats: Int, _ load: () throws -> (rows: Int, columns: Int)) throws -> Result {
    let bytes = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0
    let shape = try load()  // untimed warm-up
    var wall: [Double] = [], cpu: [Double] = []
    for _ in 0..<repeats {
        let t0 = monotonicSeconds(), c0 = threadCPUSeconds()
        blackHole(try load())
        cpu.append(threadCPUSeconds() - c0)
        wall.append(monotonicSeconds() - t0)
    }
    let seconds = RepeatStats(samples: wall), cpuSeconds = RepeatStats(samples: cpu)
    let rate = { (s: Double) in Double(bytes) / s / 1e6 }
    return Result(file: file, loader: loader, bytes: bytes, rows: shape.rows, columns: shape.columns, repeats: repeats,
                  seconds: seconds, mbPerSecond: seconds.mapDecreasing(rate), cpuSeconds: cpuSeconds,
                  mbPerCPUSecond: cpuSeconds.mapDecreasing(rate), rowsPerSecond: Double(shape.rows) / seconds.median)
}

var results: [Result] = []
do {
    for file in files {
        let url = URL(fileURLWithPath: file)
        results.append(try measure(file, loader: "NumericCSV", repeats: repeats) {
            let csv = try NumericCSV(contentsOf: url)
            return (csv.rowCount, csv.columns.count)
        })
        if sha {
            results.append(try measure(file, loader: "SHA256", repeats: repeats) {
                blackHole(try SHA256.hex(contentsOfFile: file))
                return (0, 0)
            })
        }
        if table {
            results.append(try measure(file, loader: "CSVTable", repeats: repeats) {
                let t = try CSVTable(contentsOf: url)
                return (t.rowCount, t.columnNames.count)
            })
        }
    }
} catch {
    FileHandle.standardError.write(Data("CSVBench: \(error)\n".utf8))
    exit(1)
}

if json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(results), as: UTF8.self))
} else {
    print("1 thread; median [min..max] over \(repeats) loads after one untimed load; MB = 10^6 bytes")
    for r in results where r.loader == "SHA256" {
        print(String(format: "%@  SHA256  %.1f MB  wall %7.1f MB/s [%.1f..%.1f]  cpu %7.1f MB/s [%.1f..%.1f]",
                     (r.file as NSString).lastPathComponent, Double(r.bytes) / 1e6,
                     r.mbPerSecond.median, r.mbPerSecond.min, r.mbPerSecond.max,
                     r.mbPerCPUSecond.median, r.mbPerCPUSecond.min, r.mbPerCPUSecond.max))
    }
    for r in results where r.loader != "SHA256" {
        print(String(format: "%@  %@  %.1f MB, %d rows x %d  wall %7.1f MB/s [%.1f..%.1f]  cpu %7.1f MB/s [%.1f..%.1f]  %.2f M rows/s",
                     (r.file as NSString).lastPathComponent, r.loader, Double(r.bytes) / 1e6, r.rows, r.columns,
                     r.mbPerSecond.median, r.mbPerSecond.min, r.mbPerSecond.max,
                     r.mbPerCPUSecond.median, r.mbPerCPUSecond.min, r.mbPerCPUSecond.max, r.rowsPerSecond / 1e6))
    }
}
