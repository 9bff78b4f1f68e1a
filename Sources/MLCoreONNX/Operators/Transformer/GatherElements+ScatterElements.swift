import MLCoreTensor

/// GatherElements (opset 11, 13): `output[i][j][k] = data[index][j][k]` for `axis = 0` (and so on), with
/// `index = indices[i][j][k]`. `indices` has the rank of `data`, each dimension other than `axis` at most
/// `data`'s; negative indices count from the end. Every index is checked before anything is copied.
///
/// Type-generic through lanes (any element type moves as its bit pattern).
/// - Complexity: O(indices elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__GatherElements.html
struct GatherElements: Operator {
    let spec: NodeSpec
    let axis: Int64

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis", default: 0)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, spec), indices = try inputs.tensor(1, spec)
        let offsets = try elementOffsets(spec, data: data.shape, indices: indices, axis: axis)
        return [.tensor(try data.dtype.visitLane(Kernel(data: data, shape: indices.shape, offsets: offsets, spec: spec, context: context)))]
    }

    private struct Kernel: LaneVisitor {
        let data: Tensor, shape: Shape, offsets: [Int], spec: NodeSpec, context: RunContext
        func visit<L: Lane>(_: L.Type) throws -> Tensor {
            try L.read(data) { src in
                try L.make(shape, data.dtype, spec, context) { dst in
                    for i in 0..<offsets.count { dst[i] = src[offsets[i]] }
                }
            }
        }
    }
}

/// ScatterElements (opset 11, 13, 16 with `reduction` add/mul, 18 with max/min) and Scatter (opset 9, 11;
/// the same operator without reduction): a copy of `data` where, for `axis = 0`,
/// `output[indices[i][j]][j] = updates[i][j]` (or combined with the reduction). `updates` has the shape of
/// `indices`; with duplicate indices and no reduction the last update in row-major order wins, as in
/// onnxruntime.
///
/// Without a reduction it is type-generic through lanes; reductions need float32, float64, int32 or int64.
/// - Complexity: O(data elements + indices elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__ScatterElements.html
struct ScatterElements: Operator {
    let spec: NodeSpec
    let axis: Int64
    let reduction: ScatterReduction

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis", default: 0)
        reduction = spec.opType == "Scatter" ? .none : try ScatterReduction(spec)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, spec), indices = try inputs.tensor(1, spec), updates = try inputs.tensor(2, spec)
        guard updates.shape == indices.shape else {
            throw spec.shapeError("updates \(updates.shape) must have the shape of indices \(indices.shape)")
        }
        guard updates.dtype == data.dtype else { throw spec.error("updates type \(updates.dtype) differs from data type \(data.dtype)") }
        let offsets = try elementOffsets(spec, data: data.shape, indices: indices, axis: axis)
        return [.tensor(try scatter(data: data, updates: updates, offsets: offsets, slice: 1, reduction: reduction, spec, context))]
    }
}

/// For each element of `indices`, the offset in `data` it addresses along `axis` (the other coordinates being
/// the element's own): the shared addressing of GatherElements and ScatterElements. Throws naming the node for
/// a rank or shape mismatch and for the first out-of-range index.
func elementOffsets(_ spec: NodeSpec, data: Shape, indices: Tensor, axis: Int64) throws -> [Int] {
    let rank = data.rank
    guard rank >= 1 else { throw spec.shapeError("data must have rank >= 1, got a scalar") }
    guard indices.rank == rank else {
        throw spec.shapeError("indices \(indices.shape) must have the rank of data \(data)")
    }
    let a = try spec.normalizedAxis(axis, rank: rank)
    let dims = indices.shape.dims
    for k in 0..<rank where k != a && dims[k] > data[k] {
        throw spec.shapeError("indices \(indices.shape) is larger than data \(data) along axis \(k)")
    }
    let idx = try spec.indexElements(indices, "indices")
    if idx.isEmpty { return [] }
    let strides = rowMajorStrides(data.dims)
    let dim = data[a], axisStride = strides[a]
    let inner = dims[rank - 1]
    var offsets = [Int](repeating: 0, count: idx.count)
    var coord = [Int](repeating: 0, count: rank)
    var i = 0
    while i < idx.count {
        // The offset of this row's start, without the axis coordinate (replaced by the index).
        var base = 0
        for k in 0..<(rank - 1) where k != a { base += coord[k] * strides[k] }
        for j in 0..<inner {
            let pos = try spec.checkedIndex(idx[i + j], dim: dim, axis: a)
            offsets[i + j] = base + pos * axisStride + (a == rank - 1 ? 0 : j)
        }
        i += inner
        var k = rank - 2
        while k >= 0 {
            coord[k] += 1
            if coord[k] < dims[k] { break }
            coord[k] = 0
            k -= 1
        }
    }
    return offsets
}

/// A copy of `data` with `updates` written (or combined by `reduction`) in blocks of `slice` elements at
/// `offsets`, in order: ScatterElements (`slice` 1) and ScatterND.
func scatter(data: Tensor, updates: Tensor, offsets: [Int], slice: Int, reduction: ScatterReduction,
             _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
    if reduction == .none {
        return try data.dtype.visitLane(ScatterAssign(data: data, updates: updates, offsets: offsets, slice: slice,
                                                      spec: spec, context: context))
    }
    return try spec.visitNumeric(data.dtype, ScatterCombine(data: data, updates: updates, offsets: offsets, slice: slice,
                                                            reduction: reduction, spec: spec, context: context))
}

private struct ScatterAssign: LaneVisitor {
    let data: Tensor, updates: Tensor, offsets: [Int], slice: Int, spec: NodeSpec, context: RunContext
    func visit<L: Lane>(_: L.Type) throws -> Tensor {
        try L.read(data) { src in
            try L.read(updates) { upd in
                try L.make(data.shape, data.dtype, spec, context) { dst in
                    dst.copy(from: src, 0, to: 0, count: src.count)
                    for (n, o) in offsets.enumerated() {
                        if slice == 1 { dst[o] = upd[n] } else { dst.copy(from: upd, n * slice, to: o, count: slice) }
                    }
                }
            }
        }
    }
}

private struct ScatterCombine: NumericVisitor {
    let data: Tensor, updates: Tensor, offsets: [Int], slice: Int, reduction: ScatterReduction
    let spec: NodeSpec, context: RunContext
    func visit<T: ONNXNumeric>(_: T.Type) throws -> Tensor {
        var out = try context.makeTensor(data.shape, data.dtype, node: spec.name, zeroed: false)
        if out.count == 0 { return out }
        try data.withUnsafeBufferPointer(as: T.self) { src in
            try updates.withUnsafeBufferPointer(as: T.self) { upd in
                try out.withUnsafeMutableBufferPointer(as: T.self) { dst in
                    dst.baseAddress!.update(from: src.baseAddress!, count: src.count)
                    for (n, o) in offsets.enumerated() {
                        for j in 0..<slice { dst[o + j] = reduction.combine(dst[o + j], upd[n * slice + j]) }
                    }
                }
            }
        }
        return out
    }
}
