import Foundation
import MLCoreONNX
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// One loaded session serving many threads at once must give every caller exactly the answer it gives a lone
/// caller: a session is immutable and each run owns its buffers (see ``InferenceSession``).
///
/// 16 OS threads (not a concurrentPerform, which would run about as many at once as there are cores) start
/// together and run one shared session on different inputs for a fixed number of iterations; every output is
/// compared bit for bit with the single-threaded answer for the same input, computed first.
@Suite struct ConcurrencyTests {
    static let parity = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/parity")

    static let threadCount = 16
    static let iterationsPerThread = 32
    static let distinctInputs = 24

    /// Input `k`: a batch of 1 to 40 rows of the fixture's input (320 rows for k = 1, enough for tree ensembles to
    /// split a run over intra-op threads), each value nudged by a seeded amount, with a NaN in every fifth batch;
    /// different `k` give different batches.
    static func inputs(_ name: String) throws -> [Tensor] {
        let lines = try String(contentsOf: parity.appendingPathComponent("\(name)/input.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        let rows = lines.map { $0.split(separator: ",").map { Float(String($0)) ?? .nan } }
        let width = rows[0].count
        var rng = SplitMix64(seed: 0xC0FFEE)
        return try (0..<distinctInputs).map { k in
            let count = k == 1 ? 320 : 1 + (k * 7) % rows.count
            var values: [Float] = []
            for r in 0..<count {
                values += rows[(k + r) % rows.count].map { $0 + Float.random(in: -0.25...0.25, using: &rng) }
            }
            if k % 5 == 0 { values[(k * 3) % values.count] = .nan }
            return try Tensor(shape: [count, width], scalars: values)
        }
    }

    /// A run's outputs as comparable bits: names, dtypes, shapes, keys and raw element bits (NaN equals itself).
    static func bits(_ outputs: [String: Value]) throws -> [String] {
        func tensorBits(_ t: Tensor) throws -> String {
            let payload: [String]
            switch t.dtype {
            case .float32: payload = try t.scalars(as: Float.self).map { String($0.bitPattern, radix: 16) }
            case .float64: payload = try t.scalars(as: Double.self).map { String($0.bitPattern, radix: 16) }
            case .int64: payload = try t.scalars(as: Int64.self).map(String.init)
            case .int32: payload = try t.scalars(as: Int32.self).map(String.init)
            case .bool: payload = try t.scalars(as: Bool.self).map(String.init)
            case .string: payload = try t.strings()
            }
            return "\(t.dtype)\(t.shape) " + payload.joined(separator: ",")
        }
        return try outputs.keys.sorted().map { name in
            switch outputs[name]! {
            case .tensor(let t): return "\(name): " + (try tensorBits(t))
            case .mapSequence(let m): return "\(name): keys \(m.keys) " + (try tensorBits(m.values))
            default: return "\(name): \(outputs[name]!)"
            }
        }
    }


    /// Mismatches and errors seen by the worker threads.
    final class Findings: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        private(set) var runs = 0

        func record(_ s: String?) {
            lock.lock()
            defer { lock.unlock() }
            runs += 1
            if let s, items.count < 20 { items.append(s) }
        }

        var all: [String] {
            lock.lock()
            defer { lock.unlock() }
            return items
        }
    }

    @Test("16 threads share one session and get the single-threaded answers",
          arguments: [("lgbm_multiclass", 1), ("skl_random_forest_classifier", 2), ("skl_mlp_relu", 1),
                      ("lgbm_binary_zipmap", 1), ("skl_decision_tree_zipmap_int64", 1)])
    func sharedSessionMatchesSingleThreaded(name: String, intraOpThreads: Int) throws {
        let session = try InferenceSession(contentsOf: Self.parity.appendingPathComponent("\(name)/model.onnx"),
                                           options: .init(threads: intraOpThreads))
        let input = try #require(session.inputs.first).name
        let feeds = try Self.inputs(name)
        // The reference: the same session, one caller, one input after another.
        let expected = try feeds.map { try Self.bits(session.run([input: $0])) }

        let findings = Findings()
        runOnThreads(Self.threadCount) { t in
            for i in 0..<Self.iterationsPerThread {
                let k = (t * 5 + i * 7) % feeds.count
                do {
                    let got = try Self.bits(session.run([input: feeds[k]]))
                    findings.record(got == expected[k] ? nil : "thread \(t) iteration \(i) input \(k): outputs differ")
                } catch {
                    findings.record("thread \(t) iteration \(i) input \(k): \(error)")
                }
            }
        }
        #expect(findings.runs == Self.threadCount * Self.iterationsPerThread, "\(name)")
        #expect(findings.all.isEmpty, "\(name) (session threads \(intraOpThreads)): \(findings.all)")
    }
}
