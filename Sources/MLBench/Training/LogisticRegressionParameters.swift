import MLCore

extension LogisticRegression.Parameters {
    /// The `--param` names with their defaults, for `bench train --help`.
    static var parameterInfo: [TrainingAlgorithm.ParameterInfo] {
        let d = Self()
        return [
            .init(name: "C", defaultValue: "\(d.C)", help: "inverse L2 strength (scikit-learn's C)"),
            .init(name: "maxIterations", defaultValue: "\(d.maxIterations)", help: "solver iterations at most"),
            .init(name: "tolerance", defaultValue: "\(d.tolerance)", help: "stop at max |gradient| <= tolerance"),
            .init(name: "fitIntercept", defaultValue: "\(d.fitIntercept)", help: "fit an intercept"),
            .init(name: "standardize", defaultValue: "\(d.standardize)", help: "scale features inside the model"),
            .init(name: "solver", defaultValue: d.solver.rawValue, help: "lbfgs | newton (binary) | auto"),
            .init(name: "lbfgsMemory", defaultValue: "\(d.lbfgsMemory)", help: "L-BFGS correction pairs"),
            .init(name: "newtonMaxFeatures", defaultValue: "\(d.newtonMaxFeatures)", help: "auto: Newton up to this many features"),
            .init(name: "earlyStoppingRounds", defaultValue: "\(d.earlyStoppingRounds) (10 with --validation-fraction)",
                  help: "stop after this many iterations without validation improvement"),
        ]
    }

    /// Applies `--param name=value` pairs; unknown names and unparsable values are errors listing what is valid.
    /// - Returns: the parameters and whether `earlyStoppingRounds` was given.
    static func parsing(_ pairs: [(String, String)]) throws -> (Self, earlyStoppingGiven: Bool) {
        var p = Self()
        var earlyStoppingGiven = false
        func number<T: LosslessStringConvertible>(_ n: String, _ v: String, _ t: T.Type) throws -> T { try ParameterReader.number(n, v, t) }
        func bool(_ n: String, _ v: String) throws -> Bool { try ParameterReader.bool(n, v) }
        for (name, value) in pairs {
            switch name {
            case "C": p.C = try number(name, value, Double.self)
            case "maxIterations": p.maxIterations = try number(name, value, Int.self)
            case "tolerance": p.tolerance = try number(name, value, Double.self)
            case "fitIntercept": p.fitIntercept = try bool(name, value)
            case "standardize": p.standardize = try bool(name, value)
            case "solver":
                guard let s = LogisticRegression.Solver(rawValue: value) else {
                    throw TrainingError("--param solver=\(value): expected one of \(LogisticRegression.Solver.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                p.solver = s
            case "lbfgsMemory": p.lbfgsMemory = try number(name, value, Int.self)
            case "newtonMaxFeatures": p.newtonMaxFeatures = try number(name, value, Int.self)
            case "earlyStoppingRounds":
                p.earlyStoppingRounds = try number(name, value, Int.self)
                earlyStoppingGiven = true
            default:
                throw ParameterReader.unknown(.logreg, name)
            }
        }
        do { try p.validate() } catch { throw TrainingError("\(error)") }
        return (p, earlyStoppingGiven)
    }

    /// The values as report fields.
    var reportValues: [String: Any] {
        ["C": C, "maxIterations": maxIterations, "tolerance": tolerance, "fitIntercept": fitIntercept,
         "standardize": standardize, "solver": solver.rawValue, "lbfgsMemory": lbfgsMemory,
         "newtonMaxFeatures": newtonMaxFeatures, "earlyStoppingRounds": earlyStoppingRounds]
    }
}
