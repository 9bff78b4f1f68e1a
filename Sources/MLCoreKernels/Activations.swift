import MLCoreTensor

/// The element-wise activation and math functions of ``Activation``, named after their ONNX operators.
public enum ActivationKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `max(x, 0)`; NaN propagates, `relu(-0) = +0` ([ONNX Relu](https://onnx.ai/onnx/operators/onnx__Relu.html)).
    case relu
    /// `1 / (1 + exp(-x))` ([ONNX Sigmoid](https://onnx.ai/onnx/operators/onnx__Sigmoid.html)).
    case sigmoid
    /// Hyperbolic tangent ([ONNX Tanh](https://onnx.ai/onnx/operators/onnx__Tanh.html)).
    case tanh
    /// `e^x` ([ONNX Exp](https://onnx.ai/onnx/operators/onnx__Exp.html)).
    case exp
    /// Natural logarithm; NaN below 0, -inf at ±0 ([ONNX Log](https://onnx.ai/onnx/operators/onnx__Log.html)).
    case log
    /// The error function ([ONNX Erf](https://onnx.ai/onnx/operators/onnx__Erf.html)).
    case erf

    public var description: String { rawValue }
}

/// Element-wise activation and math functions on floating-point tensors.
///
/// Float32 runs the wide C bodies by default: branch-free polynomial approximations, within 2 ulps of the
/// correctly rounded result for exp, log and tanh, 3 ulps for sigmoid and erf (measured maxima 1.0, 0.8,
/// 1.3, 2.4 and 1.5 ulps; absolute error of tanh and erf below 1e-7), with IEEE special values (see
/// `mlc_elementwise.h`). `.reference` computes each element in Double with Foundation and rounds once, and is
/// the truth the tests hold the C bodies to. Float64 always runs the reference. Paths as in ``Elementwise``.
public enum Activation {
    /// `kind` applied to every element of `x`, in a new tensor of the same shape.
    /// - Throws: ``TensorError/unsupportedDType(operation:_:)`` unless `x` is float32 or float64.
    /// - Complexity: O(number of elements).
    public static func apply(_ kind: ActivationKind, to x: Tensor, options: KernelOptions = .init()) throws -> Tensor {
        try validate(kind, x)
        var y = try Tensor.uninitialized(x.shape, dtype: x.dtype)
        try run(kind, source: x, &y, options: options)
        return y
    }

    /// `kind` applied to every element of `x`, written into `out` (same shape and element type as `x`).
    /// - Throws: as ``apply(_:to:options:)``, and ``TensorError/shapeMismatch(operation:_:_:)`` or
    ///   ``TensorError/dtypeMismatch(operation:expected:actual:)`` for a mismatched `out`.
    public static func apply(_ kind: ActivationKind, to x: Tensor, into out: inout Tensor,
                             options: KernelOptions = .init()) throws {
        try validate(kind, x)
        guard out.dtype == x.dtype else {
            throw TensorError.dtypeMismatch(operation: "\(kind) output", expected: x.dtype, actual: out.dtype)
        }
        guard out.shape == x.shape else { throw TensorError.shapeMismatch(operation: "\(kind) output", x.shape, out.shape) }
        try run(kind, source: x, &out, options: options)
    }

    /// `kind` applied to every element of `x` in place (no allocation when `x`'s storage is not shared).
    /// - Throws: as ``apply(_:to:options:)``.
    public static func applyInPlace(_ kind: ActivationKind, to x: inout Tensor, options: KernelOptions = .init()) throws {
        try validate(kind, x)
        try run(kind, source: nil, &x, options: options)
    }

    static func validate(_ kind: ActivationKind, _ x: Tensor) throws {
        guard x.dtype.isFloatingPoint else { throw TensorError.unsupportedDType(operation: kind.rawValue, x.dtype) }
    }

    /// Computes `kind` of `source` (or of `out` itself when `source` is nil) into `out`.
    static func run(_ kind: ActivationKind, source: Tensor?, _ out: inout Tensor, options: KernelOptions) throws {
        if out.count == 0 { return }
        switch (out.dtype, options.elementwiseLevel) {
        case (.float32, let level?):
            try activationWide(kind, source: source, &out, level: level, threads: options.threads)
        case (.float32, nil):
            try activationReference(kind, source: source, &out, as: Float.self)
        case (.float64, _):
            try activationReference(kind, source: source, &out, as: Double.self)
        default:
            throw TensorError.unsupportedDType(operation: kind.rawValue, out.dtype)
        }
    }
}
