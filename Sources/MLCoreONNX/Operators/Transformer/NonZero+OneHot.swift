import MLCoreTensor

/// NonZero (opset 9, 13): the coordinates of the non-zero elements, as an int64 `[rank, count]` tensor in
/// row-major order (NumPy's `nonzero`). A scalar counts as a one-element vector (`[1, 0]` or `[1, 1]`), as in
/// onnxruntime. Floats compare to zero by value, so `-0.0` is zero and NaN is not.
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__NonZero.html
struct NonZeroOp: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let positions: [Int]
        switch x.dtype {
        case .float32: positions = try Self.nonZero(x, Float.self)
        case .float64: positions = try Self.nonZero(x, Double.self)
        case .int32: positions = try Self.nonZero(x, Int32.self)
        case .int64: positions = try Self.nonZero(x, Int64.self)
        case .bool: positions = try x.withUnsafeBufferPointer(as: Bool.self) { p in p.indices.filter { p[$0] } }
        default: throw spec.error("element type \(x.dtype) is not supported")
        }
        let dims = x.rank == 0 ? [1] : x.shape.dims
        let strides = rowMajorStrides(dims)
        var out = try context.makeTensor([dims.count, positions.count], .int64, node: spec.name)
        if out.count > 0 {
            try out.withUnsafeMutableBufferPointer(as: Int64.self) { dst in
                let n = positions.count
                for (c, p) in positions.enumerated() {
                    for k in 0..<dims.count { dst[k * n + c] = Int64((p / strides[k]) % dims[k]) }
                }
            }
        }
        return [.tensor(out)]
    }

    static func nonZero<T: ONNXNumeric>(_ x: Tensor, _: T.Type) throws -> [Int] {
        try x.withUnsafeBufferPointer(as: T.self) { p in
            let zero = T.zero
            return p.indices.filter { p[$0] != zero }
        }
    }
}

/// OneHot (opset 9, 11, 28): `values = [off, on]` spread over a new axis of size `depth` inserted at `axis`
/// (default -1, the last): the output is `on` where the coordinate along the new axis equals the index and `off`
/// elsewhere. Negative indices count from the end (`index + depth`, in every version, as onnxruntime does); an
/// index outside `-depth..<depth` gives an all-`off` row. Float indices and depth are truncated toward zero.
///
/// The values are type-generic through lanes.
/// - Complexity: O(output elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__OneHot.html
struct OneHot: Operator {
    let spec: NodeSpec
    let axis: Int64

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis", default: -1)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let indices = try inputs.tensor(0, spec), depthTensor = try inputs.tensor(1, spec), values = try inputs.tensor(2, spec)
        guard depthTensor.count == 1, depthTensor.rank <= 1 else {
            throw spec.shapeError("depth must be a scalar or a one-element tensor, got shape \(depthTensor.shape)")
        }
        guard values.count == 2, values.rank == 1 else { throw spec.shapeError("values must have shape [2], got \(values.shape)") }
        let depth = try integerValues(depthTensor, "depth")[0]
        guard depth > 0 else { throw spec.error("depth must be positive, got \(depth)") }
        let a = try spec.normalizedAxis(axis, rank: indices.rank + 1)
        let idx = try integerValues(indices, "indices")
        var dims = indices.shape.dims
        dims.insert(Int(depth), at: a)
        let outer = try spec.product(indices.shape.dims[..<a], "outer")
        let inner = try spec.product(indices.shape.dims[a...], "inner")
        return [.tensor(try values.dtype.visitLane(Kernel(values: values, indices: idx, shape: Shape(dims), depth: Int(depth),
                                                          outer: outer, inner: inner, spec: spec, context: context)))]
    }

    /// Elements of an index-like input of any numeric type as Int64 (floats truncated toward zero, saturating; NaN and infinities give 0).
    func integerValues(_ t: Tensor, _ what: String) throws -> [Int64] {
        switch t.dtype {
        case .int64: return try t.scalars(as: Int64.self)
        case .int32: return try t.scalars(as: Int32.self).map(Int64.init)
        case .float32: return try t.scalars(as: Float.self).map { Int64(clamping: Double($0)) }
        case .float64: return try t.scalars(as: Double.self).map { Int64(clamping: $0) }
        default: throw spec.error("\(what) type \(t.dtype) is not supported (int32, int64, float32, float64)")
        }
    }

    private struct Kernel: LaneVisitor {
        let values: Tensor, indices: [Int64], shape: Shape, depth: Int, outer: Int, inner: Int
        let spec: NodeSpec, context: RunContext
        func visit<L: Lane>(_: L.Type) throws -> Tensor {
            try L.read(values) { v in
                try L.make(shape, values.dtype, spec, context) { dst in
                    let off = v[0], on = v[1]
                    dst.fill(off, at: 0, count: dst.count)
                    let d = Int64(depth)
                    for o in 0..<outer {
                        for i in 0..<inner {
                            let raw = indices[o * inner + i]
                            let k = raw < 0 ? raw + d : raw
                            guard k >= 0, k < d else { continue }
                            dst[(o * depth + Int(k)) * inner + i] = on
                        }
                    }
                }
            }
        }
    }
}
