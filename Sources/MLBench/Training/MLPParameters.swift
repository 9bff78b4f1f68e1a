import Foundation
import MLCore

extension MLP.Parameters {
    /// The `--param` names `bench train --algorithm mlp` takes, with their defaults, for `bench train --help`.
    static var parameterInfo: [TrainingAlgorithm.ParameterInfo] {
        let d = Self()
        return [
            .init(name: "hiddenLayers", defaultValue: d.hiddenLayers.map(String.init).joined(separator: ","),
                  help: "units per hidden layer, comma-separated (\"64,32\")"),
            .init(name: "activation", defaultValue: d.activation.rawValue, help: "relu | tanh"),
            .init(name: "solver", defaultValue: d.solver.rawValue, help: "adam | sgd"),
            .init(name: "learningRate", defaultValue: "\(d.learningRate)", help: "Adam's initial / SGD's constant step size"),
            .init(name: "batchSize", defaultValue: "\(d.batchSize)", help: "rows per minibatch (at most the training rows)"),
            .init(name: "maxEpochs", defaultValue: "\(d.maxEpochs)", help: "epochs at most"),
            .init(name: "alpha", defaultValue: "\(d.alpha)", help: "L2 strength (scikit-learn's alpha)"),
            .init(name: "momentum", defaultValue: "\(d.momentum)", help: "SGD momentum"),
            .init(name: "nesterov", defaultValue: "\(d.nesterov)", help: "SGD with Nesterov's momentum"),
            .init(name: "beta1", defaultValue: "\(d.beta1)", help: "Adam first-moment decay"),
            .init(name: "beta2", defaultValue: "\(d.beta2)", help: "Adam second-moment decay"),
            .init(name: "epsilon", defaultValue: "\(d.epsilon)", help: "Adam denominator guard"),
            .init(name: "tolerance", defaultValue: "\(d.tolerance)", help: "minimum training-loss improvement per epoch"),
            .init(name: "nIterNoChange", defaultValue: "\(d.nIterNoChange)", help: "stop after more epochs than this without improvement"),
            .init(name: "earlyStoppingRounds", defaultValue: "\(d.earlyStoppingRounds) (10 with --validation-fraction)",
                  help: "stop after this many epochs without validation improvement"),
            .init(name: "shuffle", defaultValue: "\(d.shuffle)", help: "shuffle the rows every epoch"),
            .init(name: "standardize", defaultValue: "\(d.standardize)", help: "scale features inside the model"),
        ]
    }

    /// Applies `--param name=value` pairs; unknown names and unparsable values are errors listing what is valid.
    /// - Returns: the parameters and whether `earlyStoppingRounds` was given.
    static func parsing(_ pairs: [(String, String)]) throws -> (Self, earlyStoppingGiven: Bool) {
        var p = Self()
        var earlyStoppingGiven = false
        func number<T: LosslessStringConvertible>(_ n: String, _ v: String, _ t: T.Type) throws -> T { try ParameterReader.number(n, v, t) }
        func bool(_ n: String, _ v: String) throws -> Bool { try ParameterReader.bool(n, v) }
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ value: String, _: T.Type) throws -> T where T.RawValue == String {
            guard let v = T(rawValue: value) else {
                throw TrainingError("--param \(name)=\(value): expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return v
        }
        for (name, value) in pairs {
            switch name {
            case "hiddenLayers":
                let parts = value.split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                let sizes = parts.compactMap { Int($0) }
                guard !value.isEmpty, sizes.count == parts.count else {
                    throw TrainingError("--param hiddenLayers=\(value): expected units per layer as integers, e.g. 100 or 64,32")
                }
                p.hiddenLayers = sizes
            case "activation": p.activation = try choice(name, value, MLP.Activation.self)
            case "solver": p.solver = try choice(name, value, MLP.Solver.self)
            case "learningRate": p.learningRate = try number(name, value, Double.self)
            case "batchSize": p.batchSize = try number(name, value, Int.self)
            case "maxEpochs": p.maxEpochs = try number(name, value, Int.self)
            case "alpha": p.alpha = try number(name, value, Double.self)
            case "momentum": p.momentum = try number(name, value, Double.self)
            case "nesterov": p.nesterov = try bool(name, value)
            case "beta1": p.beta1 = try number(name, value, Double.self)
            case "beta2": p.beta2 = try number(name, value, Double.self)
            case "epsilon": p.epsilon = try number(name, value, Double.self)
            case "tolerance": p.tolerance = try number(name, value, Double.self)
            case "nIterNoChange": p.nIterNoChange = try number(name, value, Int.self)
            case "earlyStoppingRounds":
                p.earlyStoppingRounds = try number(name, value, Int.self)
                earlyStoppingGiven = true
            case "shuffle": p.shuffle = try bool(name, value)
            case "standardize": p.standardize = try bool(name, value)
            default:
                throw ParameterReader.unknown(.mlp, name)
            }
        }
        do { try p.validate() } catch { throw TrainingError("\(error)") }
        return (p, earlyStoppingGiven)
    }

    /// The values as report fields (`hiddenLayers` as the comma-separated text `--param` takes).
    var reportValues: [String: Any] {
        ["hiddenLayers": hiddenLayers.map(String.init).joined(separator: ","), "activation": activation.rawValue,
         "solver": solver.rawValue, "learningRate": learningRate, "batchSize": batchSize, "maxEpochs": maxEpochs,
         "alpha": alpha, "momentum": momentum, "nesterov": nesterov, "beta1": beta1, "beta2": beta2,
         "epsilon": epsilon, "tolerance": tolerance, "nIterNoChange": nIterNoChange,
         "earlyStoppingRounds": earlyStoppingRounds, "shuffle": shuffle, "standardize": standardize]
    }
}
