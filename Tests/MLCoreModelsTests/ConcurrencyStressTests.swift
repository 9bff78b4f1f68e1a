import Foundation
import MLCoreTensor
import MLCoreTestSupport
import Testing
import MLCoreModels

/// A trained model is a `Sendable` value: any number of threads may call ``Classifier/predictProbabilities(_:)``
/// at once and each must get exactly the answer a lone caller gets (issue 8, item 4, for estimators).
///
/// One small model of each kind is trained, then 16 OS threads start together and predict on different inputs for
/// a fixed number of iterations; every output is compared bit for bit with the single-threaded answer for the
/// same input, computed first. The models predict with 2 intra-op threads, so the kernels' own worker threads
/// run inside the concurrent calls too. (ThreadSanitizer runs this suite in the default test tier.)
@Suite struct ConcurrencyStressTests {
    static let threadCount = 16
    static let iterationsPerThread = 24
    static let distinctInputs = 12

    /// Input `k`: 1 to 67 rows (k = 1 has 300 rows, enough for the tree walker to split over its threads), values
    /// from the training distribution shifted per input so that different `k` give different rows.
    static func inputs(features: Int) throws -> [Tensor] {
        try (0..<distinctInputs).map { k in
            let rows = k == 1 ? 300 : 1 + (k * 11) % 67
            let (x, _) = try blobs(rows: rows, features: features, classes: 3, seed: 100 + UInt64(k))
            return x
        }
    }

    /// Float32 probabilities as their bit patterns (NaN would compare equal to itself; none is expected).
    static func bits(_ t: Tensor) throws -> [UInt32] {
        try t.scalars(as: Float.self).map(\.bitPattern)
    }


    /// Mismatches and errors seen by the worker threads, and the number of predictions made.
    final class Findings: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        private var count = 0

        func record(_ s: String?) {
            lock.lock()
            defer { lock.unlock() }
            count += 1
            if let s, items.count < 20 { items.append(s) }
        }

        var runs: Int {
            lock.lock()
            defer { lock.unlock() }
            return count
        }

        var all: [String] {
            lock.lock()
            defer { lock.unlock() }
            return items
        }
    }

    /// The three estimators, small and fast, each trained once on the same three-class blobs.
    static func trainedModels() throws -> [(String, any Classifier)] {
        let (x, y) = try blobs(rows: 240, features: 5, classes: 3, seed: 42)
        var lr = try LogisticRegression(threads: 1).fit(features: x, labels: y)
        lr.threads = 2
        var gbdt = try GradientBoosting(parameters: .init(numTrees: 15, numLeaves: 7, minDataInLeaf: 5), seed: 1, threads: 1)
            .fit(features: x, labels: y)
        gbdt.threads = 2
        var mlp = try MLP(parameters: .init(hiddenLayers: [16, 8], maxEpochs: 15), seed: 1, threads: 1).fit(features: x, labels: y)
        mlp.threads = 2
        return [("logistic regression", lr), ("gradient boosting", gbdt), ("mlp", mlp)]
    }

    @Test("16 threads share one trained model and get the single-threaded answers")
    func sharedModelsMatchSingleThreaded() throws {
        let feeds = try Self.inputs(features: 5)
        for (name, model) in try Self.trainedModels() {
            let expected = try feeds.map { try Self.bits(model.predictProbabilities($0)) }
            // The reference itself must be a probability table: finite, one row per input row.
            for (k, e) in expected.enumerated() {
                #expect(e.count == feeds[k].shape[0] * 3, "\(name) input \(k)")
                #expect(e.allSatisfy { Float(bitPattern: $0).isFinite }, "\(name) input \(k)")
            }
            let findings = Findings()
            runOnThreads(Self.threadCount) { t in
                for i in 0..<Self.iterationsPerThread {
                    let k = (t * 5 + i * 7) % feeds.count
                    do {
                        let got = try Self.bits(model.predictProbabilities(feeds[k]))
                        findings.record(got == expected[k] ? nil : "thread \(t) iteration \(i) input \(k): probabilities differ")
                    } catch {
                        findings.record("thread \(t) iteration \(i) input \(k): \(error)")
                    }
                }
            }
            #expect(findings.runs == Self.threadCount * Self.iterationsPerThread, "\(name)")
            #expect(findings.all.isEmpty, "\(name): \(findings.all)")
        }
    }
}
