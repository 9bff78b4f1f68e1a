import MLCoreTensor

/// The binary arithmetic operators of ``Elementwise``, named after the ONNX operators they implement.
public enum BinaryOperator: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `a + b` ([ONNX Add](https://onnx.ai/onnx/operators/onnx__Add.html)).
    case add
    /// `a - b` ([ONNX Sub](https://onnx.ai/onnx/operators/onnx__Sub.html)).
    case sub
    /// `a * b` ([ONNX Mul](https://onnx.ai/onnx/operators/onnx__Mul.html)).
    case mul
    /// `a / b`, IEEE division: `x / 0` is ±inf or NaN ([ONNX Div](https://onnx.ai/onnx/operators/onnx__Div.html)).
    case div

    public var description: String { rawValue }
}

/// Element-wise arithmetic with NumPy broadcasting
/// ([NumPy broadcasting](https://numpy.org/doc/stable/user/basics.broadcasting.html),
/// [ONNX multidirectional broadcasting](https://onnx.ai/onnx/repo-docs/Broadcasting.html)).
///
/// Both operands must have the same floating-point element type. Float32 runs the wide C bodies (the default)
/// or the reference; Float64 always runs the reference path, whatever `options.path` says. Results are
/// identical on every path, level and thread count: each element is one IEEE operation.
///
/// Paths: `.reference` is plain Swift; automatic and `.wide` run the C body for ``KernelOptions/instructionSet``
/// (or the detected level); `.simd` runs the C baseline body (the portable vector body); `.blas` has no
/// element-wise routine and runs as automatic.
///
/// ```swift
/// let y = try Elementwise.add(x, bias)   // [N, C] + [C]
/// ```
public enum Elementwise {
    /// `a + b` with broadcasting.
    /// - Throws: ``TensorError`` when the shapes do not broadcast or the element types differ or are not
    ///   floating-point.
    /// - Complexity: O(number of output elements).
    public static func add(_ a: Tensor, _ b: Tensor, options: KernelOptions = .init()) throws -> Tensor {
        try apply(.add, a, b, options: options)
    }

    /// `a - b` with broadcasting. See ``add(_:_:options:)``.
    public static func sub(_ a: Tensor, _ b: Tensor, options: KernelOptions = .init()) throws -> Tensor {
        try apply(.sub, a, b, options: options)
    }

    /// `a * b` with broadcasting. See ``add(_:_:options:)``.
    public static func mul(_ a: Tensor, _ b: Tensor, options: KernelOptions = .init()) throws -> Tensor {
        try apply(.mul, a, b, options: options)
    }

    /// `a / b` with broadcasting (IEEE division). See ``add(_:_:options:)``.
    public static func div(_ a: Tensor, _ b: Tensor, options: KernelOptions = .init()) throws -> Tensor {
        try apply(.div, a, b, options: options)
    }

    /// `a op b` with broadcasting, into a new tensor of the broadcast shape.
    /// - Throws: ``TensorError/notBroadcastable(operation:_:_:)`` naming both shapes,
    ///   ``TensorError/dtypeMismatch(operation:expected:actual:)`` or ``TensorError/unsupportedDType(operation:_:)``.
    /// - Complexity: O(number of output elements).
    public static func apply(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor,
                             options: KernelOptions = .init()) throws -> Tensor {
        let shape = try outputShape(op, a, b)
        var out = try Tensor.uninitialized(shape, dtype: a.dtype)
        try run(op, a, b, &out, options: options)
        return out
    }

    /// `a op b` with broadcasting, written into `out`, which must already have the broadcast shape and the
    /// operands' element type (reusing an output buffer avoids an allocation per call).
    /// - Throws: as ``apply(_:_:_:options:)``, and ``TensorError/shapeMismatch(operation:_:_:)`` naming the
    ///   expected and actual output shapes.
    public static func apply(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor, into out: inout Tensor,
                             options: KernelOptions = .init()) throws {
        let shape = try outputShape(op, a, b)
        guard out.dtype == a.dtype else {
            throw TensorError.dtypeMismatch(operation: "\(op) output", expected: a.dtype, actual: out.dtype)
        }
        guard out.shape == shape else { throw TensorError.shapeMismatch(operation: "\(op) output", shape, out.shape) }
        try run(op, a, b, &out, options: options)
    }

    /// Validates the operands and returns the broadcast shape.
    static func outputShape(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor) throws -> Shape {
        guard a.dtype == b.dtype else {
            throw TensorError.dtypeMismatch(operation: "\(op) of \(a.shape) and \(b.shape)", expected: a.dtype, actual: b.dtype)
        }
        guard a.dtype.isFloatingPoint else { throw TensorError.unsupportedDType(operation: op.rawValue, a.dtype) }
        if a.shape == b.shape { return a.shape }  // already a valid tensor shape
        let shape = try Shape.broadcast(a.shape, b.shape, operation: op.rawValue)
        _ = try shape.checkedElementCount()
        return shape
    }

    /// Runs a validated operation on the chosen path.
    static func run(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor, _ out: inout Tensor,
                    options: KernelOptions) throws {
        if out.count == 0 { return }
        switch (a.dtype, options.elementwiseLevel) {
        case (.float32, let level?):
            try binaryWide(op, a, b, &out, level: level, threads: options.threads)
        case (.float32, nil):
            try binaryReference(op, a, b, &out, as: Float.self)
        case (.float64, _):
            try binaryReference(op, a, b, &out, as: Double.self)
        default:
            throw TensorError.unsupportedDType(operation: op.rawValue, a.dtype)
        }
    }
}
