import Foundation
import MLCoreTensor
import MLCoreTensor

/// Histogram gradient-boosted decision trees (the LightGBM / XGBoost-`hist` design): features quantile-binned to
/// at most ``Parameters/maxBins`` bins (NaN in a bin of its own), sparse exclusive features bundled, trees grown
/// leaf-wise on gradient/hessian histograms with the subtraction trick.
///
/// Objectives: binary log-loss (two classes), multiclass softmax (more; one tree per class per round) and L2
/// regression (``fitRegression(features:targets:weights:validation:progress:)``). Features may hold NaN (missing:
/// each split learns which side NaN goes to) and infinities. The trained model predicts through the same
/// flattened-tree evaluator as the ONNX `TreeEnsemble*` operators and saves as `TreeEnsembleClassifier` /
/// `TreeEnsembleRegressor`.
///
/// ```swift
/// let gbdt = GradientBoosting(parameters: .init(numTrees: 200, numLeaves: 63), seed: 7, threads: 2)
/// let model = try gbdt.fit(features: x, labels: y)
/// print(model.featureImportance(.gain))
/// ```
public struct GradientBoosting: Estimator {
    /// Hyper-parameters; defaults are LightGBM's.
    public struct Parameters: Sendable, Hashable {
        /// Boosting rounds (trees per class). LightGBM `num_iterations`.
        public var numTrees = 100
        /// Shrinkage applied to every leaf value. LightGBM `learning_rate`.
        public var learningRate = 0.1
        /// The most leaves a tree grows to. LightGBM `num_leaves`.
        public var numLeaves = 31
        /// The deepest a leaf may be; 0 or negative: no limit. LightGBM `max_depth` (-1).
        public var maxDepth = -1
        /// Bins per feature at most, the NaN bin included (2...255). LightGBM `max_bin`.
        public var maxBins = 255
        /// Sampled rows a bin needs at least, except where one value alone is rarer. LightGBM `min_data_in_bin`.
        public var minDataInBin = 3
        /// Rows a leaf needs at least (estimated from hessians, as LightGBM does). LightGBM `min_data_in_leaf`.
        public var minDataInLeaf = 20
        /// Sum of hessians a leaf needs at least. LightGBM `min_sum_hessian_in_leaf`.
        public var minSumHessian = 1e-3
        /// L2 penalty on leaf values. LightGBM `lambda_l2`.
        public var lambdaL2 = 0.0
        /// A split must reduce the loss by more than this. LightGBM `min_gain_to_split`.
        public var minGainToSplit = 0.0
        /// Fraction of features each tree may use (seeded draw per tree). LightGBM `feature_fraction`.
        public var featureFraction = 1.0
        /// Fraction of rows each round trains on (seeded draw per round). LightGBM `bagging_fraction` with
        /// `bagging_freq = 1`.
        public var baggingFraction = 1.0
        /// With a validation set: stop after this many rounds without a better validation loss and keep the
        /// best round's trees. 0: off.
        public var earlyStoppingRounds = 0
        /// Bundle mutually exclusive sparse features (LightGBM's EFB; lossless here: no conflicts allowed).
        public var bundle = true

        public init(numTrees: Int = 100, learningRate: Double = 0.1, numLeaves: Int = 31, maxDepth: Int = -1,
                    maxBins: Int = 255, minDataInBin: Int = 3, minDataInLeaf: Int = 20, minSumHessian: Double = 1e-3, lambdaL2: Double = 0,
                    minGainToSplit: Double = 0, featureFraction: Double = 1, baggingFraction: Double = 1,
                    earlyStoppingRounds: Int = 0, bundle: Bool = true) {
            self.numTrees = numTrees
            self.learningRate = learningRate
            self.numLeaves = numLeaves
            self.maxDepth = maxDepth
            self.maxBins = maxBins
            self.minDataInBin = minDataInBin
            self.minDataInLeaf = minDataInLeaf
            self.minSumHessian = minSumHessian
            self.lambdaL2 = lambdaL2
            self.minGainToSplit = minGainToSplit
            self.featureFraction = featureFraction
            self.baggingFraction = baggingFraction
            self.earlyStoppingRounds = earlyStoppingRounds
            self.bundle = bundle
        }

        /// Throws ``ModelError/invalidParameter(name:reason:)`` for a value outside its range.
        public func validate() throws {
            func bad(_ name: String, _ reason: String) -> ModelError { .invalidParameter(name: name, reason: reason) }
            guard numTrees >= 1, numTrees <= 1_000_000 else { throw bad("numTrees", "must be in 1...1000000, got \(numTrees)") }
            guard learningRate > 0, learningRate.isFinite else { throw bad("learningRate", "must be > 0, got \(learningRate)") }
            guard numLeaves >= 2, numLeaves <= 131_072 else { throw bad("numLeaves", "must be in 2...131072, got \(numLeaves)") }
            guard maxBins >= 2, maxBins <= 255 else { throw bad("maxBins", "must be in 2...255, got \(maxBins)") }
            guard minDataInBin >= 1 else { throw bad("minDataInBin", "must be >= 1, got \(minDataInBin)") }
            guard minDataInLeaf >= 1 else { throw bad("minDataInLeaf", "must be >= 1, got \(minDataInLeaf)") }
            guard minSumHessian >= 0, minSumHessian.isFinite else { throw bad("minSumHessian", "must be >= 0, got \(minSumHessian)") }
            guard lambdaL2 >= 0, lambdaL2.isFinite else { throw bad("lambdaL2", "must be >= 0, got \(lambdaL2)") }
            guard minGainToSplit >= 0, minGainToSplit.isFinite else { throw bad("minGainToSplit", "must be >= 0, got \(minGainToSplit)") }
            guard featureFraction > 0, featureFraction <= 1 else { throw bad("featureFraction", "must be in (0, 1], got \(featureFraction)") }
            guard baggingFraction > 0, baggingFraction <= 1 else { throw bad("baggingFraction", "must be in (0, 1], got \(baggingFraction)") }
            guard earlyStoppingRounds >= 0 else { throw bad("earlyStoppingRounds", "must be >= 0, got \(earlyStoppingRounds)") }
        }
    }

    public var parameters: Parameters
    public var seed: UInt64
    public var threads: Int

    public init(parameters: Parameters = Parameters(), seed: UInt64 = 0, threads: Int = 1) {
        self.parameters = parameters
        self.seed = seed
        self.threads = Swift.max(1, threads)
    }

    public func fit(features: Tensor, labels: Tensor, validation: ValidationSet?,
                    progress: (@Sendable (TrainingProgress) -> Void)?) throws -> GradientBoostingModel {
        try fit(features: features, labels: labels, weights: nil, validation: validation, progress: progress)
    }

    /// Trains a classifier with per-row sample weights (`[rows]`, finite, non-negative, not all zero).
    public func fit(features: Tensor, labels: Tensor, weights: Tensor?, validation: ValidationSet? = nil,
                    progress: (@Sendable (TrainingProgress) -> Void)? = nil) throws -> GradientBoostingModel {
        try parameters.validate()
        let (data, checkedValidation) = try TrainingData.checked(features: features, labels: labels, validation: validation,
                                                                  allowNonFinite: true)
        let k = data.classes.count
        let objective: BoostingObjective = k == 2 ? .binary : .multiclass(k)
        let valid = try checkedValidation.map { (x: try floatRows($0.features), y: $0.y.map(Double.init)) }
        return try boost(features: data.features, rows: data.rows, featureCount: data.featureCount,
                         targets: data.y.map(Double.init), weights: weights, objective: objective, classes: data.classes,
                         validation: valid, progress: progress)
    }

    /// Trains an L2 regression model on `targets` (`[rows]`, finite).
    public func fitRegression(features: Tensor, targets: Tensor, weights: Tensor? = nil, validation: (features: Tensor, targets: Tensor)? = nil,
                              progress: (@Sendable (TrainingProgress) -> Void)? = nil) throws -> GradientBoostingModel {
        try parameters.validate()
        guard features.rank == 2 else { throw ModelError.invalidShape("features must be [rows, features], got \(features.shape)") }
        let rows = features.shape[0], f = features.shape[1]
        guard rows > 0, f > 0 else { throw ModelError.emptyData("the training set has no rows or no feature columns") }
        guard targets.count == rows else { throw ModelError.invalidShape("targets must be [\(rows)], got \(targets.shape)") }
        let y = try doubles(targets, what: "targets", columns: 1)
        var valid: (x: [Float], y: [Double])?
        if let validation {
            guard validation.features.rank == 2, validation.features.shape[1] == f else {
                throw ModelError.featureCountMismatch(expected: f, actual: validation.features.rank == 2 ? validation.features.shape[1] : 0)
            }
            guard validation.targets.count == validation.features.shape[0] else {
                throw ModelError.invalidShape("validation targets must be [\(validation.features.shape[0])], got \(validation.targets.shape)")
            }
            valid = (try floatRows(validation.features), try doubles(validation.targets, what: "validation targets", columns: 1))
        }
        return try boost(features: features, rows: rows, featureCount: f, targets: y, weights: weights,
                         objective: .regressionL2, classes: [], validation: valid, progress: progress)
    }
}

/// `x` (`[rows, features]`, any numeric type) as row-major float32, NaN and infinities kept.
func floatRows(_ x: Tensor) throws -> [Float] {
    switch x.dtype {
    case .float32: return try x.scalars(as: Float.self)
    case .float64: return try x.withUnsafeBufferPointer(as: Double.self) { $0.map { Float($0) } }
    case .int64: return try x.withUnsafeBufferPointer(as: Int64.self) { $0.map { Float($0) } }
    case .int32: return try x.withUnsafeBufferPointer(as: Int32.self) { $0.map { Float($0) } }
    default: throw ModelError.invalidShape("features have element type \(x.dtype); expected float32, float64, int64 or int32")
    }
}
