import Foundation
import MLCore

/// `bench inference`: one MLPerf scenario on one model and sample file, plus the null system's overhead,
/// written as report results (`latency_p50` ... `latency_p999` in us, `samples_per_second`).
public struct InferenceBenchmark {
    public var model: URL
    public var input: URL
    public var settings: TestSettings
    public var threads: Int

    public init(model: URL, input: URL, settings: TestSettings, threads: Int) {
        self.model = model
        self.input = input
        self.settings = settings
        self.threads = threads
    }

    public func run(into report: inout Report) throws -> ScenarioResult {
        let session = try InferenceSession(contentsOf: model, options: SessionOptions(threads: threads))
        let csv = try NumericCSV(contentsOf: input)
        let dataset = (try? Data(contentsOf: input)).map { SHA256.hex([UInt8]($0)) } ?? ""
        report.addDataset(.init(name: input.lastPathComponent, rows: csv.rowCount, sha256: dataset))
        let sut = try ONNXSystem(session: session, samples: csv.values)
        let result = try LoadGenerator().run(sut, settings: settings)
        report.results += Self.results(result, dataset: input.lastPathComponent, model: model.lastPathComponent, threads: threads)

        // The harness's own cost per query, measured the same way on a system that does nothing.
        var nullSettings = settings
        nullSettings.minDuration = Swift.min(settings.minDuration, 1)
        nullSettings.minQueries = Swift.min(settings.minQueries, 1000)
        report.results.append(try NullSystem.harnessOverhead(settings: nullSettings, sampleCount: csv.rowCount))
        return result
    }

    /// The scenario's figures as report entries.
    static func results(_ r: ScenarioResult, dataset: String, model: String, threads: Int) -> [Report.Result] {
        var params = ["model": model, "threads": String(threads), "queries": String(r.queries), "samples": String(r.samples),
                      "warmup_queries": String(r.warmupQueries), "valid": r.valid ? "VALID" : "INVALID"]
        if !r.invalidReasons.isEmpty { params["invalid_reasons"] = r.invalidReasons.joined(separator: "; ") }
        if let qps = r.serverQueriesPerSecond { params["server_queries_per_second"] = String(format: "%.1f", qps) }
        var out: [Report.Result] = []
        for (name, p) in [("latency_p50", 50.0), ("latency_p90", 90), ("latency_p95", 95), ("latency_p99", 99), ("latency_p999", 99.9)] {
            out.append(.init(system: r.system, name: name, value: r.percentile(p) * 1e6, unit: "us", dataset: dataset,
                             scenario: r.scenario.rawValue, params: params))
        }
        out.append(.init(system: r.system, name: "samples_per_second", value: r.samplesPerSecond, unit: "samples/s",
                         dataset: dataset, scenario: r.scenario.rawValue, params: params))
        return out
    }
}
