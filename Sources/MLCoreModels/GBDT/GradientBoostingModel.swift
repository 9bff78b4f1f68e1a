import Foundation
import MLCoreKernels
import MLCoreTensor

/// A trained gradient-boosted tree ensemble.
///
/// Predictions run on ``MLCoreKernels/TreeEnsemble``, the evaluator behind the ONNX tree-ensemble operators,
/// built from exactly the nodes ``save(to:)`` writes (the starting score folded into the first round's leaves,
/// leaf values rounded to float32 as ONNX stores them), so MLCore's predictions, the ONNX file run by MLCore and
/// the ONNX file run by onnxruntime agree.
public struct GradientBoostingModel: Classifier {
    /// What the model predicts.
    public enum Problem: String, Sendable {
        case binaryClassification, multiclassClassification, regression
    }

    /// Kinds of feature importance.
    public enum Importance: String, Sendable {
        /// How many splits use the feature.
        case split
        /// The total loss reduction of the splits on the feature.
        case gain
    }

    let objective: BoostingObjective
    /// Trees in round-major order: round `r`, score column `c` is `trees[r * scoresPerRow + c]`.
    let trees: [RegressionTree]
    let initialScores: [Double]
    let ensemble: TreeEnsemble
    let nodeSpecs: [TreeNodeSpec]
    let leafWeights: [TreeLeafWeight]

    public var problem: Problem {
        switch objective {
        case .binary: return .binaryClassification
        case .multiclass: return .multiclassClassification
        case .regressionL2: return .regression
        }
    }
    /// The class numbers, ascending; empty for regression.
    public let classes: [Int]
    public let featureCount: Int
    /// Boosting rounds kept (after early stopping).
    public let rounds: Int
    /// Whether early stopping ended training.
    public let stoppedEarly: Bool
    /// The training loss after the last round (log-loss, or mean squared error for regression).
    public let trainLoss: Double
    /// Seconds spent binning the features (part of the fit).
    public let binningSeconds: Double
    /// Feature columns after exclusive feature bundling.
    public let featureGroups: Int
    /// Threads prediction uses.
    public var threads: Int

    /// The number of trees.
    public var treeCount: Int { trees.count }

    init(objective: BoostingObjective, classes: [Int], featureCount: Int, initialScores: [Double], trees: [RegressionTree],
         rounds: Int, stoppedEarly: Bool, trainLoss: Double, binningSeconds: Double, featureGroups: Int, threads: Int) throws {
        self.objective = objective
        self.classes = classes
        self.featureCount = featureCount
        self.initialScores = initialScores
        self.trees = trees
        self.rounds = rounds
        self.stoppedEarly = stoppedEarly
        self.trainLoss = trainLoss
        self.binningSeconds = binningSeconds
        self.featureGroups = featureGroups
        self.threads = threads
        let k = objective.scoresPerRow
        var specs: [TreeNodeSpec] = [], weights: [TreeLeafWeight] = []
        for (t, tree) in trees.enumerated() {
            let column = t % k
            // The starting score rides on the first round's leaves (as LightGBM's own ONNX conversion does).
            let offset = t < k ? initialScores[column] : 0
            let leafBase = tree.branches.count
            func id(_ child: Int) -> Int64 { Int64(child >= 0 ? child : leafBase + ~child) }
            for (i, b) in tree.branches.enumerated() {
                specs.append(TreeNodeSpec(treeId: Int64(t), nodeId: Int64(i), mode: .lessOrEqual, feature: Int64(b.feature),
                                          threshold: Double(b.threshold), trueNodeId: id(b.left), falseNodeId: id(b.right),
                                          missingTracksTrue: b.missingLeft))
            }
            for (leaf, value) in tree.leafValues.enumerated() {
                specs.append(TreeNodeSpec(treeId: Int64(t), nodeId: Int64(leafBase + leaf), mode: nil))
                weights.append(TreeLeafWeight(treeId: Int64(t), nodeId: Int64(leafBase + leaf), target: Int64(column),
                                              weight: Double(Float(value + offset))))
            }
        }
        if trees.count < k {
            // No tree at all cannot happen (numTrees >= 1); keep the invariant explicit.
            throw ModelError.emptyData("the model has no trees")
        }
        nodeSpecs = specs
        leafWeights = weights
        ensemble = try TreeEnsemble(nodes: specs, weights: weights, targetCount: k, maxTrees: Int.max, maxDepth: Int.max)
    }

    /// Raw scores `[rows * scoresPerRow]` row-major: the logit (binary), one score per class (multiclass) or the
    /// prediction (regression).
    public func rawScores(_ features: Tensor) throws -> [Double] {
        guard features.rank == 2 else { throw ModelError.invalidShape("features must be [rows, features], got \(features.shape)") }
        guard features.shape[1] == featureCount else {
            throw ModelError.featureCountMismatch(expected: featureCount, actual: features.shape[1])
        }
        let rows = features.shape[0]
        if rows == 0 { return [] }
        let x = features.dtype == .float32 ? features : try Tensor(shape: features.shape, scalars: try floatRows(features))
        return try x.withUnsafeBufferPointer(as: Float.self) { p -> [Double] in
            if ensemble.acceptsFloatRows {
                return ensemble.scores(floatFeatures: p, rows: rows, featureStride: featureCount, aggregation: .sum,
                                       threads: threads).values
            }
            let doubles = p.map(Double.init)
            return doubles.withUnsafeBufferPointer {
                ensemble.scores(features: $0, rows: rows, featureStride: featureCount, aggregation: .sum, threads: threads).values
            }
        }
    }

    /// Class probabilities as float64 `[rows * classes]`, row-major (for metrics).
    /// - Throws: ``ModelError/invalidParameter(name:reason:)`` for a regression model.
    public func probabilities(_ features: Tensor) throws -> [Double] {
        let scores = try rawScores(features)
        switch objective {
        case .binary:
            var p = [Double](repeating: 0, count: scores.count * 2)
            for (i, s) in scores.enumerated() {
                let q = 1 / (1 + Foundation.exp(-s))
                p[2 * i] = 1 - q
                p[2 * i + 1] = q
            }
            return p
        case .multiclass(let k):
            var p = [Double](repeating: 0, count: scores.count)
            var row = [Double](repeating: 0, count: k)
            scores.withUnsafeBufferPointer { s in
                for i in 0..<(scores.count / k) {
                    softmax(s.baseAddress! + i * k, k: k, into: &row)
                    for c in 0..<k { p[i * k + c] = row[c] }
                }
            }
            return p
        case .regressionL2:
            throw ModelError.invalidParameter(name: "task", reason: "a regression model predicts values, not probabilities; use predictValues")
        }
    }

    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        let p = try probabilities(features)
        return try Tensor(shape: [features.shape[0], classes.count], scalars: p.map { Float($0) })
    }

    /// Predicted values of a regression model, float32 `[rows]`.
    public func predictValues(_ features: Tensor) throws -> Tensor {
        guard case .regressionL2 = objective else {
            throw ModelError.invalidParameter(name: "task", reason: "predictValues is for regression models; use predictProbabilities")
        }
        let scores = try rawScores(features)
        return try Tensor(shape: [scores.count], scalars: scores.map { Float($0) })
    }

    /// Importance per feature (`[featureCount]`): split counts or total gain over all trees.
    public func featureImportance(_ kind: Importance = .split) -> [Double] {
        var importance = [Double](repeating: 0, count: featureCount)
        for tree in trees {
            for b in tree.branches { importance[b.feature] += kind == .split ? 1 : b.gain }
        }
        return importance
    }
}
