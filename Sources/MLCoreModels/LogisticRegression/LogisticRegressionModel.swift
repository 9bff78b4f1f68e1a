import Foundation
import MLCoreKernels
import MLCoreTensor

/// A trained logistic regression on raw (unstandardized) features: `z = x W^T + b`, then the logistic function
/// (one target: binary) or softmax (one target per class).
public struct LogisticRegressionModel: Classifier, Hashable {
    /// `[targets, featureCount]` row-major; one target for two classes (the logit of `classes[1]`).
    public var coefficients: [Double]
    /// `[targets]`.
    public var intercepts: [Double]
    public var classes: [Int]
    public var featureCount: Int
    /// Solver iterations run.
    public var iterations: Int
    /// Whether the solver met its tolerance (as scikit-learn's `ConvergenceWarning` would not fire).
    public var converged: Bool
    /// Whether early stopping chose an earlier iterate.
    public var stoppedEarly: Bool
    /// The solver that ran (``LogisticRegression/Solver/auto`` resolved).
    public var solver: LogisticRegression.Solver
    /// The final objective on the training rows.
    public var trainLoss: Double
    /// Threads prediction uses.
    public var threads: Int

    /// Targets: 1 for a binary model, the class count otherwise.
    public var targets: Int { intercepts.count }

    public init(coefficients: [Double], intercepts: [Double], classes: [Int], featureCount: Int, iterations: Int = 0,
                converged: Bool = true, stoppedEarly: Bool = false, solver: LogisticRegression.Solver = .lbfgs,
                trainLoss: Double = .nan, threads: Int = 1) {
        self.coefficients = coefficients
        self.intercepts = intercepts
        self.classes = classes
        self.featureCount = featureCount
        self.iterations = iterations
        self.converged = converged
        self.stoppedEarly = stoppedEarly
        self.solver = solver
        self.trainLoss = trainLoss
        self.threads = threads
    }

    /// Raw scores `[rows, targets]`, float64.
    public func decisionFunction(_ features: Tensor) throws -> [Double] {
        guard features.rank == 2 else { throw ModelError.invalidShape("features must be [rows, features], got \(features.shape)") }
        guard features.shape[1] == featureCount else {
            throw ModelError.featureCountMismatch(expected: featureCount, actual: features.shape[1])
        }
        let rows = features.shape[0]
        if rows == 0 { return [] }
        // Float32 rows are multiplied in float32 (as the exported ONNX model does), anything else in float64.
        let x = try floatingFeatures(features, what: "features")
        let options = KernelOptions(threads: threads)
        var z: [Double]
        if x.dtype == .float32 {
            let w = try Tensor(shape: [targets, featureCount], scalars: coefficients.map { Float($0) })
            z = try GEMM.multiply(x, w, transposeB: true, options: options).withUnsafeBufferPointer(as: Float.self) {
                $0.map(Double.init)
            }
        } else {
            let w = try Tensor(shape: [targets, featureCount], scalars: coefficients)
            z = try GEMM.multiply(x, w, transposeB: true, options: options).scalars(as: Double.self)
        }
        for r in 0..<rows { for t in 0..<targets { z[r * targets + t] += intercepts[t] } }
        // Finite features can still overflow a score (values near the float64 limit): refuse them rather than
        // return NaN probabilities.
        if let bad = z.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.nonFinite(what: "scores (features too large for the model)", row: bad / targets, column: bad % targets)
        }
        return z
    }

    /// Class probabilities as float64 `[rows * classes]`, row-major (for metrics).
    public func probabilities(_ features: Tensor) throws -> [Double] {
        LogisticObjective.probabilities(try decisionFunction(features), targets: targets)
    }

    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        let p = try probabilities(features)
        return try Tensor(shape: [features.shape[0], classes.count], scalars: p.map { Float($0) })
    }
}
