import MLCoreTensor

extension Reduction {
    /// Softmax along `axis`: `exp(x - max) / sum(exp(x - max))` over each slice, with the maximum subtracted
    /// first so no `exp` overflows ([ONNX Softmax-13](https://onnx.ai/onnx/operators/onnx__Softmax.html), which
    /// normalizes along one axis; opsets before 13 flatten to 2-D at `axis` first, a reshape for the caller).
    ///
    /// A slice holding NaN or +inf gives NaN throughout, as NumPy does; a slice of all -inf gives NaN too.
    /// Float32 wide: within `Tolerance.softmax` of the Double reference. Float64 always runs the reference.
    /// - Parameter axis: the axis to normalize along; negative values count from the end (ONNX default -1).
    /// - Throws: ``TensorError/indexOutOfRange(operation:index:bound:)`` for a bad axis (naming the shape),
    ///   ``TensorError/unsupportedDType(operation:_:)`` unless float32 or float64.
    /// - Complexity: O(number of elements); three passes over each slice.
    public static func softmax(_ x: Tensor, axis: Int = -1, options: KernelOptions = .init()) throws -> Tensor {
        try normalize(.softmax, x, axis: axis, options: options)
    }

    /// Log-softmax along `axis`: `x - max - log(sum(exp(x - max)))`
    /// ([ONNX LogSoftmax-13](https://onnx.ai/onnx/operators/onnx__LogSoftmax.html)). See
    /// ``softmax(_:axis:options:)``.
    public static func logSoftmax(_ x: Tensor, axis: Int = -1, options: KernelOptions = .init()) throws -> Tensor {
        try normalize(.logSoftmax, x, axis: axis, options: options)
    }

    /// Softmax along `axis` written into `out` (same shape and element type as `x`), reusing its storage.
    /// - Throws: as ``softmax(_:axis:options:)``, and ``TensorError/shapeMismatch(operation:_:_:)`` or
    ///   ``TensorError/dtypeMismatch(operation:expected:actual:)`` for a mismatched `out`.
    public static func softmax(_ x: Tensor, axis: Int = -1, into out: inout Tensor, options: KernelOptions = .init()) throws {
        try normalize(.softmax, x, axis: axis, into: &out, options: options)
    }

    /// Log-softmax along `axis` written into `out`. See ``softmax(_:axis:into:options:)``.
    public static func logSoftmax(_ x: Tensor, axis: Int = -1, into out: inout Tensor, options: KernelOptions = .init()) throws {
        try normalize(.logSoftmax, x, axis: axis, into: &out, options: options)
    }

    enum SoftmaxKind: String, Sendable {
        case softmax, logSoftmax
    }

    static func normalize(_ kind: SoftmaxKind, _ x: Tensor, axis: Int, options: KernelOptions) throws -> Tensor {
        guard x.dtype.isFloatingPoint else { throw TensorError.unsupportedDType(operation: kind.rawValue, x.dtype) }
        var out = try Tensor.uninitialized(x.shape, dtype: x.dtype)
        try normalize(kind, x, axis: axis, into: &out, options: options)
        return out
    }

    static func normalize(_ kind: SoftmaxKind, _ x: Tensor, axis: Int, into out: inout Tensor,
                          options: KernelOptions) throws {
        guard x.dtype.isFloatingPoint else { throw TensorError.unsupportedDType(operation: kind.rawValue, x.dtype) }
        let g = try AxisGeometry(x.shape, axis: axis, operation: kind.rawValue)
        guard out.dtype == x.dtype else {
            throw TensorError.dtypeMismatch(operation: "\(kind) output", expected: x.dtype, actual: out.dtype)
        }
        guard out.shape == x.shape else { throw TensorError.shapeMismatch(operation: "\(kind) output", x.shape, out.shape) }
        if out.count == 0 { return }
        switch (x.dtype, options.elementwiseLevel) {
        case (.float32, let level?):
            try softmaxWide(kind, x, g, &out, level: level, threads: options.threads)
        case (.float32, nil):
            try softmaxReference(kind, x, g, &out, as: Float.self)
        case (.float64, _):
            try softmaxReference(kind, x, g, &out, as: Double.self)
        default:
            throw TensorError.unsupportedDType(operation: kind.rawValue, x.dtype)
        }
    }
}
