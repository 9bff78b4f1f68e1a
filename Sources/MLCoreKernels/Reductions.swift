import MLCoreTensor

/// A tensor seen as `[outer, length, inner]` around one axis: the shape every reduction and softmax works on.
struct AxisGeometry: Sendable, Equatable {
    /// The axis, normalized to `0..<rank`.
    let axis: Int
    /// Product of the dimensions before the axis.
    let outer: Int
    /// The size of the axis.
    let length: Int
    /// Product of the dimensions after the axis (1 when the axis is the last: rows are contiguous).
    let inner: Int

    /// Validates `axis` (negative counts from the end, as in NumPy and ONNX) against `shape`.
    /// - Throws: ``TensorError/indexOutOfRange(operation:index:bound:)`` naming the operation and the shape.
    init(_ shape: Shape, axis: Int, operation: String) throws {
        let rank = shape.rank
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized < rank else {
            throw TensorError.indexOutOfRange(operation: "\(operation) axis of shape \(shape) (rank \(rank))",
                                              index: axis, bound: rank)
        }
        self.axis = normalized
        outer = shape.dims[..<normalized].reduce(1, *)
        length = shape.dims[normalized]
        inner = shape.dims[(normalized + 1)...].reduce(1, *)
    }

    /// The shape after reducing the axis away (or to 1 with `keepDims`).
    func reducedShape(_ shape: Shape, keepDims: Bool) -> Shape {
        var dims = shape.dims
        if keepDims { dims[axis] = 1 } else { dims.remove(at: axis) }
        return Shape(dims)
    }
}

/// The reductions of ``Reduction`` (softmax and log-softmax are in `Softmax.swift`).
enum ReductionKind: String, Sendable, CaseIterable {
    case sum, mean, max, argmax
}

/// Reductions over one axis of a floating-point tensor, and (in `Softmax.swift`) softmax along an axis.
///
/// Any axis works: the tensor is viewed as `[outer, length, inner]`. When the axis is the last, each output
/// reduces a contiguous row (16-lane vector accumulators); otherwise the kernel walks the `length` rows of
/// each `[length, inner]` slab and updates `inner` running values with contiguous vector loads.
///
/// Numerics: the Float32 wide sum adds 64 interleaved partial sums and then a fixed tree (rows), or adds in
/// order (other axes); the order is fixed, so the result is the same at every instruction-set level and
/// every thread count (threads split rows and column blocks, never one sum). The reference accumulates in
/// Double. `max` returns NaN for a slice holding NaN; `argmax` returns the first index of the maximum, or the
/// first NaN's index (NumPy, ONNX ArgMax). Float64 always runs the reference. Paths as in ``Elementwise``.
public enum Reduction {
    /// The sum along `axis` ([ONNX ReduceSum](https://onnx.ai/onnx/operators/onnx__ReduceSum.html)); 0 over an
    /// empty axis.
    /// - Parameters:
    ///   - axis: the axis to reduce; negative values count from the end.
    ///   - keepDims: keep the reduced axis with size 1 (ONNX `keepdims=1`) instead of removing it (NumPy's
    ///     default).
    /// - Throws: ``TensorError/indexOutOfRange(operation:index:bound:)`` for a bad axis (naming the shape),
    ///   ``TensorError/unsupportedDType(operation:_:)`` unless float32 or float64.
    /// - Complexity: O(number of elements).
    public static func sum(_ x: Tensor, axis: Int, keepDims: Bool = false, options: KernelOptions = .init()) throws -> Tensor {
        try reduce(.sum, x, axis: axis, keepDims: keepDims, options: options)
    }

    /// The mean along `axis` ([ONNX ReduceMean](https://onnx.ai/onnx/operators/onnx__ReduceMean.html)); NaN over
    /// an empty axis (as NumPy). See ``sum(_:axis:keepDims:options:)``.
    public static func mean(_ x: Tensor, axis: Int, keepDims: Bool = false, options: KernelOptions = .init()) throws -> Tensor {
        try reduce(.mean, x, axis: axis, keepDims: keepDims, options: options)
    }

    /// The maximum along `axis`, NaN where the slice holds a NaN
    /// ([ONNX ReduceMax](https://onnx.ai/onnx/operators/onnx__ReduceMax.html)).
    /// - Throws: as ``sum(_:axis:keepDims:options:)``, and ``TensorError/indexOutOfRange(operation:index:bound:)``
    ///   when the axis is empty (a maximum of nothing has no value).
    public static func max(_ x: Tensor, axis: Int, keepDims: Bool = false, options: KernelOptions = .init()) throws -> Tensor {
        try reduce(.max, x, axis: axis, keepDims: keepDims, options: options)
    }

    /// The index of the first maximum along `axis`, or of the first NaN, as an Int64 tensor
    /// ([ONNX ArgMax](https://onnx.ai/onnx/operators/onnx__ArgMax.html) with `select_last_index=0`).
    /// - Throws: as ``max(_:axis:keepDims:options:)``.
    public static func argmax(_ x: Tensor, axis: Int, keepDims: Bool = false, options: KernelOptions = .init()) throws -> Tensor {
        try reduce(.argmax, x, axis: axis, keepDims: keepDims, options: options)
    }

    static func reduce(_ kind: ReductionKind, _ x: Tensor, axis: Int, keepDims: Bool,
                       options: KernelOptions) throws -> Tensor {
        guard x.dtype.isFloatingPoint else { throw TensorError.unsupportedDType(operation: kind.rawValue, x.dtype) }
        let g = try AxisGeometry(x.shape, axis: axis, operation: kind.rawValue)
        if (kind == .max || kind == .argmax) && g.length == 0 {
            throw TensorError.indexOutOfRange(operation: "\(kind) over empty axis \(g.axis) of shape \(x.shape)",
                                              index: 0, bound: 0)
        }
        var out = try Tensor(zeros: g.reducedShape(x.shape, keepDims: keepDims),
                             dtype: kind == .argmax ? .int64 : x.dtype)
        if out.count == 0 { return out }
        switch (x.dtype, options.elementwiseLevel) {
        case (.float32, let level?):
            try reductionWide(kind, x, g, &out, level: level, threads: options.threads)
        case (.float32, nil):
            try reductionReference(kind, x, g, &out, as: Float.self)
        case (.float64, _):
            try reductionReference(kind, x, g, &out, as: Double.self)
        default:
            throw TensorError.unsupportedDType(operation: kind.rawValue, x.dtype)
        }
        return out
    }
}
