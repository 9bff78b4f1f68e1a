import MLCoreCKernels

#if canImport(Glibc)
import Glibc
#endif

/// An activation applied in a kernel's write-back (convolution, GEMM) while the result is in cache,
/// together with the bias and an optional residual: `y = act(x + bias + residual)`. The set is
/// onnxruntime's `FusedConv` one plus HardSwish and Gelu.
///
/// Float32 runs the wide C epilogue (`mlc_bias_activation_f32`, the polynomial sigmoid/tanh/erf of
/// ``Activation``); float64 runs ``apply(_:)`` per element.
package struct FusedActivation: Sendable, Hashable, CustomStringConvertible {
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        case none, relu, clip, leakyRelu, sigmoid, tanh, hardSigmoid, hardSwish, gelu
    }

    package var kind: Kind
    /// Clip's minimum, LeakyRelu's and HardSigmoid's alpha.
    package var alpha: Float
    /// Clip's maximum, HardSigmoid's beta.
    package var beta: Float

    package init(_ kind: Kind, alpha: Float = 0, beta: Float = 0) {
        self.kind = kind
        self.alpha = alpha
        self.beta = beta
    }

    package static let none = FusedActivation(.none)

    package var description: String {
        switch kind {
        case .none, .relu, .sigmoid, .tanh, .hardSwish, .gelu: return kind.rawValue
        case .clip: return "clip(\(alpha), \(beta))"
        case .leakyRelu: return "leakyRelu(\(alpha))"
        case .hardSigmoid: return "hardSigmoid(\(alpha), \(beta))"
        }
    }

    var cKind: mlc_activation_kind {
        switch kind {
        case .none: MLC_ACT_NONE
        case .relu: MLC_ACT_RELU
        case .clip: MLC_ACT_CLIP
        case .leakyRelu: MLC_ACT_LEAKY_RELU
        case .sigmoid: MLC_ACT_SIGMOID
        case .tanh: MLC_ACT_TANH
        case .hardSigmoid: MLC_ACT_HARD_SIGMOID
        case .hardSwish: MLC_ACT_HARD_SWISH
        case .gelu: MLC_ACT_GELU
        }
    }

    /// `x[i] = act(x[i] + bias + residual[i])` for `i < count`, in place (float32, wide C bodies).
    /// `residual` may be nil; it must not partially overlap `x`.
    package func apply(_ x: UnsafeMutablePointer<Float>, count: Int, bias: Float = 0,
                       residual: UnsafePointer<Float>? = nil, level: InstructionSet = .cpu) {
        guard count > 0 else { return }
        mlc_bias_activation_f32(level.cLevel, mlc_activation(kind: cKind, alpha: alpha, beta: beta), x, count, bias, residual)
    }

    /// The activation of one value, in the value's own precision (float64 paths and tests).
    package func apply<T: BinaryFloatingPoint>(_ x: T) -> T {
        let a = T(alpha), b = T(beta)
        switch kind {
        case .none: return x
        case .relu: return x.isNaN || x > 0 ? x : 0
        case .clip: return x.isNaN ? x : Swift.min(Swift.max(x, a), b)
        case .leakyRelu: return x < 0 ? a * x : x
        case .sigmoid: return T(1 / (1 + Glibc.exp(-Double(x))))
        case .tanh: return T(Glibc.tanh(Double(x)))
        case .hardSigmoid: let y = a * x + b; return y.isNaN ? y : Swift.min(Swift.max(y, 0), 1)
        case .hardSwish: let y = x / 6 + 0.5; return y.isNaN ? y : x * Swift.min(Swift.max(y, 0), 1)
        case .gelu: return T(0.5 * Double(x) * (1 + Glibc.erf(Double(x) / 2.0.squareRoot())))
        }
    }
}
