import Foundation
import MLCoreData
import MLCoreONNX
import MLCoreTensor
import MLCoreTestSupport
import Testing
@testable import MLCoreModels

/// The breast-cancer split written by `scripts/fixtures/make_breast_cancer_split.py`.
enum BreastCancer {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func load(_ name: String) throws -> (x: Tensor, y: Tensor) {
        let csv = try NumericCSV(contentsOf: root.appendingPathComponent("breast_cancer_\(name).csv"))
        let (x, y) = try csv.split(label: "target")
        return (x, y)
    }
}

/// Three Gaussian blobs in `features` dimensions (class c centred at +-1.5 on axis c), reproducible from `seed`.
func blobs(rows: Int, features: Int, classes: Int, seed: UInt64) throws -> (x: Tensor, y: Tensor) {
    var g = SplitMix64(seed: seed)
    var x = [Float](), y = [Float]()
    for r in 0..<rows {
        let c = r % classes
        for j in 0..<features {
            // Box-Muller.
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &g), u2 = Double.random(in: 0..<1, using: &g)
            let noise = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            x.append(Float(noise + (j == c ? 1.5 : 0)))
        }
        y.append(Float(c))
    }
    return (try Tensor(shape: [rows, features], scalars: x), try Tensor(shape: [rows], scalars: y))
}

func labels(_ y: Tensor) throws -> [Int] { try y.scalars(as: Float.self).map { Int($0) } }

@Suite struct LogisticRegressionTests {
    @Test func objectiveGradientMatchesFiniteDifferences() throws {
        for (classes, features) in [(2, 3), (3, 4)] {
            let (xf, yf) = try blobs(rows: 40, features: features, classes: classes, seed: 7)
            let data = try TrainingData(features: xf, labels: yf)
            let targets = classes == 2 ? 1 : classes
            let objective = LogisticObjective(x: try designMatrix(data.features, mean: [], scale: []), y: data.y, rows: 40,
                                              features: features, targets: targets, lambda: 0.05, fitIntercept: true,
                                              options: .init(threads: 1))
            let theta = randomDoubles(objective.parameterCount, seed: 3, in: -0.5...0.5)
            let (_, gradient) = try objective.evaluate(theta)
            for i in theta.indices {
                var plus = theta, minus = theta
                // The products are float32 (scores carry ~1e-7 relative rounding): a step of 1e-3 keeps that noise
                // (~1e-5 in the quotient) and the O(h^2) truncation below the tolerance.
                plus[i] += 1e-3; minus[i] -= 1e-3
                let numeric = (try objective.evaluate(plus).loss - objective.evaluate(minus).loss) / 2e-3
                #expect(abs(numeric - gradient[i]) < 1e-4, "classes \(classes) parameter \(i): \(numeric) vs \(gradient[i])")
            }
        }
    }

    @Test func breastCancerAUCAndDeterminism() throws {
        let train = try BreastCancer.load("train"), test = try BreastCancer.load("test")
        for solver in [LogisticRegression.Solver.lbfgs, .newton] {
            let estimator = LogisticRegression(parameters: .init(solver: solver), seed: 1, threads: 2)
            let model = try estimator.fit(features: train.x, labels: train.y)
            let again = try estimator.fit(features: train.x, labels: train.y)
            #expect(model == again, "solver \(solver): same seed and threads must give a bit-identical model")
            let p = try model.probabilities(test.x)
            let auc = try Metrics.rocAUC(labels: try labels(test.y), probabilities: p, classes: 2)
            // scikit-learn (StandardScaler + LogisticRegression, defaults) scores 0.995178 on this split
            // (scripts/peers/logreg_peers.py, seed 0), as MLCore does.
            #expect(abs(auc - 0.995178) < 0.002, "solver \(solver): AUC \(auc)")
            #expect(model.converged, "solver \(solver): \(model.iterations) iterations")
        }
    }

    @Test func newtonAndLBFGSReachTheSameMinimum() throws {
        let train = try BreastCancer.load("train")
        let lbfgs = try LogisticRegression(parameters: .init(tolerance: 1e-6, solver: .lbfgs), threads: 1).fit(features: train.x, labels: train.y)
        let newton = try LogisticRegression(parameters: .init(tolerance: 1e-6, solver: .newton), threads: 1).fit(features: train.x, labels: train.y)
        let a = try lbfgs.probabilities(train.x), b = try newton.probabilities(train.x)
        #expect(maxAbsDiff(a, b) < 1e-4, "lbfgs \(lbfgs.iterations) iterations, newton \(newton.iterations)")
        #expect(abs(lbfgs.trainLoss - newton.trainLoss) < 1e-8, "\(lbfgs.trainLoss) vs \(newton.trainLoss)")
    }

    @Test(arguments: [2, 3, 5])
    func onnxRoundTripMatchesModel(classes: Int) throws {
        let (x, y) = classes == 2 ? try BreastCancer.load("train") : try blobs(rows: 300, features: 6, classes: classes, seed: 11)
        let model = try LogisticRegression(threads: 1).fit(features: x, labels: y)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-logreg-\(classes)-\(getpid()).onnx")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let session = try InferenceSession(contentsOf: url, options: .init(threads: 1))
        let outputs = try session.run(["X": x])
        let onnx = try #require(outputs["probabilities"]?.tensor).scalars(as: Float.self)
        let mine = try model.predictProbabilities(x).scalars(as: Float.self)
        #expect(onnx.count == mine.count)
        #expect(maxAbsDiff(onnx, mine) <= 1e-5, "classes \(classes): max |diff| \(maxAbsDiff(onnx, mine))")
        let onnxLabels = try #require(outputs["label"]?.tensor).scalars(as: Int64.self)
        let p = try model.probabilities(x)
        // Labels agree except where two probabilities tie to float precision.
        let predicted = try model.predict(x).scalars(as: Int64.self)
        for r in 0..<predicted.count where onnxLabels[r] != predicted[r] {
            let row = p[(r * classes)..<((r + 1) * classes)].sorted(by: >)
            #expect(row[0] - row[1] < 1e-6, "classes \(classes) row \(r)")
        }
    }

    /// Finite rows whose scores overflow float64 (values near 1e308) are refused, never turned into NaN
    /// probabilities by a softmax of infinities.
    @Test func overflowingScoresAreRefused() throws {
        let (x, y) = try blobs(rows: 300, features: 3, classes: 3, seed: 5)
        let model = try LogisticRegression(threads: 1).fit(features: x, labels: y)
        let huge = try Tensor(shape: [2, 3], scalars: [0, 0, 0, 1e308, -1e308, 1e308] as [Double])
        #expect(throws: ModelError.self) { try model.predictProbabilities(huge) }
        let fine = try Tensor(shape: [1, 3], scalars: [0.5, -0.5, 1] as [Double])
        #expect(try model.probabilities(fine).allSatisfy(\.isFinite))
    }

    @Test func multinomialLearnsBlobs() throws {
        let train = try blobs(rows: 600, features: 5, classes: 3, seed: 1), test = try blobs(rows: 300, features: 5, classes: 3, seed: 2)
        let model = try LogisticRegression(threads: 1).fit(features: train.x, labels: train.y)
        #expect(model.targets == 3 && model.classes == [0, 1, 2])
        let p = try model.probabilities(test.x)
        let y = try labels(test.y)
        let accuracy = try Metrics.accuracy(labels: y, predicted: Metrics.argmax(probabilities: p, classes: 3))
        #expect(accuracy > 0.75, "accuracy \(accuracy)")
        #expect(try Metrics.rocAUC(labels: y, probabilities: p, classes: 3) > 0.9)
        #expect(throws: ModelError.self) {
            try LogisticRegression(parameters: .init(solver: .newton)).fit(features: train.x, labels: train.y)
        }
    }

    @Test func progressAndEarlyStopping() throws {
        let train = try BreastCancer.load("train"), test = try BreastCancer.load("test")
        let log = ProgressLog()
        // A weak penalty overfits: the validation loss turns up while the training loss keeps falling.
        let estimator = LogisticRegression(parameters: .init(C: 1e4, maxIterations: 500, tolerance: 1e-10, earlyStoppingRounds: 5), threads: 1)
        let model = try estimator.fit(features: train.x, labels: train.y, validation: ValidationSet(features: test.x, labels: test.y),
                                      progress: { log.append($0) })
        let steps = log.steps
        #expect(!steps.isEmpty)
        #expect(steps.allSatisfy { $0.validationLoss != nil })
        #expect(zip(steps, steps.dropFirst()).allSatisfy { $1.trainLoss <= $0.trainLoss }, "L-BFGS never increases the objective")
        #expect(steps.map(\.iteration) == Array(1...steps.count))
        #expect(model.stoppedEarly && steps.count < 500, "\(steps.count) iterations")
        // The kept iterate is the best one seen: its validation loss is the minimum of the reported ones.
        let best = steps.compactMap(\.validationLoss).min()!
        let kept = try Metrics.logLoss(labels: try labels(test.y), probabilities: try model.probabilities(test.x), classes: 2)
        #expect(abs(kept - best) < 1e-5, "kept \(kept), best \(best)")
    }

    @Test func invalidInputThrows() throws {
        let x = try Tensor(shape: [4, 2], scalars: [0, 1, 1, 0, 2, 2, 3, 1] as [Float])
        let lr = LogisticRegression(threads: 1)
        #expect(throws: ModelError.oneClass(1)) { try lr.fit(features: x, labels: try Tensor(shape: [4], scalars: [1, 1, 1, 1] as [Float])) }
        #expect(throws: ModelError.emptyData("the training set has no rows")) {
            try lr.fit(features: try Tensor(zeros: [0, 2]), labels: try Tensor(zeros: [0]))
        }
        #expect(throws: ModelError.invalidLabel(row: 2, value: 0.5)) {
            try lr.fit(features: x, labels: try Tensor(shape: [4], scalars: [0, 1, 0.5, 1] as [Float]))
        }
        #expect(throws: ModelError.invalidLabel(row: 0, value: -1)) {
            try lr.fit(features: x, labels: try Tensor(shape: [4], scalars: [-1, 1, 0, 1] as [Float]))
        }
        let nan = try Tensor(shape: [4, 2], scalars: [0, 1, 1, .nan, 2, 2, 3, 1] as [Float])
        #expect(throws: ModelError.nonFinite(what: "training features", row: 1, column: 1)) {
            try lr.fit(features: nan, labels: try Tensor(shape: [4], scalars: [0, 1, 0, 1] as [Float]))
        }
        #expect(throws: ModelError.invalidShape("training labels must be [4], got [3]")) {
            try lr.fit(features: x, labels: try Tensor(shape: [3], scalars: [0, 1, 0] as [Float]))
        }
        #expect(throws: ModelError.self) { try LogisticRegression(parameters: .init(C: 0)).fit(features: x, labels: try Tensor(shape: [4], scalars: [0, 1, 0, 1] as [Float])) }
        let y = try Tensor(shape: [4], scalars: [0, 1, 0, 1] as [Float])
        #expect(throws: ModelError.unknownClass(what: "validation", row: 1, value: 2)) {
            try lr.fit(features: x, labels: y, validation: ValidationSet(features: try Tensor(zeros: [2, 2]),
                                                                         labels: try Tensor(shape: [2], scalars: [1, 2] as [Float])))
        }
        let many = 10_001
        #expect(throws: ModelError.tooManyClasses(many)) {
            try lr.fit(features: try Tensor(zeros: [many, 1]), labels: try Tensor(shape: [many], scalars: (0..<many).map { Float($0) }))
        }
        let model = try lr.fit(features: x, labels: y)
        #expect(throws: ModelError.featureCountMismatch(expected: 2, actual: 3)) { try model.predictProbabilities(try Tensor(zeros: [1, 3])) }
        #expect(throws: ModelError.nonFinite(what: "features", row: 0, column: 0)) {
            try model.predictProbabilities(try Tensor(shape: [1, 2], scalars: [Float.infinity, 0]))
        }
    }

    @Test func standardizationIsFoldedIntoRawCoefficients() throws {
        // Features on very different scales: the model takes raw rows either way, and with a weak penalty the
        // standardized and raw fits find the same decision function.
        var x = try blobs(rows: 200, features: 3, classes: 2, seed: 5)
        var values = try x.x.scalars(as: Float.self)
        for r in 0..<200 { values[r * 3] *= 1000; values[r * 3 + 1] += 50 }
        x.x = try Tensor(shape: [200, 3], scalars: values)
        let scaled = try LogisticRegression(parameters: .init(C: 1e6, tolerance: 1e-9, solver: .newton), threads: 1).fit(features: x.x, labels: x.y)
        let raw = try LogisticRegression(parameters: .init(C: 1e6, tolerance: 1e-9, standardize: false, solver: .newton), threads: 1)
            .fit(features: x.x, labels: x.y)
        #expect(maxAbsDiff(try scaled.probabilities(x.x), try raw.probabilities(x.x)) < 1e-4)
    }
}

/// Collects progress reports from the (synchronous) callback.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [TrainingProgress] = []
    func append(_ p: TrainingProgress) { lock.lock(); items.append(p); lock.unlock() }
    var steps: [TrainingProgress] { lock.lock(); defer { lock.unlock() }; return items }
}
