import Foundation
import MLCoreKernels
import MLCoreTensor

/// A trained multi-layer perceptron on raw (unstandardized) features: per layer `z = a W^T + b`, the activation on
/// hidden layers, then a sigmoid (one output: binary) or a softmax over the last layer's outputs.
///
/// The parameters are constants checked by ``init(weights:biases:activation:classes:featureCount:epochs:stoppedEarly:converged:trainLoss:threads:)``,
/// so every model's layers chain; only ``threads`` can change.
public struct MLPModel: Classifier, Hashable {
    /// Per layer, `[outputs, inputs]` row-major float32 (ONNX `Gemm` with `transB = 1`; scikit-learn's `coefs_[l]`
    /// transposed). The first layer takes raw features: the standardization is folded in.
    public let weights: [[Float]]
    /// Per layer, one value per output unit (scikit-learn's `intercepts_`).
    public let biases: [[Float]]
    /// The hidden layers' activation.
    public let activation: MLP.Activation
    /// The class numbers, ascending (column `j` of the probabilities is class `classes[j]`).
    public let classes: [Int]
    /// Features per row.
    public let featureCount: Int
    /// Epochs run.
    public let epochs: Int
    /// Whether early stopping kept the weights of an earlier epoch.
    public let stoppedEarly: Bool
    /// Whether training stopped because the training loss stopped improving (scikit-learn raises no
    /// `ConvergenceWarning`), rather than at ``MLP/Parameters/maxEpochs`` or by early stopping.
    public let converged: Bool
    /// The training loss (penalty included) of the epoch whose weights the model holds.
    public let trainLoss: Double
    /// Threads prediction uses.
    public var threads: Int

    /// Units per layer: the features, each hidden layer, then the outputs (1 for two classes, else the class count).
    public var layerSizes: [Int] { [featureCount] + biases.map(\.count) }

    /// A model from its parameters.
    /// - Throws: ``ModelError/invalidShape(_:)`` when the weights and biases do not chain from `featureCount`
    ///   inputs to one output (two classes) or one per class, or the classes are not strictly ascending.
    public init(weights: [[Float]], biases: [[Float]], activation: MLP.Activation, classes: [Int], featureCount: Int,
                epochs: Int = 0, stoppedEarly: Bool = false, converged: Bool = true, trainLoss: Double = .nan,
                threads: Int = 1) throws {
        guard !biases.isEmpty, weights.count == biases.count else {
            throw ModelError.invalidShape("\(weights.count) weight matrices and \(biases.count) bias vectors; need as many, at least one")
        }
        guard classes.count >= 2, featureCount >= 1 else {
            throw ModelError.invalidShape("\(classes.count) classes and \(featureCount) features; need at least 2 and 1")
        }
        guard zip(classes, classes.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ModelError.invalidShape("the class numbers \(classes) are not strictly ascending")
        }
        var inputs = featureCount
        for (l, b) in biases.enumerated() {
            let (count, overflow) = inputs.multipliedReportingOverflow(by: b.count)
            guard !b.isEmpty, !overflow, weights[l].count == count else {
                throw ModelError.invalidShape("layer \(l) has \(weights[l].count) weights for \(inputs) inputs and \(b.count) outputs")
            }
            inputs = b.count
        }
        let outputs = classes.count == 2 ? 1 : classes.count
        guard inputs == outputs else {
            throw ModelError.invalidShape("the last layer has \(inputs) outputs; \(classes.count) classes need \(outputs)")
        }
        self.weights = weights
        self.biases = biases
        self.activation = activation
        self.classes = classes
        self.featureCount = featureCount
        self.epochs = epochs
        self.stoppedEarly = stoppedEarly
        self.converged = converged
        self.trainLoss = trainLoss
        self.threads = max(1, threads)
    }

    /// Class probabilities as float64 `[rows * classes]`, row-major (for metrics). Rows are converted to float32
    /// and run through the network in float32 (as the exported ONNX model does); the output function is float64.
    /// - Throws: ``ModelError/featureCountMismatch(expected:actual:)``, ``ModelError/nonFinite(what:row:column:)``
    ///   (also for a float64 value beyond float32's range),
    ///   or ``ModelError/invalidShape(_:)`` for a tensor that is not `[rows, features]` numbers.
    public func probabilities(_ features: Tensor) throws -> [Double] {
        guard features.rank == 2 else { throw ModelError.invalidShape("features must be [rows, features], got \(features.shape)") }
        guard features.shape[1] == featureCount else {
            throw ModelError.featureCountMismatch(expected: featureCount, actual: features.shape[1])
        }
        if features.shape[0] == 0 { return [] }
        var x = try designMatrix(try floatingFeatures(features, what: "features"), mean: [], scale: [])
        // A float64 value beyond float32's range would run through the network as an infinity (and come out NaN).
        if features.dtype != .float32 { x = try floatingFeatures(x, what: "features (as float32)") }
        let network = try MLPNetwork(sizes: layerSizes, activation: activation, weights: weights, biases: biases)
        return try network.probabilities(x, options: KernelOptions(threads: threads))
    }

    /// Class probabilities, float32 `[rows, classes.count]` (``probabilities(_:)`` rounded to float32).
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        let p = try probabilities(features)
        return try Tensor(shape: [features.shape[0], classes.count], scalars: p.map { Float($0) })
    }
}
