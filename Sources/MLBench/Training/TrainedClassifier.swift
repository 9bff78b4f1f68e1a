import Foundation
import MLCore

/// A model `bench train` fitted, seen the same way whatever the algorithm.
protocol TrainedClassifier {
    var classes: [Int] { get }
    /// Class probabilities `[rows * classes]`, float64 (for metrics).
    func probabilities(_ features: Tensor) throws -> [Double]
    func save(to url: URL) throws
    /// One line for the console table (solver, iterations, ...).
    var summary: String { get }
    /// Algorithm-specific report fields.
    var reportFields: [String: Any] { get }
}

extension LogisticRegressionModel: TrainedClassifier {
    var summary: String {
        "\(solver.rawValue), \(iterations) iterations\(converged ? "" : ", not converged")\(stoppedEarly ? ", stopped early" : "")"
    }
    var reportFields: [String: Any] {
        ["iterations": iterations, "converged": converged, "stopped_early": stoppedEarly, "solver": solver.rawValue,
         "train_loss": trainLoss]
    }
}

extension GradientBoostingModel: TrainedClassifier {
    var summary: String {
        "\(treeCount) trees, \(rounds) rounds\(stoppedEarly ? ", stopped early" : ""), \(featureGroups) feature groups after bundling"
    }
    var reportFields: [String: Any] {
        ["iterations": rounds, "trees": treeCount, "stopped_early": stoppedEarly, "binning_seconds": binningSeconds,
         "feature_groups": featureGroups, "train_loss": trainLoss]
    }
}

extension MLPModel: TrainedClassifier {
    var summary: String {
        "\(layerSizes.map(String.init).joined(separator: "-")) \(activation.rawValue), \(epochs) epochs\(converged ? "" : ", not converged")\(stoppedEarly ? ", stopped early" : "")"
    }
    var reportFields: [String: Any] {
        ["epochs": epochs, "iterations": epochs, "converged": converged, "stopped_early": stoppedEarly,
         "layers": layerSizes.map(String.init).joined(separator: "-"), "train_loss": trainLoss]
    }
}

extension TrainingAlgorithm {
    /// Parses `--param` pairs, fits, and returns the model with the parameters as report values.
    /// - Parameter validating: whether a validation set is held out (early stopping then defaults to 10 rounds).
    func fit(params pairs: [(String, String)], features: Tensor, labels: Tensor, validation: ValidationSet?,
             seed: UInt64, threads: Int) throws -> (model: TrainedClassifier, params: [String: Any]) {
        switch self {
        case .logreg:
            var (p, given) = try LogisticRegression.Parameters.parsing(pairs)
            if validation != nil && !given { p.earlyStoppingRounds = 10 }
            let model = try LogisticRegression(parameters: p, seed: seed, threads: threads)
                .fit(features: features, labels: labels, validation: validation)
            return (model, p.reportValues)
        case .gbdt:
            var (p, given) = try GradientBoosting.Parameters.parsing(pairs)
            if validation != nil && !given { p.earlyStoppingRounds = 10 }
            let model = try GradientBoosting(parameters: p, seed: seed, threads: threads)
                .fit(features: features, labels: labels, validation: validation)
            return (model, p.reportValues)
        case .mlp:
            var (p, given) = try MLP.Parameters.parsing(pairs)
            if validation != nil && !given { p.earlyStoppingRounds = 10 }
            let model = try MLP(parameters: p, seed: seed, threads: threads)
                .fit(features: features, labels: labels, validation: validation)
            return (model, p.reportValues)
        }
    }
}
