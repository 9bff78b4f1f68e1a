import MLCoreTensor

/// One element as operators that only move elements see it (Transpose, Gather, Slice, Concat, Pad, ...):
/// numbers and booleans as unsigned integers of their width (1, 2, 4, 8 bytes), strings as `String`s.
///
/// Moving bit patterns instead of typed values means each data-movement kernel is compiled for five lane
/// types (1, 2, 4, 8 bytes and `String`) rather than once per element type, and float NaN payloads pass
/// through untouched.
protocol Lane: Sendable {
    /// Calls `body` with the elements of `t` (whose element type must store as this lane), without copying
    /// numeric storage.
    static func read<R>(_ t: Tensor, _ body: (UnsafeBufferPointer<Self>) throws -> R) throws -> R

    /// A new tensor of `shape` and `dtype` (which must store as this lane), filled by `fill`, after the size
    /// check of ``RunContext/makeTensor(_:_:node:)``. The buffer passed to `fill` is initialized (zeros or
    /// empty strings), so plain assignment and `update` are valid on it. `fill` is not called for an empty
    /// tensor, whose other dimensions may be anything (even multiply past `Int.max`): kernels never loop over
    /// the dimensions of an empty result.
    static func make(_ shape: Shape, _ dtype: DType, _ spec: NodeSpec, _ context: RunContext,
                     _ fill: (UnsafeMutableBufferPointer<Self>) throws -> Void) throws -> Tensor
}

/// A computation generic over the lane type, run with ``DType/visitLane(_:)`` (Swift has no generic
/// closures, so the generic function lives in a type).
protocol LaneVisitor {
    associatedtype Output
    func visit<L: Lane>(_ lane: L.Type) throws -> Output
}

extension DType {
    /// Runs `visitor` with the lane type that stores this element type.
    func visitLane<V: LaneVisitor>(_ visitor: V) throws -> V.Output {
        switch self {
        case .bool, .int8, .uint8: return try visitor.visit(UInt8.self)
        case .int16, .uint16, .float16, .bfloat16: return try visitor.visit(UInt16.self)
        case .float32, .int32, .uint32: return try visitor.visit(UInt32.self)
        case .float64, .int64, .uint64: return try visitor.visit(UInt64.self)
        case .string: return try visitor.visit(String.self)
        }
    }
}

/// Reads `t` stored as `S` and rebinds its elements to the same-width lane `L`.
private func readRebound<S: TensorScalar, L, R>(_ t: Tensor, _: S.Type, _ body: (UnsafeBufferPointer<L>) throws -> R) throws -> R {
    try t.withUnsafeBufferPointer(as: S.self) { try $0.withMemoryRebound(to: L.self, body) }
}

/// Allocates through the size check, then fills the buffer stored as `S` rebound to the lane `L`.
private func makeRebound<S: TensorScalar, L>(_ shape: Shape, _: S.Type, _ context: RunContext, _ spec: NodeSpec,
                                             _ fill: (UnsafeMutableBufferPointer<L>) throws -> Void) throws -> Tensor {
    var out = try context.makeTensor(shape, S.dtype, node: spec.name)
    if out.count == 0 { return out }
    try out.withUnsafeMutableBufferPointer(as: S.self) { try $0.withMemoryRebound(to: L.self, fill) }
    return out
}

private func laneMismatch(_ dtype: DType, _ lane: String) -> TensorError {
    .unsupportedDType(operation: "\(lane) lane", dtype)
}

extension UInt8: Lane {
    static func read<R>(_ t: Tensor, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        switch t.dtype {
        case .bool: return try readRebound(t, Bool.self, body)
        case .int8: return try readRebound(t, Int8.self, body)
        case .uint8: return try readRebound(t, UInt8.self, body)
        default: throw laneMismatch(t.dtype, "UInt8")
        }
    }
    static func make(_ shape: Shape, _ dtype: DType, _ spec: NodeSpec, _ context: RunContext,
                     _ fill: (UnsafeMutableBufferPointer<UInt8>) throws -> Void) throws -> Tensor {
        switch dtype {
        case .bool: return try makeRebound(shape, Bool.self, context, spec, fill)
        case .int8: return try makeRebound(shape, Int8.self, context, spec, fill)
        case .uint8: return try makeRebound(shape, UInt8.self, context, spec, fill)
        default: throw laneMismatch(dtype, "UInt8")
        }
    }
}

extension UInt16: Lane {
    static func read<R>(_ t: Tensor, _ body: (UnsafeBufferPointer<UInt16>) throws -> R) throws -> R {
        switch t.dtype {
        case .int16: return try readRebound(t, Int16.self, body)
        case .uint16: return try readRebound(t, UInt16.self, body)
        case .float16: return try readRebound(t, Half.self, body)
        case .bfloat16: return try readRebound(t, BFloat16.self, body)
        default: throw laneMismatch(t.dtype, "UInt16")
        }
    }
    static func make(_ shape: Shape, _ dtype: DType, _ spec: NodeSpec, _ context: RunContext,
                     _ fill: (UnsafeMutableBufferPointer<UInt16>) throws -> Void) throws -> Tensor {
        switch dtype {
        case .int16: return try makeRebound(shape, Int16.self, context, spec, fill)
        case .uint16: return try makeRebound(shape, UInt16.self, context, spec, fill)
        case .float16: return try makeRebound(shape, Half.self, context, spec, fill)
        case .bfloat16: return try makeRebound(shape, BFloat16.self, context, spec, fill)
        default: throw laneMismatch(dtype, "UInt16")
        }
    }
}

extension UInt32: Lane {
    static func read<R>(_ t: Tensor, _ body: (UnsafeBufferPointer<UInt32>) throws -> R) throws -> R {
        switch t.dtype {
        case .float32: return try readRebound(t, Float.self, body)
        case .int32: return try readRebound(t, Int32.self, body)
        case .uint32: return try readRebound(t, UInt32.self, body)
        default: throw laneMismatch(t.dtype, "UInt32")
        }
    }
    static func make(_ shape: Shape, _ dtype: DType, _ spec: NodeSpec, _ context: RunContext,
                     _ fill: (UnsafeMutableBufferPointer<UInt32>) throws -> Void) throws -> Tensor {
        switch dtype {
        case .float32: return try makeRebound(shape, Float.self, context, spec, fill)
        case .int32: return try makeRebound(shape, Int32.self, context, spec, fill)
        case .uint32: return try makeRebound(shape, UInt32.self, context, spec, fill)
        default: throw laneMismatch(dtype, "UInt32")
        }
    }
}

extension UInt64: Lane {
    static func read<R>(_ t: Tensor, _ body: (UnsafeBufferPointer<UInt64>) throws -> R) throws -> R {
        switch t.dtype {
        case .float64: return try readRebound(t, Double.self, body)
        case .int64: return try readRebound(t, Int64.self, body)
        case .uint64: return try readRebound(t, UInt64.self, body)
        default: throw laneMismatch(t.dtype, "UInt64")
        }
    }
    static func make(_ shape: Shape, _ dtype: DType, _ spec: NodeSpec, _ context: RunContext,
                     _ fill: (UnsafeMutableBufferPointer<UInt64>) throws -> Void) throws -> Tensor {
        switch dtype {
        case .float64: return try makeRebound(shape, Double.self, context, spec, fill)
        case .int64: return try makeRebound(shape, Int64.self, context, spec, fill)
        case .uint64: return try makeRebound(shape, UInt64.self, context, spec, fill)
        default: throw laneMismatch(dtype, "UInt64")
        }
    }
}

extension String: Lane {
    static func read<R>(_ t: Tensor, _ body: (UnsafeBufferPointer<String>) throws -> R) throws -> R {
        try t.strings().withUnsafeBufferPointer(body)
    }
    static func make(_ shape: Shape, _ dtype: DType, _ spec: NodeSpec, _ context: RunContext,
                     _ fill: (UnsafeMutableBufferPointer<String>) throws -> Void) throws -> Tensor {
        guard dtype == .string else { throw laneMismatch(dtype, "String") }
        let count = try context.checkTensorSize(shape, .string, spec)
        var elements = [String](repeating: "", count: count)
        if count > 0 { try elements.withUnsafeMutableBufferPointer { try fill($0) } }
        return try Tensor(shape: shape, strings: elements)
    }
}

extension RunContext {
    /// The element count of a tensor of `shape`, after the same size check as ``makeTensor(_:_:node:)``,
    /// without allocating (for string tensors, built as arrays first).
    func checkTensorSize(_ shape: Shape, _ dtype: DType, _ spec: NodeSpec) throws -> Int {
        let bytes: Int
        do { bytes = try shape.checkedByteCount(dtype) } catch {
            throw ONNXError.limitExceeded(what: "node '\(spec.name)': tensor \(shape) size", value: Int.max, limit: maxTensorBytes)
        }
        guard bytes <= maxTensorBytes else {
            throw ONNXError.limitExceeded(what: "node '\(spec.name)': tensor \(shape) bytes", value: bytes, limit: maxTensorBytes)
        }
        try checkLiveBytes(adding: bytes, shape, dtype, node: spec.name)
        return (try? shape.checkedElementCount()) ?? 0
    }
}

extension UnsafeMutableBufferPointer {
    /// Copies `count` elements from `source[from...]` to `self[at...]` (memcpy for trivial types).
    @inline(__always)
    func copy(from source: UnsafeBufferPointer<Element>, _ from: Int, to at: Int, count: Int) {
        guard count > 0, let d = baseAddress, let s = source.baseAddress else { return }
        (d + at).update(from: s + from, count: count)
    }

    /// Sets `count` elements from `self[at...]` to `value`.
    @inline(__always)
    func fill(_ value: Element, at: Int, count: Int) {
        guard count > 0, let d = baseAddress else { return }
        (d + at).update(repeating: value, count: count)
    }
}

// MARK: - Reading shape-like inputs and attributes

extension NodeSpec {
    /// The elements of an integer tensor input (`what` names it in errors), widened to Int64.
    func integers(_ t: Tensor, _ what: String) throws -> [Int64] {
        guard t.dtype.isInteger, let values = t.widenedIntegers() else {
            throw error("\(what) must be an integer tensor, got \(t.dtype)")
        }
        return values
    }

    /// A 1-D (or scalar) integer tensor input, widened to Int64.
    func integerList(_ t: Tensor, _ what: String) throws -> [Int64] {
        guard t.rank <= 1 else { throw error("\(what) must be 1-D, got shape \(t.shape)") }
        return try integers(t, what)
    }

    /// A single integer from a scalar or one-element tensor input.
    func integerScalar(_ t: Tensor, _ what: String) throws -> Int64 {
        let values = try integers(t, what)
        guard values.count == 1 else { throw error("\(what) must hold one value, got shape \(t.shape)") }
        return values[0]
    }

    /// Axes normalized to `0..<rank`; negative axes only where `allowNegative`; duplicates rejected.
    func normalizedAxes(_ axes: [Int64], rank: Int, allowNegative: Bool = true, what: String = "axes") throws -> [Int] {
        var seen = Set<Int>()
        return try axes.map { axis in
            guard allowNegative || axis >= 0 else {
                throw error("\(what) value \(axis) is negative, which opset \(opset) of \(opType) does not allow")
            }
            let r = Int64(rank)
            guard axis >= -r, axis < r else { throw error("\(what) value \(axis) is out of range for rank \(rank)") }
            let a = Int(axis < 0 ? axis + r : axis)
            guard seen.insert(a).inserted else { throw error("\(what) has the axis \(axis) more than once") }
            return a
        }
    }

    /// One axis in `-rank..<rank` normalized to `0..<rank` (rank-0 tensors have no axis).
    func normalizedAxis(_ axis: Int64, rank: Int, what: String = "axis") throws -> Int {
        let r = Int64(rank)
        guard axis >= -r, axis < r else { throw error("\(what) \(axis) is out of range for rank \(rank)") }
        return Int(axis < 0 ? axis + r : axis)
    }

    /// Dimensions from an int list (Reshape, Expand, ConstantOfShape, Tile): each must be >= 0.
    func dimensions(_ values: [Int64], _ what: String) throws -> [Int] {
        try values.map { v in
            guard v >= 0 else { throw error("\(what) has a negative dimension \(v)") }
            return Int(v)
        }
    }

    /// The product of `dims`, or a shape error when it overflows. `what` is built only on error (it was
    /// 2% of a batch-1 MLP run when built eagerly).
    func product(_ dims: some Sequence<Int>, _ what: @autoclosure () -> String) throws -> Int {
        var p = 1
        for d in dims {
            let (r, overflow) = p.multipliedReportingOverflow(by: d)
            guard !overflow else { throw shapeError("\(what()): element count overflows") }
            p = r
        }
        return p
    }
}

extension Tensor {
    /// The same elements viewed with `shape`, mapping a count mismatch to an error naming the node.
    func viewed(as shape: Shape, _ spec: NodeSpec) throws -> Tensor {
        do { return try reshaped(shape) } catch {
            throw spec.shapeError("cannot view \(self.shape) as \(shape)")
        }
    }
}
