import MLCoreTensor

/// Gather: takes the entries of `data` along `axis` at `indices` (int32 or int64; negative values count
/// from the end, opset 11). The output shape is `data.shape[..<axis] + indices.shape + data.shape[axis+1...]`.
///
/// Every index is checked before anything is copied: one out of range is an error naming the node, the index
/// and the axis. Each gathered entry is one contiguous block (a `memcpy`); a scalar index on axis 0 returns
/// a view of that row.
/// - Complexity: O(output elements + indices).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Gather.html
struct Gather: Operator {
    let spec: NodeSpec
    let axis: Int64

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis", default: 0)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, spec), indices = try inputs.tensor(1, spec)
        let a = try spec.normalizedAxis(axis, rank: data.rank)
        let positions = try Self.positions(indices, dim: data.shape[a], axis: a, spec)
        let dims = Array(data.shape.dims[..<a]) + indices.shape.dims + Array(data.shape.dims[(a + 1)...])
        let shape = Shape(dims)
        if a == 0, indices.rank == 0 {
            return [.tensor(try data.rows(positions[0]..<positions[0] + 1).viewed(as: shape, spec))]
        }
        let outer = try spec.product(data.shape.dims[..<a], "Gather")
        let inner = try spec.product(data.shape.dims[(a + 1)...], "Gather")
        return [.tensor(try data.dtype.visitLane(GatherKernel(data: data, positions: positions, shape: shape, outer: outer,
                                                               inner: inner, dim: data.shape[a], spec: spec, context: context)))]
    }

    /// The indices as non-negative positions along an axis of `dim`, or an error naming the first bad one.
    static func positions(_ indices: Tensor, dim: Int, axis: Int, _ spec: NodeSpec) throws -> [Int] {
        func convert<I: FixedWidthInteger & TensorScalar>(_: I.Type) throws -> [Int] {
            try indices.withUnsafeBufferPointer(as: I.self) { p in
                var out = [Int](repeating: 0, count: p.count)
                for i in 0..<p.count {
                    let v = Int(p[i])
                    let n = v < 0 ? v + dim : v
                    guard n >= 0, n < dim else {
                        throw spec.error("index \(v) is out of range for axis \(axis) of size \(dim) (allowed: \(-dim)..<\(dim))")
                    }
                    out[i] = n
                }
                return out
            }
        }
        switch indices.dtype {
        case .int64: return try convert(Int64.self)
        case .int32: return try convert(Int32.self)
        default: throw spec.error("indices must be int64 or int32, got \(indices.dtype)")
        }
    }
}

private struct GatherKernel: LaneVisitor {
    let data: Tensor
    let positions: [Int]
    let shape: Shape
    let outer: Int, inner: Int, dim: Int
    let spec: NodeSpec
    let context: RunContext

    func visit<L: Lane>(_: L.Type) throws -> Tensor {
        try L.read(data) { src in
            try L.make(shape, data.dtype, spec, context) { dst in
                let n = positions.count
                var out = 0
                for o in 0..<outer {
                    let slab = o * dim * inner
                    if inner == 1 {
                        for j in 0..<n { dst[out + j] = src[slab + positions[j]] }
                        out += n
                    } else {
                        for j in 0..<n {
                            dst.copy(from: src, slab + positions[j] * inner, to: out, count: inner)
                            out += inner
                        }
                    }
                }
            }
        }
    }
}
