import Foundation
@testable import MLBench
import MLCore
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// A session's buffer pool: once one run has finished, later runs of the same model take every tensor buffer
/// from what earlier runs released (no allocation per node), without one run's buffers leaking into another's
/// results.
@Suite struct SteadyStateAllocationTests {
    /// The real ResNet-18 of the real-world set, when scripts/make-realworld-models.py has written it.
    static let resnet18 = NeuralNetworkSuiteTests.root.appendingPathComponent("datasets/realworld/resnet18")

    /// Runs the session `runs` times on `feeds`; returns the pool's statistics after each run and the outputs
    /// of the first run (kept alive through the later runs).
    static func runs(_ session: InferenceSession, _ feeds: [String: Tensor], count: Int) throws
        -> (statistics: [BufferPool.Statistics], first: [String: Value]) {
        let pool = try #require(session.bufferPool)
        var statistics: [BufferPool.Statistics] = []
        var first: [String: Value] = [:]
        for run in 0..<count {
            let outputs = try session.run(feeds)
            if run == 0 { first = outputs }
            statistics.append(pool.statistics)
        }
        return (statistics, first)
    }

    static func checkSteadyState(_ session: InferenceSession, _ feeds: [String: Tensor], _ name: String) throws {
        let (statistics, first) = try runs(session, feeds, count: 3)
        let firstCopy = try first.mapValues { try #require($0.tensor).scalars(as: Float.self) }
        // Run 2 allocates only the outputs that replace the first run's, which the caller still holds; run 3
        // allocates nothing, and serves at least one buffer per convolution and GEMM from the pool.
        #expect(statistics[1].allocations - statistics[0].allocations <= first.count, "\(name): run 2 allocated \(statistics[1].allocations - statistics[0].allocations)")
        #expect(statistics[2].allocations == statistics[1].allocations, "\(name): run 3 allocated \(statistics[2].allocations - statistics[1].allocations)")
        let heavy = session.plannedNodes.filter { ["Conv", "FusedConv", "Gemm", "MatMul", "FusedMatMul"].contains($0.opType) }.count
        #expect(heavy > 0)
        #expect(statistics[2].reuses - statistics[1].reuses >= heavy, "\(name): \(statistics[2].reuses - statistics[1].reuses) reuses for \(heavy) heavy nodes")
        // The first run's outputs, still held, were not handed out again and overwritten.
        for (key, value) in first {
            #expect(try #require(value.tensor).scalars(as: Float.self) == firstCopy[key], "\(name): output \(key) changed")
        }
        // A later run computes what the first did.
        let again = try session.run(feeds)
        #expect(try #require(session.bufferPool).statistics.allocations == statistics[2].allocations, "\(name): run 4 allocated")
        for (key, value) in again {
            #expect(try #require(value.tensor).scalars(as: Float.self) == firstCopy[key], "\(name): run 4 differs on \(key)")
        }
    }

    @Test(arguments: ["resnet_tiny", "mobilenet_v2_tiny", "bert_tiny"])
    func tinyNetworksAllocateNothingAfterTheFirstRun(name: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-pool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try #require(NeuralNetworkSuiteTests.tinyModels.first { $0.name == name })
        let session = try InferenceSession(contentsOf: try model.file(in: directory), options: SessionOptions(threads: 1))
        try Self.checkSteadyState(session, try model.samples(2, 7), name)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: resnet18.appendingPathComponent("model.onnx").path),
                   "needs datasets/realworld/resnet18 (scripts/make-realworld-models.py): skipped"))
    func resnet18AllocatesNothingAfterTheFirstRun() throws {
        let session = try InferenceSession(contentsOf: Self.resnet18.appendingPathComponent("model.onnx"),
                                           options: SessionOptions(threads: 1))
        let input = try #require(session.inputs.first)
        let pixels: [Float] = (0..<(3 * 224 * 224)).map { (i: Int) -> Float in Float((i * 7919) % 255) / 255 - 0.5 }
        let x = try Tensor(shape: [1, 3, 224, 224], scalars: pixels)
        try Self.checkSteadyState(session, [input.name: x], "resnet18")
    }

    @Test func reusedBuffersAreZeroedWhenAskedAndBoundedByCapacity() throws {
        let pool = BufferPool(capacity: 1024)
        do {
            var t = try Tensor.uninitialized([16], dtype: .float32, pool: pool)
            try t.withUnsafeMutableBufferPointer(as: Float.self) { $0.update(repeating: 7) }
        }
        #expect(pool.statistics.allocations == 1 && pool.statistics.reuses == 0 && pool.statistics.idleBytes == 64)
        let zeros = try Tensor(zeros: [16], dtype: .float32, pool: pool)
        #expect(pool.statistics.reuses == 1)
        #expect(try zeros.scalars(as: Float.self) == [Float](repeating: 0, count: 16))
        // Larger than the capacity: allocated, then freed instead of kept.
        do { _ = try Tensor.uninitialized([1024], dtype: .float32, pool: pool) }
        #expect(pool.statistics.idleBytes == 0)
        withExtendedLifetime(zeros) {}
    }

    @Test func aPoolOfZeroBytesTurnsReuseOff() throws {
        let model = try #require(NeuralNetworkSuiteTests.tinyModels.first { $0.name == "resnet_tiny" })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-pool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = SessionOptions(threads: 1)
        options.bufferPoolBytes = 0
        let session = try InferenceSession(contentsOf: try model.file(in: directory), options: options)
        #expect(session.bufferPool == nil)
        #expect(try session.run(try model.samples(2, 7)).count == 1)
    }
}
