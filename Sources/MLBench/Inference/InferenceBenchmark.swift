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
    /// Run onnxruntime on the same model, samples, scenario and threads (the pinned Python environment under
    /// `root`, or `MLCORE_PEERS_PYTHON`); when it is missing, a note says so and MLCore's part still completes.
    public var peers = false
    /// The repository root (for the peer script and `.venv-peers`).
    public var root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    /// Write LoadGen's `mlperf_log_summary.txt` and `mlperf_log_detail.txt` for MLCore's run here.
    public var loadgenLogs: URL?

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
        if let loadgenLogs { try LoadGenLogs.write(result, settings: settings, sutName: sut.name, to: loadgenLogs) }
        if peers { try runPeer(modelFeeds, dataset: dataset, into: &report) }

        // The harness's own cost per query, measured the same way on a system that does nothing.
        var nullSettings = settings
        nullSettings.minDuration = Swift.min(settings.minDuration, 1)
        nullSettings.minQueries = Swift.min(settings.minQueries, 1000)
        report.results.append(try NullSystem.harnessOverhead(settings: nullSettings, sampleCount: modelFeeds.sampleCount))
        return result
    }

    /// onnxruntime on the same samples (written once as `.npy` files) and settings, then every MLCore figure's
    /// ratio to it; a missing environment or a failing peer is a note, not an error.
    func runPeer(_ modelFeeds: ModelFeeds, dataset: String, into report: inout Report) throws {
        let script = root.appendingPathComponent("scripts/peers/ort_loadgen_peer.py")
        guard let python = NeuralNetworkSuite.peersPython(root: root), FileManager.default.fileExists(atPath: script.path) else {
            report.notes.append("onnxruntime skipped: no pinned Python environment (scripts/setup-peers.sh creates .venv-peers; "
                                + "or set MLCORE_PEERS_PYTHON) or no \(script.path)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-peer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [String: URL] = [:]
        for (i, (name, tensor)) in modelFeeds.all.sorted(by: { $0.key < $1.key }).enumerated() {
            files[name] = try TensorFile.write(tensor, base: directory.appendingPathComponent("feed\(i)"))
        }
        do {
            let peer = try ONNXRuntimePeer(python: python, script: script, model: model, feeds: files,
                                           sampleCount: modelFeeds.sampleCount, threads: threads)
            let trip = try peer.roundTripSeconds()
            let result = try LoadGenerator().run(peer, settings: settings)
            report.results += Self.results(result, dataset: dataset, model: model.lastPathComponent, threads: threads)
            report.results.append(.init(system: peer.name, name: "empty_call_p50", value: trip * 1e6, unit: "us",
                                        params: ["threads": String(threads), "model": model.lastPathComponent]))
            report.notes.append(String(format: "onnxruntime %@ answers each query from a Python child over a pipe; its empty call "
                                       + "(the pipe's round trip, p50 %.1f us) is inside its latencies and reported as empty_call_p50",
                                       peer.version, trip * 1e6))
            if !result.valid { report.notes.append("onnxruntime INVALID: " + result.invalidReasons.joined(separator: "; ")) }
            report.results += PeerRatios.ratios(report.results)
        } catch {
            report.notes.append("onnxruntime skipped: \(error)")
        }
    }

    /// What a reader needs to trust the run, for the console: the verdict with its reasons; for server the
    /// latency bound, the measured p99, the scheduled and completed rates, whether the bound held and the
    /// early-stopping verdict; for single- and multi-stream the early-stopping estimate beside the plain percentile.
    public static func verdictLines(_ r: ScenarioResult) -> [String] {
        var lines = [r.valid ? "VALID" : "INVALID: " + r.invalidReasons.joined(separator: "; ")]
        if r.scenario == .server {
            let bound = r.latencyBound.map { String(format: "%.4g ms", $0 * 1e3) } ?? "-"
            lines.append(String(format: "server: latency bound (p99) %@, measured p99 %.4g ms, bound %@; scheduled %.4g queries/s, completed %.4g queries/s; early stopping %@",
                                bound, r.percentile(99) * 1e3, (r.boundHeld ?? false) ? "held" : "NOT held",
                                r.scheduledQueriesPerSecond ?? 0, r.completedQueriesPerSecond ?? 0,
                                r.earlyStoppingPassed.map { $0 ? "pass" : "fail" } ?? "-"))
        } else if let p = r.earlyStoppingPercentile {
            let estimate = r.earlyStoppingEstimate.map { String(format: "%.4g ms", $0 * 1e3) } ?? "n/a"
            lines.append(String(format: "p%d %.4g ms; early-stopping estimate (99%% confidence) %@", Int(p * 100), r.percentile(p * 100) * 1e3, estimate)
                         + (r.earlyStoppingEstimate == nil ? " (\(r.earlyStoppingNote ?? ""))" : ""))
        }
        return lines
    }

    /// The scenario's figures as report entries.
    static func results(_ r: ScenarioResult, dataset: String, model: String, threads: Int) -> [Report.Result] {
        var params = ["model": model, "threads": String(threads), "queries": String(r.queries), "samples": String(r.samples),
                      "warmup_queries": String(r.warmupQueries), "valid": r.valid ? "VALID" : "INVALID"]
        if !r.invalidReasons.isEmpty { params["invalid_reasons"] = r.invalidReasons.joined(separator: "; ") }
        if let qps = r.serverQueriesPerSecond { params["server_queries_per_second"] = String(format: "%.1f", qps) }
        if let bound = r.latencyBound { params["latency_bound_ms"] = String(format: "%.4g", bound * 1e3) }
        if let held = r.boundHeld { params["bound_held"] = held ? "yes" : "no" }
        if let passed = r.earlyStoppingPassed { params["early_stopping"] = passed ? "pass" : "fail" }
        var out: [Report.Result] = []
        for (name, p) in [("latency_p50", 50.0), ("latency_p90", 90), ("latency_p95", 95), ("latency_p99", 99), ("latency_p999", 99.9)] {
            out.append(.init(system: r.system, name: name, value: r.percentile(p) * 1e6, unit: "us", dataset: dataset,
                             scenario: r.scenario.rawValue, params: params))
        }
        out.append(.init(system: r.system, name: "samples_per_second", value: r.samplesPerSecond, unit: "samples/s",
                         dataset: dataset, scenario: r.scenario.rawValue, params: params))
        if let estimate = r.earlyStoppingEstimate, let p = r.earlyStoppingPercentile {
            out.append(.init(system: r.system, name: "latency_p\(Int((p * 100).rounded()))_early_stopping", value: estimate * 1e6,
                             unit: "us", dataset: dataset, scenario: r.scenario.rawValue, params: params))
        }
        if let scheduled = r.scheduledQueriesPerSecond, let completed = r.completedQueriesPerSecond {
            out.append(.init(system: r.system, name: "scheduled_queries_per_second", value: scheduled, unit: "queries/s",
                             dataset: dataset, scenario: r.scenario.rawValue, params: params))
            out.append(.init(system: r.system, name: "completed_queries_per_second", value: completed, unit: "queries/s",
                             dataset: dataset, scenario: r.scenario.rawValue, params: params))
        }
        return out
    }
}
