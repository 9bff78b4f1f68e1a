import Foundation
import MLCore

/// `image-classification` (ResNet-50, MobileNetV2) and `language` (BERT-base, sequence 128): MLPerf Inference's
/// neural-network workloads on models of the real shapes with seeded random weights, written by MLCore's own ONNX
/// writer into `datasets/models/nn/` on first use (nothing downloaded) and reused afterwards.
///
/// Each model runs single-stream (batch-1 latency), offline (samples/s on the whole sample library in one query)
/// and server (the highest Poisson rate whose p99 latency stays under 4x MLCore's single-stream p90 of the same
/// run; the rate search has a time budget). With `--peers` and the pinned Python environment (`.venv-peers` in the
/// repository root, or `MLCORE_PEERS_PYTHON`), onnxruntime runs the same files and samples with the same thread
/// count under the same load generator (``ONNXRuntimePeer``), reported as system `onnxruntime`.
public struct NeuralNetworkSuite: BenchmarkSuite {
    public let name: String
    public let summary: String
    let models: [(model: NeuralNetworkModel, samples: Int)]
    /// Where the generated models and samples are cached.
    public var directory: URL
    /// The repository root (for the peer script and `.venv-peers`); the current directory by default.
    public var root: URL

    init(name: String, summary: String, models: [(NeuralNetworkModel, Int)]) {
        self.name = name
        self.summary = summary
        self.models = models.map { (model: $0.0, samples: $0.1) }
        root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        directory = root.appendingPathComponent("datasets/models/nn")
    }

    /// Sample libraries of 8 images and 4 sequences: the offline query is one batch of all of them.
    public static let imageClassification = NeuralNetworkSuite(
        name: "image-classification",
        summary: "MLPerf-style ResNet-50 and MobileNetV2 (224x224, seeded weights): single-stream, offline, server; --peers adds onnxruntime",
        models: [(.resnet("resnet50", .resnet50), 8), (.mobilenetV2("mobilenet_v2", .mobilenetV2), 8)])

    public static let language = NeuralNetworkSuite(
        name: "language",
        summary: "MLPerf-style BERT-base encoder at sequence 128 (seeded weights): single-stream, offline, server; --peers adds onnxruntime",
        models: [(.bert("bert_base", .bertBase), 4)])

    /// The server's latency bound as a multiple of MLCore's single-stream p90.
    static let serverBoundFactor = 4.0

    /// Run rules. Quick: about 3 s a scenario and an 8 s rate search, so that BERT-base (0.3-0.5 s a sequence at
    /// one thread) with onnxruntime beside it stays under 3 minutes on 2 cores.
    static func settings(_ scenario: Scenario, quick: Bool, latencyBound: Double = 1) -> TestSettings {
        TestSettings(scenario: scenario, minDuration: quick ? 3 : 10, minQueries: quick ? 10 : 50, latencyBound: latencyBound,
                     warmupQueries: quick ? 2 : 5, serverSearchSeconds: quick ? 8 : 40, maxDuration: quick ? 60 : 600)
    }

    /// The pinned Python environment's interpreter: `MLCORE_PEERS_PYTHON`, else `.venv-peers/bin/python` in `root`.
    package static func peersPython(root: URL) -> URL? {
        if let path = ProcessInfo.processInfo.environment["MLCORE_PEERS_PYTHON"], FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        let local = root.appendingPathComponent(".venv-peers/bin/python")
        return FileManager.default.isExecutableFile(atPath: local.path) ? local : nil
    }

    public func run(into report: inout Report, options: SuiteOptions, progress: (String) -> Void) throws {
        var python: URL? = nil
        let script = root.appendingPathComponent("scripts/peers/ort_loadgen_peer.py")
        if options.peers {
            python = Self.peersPython(root: root)
            if python == nil || !FileManager.default.fileExists(atPath: script.path) {
                python = nil
                let message = "onnxruntime peers skipped: no pinned Python environment (set MLCORE_PEERS_PYTHON or create "
                    + "\(root.appendingPathComponent(".venv-peers").path) with scripts/setup-peers.sh) or no \(script.path)"
                report.notes.append(message)
                FileHandle.standardError.write(Data(("note: " + message + "\n").utf8))
            }
        }
        for (model, count) in models {
            progress("\(model.name): writing the model (first run only)")
            let file = try model.file(in: directory)
            let samples = try model.samples(count, NeuralNetworkModel.seed)
            let sampleFiles = try model.sampleFiles(samples, count: count, in: directory)
            let dataset = "\(model.name)-samples-\(count)"
            var hashes: [String] = []
            for (_, url) in sampleFiles.sorted(by: { $0.key < $1.key }) { hashes.append(try SHA256.hex(contentsOfFile: url.path)) }
            report.addDataset(.init(name: dataset, rows: count, sha256: hashes.joined(separator: "+")))
            report.addDataset(.init(name: file.lastPathComponent, rows: 0, sha256: try SHA256.hex(contentsOfFile: file.path)))

            progress("\(model.name): loading into MLCore")
            let session = try InferenceSession(contentsOf: file, options: SessionOptions(threads: options.threads))
            let mlcore = try ONNXSystem(session: session, feeds: ModelFeeds(session: session, tensors: samples))
            var systems: [any SystemUnderTest] = [mlcore]
            if let python {
                progress("\(model.name): loading into onnxruntime")
                let peer = try ONNXRuntimePeer(python: python, script: script, model: file, feeds: sampleFiles,
                                               sampleCount: count, threads: options.threads)
                let trip = try peer.roundTripSeconds()
                report.notes.append("\(model.name): onnxruntime \(peer.version) runs in a Python child answering over a pipe; "
                                    + String(format: "the pipe's round trip (p50 %.0f us) is inside its latencies", trip * 1e6))
                systems.append(peer)
            }
            var bound = 1.0
            for scenario in [Scenario.singleStream, .offline, .server] {
                for system in systems {
                    progress("\(model.name): \(system.name) \(scenario.rawValue)")
                    let result = try LoadGenerator().run(system, settings: Self.settings(scenario, quick: options.quick, latencyBound: bound))
                    var entries = InferenceBenchmark.results(result, dataset: dataset, model: model.name, threads: options.threads)
                    if scenario == .offline { entries = entries.filter { $0.name == "samples_per_second" } }
                    if scenario == .server {
                        for i in entries.indices { entries[i].params["latency_bound_ms"] = String(format: "%.1f", bound * 1e3) }
                    }
                    report.results += entries
                    if scenario == .singleStream, system === mlcore { bound = Self.serverBoundFactor * result.percentile(90) }
                    if !result.valid {
                        report.notes.append("\(model.name) \(system.name) \(scenario.rawValue) INVALID: " + result.invalidReasons.joined(separator: "; "))
                    }
                }
            }
            report.notes.append(String(format: "%@ server: latency bound %.1f ms (%.0fx MLCore's single-stream p90)", model.name, bound * 1e3, Self.serverBoundFactor))
        }
        var nullSettings = TestSettings(scenario: .singleStream, minDuration: 0.5)
        nullSettings.minQueries = 1000
        report.results.append(try NullSystem.harnessOverhead(settings: nullSettings, sampleCount: 8))
        if !options.peers { report.notes.append("onnxruntime not run (add --peers to run it side by side)") }
    }
}
