import Foundation
import MLCoreTensor

/// A learning algorithm with its hyper-parameters: `fit` turns labelled rows into a trained ``Classifier``.
///
/// Every estimator is a `Sendable` value; fitting never mutates it. Every random choice is drawn from
/// ``seed``, and the kernels split work the same way for the same thread count, so the same estimator, data and
/// ``threads`` give a bit-identical model.
///
/// ```swift
/// let model = try LogisticRegression(parameters: .init(C: 0.5)).fit(features: x, labels: y, validation: nil)
/// let p = try model.predictProbabilities(xTest)       // [rows, classes]
/// try model.save(to: URL(fileURLWithPath: "model.onnx"))
/// ```
public protocol Estimator: Sendable {
    associatedtype Parameters: Sendable
    associatedtype Model: Classifier

    /// The hyper-parameters (documented defaults on the type).
    var parameters: Parameters { get }
    /// Seeds every random choice the algorithm makes.
    var seed: UInt64 { get }
    /// Threads the kernels may use.
    var threads: Int { get }

    /// Trains on `features` `[rows, features]` and `labels` `[rows]` (class numbers 0, 1, 2, ...).
    ///
    /// - Parameters:
    ///   - validation: rows scored after every iteration for ``TrainingProgress/validationLoss`` and, when the
    ///     parameters ask for it, early stopping. Never used for the gradient.
    ///   - progress: called once per iteration on the calling thread.
    /// - Throws: ``ModelError`` for empty data, one class only, a label that is not a class number,
    ///   non-finite feature values (unless the estimator documents them, as ``GradientBoosting`` does: NaN is a
    ///   missing value, infinities are values), or mismatched shapes.
    func fit(features: Tensor, labels: Tensor, validation: ValidationSet?,
             progress: (@Sendable (TrainingProgress) -> Void)?) throws -> Model
}

extension Estimator {
    /// Trains without a progress callback.
    public func fit(features: Tensor, labels: Tensor, validation: ValidationSet? = nil) throws -> Model {
        try fit(features: features, labels: labels, validation: validation, progress: nil)
    }
}

/// A trained classifier.
public protocol Classifier: Sendable {
    /// Features per row the model was trained on.
    var featureCount: Int { get }
    /// The class numbers, ascending (column `j` of the probabilities is class `classes[j]`).
    var classes: [Int] { get }

    /// Class probabilities, float32 `[rows, classes.count]`; each row sums to 1.
    /// - Throws: ``ModelError/featureCountMismatch(expected:actual:)`` or ``ModelError/nonFinite(what:row:column:)``.
    func predictProbabilities(_ features: Tensor) throws -> Tensor
    /// The most probable class number per row, int64 `[rows]`.
    func predict(_ features: Tensor) throws -> Tensor
    /// Writes the model as an ONNX file that MLCore's engine and onnxruntime run with the same probabilities.
    func save(to url: URL) throws
}

extension Classifier {
    public func predict(_ features: Tensor) throws -> Tensor {
        let p = try predictProbabilities(features)
        let rows = p.shape[0], k = p.shape[1]
        let values = try p.scalars(as: Float.self)
        var labels = [Int64](repeating: 0, count: rows)
        for r in 0..<rows {
            var best = 0
            for j in 1..<k where values[r * k + j] > values[r * k + best] { best = j }
            labels[r] = Int64(classes[best])
        }
        return try Tensor(shape: [rows], scalars: labels)
    }
}

/// Rows with their labels, held out from fitting: scored after each iteration for validation loss and early stopping.
public struct ValidationSet: Sendable {
    /// `[rows, features]`.
    public var features: Tensor
    /// `[rows]` class numbers.
    public var labels: Tensor

    public init(features: Tensor, labels: Tensor) {
        self.features = features
        self.labels = labels
    }
}

/// One iteration's figures, passed to the progress callback.
public struct TrainingProgress: Sendable, Equatable {
    /// 1-based iteration (an L-BFGS or Newton step, a boosting round, an epoch).
    public var iteration: Int
    /// The objective on the training rows, regularization included.
    public var trainLoss: Double
    /// Mean log-loss on the validation rows, when a validation set was given.
    public var validationLoss: Double?

    public init(iteration: Int, trainLoss: Double, validationLoss: Double?) {
        self.iteration = iteration
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
    }
}

/// The most classes a classifier accepts (a coefficient row or a tree set per class).
public let maxClasses = 10_000

/// Why an estimator refused its input or a model its rows. Thrown before any kernel runs.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No rows, or no feature columns.
    case emptyData(String)
    /// Every training label is the same class.
    case oneClass(Int)
    /// A label that is not a class number (negative, fractional, above `Int32.max`, NaN or infinite).
    case invalidLabel(row: Int, value: Double)
    /// A validation label that is not one of the training classes.
    case unknownClass(what: String, row: Int, value: Int)
    /// More distinct labels than ``maxClasses``: most likely a continuous target given as the label.
    case tooManyClasses(Int)
    /// Rows with a different number of features than the model (or the training set) has.
    case featureCountMismatch(expected: Int, actual: Int)
    /// NaN or infinity in the data.
    case nonFinite(what: String, row: Int, column: Int)
    /// Tensors whose shapes or element types do not fit together.
    case invalidShape(String)
    /// A hyper-parameter outside its range.
    case invalidParameter(name: String, reason: String)
    /// The model cannot be written.
    case exportFailed(String)

    public var description: String {
        switch self {
        case .emptyData(let s): return "empty data: \(s)"
        case .oneClass(let c): return "every training label is class \(c); a classifier needs at least two classes"
        case .invalidLabel(let row, let value):
            return "label \(value) in row \(row) is not a class number (a non-negative integer)"
        case .unknownClass(let what, let row, let value):
            return "\(what) label \(value) in row \(row) is not one of the training classes"
        case .tooManyClasses(let n):
            return "\(n) distinct labels (at most \(maxClasses)): is the label column a class number?"
        case .featureCountMismatch(let e, let a): return "the model has \(e) features, the rows have \(a)"
        case .nonFinite(let what, let row, let column): return "\(what) has a non-finite value at row \(row), column \(column)"
        case .invalidShape(let s): return "invalid shape: \(s)"
        case .invalidParameter(let name, let reason): return "parameter \(name): \(reason)"
        case .exportFailed(let s): return "cannot export the model: \(s)"
        }
    }
}
