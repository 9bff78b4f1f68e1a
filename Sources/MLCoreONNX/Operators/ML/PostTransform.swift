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

    /// Probit in single precision, step for step as onnxruntime computes it (its approximation error is
    /// about 1e-3, so matching its float arithmetic matters more than precision here).
    static func probit(_ x: Double) -> Double { Double(Float(1.41421356) * erfInv(2 * Float(x) - 1)) }

    /// Probit in double precision, as onnxruntime's double `ErfInv` overload computes it (float constants
    /// promoted; used where onnxruntime keeps the score in double, e.g. one-target regression).
    static func probitDouble(_ x: Double) -> Double {
        let y = 2 * x - 1
        let sign: Double = y < 0 ? -1 : 1
        let w = (1 - y) * (1 + y)
        let l = Foundation.log(w)
        let v = 2.0 / Double(Float(3.14159) * Float(0.147)) + 0.5 * l
        let v2 = 1.0 / Double(Float(0.147)) * l
        let v3 = (v * v - v2).squareRoot() - v
        return Double(Float(1.41421356)) * sign * v3.squareRoot()
    }

    /// The inverse-erf approximation onnxruntime's `ErfInv` uses (Winitzki's formula, a = 0.147, with
    /// `(float)M_PI` as in onnxruntime 1.2x's ml_common.h).
    static func erfInv(_ x: Float) -> Float {
        let sign: Float = x < 0 ? -1 : 1
        let y = (1 - x) * (1 + x)
        let l = logf(y)
        let v = 2 / (Float.pi * Float(0.147)) + 0.5 * l
        let v2 = 1 / Float(0.147) * l
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
