import Foundation
import MLCoreONNX
import MLCoreTensor
import MLCoreTestSupport
import Testing
@testable import MLCoreModels

@Suite struct GradientBoostingTests {
    /// Every distinct value gets its own bin while there are few; bounds sit halfway between neighbours.
    @Test func binsFewDistinctValuesAtMidpoints() {
        let bins = FeatureBins(sample: [3, 1, 2, 2, 1, 3, 0], maxBins: 255)
        #expect(bins.upperBounds == [0.5, 1.5, 2.5, .infinity])
        #expect(!bins.hasMissing)
        #expect(bins.defaultBin == 0)
        #expect(bins.bin(-5) == 0 && bins.bin(1.5) == 1 && bins.bin(1.6) == 2 && bins.bin(100) == 3)
        // NaN in the sample: a missing bin after the value bins.
        let withNaN = FeatureBins(sample: [1, .nan, 2], maxBins: 255)
        #expect(withNaN.hasMissing && withNaN.binCount == 3 && withNaN.bin(.nan) == 2)
        // Without NaN in training, NaN falls in the last value bin (the right side of every split).
        #expect(bins.bin(.nan) == 3)
        // At least minDataInBin sampled values per bin: 0 (once) joins 1 (twice), and 2 and 3 (twice each) share one.
        let merged = FeatureBins(sample: [3, 1, 2, 2, 1, 3, 0], maxBins: 255, minDataInBin: 3)
        #expect(merged.upperBounds == [1.5, .infinity])
    }

    /// Many distinct values: at most maxBins bins of roughly equal counts, and the branch-free lookup agrees
    /// with the binary search for every value.
    @Test func binsManyValuesIntoEqualCounts() {
        let values = randomFloats(10_000, seed: 5, in: -3...3)
        let bins = FeatureBins(sample: values, maxBins: 16)
        #expect(bins.binCount == 16)
        var counts = [Int](repeating: 0, count: 16)
        for v in values { counts[bins.bin(v)] += 1 }
        #expect(counts.min()! > 10_000 / 16 / 2 && counts.max()! < 10_000 / 16 * 2, "\(counts)")
        for b in [bins, FeatureBins(sample: [0, 1, 0, 1], maxBins: 255), FeatureBins(sample: [2, 2], maxBins: 255)] {
            let lookup = BinLookup(b)
            lookup.table.withUnsafeBufferPointer { t in
                for v in values + [-100, 100, 0, 1, 2, .infinity, -.infinity] {
                    #expect(t.baseAddress!.binIndex(v) == b.bin(v))
                    #expect(t.baseAddress!.binIndex(v, firstStep: lookup.firstStep) == b.bin(v))
                }
            }
        }
    }

    /// A hand-computed case: L2 regression on x = 1, 2, 3, 4 with y = 0, 0, 10, 10. The start score is the mean
    /// 5; gradients are s - y = 5, 5, -5, -5 with hessians 1; the best split is between 2 and 3 (bound 2.5) and
    /// the leaves are -G/H = -5 and +5, so with learning rate 1 one tree fits y exactly.
    @Test func oneTreeFitsAStepExactly() throws {
        let x = try Tensor(shape: [4, 1], scalars: [Float(1), 2, 3, 4])
        let y = try Tensor(shape: [4], scalars: [Float(0), 0, 10, 10])
        let p = GradientBoosting.Parameters(numTrees: 1, learningRate: 1, numLeaves: 2, minDataInBin: 1, minDataInLeaf: 1,
                                            minSumHessian: 0)
        let model = try GradientBoosting(parameters: p).fitRegression(features: x, targets: y)
        #expect(model.treeCount == 1)
        #expect(try model.predictValues(x).scalars(as: Float.self) == [0, 0, 10, 10])
        let tree = model.trees[0]
        #expect(tree.branches.count == 1 && tree.branches[0].threshold == 2.5 && tree.branches[0].feature == 0)
        // Gain: G_L^2/H_L + G_R^2/H_R - G^2/H = 100/2 + 100/2 - 0 = 100.
        #expect(model.featureImportance(.gain) == [100])
        #expect(model.featureImportance(.split) == [1])
    }

    @Test func breastCancerMatchesLightGBMAndIsDeterministic() throws {
        let train = try BreastCancer.load("train"), test = try BreastCancer.load("test")
        let estimator = GradientBoosting(parameters: .init(featureFraction: 0.8, baggingFraction: 0.8), seed: 3, threads: 2)
        let model = try estimator.fit(features: train.x, labels: train.y)
        let again = try estimator.fit(features: train.x, labels: train.y)
        #expect(model.trees == again.trees, "same seed and threads must give the same trees")
        let plain = try GradientBoosting(threads: 1).fit(features: train.x, labels: train.y)
        let auc = try Metrics.rocAUC(labels: try labels(test.y), probabilities: try plain.probabilities(test.x), classes: 2)
        // LightGBM 4.7.0 (objective binary, 100 rounds, defaults, 1 thread) scores 0.985535 on this split and
        // XGBoost 3.2.0 hist (lossguide, 31 leaves) 0.984696: lightgbm.train on the fixture CSVs, float32.
        #expect(auc >= 0.985535 - 0.005, "AUC \(auc)")
    }

    /// Exclusive feature bundling is lossless: one-hot columns bundled or not give the same model.
    @Test func bundlingOneHotColumnsChangesNothing() throws {
        var g = SplitMix64(seed: 9)
        let rows = 3000, categories = 12
        var x = [Float](), y = [Float]()
        for _ in 0..<rows {
            let c = Int(g.below(UInt64(categories)))
            let v = Float(g.below(1000)) / 100
            for j in 0..<categories { x.append(j == c ? 1 : 0) }
            x.append(v)
            let score = (c % 3 == 0 ? 1.5 : -0.5) + Double(v) / 5 - 1 + Double(g.below(1000)) / 500 - 1
            y.append(score > 0 ? 1 : 0)
        }
        let xt = try Tensor(shape: [rows, categories + 1], scalars: x), yt = try Tensor(shape: [rows], scalars: y)
        let bundled = try GradientBoosting(parameters: .init(numTrees: 20, bundle: true)).fit(features: xt, labels: yt)
        let separate = try GradientBoosting(parameters: .init(numTrees: 20, bundle: false)).fit(features: xt, labels: yt)
        #expect(bundled.featureGroups < separate.featureGroups, "\(bundled.featureGroups) vs \(separate.featureGroups)")
        #expect(bundled.featureGroups == 2)
        let a = try bundled.probabilities(xt), b = try separate.probabilities(xt)
        #expect(maxAbsDiff(a, b) < 1e-9)
    }

    /// NaN is missing: a split learns which side NaN goes to, and the exported model agrees.
    @Test func missingValuesLearnTheirSide() throws {
        var g = SplitMix64(seed: 4)
        var x = [Float](), y = [Float]()
        for _ in 0..<2000 {
            let missing = g.below(4) == 0
            let v = Float(g.below(1000)) / 100
            x.append(missing ? .nan : v)
            // Missing rows are positive, like the high values.
            y.append(missing || v > 7 ? 1 : 0)
        }
        let xt = try Tensor(shape: [2000, 1], scalars: x), yt = try Tensor(shape: [2000], scalars: y)
        let model = try GradientBoosting(parameters: .init(numTrees: 60)).fit(features: xt, labels: yt)
        let probe = try Tensor(shape: [3, 1], scalars: [Float.nan, 1, 9])
        let p = try model.probabilities(probe)
        #expect(p[1] > 0.9 && p[3] < 0.1 && p[5] > 0.9, "\(p)")
        try expectONNXRoundTrip(model, probe, name: "missing")
    }

    @Test(arguments: [2, 3])
    func onnxRoundTripMatchesModel(classes: Int) throws {
        let (x, y) = classes == 2 ? try BreastCancer.load("train") : try blobs(rows: 600, features: 5, classes: classes, seed: 3)
        let model = try GradientBoosting(parameters: .init(numTrees: 30)).fit(features: x, labels: y)
        #expect(model.problem == (classes == 2 ? .binaryClassification : .multiclassClassification))
        #expect(model.treeCount == 30 * (classes == 2 ? 1 : classes))
        try expectONNXRoundTrip(model, x, name: "classes-\(classes)")
    }

    @Test func regressionRoundTrip() throws {
        let (x, _) = try BreastCancer.load("train")
        let values = try x.scalars(as: Float.self)
        let f = x.shape[1]
        let target = (0..<x.shape[0]).map { r in values[r * f] * 0.3 - values[r * f + 3] / 500 }
        let y = try Tensor(shape: [x.shape[0]], scalars: target)
        let model = try GradientBoosting(parameters: .init(numTrees: 40)).fitRegression(features: x, targets: y)
        #expect(model.problem == .regression && model.classes.isEmpty)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-gbdt-reg-\(getpid()).onnx")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let out = try InferenceSession(contentsOf: url, options: .init(threads: 1)).run(["X": x])
        let onnx = try #require(out["variable"]?.tensor).scalars(as: Float.self)
        let mine = try model.predictValues(x).scalars(as: Float.self)
        #expect(maxAbsDiff(onnx, mine) <= 1e-5)
        // The fit explains most of the variance.
        let mean = target.reduce(0, +) / Float(target.count)
        let total = target.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        let residual = zip(target, mine).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        #expect(residual / total < 0.05)
    }

    /// A weight of 2 is the same as the row twice (with leaf-size limits that do not count rows).
    @Test func sampleWeightsActAsRepeatedRows() throws {
        // Values on a grid of 0.1, fewer than maxBins per feature, so the repeated rows cannot move a bin bound.
        let (raw, y) = try blobs(rows: 300, features: 4, classes: 2, seed: 8)
        let xs = try raw.scalars(as: Float.self).map { ($0 * 10).rounded() / 10 }, ys = try y.scalars(as: Float.self)
        let x = try Tensor(shape: [300, 4], scalars: xs)
        var wx = xs, wy = ys, w = [Float](repeating: 1, count: 300)
        for r in stride(from: 0, to: 300, by: 3) {
            wx.append(contentsOf: xs[(r * 4)..<(r * 4 + 4)])
            wy.append(ys[r])
            w[r] = 2
        }
        let p = GradientBoosting.Parameters(numTrees: 15, minDataInBin: 1, minDataInLeaf: 1, minSumHessian: 0)
        let weighted = try GradientBoosting(parameters: p).fit(features: x, labels: y, weights: try Tensor(shape: [300], scalars: w))
        let repeated = try GradientBoosting(parameters: p).fit(features: try Tensor(shape: [wy.count, 4], scalars: wx),
                                                               labels: try Tensor(shape: [wy.count], scalars: wy))
        let diff = maxAbsDiff(try weighted.probabilities(x), try repeated.probabilities(x))
        #expect(diff < 1e-4, "max |diff| \(diff)")
    }

    /// Large leaves are histogrammed and partitioned on several threads; the model is the same up to the order
    /// in which per-thread histograms are summed.
    @Test func twoThreadsGiveTheSameModel() throws {
        var g = SplitMix64(seed: 21)
        let rows = 120_000
        var x = [Float](), y = [Float]()
        for _ in 0..<rows {
            let a = Float(g.below(10_000)) / 1000, b = Float(g.below(10_000)) / 1000
            x += [a, b]
            y.append(a * b + Float(g.below(100)) / 10 > 30 ? 1 : 0)
        }
        let xt = try Tensor(shape: [rows, 2], scalars: x), yt = try Tensor(shape: [rows], scalars: y)
        let p = GradientBoosting.Parameters(numTrees: 5, numLeaves: 15)
        let one = try GradientBoosting(parameters: p, threads: 1).fit(features: xt, labels: yt)
        let two = try GradientBoosting(parameters: p, threads: 2).fit(features: xt, labels: yt)
        #expect(one.trees.map(\.branches.count) == two.trees.map(\.branches.count))
        #expect(maxAbsDiff(try one.probabilities(xt), try two.probabilities(xt)) < 1e-6)
    }

    @Test func earlyStoppingKeepsTheBestRound() throws {
        let train = try BreastCancer.load("train"), test = try BreastCancer.load("test")
        let log = ProgressLog()
        let model = try GradientBoosting(parameters: .init(numTrees: 500, learningRate: 0.3, earlyStoppingRounds: 5))
            .fit(features: train.x, labels: train.y, validation: ValidationSet(features: test.x, labels: test.y),
                 progress: { log.append($0) })
        let steps = log.steps
        #expect(model.stoppedEarly && model.rounds < 500)
        #expect(steps.count == model.rounds + 5)
        let best = steps.min { $0.validationLoss! < $1.validationLoss! }!
        #expect(best.iteration == model.rounds)
        let loss = try Metrics.logLoss(labels: try labels(test.y), probabilities: try model.probabilities(test.x), classes: 2)
        #expect(abs(loss - best.validationLoss!) < 1e-5, "\(loss) vs \(best.validationLoss!)")
    }

    @Test func invalidInputThrows() throws {
        let (x, y) = try BreastCancer.load("train")
        let ones = try Tensor(shape: [x.shape[0]], scalars: [Float](repeating: 1, count: x.shape[0]))
        #expect(throws: ModelError.oneClass(1)) { try GradientBoosting().fit(features: x, labels: ones) }
        #expect(throws: ModelError.self) { try GradientBoosting(parameters: .init(numLeaves: 1)).fit(features: x, labels: y) }
        #expect(throws: ModelError.self) { try GradientBoosting(parameters: .init(maxBins: 256)).fit(features: x, labels: y) }
        let negative = try Tensor(shape: [x.shape[0]], scalars: [Float](repeating: -1, count: x.shape[0]))
        #expect(throws: ModelError.self) { try GradientBoosting().fit(features: x, labels: y, weights: negative) }
        let model = try GradientBoosting(parameters: .init(numTrees: 2)).fit(features: x, labels: y)
        #expect(throws: ModelError.featureCountMismatch(expected: 30, actual: 2)) {
            try model.predictProbabilities(try Tensor(zeros: [1, 2], dtype: .float32))
        }
        #expect(throws: ModelError.self) { try model.predictValues(x) }
        // A constant feature never splits; a constant matrix gives a one-leaf model at the base rate.
        let constant = try Tensor(zeros: [x.shape[0], 3], dtype: .float32)
        let flat = try GradientBoosting(parameters: .init(numTrees: 3)).fit(features: constant, labels: y)
        let p = try flat.probabilities(constant)
        let rate = try y.scalars(as: Float.self).reduce(0, +) / Float(x.shape[0])
        #expect(abs(p[1] - Double(rate)) < 1e-6)
    }

    func expectONNXRoundTrip(_ model: GradientBoostingModel, _ x: Tensor, name: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-gbdt-\(name)-\(getpid()).onnx")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let outputs = try InferenceSession(contentsOf: url, options: .init(threads: 1)).run(["X": x])
        let onnx = try #require(outputs["probabilities"]?.tensor).scalars(as: Float.self)
        let mine = try model.predictProbabilities(x).scalars(as: Float.self)
        #expect(onnx.count == mine.count)
        #expect(maxAbsDiff(onnx, mine) <= 1e-5, "\(name): max |diff| \(maxAbsDiff(onnx, mine))")
    }
}
