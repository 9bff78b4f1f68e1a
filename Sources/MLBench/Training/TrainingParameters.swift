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

    /// The parameters with their defaults.
    public var parameters: [ParameterInfo] {
        switch self {
        case .logreg: return LogisticRegression.Parameters.parameterInfo
        case .gbdt: return GradientBoosting.Parameters.parameterInfo
        case .mlp: return MLP.Parameters.parameterInfo
        }
    }

    /// Text for `bench train --help`.
    public static var parameterHelp: String {
        var lines: [String] = []
        for algorithm in allCases {
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

/// Reads `--param` values: numbers and booleans, with errors that name the parameter.
struct ParameterReader {
    static func number<T: LosslessStringConvertible>(_ name: String, _ value: String, _: T.Type) throws -> T {
        guard let v = T(value) else {
            throw TrainingError("--param \(name)=\(value): not a valid \(T.self == Int.self ? "integer" : "number")")
        }
        return v
    }

    static func bool(_ name: String, _ value: String) throws -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw TrainingError("--param \(name)=\(value): expected true or false")
        }
    }

    static func unknown(_ algorithm: TrainingAlgorithm, _ name: String) -> TrainingError {
        let names = algorithm.parameters.map(\.name).joined(separator: ", ")
        return TrainingError("unknown \(algorithm.rawValue) parameter '\(name)'; valid names: \(names)")
    }
}
