import Foundation
import MLCoreData
import MLCoreONNX
import MLCoreTensor
import MLCoreTestSupport
import Testing
@testable import MLCoreModels

/// XOR-like data: uniform points in the square `[-1, 1]^2`, class 1 where both coordinates have the same sign.
/// No linear model can separate it.
func xorData(rows: Int, seed: UInt64) throws -> (x: Tensor, y: Tensor) {
    var g = SplitMix64(seed: seed)
    var x = [Float](), y = [Float]()
    for _ in 0..<rows {
        let a = Float.random(in: -1...1, using: &g), b = Float.random(in: -1...1, using: &g)
        x += [a, b]
        y.append(a * b > 0 ? 1 : 0)
    }
    return (try Tensor(shape: [rows, 2], scalars: x), try Tensor(shape: [rows], scalars: y))
}

/// An independent float64 implementation of the minibatch loss scikit-learn's `_backprop` defines (mean log-loss
/// plus `alpha / (2 b) |W|^2`), written from the formulas with plain loops; weights are `[out, in]` per layer.
func referenceMLPLoss(sizes: [Int], activation: MLP.Activation, weights: [[Double]], biases: [[Double]],
                      x: [[Double]], y: [Int], alpha: Double) -> Double {
    var loss = 0.0, squares = 0.0
    for w in weights { for v in w { squares += v * v } }
    for (r, row) in x.enumerated() {
        var a = row
        for l in 0..<weights.count {
            var z = biases[l]
            for i in 0..<sizes[l + 1] { for j in 0..<sizes[l] { z[i] += weights[l][i * sizes[l] + j] * a[j] } }
            a = l < weights.count - 1 ? z.map { activation == .relu ? max($0, 0) : tanh($0) } : z
        }
        if a.count == 1 {
            let p = 1 / (1 + exp(-a[0]))
            loss -= y[r] == 1 ? log(p) : log(1 - p)
        } else {
            let m = a.max()!
            loss -= a[y[r]] - (m + log(a.map { exp($0 - m) }.reduce(0, +)))
        }
    }
    return loss / Double(x.count) + 0.5 * alpha * squares / Double(x.count)
}

@Suite struct MLPTests {
    /// A 2-2-1 network with hand-picked parameters. For row (1, 2): z1 = (0.5 - 2 + 0.1, 1.5 + 0.5 - 0.2) =
    /// (-1.4, 1.8); ReLU gives (0, 1.8), z2 = 0 - 3.6 + 0.3 = -3.3 and p = 1 / (1 + e^3.3) = 0.0355711892726;
    /// tanh gives (-0.885351648202, 0.946806012846), z2 = -2.478963673895 and p = 0.0773461258189. For row
    /// (-1, 0.5): z1 = (-0.9, -1.575); ReLU gives z2 = 0.3, p = 0.574442516812; tanh gives (-0.716297870199,
    /// -0.917817443599), z2 = 1.419337016999, p = 0.805234460550.
    @Test(arguments: [(MLP.Activation.relu, [0.0355711892726, 0.574442516812]), (.tanh, [0.0773461258189, 0.805234460550])])
    func forwardMatchesHandComputation(activation: MLP.Activation, expected: [Double]) throws {
        let model = try MLPModel(weights: [[0.5, -1.0, 1.5, 0.25], [1.0, -2.0]], biases: [[0.1, -0.2], [0.3]],
                                 activation: activation, classes: [0, 1], featureCount: 2)
        let p = try model.probabilities(try Tensor(shape: [2, 2], scalars: [1, 2, -1, 0.5] as [Float]))
        for r in 0..<2 {
            #expect(abs(p[2 * r + 1] - expected[r]) < 1e-6, "\(activation) row \(r): \(p[2 * r + 1]) vs \(expected[r])")
            #expect(abs(p[2 * r] + p[2 * r + 1] - 1) < 1e-12)
        }
        #expect(try model.predict(try Tensor(shape: [2, 2], scalars: [1, 2, -1, 0.5] as [Float])).scalars(as: Int64.self) == [0, 1])
    }

    @Test(arguments: [([2, 2, 1], MLP.Activation.relu, 2), ([3, 4, 3, 3], .tanh, 3), ([3, 5, 4], .relu, 4)])
    func gradientMatchesFiniteDifferences(sizes: [Int], activation: MLP.Activation, classes: Int) throws {
        let rows = 7, f = sizes[0], alpha = 0.1
        let layers = sizes.count - 1
        var weights: [[Double]] = [], biases: [[Double]] = []
        for l in 0..<layers {
            // Float32-representable values, so the float32 network and the float64 reference hold the same ones.
            weights.append(randomFloats(sizes[l] * sizes[l + 1], seed: UInt64(10 + l)).map(Double.init))
            biases.append(randomFloats(sizes[l + 1], seed: UInt64(20 + l), in: -0.5...0.5).map(Double.init))
        }
        let xs = randomFloats(rows * f, seed: 3, in: -2...2)
        let x = (0..<rows).map { r in xs[(r * f)..<((r + 1) * f)].map(Double.init) }
        let y = (0..<rows).map { $0 % classes }

        let network = try MLPNetwork(sizes: sizes, activation: activation, weights: weights.map { $0.map { Float($0) } },
                                     biases: biases.map { $0.map { Float($0) } })
        var batch = try MLPBatchBuffers(network, rows: rows)
        batch.input = try Tensor(shape: [rows, f], scalars: xs)
        batch.labels = y
        var gradients = try MLPGradients(network)
        let loss = try network.lossAndGradients(&batch, alpha: alpha, weightSquares: network.weightSquares(),
                                                into: &gradients, options: .init(threads: 1))
        func reference(_ w: [[Double]], _ b: [[Double]]) -> Double {
            referenceMLPLoss(sizes: sizes, activation: activation, weights: w, biases: b, x: x, y: y, alpha: alpha)
        }
        let expectedLoss = reference(weights, biases)
        #expect(abs(loss - expectedLoss) < 1e-6 * max(1, expectedLoss), "loss \(loss) vs \(expectedLoss)")

        // Central differences of the float64 reference (step 1e-6: truncation ~1e-12, rounding ~1e-10).
        let h = 1e-6
        for l in 0..<layers {
            let analyticW = try gradients.weights[l].scalars(as: Float.self)
            for i in weights[l].indices {
                var plus = weights, minus = weights
                plus[l][i] += h
                minus[l][i] -= h
                let numeric = (reference(plus, biases) - reference(minus, biases)) / (2 * h)
                #expect(abs(Double(analyticW[i]) - numeric) < 1e-5 + 1e-4 * abs(numeric),
                        "\(sizes) layer \(l) weight \(i): \(analyticW[i]) vs \(numeric)")
            }
            for i in biases[l].indices {
                var plus = biases, minus = biases
                plus[l][i] += h
                minus[l][i] -= h
                let numeric = (reference(weights, plus) - reference(weights, minus)) / (2 * h)
                #expect(abs(Double(gradients.biases[l][i]) - numeric) < 1e-5 + 1e-4 * abs(numeric),
                        "\(sizes) layer \(l) bias \(i): \(gradients.biases[l][i]) vs \(numeric)")
            }
        }
    }

    /// The first update of each solver, by hand. Adam as scikit-learn writes it (`lr_t m / (sqrt(v) + eps)` with
    /// `lr_t = lr sqrt(1 - b2) / (1 - b1)`, `m = (1 - b1) g`, `v = (1 - b2) g^2`) moves every parameter by
    /// `-lr g / (|g| + eps / sqrt(1 - b2))`: eps acts on the uncorrected `sqrt(v)`, unlike the paper's
    /// `m_hat / (sqrt(v_hat) + eps)`, which shows at |g| = 1e-3 (3e-4 relative). Nesterov SGD's velocity is `-lr g`
    /// and its step `mu (-lr g) - lr g`.
    @Test func firstOptimizerStepMatchesHandComputation() throws {
        // 18 weights: two 8-lane blocks and a scalar tail per layer tensor.
        let w0 = randomFloats(18, seed: 1), b0: [Float] = [0.125, -0.5]
        let network = try MLPNetwork(sizes: [9, 2], activation: .relu, weights: [w0], biases: [b0])
        var gradients = try MLPGradients(network)
        let gw = randomFloats(18, seed: 2, in: -0.3...0.3), gb: [Float] = [1e-3, -0.2]
        gradients.weights[0] = try Tensor(shape: [2, 9], scalars: gw)
        gradients.biases[0] = gb
        let lr = 0.01, eps = 1e-8 / (1 - 0.999).squareRoot()
        func check(_ solver: MLP.Solver, _ step: (Double) -> Double) throws {
            var updated = network
            var optimizer = MLPOptimizer(network, parameters: .init(solver: solver, learningRate: lr, momentum: 0.9))
            let squares = try optimizer.update(&updated, gradients)
            let w = try updated.weights[0].scalars(as: Float.self)
            for i in 0..<18 {
                let expected = Double(w0[i]) + step(Double(gw[i]))
                #expect(abs(Double(w[i]) - expected) < 2e-7, "\(solver) weight \(i): \(w[i]) vs \(expected)")
            }
            for i in 0..<2 {
                let expected = Double(b0[i]) + step(Double(gb[i]))
                #expect(abs(Double(updated.biases[0][i]) - expected) < 2e-7, "\(solver) bias \(i)")
            }
            // Summed in float32 lanes: about 1e-7 relative.
            let exact = w.reduce(0.0) { $0 + Double($1) * Double($1) }
            #expect(abs(squares - exact) < 1e-6 * exact, "\(solver) |W|^2: \(squares) vs \(exact)")
        }
        try check(.adam) { g in -lr * g / (abs(g) + eps) }
        try check(.sgd) { g in -1.9 * lr * g }
    }

    @Test func standardizationFoldsIntoTheFirstLayer() throws {
        let (x, _) = try BreastCancer.load("train")
        let (mean, scale) = try columnMoments(x)
        var random = SplitMix64(seed: 4)
        var network = MLPNetwork(sizes: [30, 8, 1], activation: .tanh, random: &random)
        let scaled = try network.probabilities(try designMatrix(x, mean: mean, scale: scale), options: .init(threads: 1))
        network.foldStandardization(mean: mean, scale: scale)
        let raw = try network.probabilities(try designMatrix(x, mean: [], scale: []), options: .init(threads: 1))
        #expect(maxAbsDiff(scaled, raw) < 1e-5, "max |diff| \(maxAbsDiff(scaled, raw))")
    }

    @Test func learnsXOR() throws {
        let train = try xorData(rows: 600, seed: 1), test = try xorData(rows: 400, seed: 2)
        let model = try MLP(parameters: .init(hiddenLayers: [32], learningRate: 0.01), seed: 3, threads: 1)
            .fit(features: train.x, labels: train.y)
        let y = try labels(test.y)
        let accuracy = try Metrics.accuracy(labels: y, predicted: try model.predict(test.x).scalars(as: Int64.self).map { Int($0) })
        #expect(accuracy > 0.93, "accuracy \(accuracy) after \(model.epochs) epochs")
        // The data needs the hidden layer: a linear model is near chance.
        let linear = try LogisticRegression(threads: 1).fit(features: train.x, labels: train.y)
        let linearAccuracy = try Metrics.accuracy(labels: y, predicted: try linear.predict(test.x).scalars(as: Int64.self).map { Int($0) })
        #expect(linearAccuracy < 0.7, "logistic regression accuracy \(linearAccuracy)")
    }

    @Test func sameSeedAndThreadsGiveBitIdenticalModels() throws {
        let train = try BreastCancer.load("train")
        for solver in MLP.Solver.allCases {
            let estimator = MLP(parameters: .init(hiddenLayers: [20, 10], solver: solver, batchSize: 64, maxEpochs: 15), seed: 7, threads: 2)
            let a = try estimator.fit(features: train.x, labels: train.y)
            let b = try estimator.fit(features: train.x, labels: train.y)
            #expect(a == b, "\(solver): same seed and threads must give a bit-identical model")
            var other = estimator
            other.seed = 8
            #expect(try other.fit(features: train.x, labels: train.y).weights != a.weights, "\(solver): another seed, other weights")
        }
    }

    /// scikit-learn's `MLPClassifier` (defaults, `StandardScaler` in front) scores a mean test AUC of 0.993417 on this
    /// split over `random_state` 0...4 (0.994340, 0.992662, 0.993920, 0.993291, 0.992872): computed by
    /// `/work/main/.venv-peers/bin/python scripts/fixtures/mlp_breast_cancer_auc.py` with scikit-learn 1.9.1,
    /// numpy 2.4.6. MLCore's mean over seeds 0...4 must be at least that minus 0.005.
    @Test func breastCancerAUCMatchesScikitLearn() throws {
        let train = try BreastCancer.load("train"), test = try BreastCancer.load("test")
        let y = try labels(test.y)
        var aucs: [Double] = []
        for seed in UInt64(0)..<5 {
            let model = try MLP(seed: seed, threads: 1).fit(features: train.x, labels: train.y)
            aucs.append(try Metrics.rocAUC(labels: y, probabilities: try model.probabilities(test.x), classes: 2))
        }
        let mean = aucs.reduce(0, +) / Double(aucs.count)
        #expect(mean >= 0.993417 - 0.005, "MLCore AUCs \(aucs), mean \(mean)")
    }

    @Test func progressFollowsScikitLearnsStoppingRule() throws {
        let train = try blobs(rows: 300, features: 4, classes: 3, seed: 1)
        let log = ProgressLog()
        let p = MLP.Parameters(hiddenLayers: [10], learningRate: 0.01, batchSize: 50, maxEpochs: 500, tolerance: 1e-3, nIterNoChange: 5)
        let model = try MLP(parameters: p, threads: 1).fit(features: train.x, labels: train.y, validation: nil, progress: { log.append($0) })
        let steps = log.steps
        #expect(steps.map(\.iteration) == Array(1...steps.count))
        #expect(steps.allSatisfy { $0.validationLoss == nil && $0.trainLoss.isFinite })
        #expect(model.converged && model.epochs == steps.count && steps.count < 500, "\(steps.count) epochs")
        #expect(model.trainLoss == steps.last!.trainLoss)
        // Replaying `_update_no_improvement_count` on the reported losses stops exactly at the last epoch.
        var best = Double.infinity, count = 0, stop: Int?
        for s in steps where stop == nil {
            count = s.trainLoss > best - p.tolerance ? count + 1 : 0
            best = min(best, s.trainLoss)
            if count > p.nIterNoChange { stop = s.iteration }
        }
        #expect(stop == steps.count)
        #expect(model.classes == [0, 1, 2] && model.layerSizes == [4, 10, 3])
    }

    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        let train = try BreastCancer.load("train"), test = try BreastCancer.load("test")
        let log = ProgressLog()
        // No penalty and a large step: the network overfits and the validation loss turns up.
        let p = MLP.Parameters(learningRate: 0.01, maxEpochs: 300, alpha: 0, nIterNoChange: 1000, earlyStoppingRounds: 5)
        let model = try MLP(parameters: p, threads: 1).fit(features: train.x, labels: train.y,
                                                           validation: ValidationSet(features: test.x, labels: test.y),
                                                           progress: { log.append($0) })
        let steps = log.steps
        #expect(steps.allSatisfy { $0.validationLoss != nil })
        #expect(model.stoppedEarly && !model.converged && steps.count < 300 && model.epochs == steps.count, "\(steps.count) epochs")
        let best = steps.compactMap(\.validationLoss).min()!
        let kept = try Metrics.logLoss(labels: try labels(test.y), probabilities: try model.probabilities(test.x), classes: 2)
        #expect(abs(kept - best) < 1e-4, "kept \(kept), best \(best)")
        let bestEpoch = steps.first { $0.validationLoss == best }!
        #expect(model.trainLoss == bestEpoch.trainLoss)
        #expect(steps.count - bestEpoch.iteration == 5)
    }

    @Test(arguments: [(2, MLP.Activation.relu, [100]), (3, .tanh, [8, 5]), (4, .relu, [16])])
    func onnxRoundTripMatchesModel(classes: Int, activation: MLP.Activation, hidden: [Int]) throws {
        let data = classes == 2 ? try BreastCancer.load("train") : try blobs(rows: 300, features: 6, classes: classes, seed: 11)
        let x = data.x
        var y = data.y
        if classes == 4 {
            // Class numbers that are not 0..<k: the export maps the argmax through the class list.
            y = try Tensor(shape: y.shape, scalars: try y.scalars(as: Float.self).map { $0 * 3 + 2 })
        }
        let p = MLP.Parameters(hiddenLayers: hidden, activation: activation, maxEpochs: 30)
        let model = try MLP(parameters: p, seed: 5, threads: 1).fit(features: x, labels: y)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-mlp-\(classes)-\(getpid()).onnx")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let session = try InferenceSession(contentsOf: url, options: .init(threads: 1))
        let outputs = try session.run(["X": x])
        let onnx = try #require(outputs["probabilities"]?.tensor)
        #expect(onnx.shape == [x.shape[0], classes])
        let mine = try model.predictProbabilities(x)
        let diff = maxAbsDiff(try onnx.scalars(as: Float.self), try mine.scalars(as: Float.self))
        #expect(diff <= 1e-5, "classes \(classes): max |diff| \(diff)")
        let onnxLabels = try #require(outputs["label"]?.tensor).scalars(as: Int64.self)
        let probabilities = try model.probabilities(x)
        let predicted = try model.predict(x).scalars(as: Int64.self)
        #expect(Set(predicted).isSubset(of: Set(model.classes.map { Int64($0) })))
        for r in 0..<predicted.count where onnxLabels[r] != predicted[r] {
            let row = probabilities[(r * classes)..<((r + 1) * classes)].sorted(by: >)
            #expect(row[0] - row[1] < 1e-6, "classes \(classes) row \(r)")
        }
    }

    @Test func invalidInputThrows() throws {
        let x = try Tensor(shape: [4, 2], scalars: [0, 1, 1, 0, 2, 2, 3, 1] as [Float])
        let y = try Tensor(shape: [4], scalars: [0, 1, 0, 1] as [Float])
        let mlp = MLP(parameters: .init(hiddenLayers: [3], maxEpochs: 2), threads: 1)
        #expect(throws: ModelError.oneClass(1)) { try mlp.fit(features: x, labels: try Tensor(shape: [4], scalars: [1, 1, 1, 1] as [Float])) }
        #expect(throws: ModelError.emptyData("the training set has no rows")) {
            try mlp.fit(features: try Tensor(zeros: [0, 2]), labels: try Tensor(zeros: [0]))
        }
        let nan = try Tensor(shape: [4, 2], scalars: [0, 1, 1, .nan, 2, 2, 3, 1] as [Float])
        #expect(throws: ModelError.nonFinite(what: "training features", row: 1, column: 1)) { try mlp.fit(features: nan, labels: y) }
        #expect(throws: ModelError.invalidLabel(row: 2, value: 0.5)) {
            try mlp.fit(features: x, labels: try Tensor(shape: [4], scalars: [0, 1, 0.5, 1] as [Float]))
        }
        #expect(throws: ModelError.featureCountMismatch(expected: 2, actual: 3)) {
            try mlp.fit(features: x, labels: y, validation: ValidationSet(features: try Tensor(zeros: [2, 3]), labels: try y.rows(0..<2)))
        }
        for bad in [MLP.Parameters(hiddenLayers: [0]), .init(learningRate: 0), .init(learningRate: .nan), .init(batchSize: 0),
                    .init(maxEpochs: 0), .init(alpha: -1), .init(beta2: 1), .init(nIterNoChange: 0), .init(earlyStoppingRounds: -1),
                    .init(hiddenLayers: [1 << 20, 1 << 20])] {
            #expect(throws: ModelError.self, "\(bad)") { try MLP(parameters: bad, threads: 1).fit(features: x, labels: y) }
        }
        #expect(throws: ModelError.self) {
            try MLP(parameters: .init(hiddenLayers: [4], solver: .sgd, learningRate: 1e30, maxEpochs: 50), threads: 1)
                .fit(features: try Tensor(shape: [4, 2], scalars: [0, 1e30, 1, 0, 2, 2, 3, 1] as [Float]), labels: y)
        }

        let model = try mlp.fit(features: x, labels: y)
        #expect(throws: ModelError.featureCountMismatch(expected: 2, actual: 3)) { try model.predictProbabilities(try Tensor(zeros: [1, 3])) }
        #expect(throws: ModelError.nonFinite(what: "features", row: 0, column: 1)) {
            try model.predictProbabilities(try Tensor(shape: [1, 2], scalars: [0, Float.nan]))
        }
        #expect(throws: ModelError.self) { try model.predictProbabilities(try Tensor(zeros: [2])) }
        #expect(try model.probabilities(try Tensor(zeros: [0, 2])).isEmpty)
        #expect(throws: ModelError.self) {
            try MLPModel(weights: [[1, 2, 3]], biases: [[0]], activation: .relu, classes: [0, 1], featureCount: 2)
        }
        #expect(throws: ModelError.self) {
            try MLPModel(weights: [[1, 2], [1, 1]], biases: [[0], [0, 0]], activation: .relu, classes: [0, 1], featureCount: 2)
        }
        #expect(throws: ModelError.self) {
            try MLPModel(weights: [[1, 2]], biases: [[0]], activation: .relu, classes: [1, 0], featureCount: 2)
        }
        #expect(throws: ModelError.self) {
            try MLPModel(weights: [[1, 2]], biases: [[0]], activation: .relu, classes: [0, 1], featureCount: 2).probabilities(try Tensor(zeros: [1, 1]))
        }
    }
}
