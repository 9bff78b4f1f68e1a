import Foundation
import MLCoreTensor
import MLCoreKernels
import MLCoreTensor

/// A multi-layer perceptron classifier trained by minibatch Adam or SGD on the cross-entropy loss.
///
/// The algorithm and its defaults follow scikit-learn's `MLPClassifier`: one hidden layer of 100 ReLU units, Adam
/// with learning rate 1e-3, minibatches of `min(200, rows)`, at most 200 epochs, L2 strength `alpha = 1e-4`, and
/// training stops once the epoch's training loss has not improved by ``Parameters/tolerance`` for more than
/// ``Parameters/nIterNoChange`` epochs. Two classes get one sigmoid output (the probability of `classes[1]`), more
/// classes a softmax over one output per class. Weights and biases start uniform in `±sqrt(6 / (fanIn + fanOut))`
/// (Glorot), scikit-learn's scheme for ReLU and tanh networks alike.
///
/// The loss of one minibatch of `b` rows is scikit-learn's: the mean log-loss of its rows plus
/// `alpha / (2 b) * |W|^2` over every weight (biases are not penalized); an epoch's loss is the row-weighted mean of
/// its minibatch losses, each taken before that minibatch's update.
///
/// Unlike scikit-learn, ``Parameters/standardize`` is on by default: features are scaled to zero mean and unit
/// variance inside the model (scikit-learn's users put a `StandardScaler` in front, as its documentation advises for
/// MLPs). The scaling is folded into the first layer's weights when training ends, so the model and its ONNX export
/// take raw features and the export has no Scaler node.
///
/// Forward and backward passes run in float32 on ``GEMM`` with buffers allocated once per fit; the loss is summed in
/// float64. The same data, ``seed`` and ``threads`` give a bit-identical model.
/// - SeeAlso: https://scikit-learn.org/stable/modules/neural_networks_supervised.html
public struct MLP: Estimator {
    /// The hidden layers' activation function.
    public enum Activation: String, Sendable, Hashable, CaseIterable {
        /// `max(z, 0)`.
        case relu
        /// `tanh(z)`.
        case tanh
    }

    /// The minibatch optimizer.
    public enum Solver: String, Sendable, Hashable, CaseIterable {
        /// Adam (Kingma and Ba, 2015) with bias-corrected step size, as scikit-learn's `AdamOptimizer`.
        case adam
        /// Stochastic gradient descent with momentum (Nesterov's by default) and a constant learning rate.
        case sgd
    }

    /// Hyper-parameters. Names are MLCore's (`bench train --param name=value`); each documents scikit-learn's
    /// equivalent.
    public struct Parameters: Sendable, Hashable {
        /// Units per hidden layer, input side first (`hidden_layer_sizes`). Empty gives a linear model.
        public var hiddenLayers: [Int] = [100]
        /// Hidden-layer activation (`activation`).
        public var activation: Activation = .relu
        /// Optimizer (`solver`; L-BFGS is not offered).
        public var solver: Solver = .adam
        /// Step size: Adam's initial rate, or SGD's constant one (`learning_rate_init`).
        public var learningRate: Double = 0.001
        /// Rows per minibatch, at most the training rows (`batch_size = "auto"` is `min(200, rows)`).
        public var batchSize: Int = 200
        /// Epochs (passes over the training rows) at most (`max_iter`).
        public var maxEpochs: Int = 200
        /// L2 strength: `alpha / (2 b) * |W|^2` is added to each minibatch's mean loss (`alpha`).
        public var alpha: Double = 1e-4
        /// SGD momentum (`momentum`).
        public var momentum: Double = 0.9
        /// SGD with Nesterov's momentum (`nesterovs_momentum`).
        public var nesterov: Bool = true
        /// Adam's decay of the first-moment estimate (`beta_1`).
        public var beta1: Double = 0.9
        /// Adam's decay of the second-moment estimate (`beta_2`).
        public var beta2: Double = 0.999
        /// Adam's denominator guard (`epsilon`).
        public var epsilon: Double = 1e-8
        /// An epoch improves the training loss when it lowers the best loss so far by more than this (`tol`,
        /// absolute). Early stopping uses it relative to the best validation loss, as ``LogisticRegression`` does.
        public var tolerance: Double = 1e-4
        /// Stop (converged) after more than this many epochs in a row without improvement (`n_iter_no_change`).
        public var nIterNoChange: Int = 10
        /// Stop when the validation log-loss has not improved for this many epochs, and keep the best epoch's
        /// weights. 0 turns early stopping off; it needs a validation set. (scikit-learn's `early_stopping` scores
        /// accuracy on a held-out fraction instead.)
        public var earlyStoppingRounds: Int = 0
        /// Shuffle the rows before every epoch (`shuffle`).
        public var shuffle: Bool = true
        /// Scale features to zero mean and unit variance inside the model (scikit-learn has no such option: put
        /// a `StandardScaler` in front there).
        public var standardize: Bool = true

        /// Parameters with scikit-learn's `MLPClassifier` defaults, except ``standardize``.
        public init(hiddenLayers: [Int] = [100], activation: Activation = .relu, solver: Solver = .adam,
                    learningRate: Double = 0.001, batchSize: Int = 200, maxEpochs: Int = 200, alpha: Double = 1e-4,
                    momentum: Double = 0.9, nesterov: Bool = true, beta1: Double = 0.9, beta2: Double = 0.999,
                    epsilon: Double = 1e-8, tolerance: Double = 1e-4, nIterNoChange: Int = 10,
                    earlyStoppingRounds: Int = 0, shuffle: Bool = true, standardize: Bool = true) {
            self.hiddenLayers = hiddenLayers
            self.activation = activation
            self.solver = solver
            self.learningRate = learningRate
            self.batchSize = batchSize
            self.maxEpochs = maxEpochs
            self.alpha = alpha
            self.momentum = momentum
            self.nesterov = nesterov
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.tolerance = tolerance
            self.nIterNoChange = nIterNoChange
            self.earlyStoppingRounds = earlyStoppingRounds
            self.shuffle = shuffle
            self.standardize = standardize
        }

        /// Throws ``ModelError/invalidParameter(name:reason:)`` for values outside their range.
        public func validate() throws {
            func check(_ ok: Bool, _ name: String, _ reason: @autoclosure () -> String) throws {
                if !ok { throw ModelError.invalidParameter(name: name, reason: reason()) }
            }
            try check(hiddenLayers.allSatisfy { $0 >= 1 && $0 <= MLP.maxLayerUnits }, "hiddenLayers",
                      "every layer needs 1 to \(MLP.maxLayerUnits) units, got \(hiddenLayers)")
            try check(hiddenLayers.count <= MLP.maxHiddenLayers, "hiddenLayers",
                      "at most \(MLP.maxHiddenLayers) hidden layers, got \(hiddenLayers.count)")
            try check(learningRate > 0 && learningRate.isFinite, "learningRate", "must be a finite number > 0, got \(learningRate)")
            try check(batchSize >= 1, "batchSize", "must be >= 1, got \(batchSize)")
            try check(maxEpochs >= 1, "maxEpochs", "must be >= 1, got \(maxEpochs)")
            try check(alpha >= 0 && alpha.isFinite, "alpha", "must be a finite number >= 0, got \(alpha)")
            try check(momentum >= 0 && momentum <= 1, "momentum", "must be in [0, 1], got \(momentum)")
            try check(beta1 >= 0 && beta1 < 1, "beta1", "must be in [0, 1), got \(beta1)")
            try check(beta2 >= 0 && beta2 < 1, "beta2", "must be in [0, 1), got \(beta2)")
            try check(epsilon > 0 && epsilon.isFinite, "epsilon", "must be a finite number > 0, got \(epsilon)")
            try check(tolerance >= 0 && tolerance.isFinite, "tolerance", "must be a finite number >= 0, got \(tolerance)")
            try check(nIterNoChange >= 1, "nIterNoChange", "must be >= 1, got \(nIterNoChange)")
            try check(earlyStoppingRounds >= 0, "earlyStoppingRounds", "must be >= 0, got \(earlyStoppingRounds)")
        }
    }

    /// The most units a layer may have.
    public static let maxLayerUnits = 1 << 20
    /// The most hidden layers a network may have.
    public static let maxHiddenLayers = 64
    /// The most weights (all layers together) a network may have: 1 GiB of float32, so the ONNX export stays
    /// below protobuf's 2 GiB message limit.
    public static let maxWeights = 1 << 28

    /// The hyper-parameters.
    public var parameters: Parameters
    /// Seeds the initial weights and the row order of every epoch (one ``SplitMix64`` stream).
    public var seed: UInt64
    /// Threads the kernels may use (at least 1). OpenBLAS, which GEMM calls for large layers, takes its thread count
    /// from ``BLAS/setThreads(_:)``.
    public var threads: Int

    /// An estimator; `threads` below 1 counts as 1.
    public init(parameters: Parameters = .init(), seed: UInt64 = 0, threads: Int = ProcessorInfo.activeCores) {
        self.parameters = parameters
        self.seed = seed
        self.threads = max(1, threads)
    }

    /// Trains on `features` `[rows, features]` and `labels` `[rows]` (class numbers), reporting each epoch to
    /// `progress`; see ``Estimator/fit(features:labels:validation:progress:)``.
    /// - Throws: ``ModelError`` for invalid data or parameters, and
    ///   ``ModelError/invalidParameter(name:reason:)`` when the loss becomes non-finite (the step size is too large).
    public func fit(features: Tensor, labels: Tensor, validation: ValidationSet?,
                    progress: (@Sendable (TrainingProgress) -> Void)?) throws -> MLPModel {
        try parameters.validate()
        let (data, valid) = try TrainingData.checked(features: features, labels: labels, validation: validation)
        let p = parameters
        let n = data.rows, f = data.featureCount
        let outputs = data.classes.count == 2 ? 1 : data.classes.count
        let sizes = [f] + p.hiddenLayers + [outputs]
        try MLPNetwork.checkSize(sizes, batchRows: min(p.batchSize, n))

        var mean: [Double] = [], scale: [Double] = []
        if p.standardize { (mean, scale) = try columnMoments(data.features) }
        // The network runs in float32: a float64 value beyond float32's range (after standardization, if on)
        // would become an infinity and the loss NaN, so it is refused here, named by row and column.
        let x = try floatingFeatures(try designMatrix(data.features, mean: mean, scale: scale),
                                     what: "training features (as float32)")
        let validX = try valid.map {
            try floatingFeatures(try designMatrix($0.features, mean: mean, scale: scale), what: "validation features (as float32)")
        }

        let options = KernelOptions(threads: threads)
        var random = SplitMix64(seed: seed)
        var network = MLPNetwork(sizes: sizes, activation: p.activation, random: &random)
        var trainer = try MLPTrainer(network: network, x: x, y: data.y, parameters: p, options: options)

        var bestTrainLoss = Double.infinity, noImprovement = 0
        var best: (network: MLPNetwork, loss: Double, epoch: Int, trainLoss: Double)?
        let earlyStopping = p.earlyStoppingRounds > 0 && valid != nil
        var epochs = 0, converged = false, lastLoss = Double.nan
        for epoch in 1...p.maxEpochs {
            let loss = try trainer.epoch(network: &network, random: &random)
            epochs = epoch
            lastLoss = loss
            guard loss.isFinite else {
                throw ModelError.invalidParameter(
                    name: p.solver == .adam ? "learningRate" : "learningRate/momentum",
                    reason: "training diverged (the loss of epoch \(epoch) is \(loss)); try a smaller learning rate")
            }
            var validationLoss: Double?
            if let valid, let validX {
                validationLoss = try network.meanLogLoss(validX, y: valid.y, options: options)
            }
            progress?(TrainingProgress(iteration: epoch, trainLoss: loss, validationLoss: validationLoss))

            // scikit-learn's stopping rule (`_update_no_improvement_count`, training loss).
            noImprovement = loss > bestTrainLoss - p.tolerance ? noImprovement + 1 : 0
            bestTrainLoss = min(bestTrainLoss, loss)
            if noImprovement > p.nIterNoChange {
                converged = true
                break
            }
            if earlyStopping, let v = validationLoss {
                if best == nil || v < best!.loss - p.tolerance * max(abs(best!.loss), 1e-12) {
                    best = (network, v, epoch, loss)
                } else if epoch - best!.epoch >= p.earlyStoppingRounds {
                    break
                }
            }
        }
        var stoppedEarly = false
        if earlyStopping, let best, best.epoch < epochs {
            network = best.network
            lastLoss = best.trainLoss
            stoppedEarly = true
        }
        if p.standardize { network.foldStandardization(mean: mean, scale: scale) }
        return try MLPModel(
            weights: try network.weights.map { try $0.scalars(as: Float.self) }, biases: network.biases,
            activation: p.activation, classes: data.classes, featureCount: f, epochs: epochs,
            stoppedEarly: stoppedEarly, converged: converged, trainLoss: lastLoss, threads: threads)
    }
}
