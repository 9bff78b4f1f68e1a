import Foundation
import MLCore

/// `bench inference`: one MLPerf scenario on one model and its sample files, plus the null system's overhead,
/// written as report results (`latency_p50` ... `latency_p999` in us, `samples_per_second`).
///
/// Samples are slices along axis 0 of the inputs (``ModelFeeds``: `--feed NAME=FILE` and a CSV for the first
/// input not fed); every scenario's query of k samples feeds the same k rows of every input.
public struct InferenceBenchmark {
    public var model: URL
    /// A numeric CSV for the first input no `feeds` entry names.
    public var input: URL?
    /// A column of `input` to drop (the label of a `bench train` CSV).
    public var label: String?
    public var feeds: [FeedArgument]
    public var settings: TestSettings
    public var threads: Int

    public init(model: URL, input: URL?, label: String? = nil, feeds: [FeedArgument] = [], settings: TestSettings, threads: Int) {
        self.model = model
        self.input = input
        self.label = label
        self.feeds = feeds
        self.settings = settings
        self.threads = threads
    }

    public func run(into report: inout Report) throws -> ScenarioResult {
        let session = try InferenceSession(contentsOf: model, options: SessionOptions(threads: threads))
        let modelFeeds = try ModelFeeds(session: session, csv: input, label: label, feeds: feeds)
        var files: [String] = []
        for f in modelFeeds.feeds where !files.contains(f.file.lastPathComponent) {
            let sha = (try? SHA256.hex(contentsOfFile: f.file.path)) ?? ""
            report.addDataset(.init(name: f.file.lastPathComponent, rows: modelFeeds.sampleCount, sha256: sha))
            files.append(f.file.lastPathComponent)
        }
        let dataset = files.joined(separator: "+")
        let sut = try ONNXSystem(session: session, feeds: modelFeeds)
        let result = try LoadGenerator().run(sut, settings: settings)
        report.results += Self.results(result, dataset: dataset, model: model.lastPathComponent, threads: threads)

        // The harness's own cost per query, measured the same way on a system that does nothing.
        var nullSettings = settings
        nullSettings.minDuration = Swift.min(settings.minDuration, 1)
        nullSettings.minQueries = Swift.min(settings.minQueries, 1000)
        report.results.append(try NullSystem.harnessOverhead(settings: nullSettings, sampleCount: modelFeeds.sampleCount))
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
