import MLCore

/// The algorithms `bench train` knows, and the `--param` names each takes (MLCore's own names).
public enum TrainingAlgorithm: String, Sendable, CaseIterable {
    case logreg, gbdt, mlp

    /// One `--param` with its default and meaning, for `bench train --help`.
    public struct ParameterInfo: Sendable {
        public var name: String
        public var defaultValue: String
        public var help: String
    }

    /// The parameters with their defaults; empty for algorithms not implemented yet.
    public var parameters: [ParameterInfo] {
        switch self {
        case .logreg:
            let d = LogisticRegression.Parameters()
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
        case .gbdt, .mlp:
            return []
        }
    }

    public var isImplemented: Bool { self == .logreg }

    /// Text for `bench train --help`.
    public static var parameterHelp: String {
        var lines: [String] = []
        for algorithm in allCases {
            guard algorithm.isImplemented else {
                lines.append("\(algorithm.rawValue): not implemented yet")
                continue
            }
            lines.append("\(algorithm.rawValue) parameters (--param name=value, default):")
            for p in algorithm.parameters {
                lines.append("  \(p.name)=\(p.defaultValue)  \(p.help)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Why `bench train` refused its arguments.
public struct TrainingError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension LogisticRegression.Parameters {
    /// Applies `--param name=value` pairs; unknown names and unparsable values are errors listing what is valid.
    /// - Returns: the parameters and whether `earlyStoppingRounds` was given.
    static func parsing(_ pairs: [(String, String)]) throws -> (Self, earlyStoppingGiven: Bool) {
        var p = Self()
        var earlyStoppingGiven = false
        func number<T: LosslessStringConvertible>(_ name: String, _ value: String, _: T.Type) throws -> T {
            guard let v = T(value) else { throw TrainingError("--param \(name)=\(value): not a valid \(T.self == Int.self ? "integer" : "number")") }
            return v
        }
        func bool(_ name: String, _ value: String) throws -> Bool {
            switch value.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw TrainingError("--param \(name)=\(value): expected true or false")
            }
        }
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
                let names = TrainingAlgorithm.logreg.parameters.map(\.name).joined(separator: ", ")
                throw TrainingError("unknown logreg parameter '\(name)'; valid names: \(names)")
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
