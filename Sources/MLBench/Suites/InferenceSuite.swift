import Foundation
import MLCore

/// `inference`: MLPerf scenarios (single-stream and offline; all four without `--quick`) on the benchmark
/// models that `scripts/make-benchmark-models.sh` writes to `datasets/models/` (listed with their SHA-256 in
/// `MODELS.sha256`), each on `bench-input.csv`. Skipped, with the reason in the report, when they are absent.
public struct InferenceSuite: BenchmarkSuite {
    public var name: String { "inference" }
    public var summary: String { "MLPerf-style scenarios (latency percentiles, samples/s, validity) on the ONNX benchmark models in datasets/models" }

    public var directory: URL

    public init(directory: URL = URL(fileURLWithPath: "datasets/models")) { self.directory = directory }

    public func run(into report: inout Report, options: SuiteOptions, progress: (String) -> Void) throws {
        let input = directory.appendingPathComponent("bench-input.csv")
        let models = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".onnx") }.sorted()
        guard FileManager.default.fileExists(atPath: input.path), !models.isEmpty else {
            report.notes.append("skipped: no benchmark models in \(directory.path) (run scripts/make-benchmark-models.sh)")
            return
        }
        let scenarios: [Scenario] = options.quick ? [.singleStream, .offline] : Scenario.allCases
        for model in models {
            for scenario in scenarios {
                progress("\(model) \(scenario.rawValue)")
                var settings = TestSettings(scenario: scenario, minDuration: options.quick ? 2 : 10)
                if options.quick { settings.minQueries = scenario == .offline ? 1 : 100 }
                settings.maxDuration = options.quick ? 60 : 600
                let result = try InferenceBenchmark(model: directory.appendingPathComponent(model), input: input,
                                                    settings: settings, threads: options.threads).run(into: &report)
                if !result.valid {
                    report.notes.append("\(model) \(scenario.rawValue) INVALID: " + result.invalidReasons.joined(separator: "; "))
                }
            }
        }
    }
}
