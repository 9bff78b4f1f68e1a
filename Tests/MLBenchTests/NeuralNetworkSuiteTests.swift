import Foundation
@testable import MLBench
import MLCore
import Testing

/// The image-classification and language suites: their registry entries, the graphs MLCore's writer builds for
/// them (loaded by MLCore's reader, output shapes, parameter counts against the published ones), and tiny
/// configurations of every model against onnxruntime, an independent reading of what the written graphs mean.
@Suite struct NeuralNetworkSuiteTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = NeuralNetworkSuite.peersPython(root: root)

    static let tinyModels: [NeuralNetworkModel] = [
        .resnet("resnet_tiny", .tiny), .mobilenetV2("mobilenet_v2_tiny", .tiny), .bert("bert_tiny", .tiny),
    ]

    @Test func registryKnowsTheNewSuites() {
        #expect(Suites.named("image-classification")?.name == "image-classification")
        #expect(Suites.named("language")?.name == "language")
        #expect(NeuralNetworkSuite.imageClassification.models.map(\.model.name) == ["resnet50", "mobilenet_v2"])
        #expect(NeuralNetworkSuite.language.models.map(\.model.name) == ["bert_base"])
    }

    /// Float parameters (every initializer of rank >= 1; the rank-0 constants are scalars of the graph's arithmetic).
    static func parameterCount(_ writer: ONNXModelWriter) -> Int {
        writer.initializers.reduce(0) { sum, i in
            guard case .floats(let v) = i.values, !i.dims.isEmpty else { return sum }
            return sum + v.count
        }
    }

    /// torchvision's resnet50 has 25,557,032 parameters, 53,120 of them batch-norm scales and shifts over 26,560
    /// channels; folding leaves one bias per channel: 25,557,032 - 53,120 + 26,560.
    @Test func resnet50HasTorchvisionsParameterCount() {
        #expect(Self.parameterCount(ResNetConfiguration.resnet50.build(seed: 1)) == 25_530_472)
    }

    /// Hugging Face's bert-base-uncased has 109,482,240 parameters; this encoder has no pooler (768·768 + 768),
    /// 128 instead of 512 position embeddings and one token-type row instead of two.
    @Test func bertBaseHasTheEncodersParameterCount() {
        let expected = 109_482_240 - (768 * 768 + 768) - (512 - 128) * 768 - 768
        #expect(Self.parameterCount(BERTConfiguration.bertBase.build(seed: 1)) == expected)
    }

    /// Runs `model` (tiny configuration) through MLCore on 2 samples; returns the model file, the samples and the
    /// only output.
    static func runTiny(_ model: NeuralNetworkModel, in directory: URL) throws -> (URL, [String: URL], Tensor) {
        let file = try model.file(in: directory)
        let samples = try model.samples(2, 7)
        let files = try model.sampleFiles(samples, count: 2, in: directory)
        let session = try InferenceSession(contentsOf: file, options: SessionOptions(threads: 1))
        let outputs = try session.run(samples)
        guard outputs.count == 1, case .tensor(let y)? = outputs.values.first else {
            throw BenchError("expected one tensor output, got \(outputs.keys.sorted())")
        }
        return (file, files, y)
    }

    @Test(arguments: [("resnet_tiny", [2, 10]), ("mobilenet_v2_tiny", [2, 10]), ("bert_tiny", [2, 16, 32])])
    func tinyModelsLoadAndHaveTheRightOutputShape(name: String, shape: [Int]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-nn-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try #require(Self.tinyModels.first { $0.name == name })
        let (_, _, y) = try Self.runTiny(model, in: directory)
        #expect(y.shape.dims == shape)
        let values = try y.scalars(as: Float.self)
        #expect(values.allSatisfy { $0.isFinite })
        // Not constant: the samples differ, so must the outputs of the two samples.
        let half = values.count / 2
        #expect(Array(values[..<half]) != Array(values[half...]))
    }

    /// The same files through onnxruntime (pinned env): every output within 1e-4 + 1e-3·|expected|, the tolerance
    /// of the real-world float32 models.
    @Test(.enabled(if: python != nil, "needs the pinned Python environment (.venv-peers in the repository root or MLCORE_PEERS_PYTHON): skipped"),
          arguments: ["resnet_tiny", "mobilenet_v2_tiny", "bert_tiny"])
    func tinyModelsAgreeWithOnnxruntime(name: String) throws {
        let python = try #require(Self.python)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-nn-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try #require(Self.tinyModels.first { $0.name == name })
        let (file, feeds, y) = try Self.runTiny(model, in: directory)
        let expectedFile = directory.appendingPathComponent("expected.npy")
        let script = """
            import sys, numpy as np, onnxruntime as ort
            o = ort.SessionOptions(); o.intra_op_num_threads = 1
            s = ort.InferenceSession(sys.argv[1], o, providers=["CPUExecutionProvider"])
            feeds = {a.split("=", 1)[0]: np.load(a.split("=", 1)[1]) for a in sys.argv[3:]}
            np.save(sys.argv[2], s.run(None, feeds)[0])
            """
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script, file.path, expectedFile.path] + feeds.map { "\($0.key)=\($0.value.path)" }
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "onnxruntime failed on \(name)")
        let expected = try Npy.read(contentsOf: expectedFile)
        #expect(expected.shape == y.shape)
        let a = try y.scalars(as: Float.self), e = try expected.scalars(as: Float.self)
        let worst = zip(a, e).map { abs($0 - $1) - (1e-4 + 1e-3 * abs($1)) }.max() ?? .infinity
        #expect(worst <= 0, "\(name): max excess over the tolerance \(worst)")
        #expect(e.contains { abs($0) > 1e-2 }, "\(name): the outputs are not all near zero (a vacuous comparison)")
    }

    /// The rate search stops once its budget is spent: a 10 ms system under a bound it always meets would double
    /// its rate 20 times (hours of simulated load) without one.
    @Test func serverSearchHonoursItsTimeBudget() throws {
        let clock = ManualClock()
        let sut = LoadGeneratorTests.FakeSystem(samples: 4, clock: clock) { _ in 0.010 }
        var settings = TestSettings(scenario: .server, minDuration: 1, minQueries: 10, latencyBound: 1e9, warmupQueries: 0,
                                    serverSearchSeconds: 5)
        settings.minQueries = 10
        let r = try LoadGenerator(clock: clock).run(sut, settings: settings)
        #expect(r.valid)
        // Beyond 100 queries/s the system falls behind (completions lag the arrivals, which invalidates a rate
        // whatever the bound) and a 1 s run lasts rate x 10 ms. Single-stream probe 1 s; search runs at 50, 100,
        // then 200/s (2 s, behind), bisection inside the budget; then the confirming run. Without the budget,
        // doubling goes on while the bound holds.
        #expect(clock.time < 14, "the search ran \(clock.time) s of simulated time")
        let rate = r.serverQueriesPerSecond ?? 0
        #expect(rate >= 50 && rate <= 100 * 1.0001, "the highest rate a 10 ms system keeps up with is 100/s; found \(rate)")
    }
}
