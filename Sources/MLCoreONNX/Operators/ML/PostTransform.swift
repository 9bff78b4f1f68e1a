import Foundation

/// `post_transform` of the ai.onnx.ml classifiers and regressors, with onnxruntime's exact formulas
/// (logistic through `exp(-|x|)`, softmax max-subtracted, SOFTMAX_ZERO leaving near-zero scores at 0,
/// probit through the Giles inverse-erf approximation that onnxruntime uses).
enum PostTransform: String, Sendable {
    case none = "NONE", logistic = "LOGISTIC", softmax = "SOFTMAX", softmaxZero = "SOFTMAX_ZERO", probit = "PROBIT"

    init(_ spec: NodeSpec) throws {
        let name = try spec.string("post_transform", default: "NONE")
        guard let t = PostTransform(rawValue: name) else { throw spec.error("unknown post_transform '\(name)'") }
        self = t
    }

    /// TreeEnsemble (opset 5) encodes it as an int: 0 NONE, 1 SOFTMAX, 2 LOGISTIC, 3 SOFTMAX_ZERO, 4 PROBIT.
    init(code: Int64, _ spec: NodeSpec) throws {
        switch code {
        case 0: self = .none
        case 1: self = .softmax
        case 2: self = .logistic
        case 3: self = .softmaxZero
        case 4: self = .probit
        default: throw spec.error("unknown post_transform \(code)")
        }
    }

    static func logistic(_ x: Double) -> Double {
        let v = 1 / (1 + Foundation.exp(-Swift.abs(x)))
        return x < 0 ? 1 - v : v
    }

    static func probit(_ x: Double) -> Double { 1.41421356 * erfInv(2 * x - 1) }

    /// The approximation onnxruntime's `ErfInv` uses (Giles-style, single precision constants).
    static func erfInv(_ x: Double) -> Double {
        let sign: Double = x < 0 ? -1 : 1
        let y = (1 - x) * (1 + x)
        let l = Foundation.log(y)
        let v = 2 / (3.14159 * 0.147) + 0.5 * l
        let v2 = 1 / 0.147 * l
        let v3 = -v + (v * v - v2).squareRoot()
        return sign * v3.squareRoot()
    }

    /// Applies the transform to a row of two or more scores in place.
    func apply(_ s: inout [Double]) {
        switch self {
        case .none: break
        case .logistic: for i in s.indices { s[i] = Self.logistic(s[i]) }
        case .probit: for i in s.indices { s[i] = Self.probit(s[i]) }
        case .softmax:
            let m = s.max() ?? 0
            var sum = 0.0
            for i in s.indices { s[i] = Foundation.exp(s[i] - m); sum += s[i] }
            for i in s.indices { s[i] /= sum }
        case .softmaxZero:
            let m = s.max() ?? 0
            let expNegMax = Foundation.exp(-m)
            var sum = 0.0
            for i in s.indices {
                if s[i] > 0.0000001 || s[i] < -0.0000001 {
                    s[i] = Foundation.exp(s[i] - m)
                    sum += s[i]
                } else {
                    s[i] *= expNegMax
                }
            }
            for i in s.indices { s[i] /= sum }
        }
    }
}
