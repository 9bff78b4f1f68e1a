import MLCoreTensor

/// GatherND (opset 11, 12 with `batch_dims`, 13): each innermost row of `indices` (length `k`) addresses a slice
/// `data[b..., i0, ..., i(k-1), ...]` of the batch its leading `batch_dims` coordinates name. The output shape is
/// `indices.shape[..<-1] + data.shape[batch_dims + k...]`; negative indices count from the end, and every index is
/// checked before anything is copied. Type-generic through lanes; each slice is one contiguous copy.
/// - Complexity: O(output elements + indices elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__GatherND.html
struct GatherND: Operator {
    let spec: NodeSpec
    let batchDims: Int

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let b = spec.opset >= 12 ? try spec.int("batch_dims", default: 0) : 0
        guard b >= 0, b < 1 << 20 else { throw spec.error("batch_dims \(b) must be >= 0") }
        batchDims = Int(b)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, spec), indices = try inputs.tensor(1, spec)
        let plan = try NDAddressing(spec, data: data.shape, indices: indices, batchDims: batchDims)
        let shape = Shape(Array(indices.shape.dims.dropLast()) + Array(data.shape.dims[(batchDims + plan.depth)...]))
        return [.tensor(try data.dtype.visitLane(Kernel(data: data, shape: shape, plan: plan, spec: spec, context: context)))]
    }

    private struct Kernel: LaneVisitor {
        let data: Tensor, shape: Shape, plan: NDAddressing, spec: NodeSpec, context: RunContext
        func visit<L: Lane>(_: L.Type) throws -> Tensor {
            try L.read(data) { src in
                try L.make(shape, data.dtype, spec, context) { dst in
                    let n = plan.slice
                    for (t, o) in plan.offsets.enumerated() {
                        if n == 1 { dst[t] = src[o] } else { dst.copy(from: src, o, to: t * n, count: n) }
                    }
                }
            }
        }
    }
}

/// ScatterND (opset 11, 13, 16 with `reduction` add/mul, 18 with max/min): a copy of `data` where the slice each
/// innermost row of `indices` addresses is replaced by (or combined with) the matching slice of `updates`, whose
/// shape must be `indices.shape[..<-1] + data.shape[k...]`. Updates apply in row-major order (the last wins on
/// duplicates without reduction). Without a reduction it is type-generic through lanes.
/// - Complexity: O(data elements + updates elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__ScatterND.html
struct ScatterND: Operator {
    let spec: NodeSpec
    let reduction: ScatterReduction

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        reduction = try ScatterReduction(spec)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, spec), indices = try inputs.tensor(1, spec), updates = try inputs.tensor(2, spec)
        guard updates.dtype == data.dtype else { throw spec.error("updates type \(updates.dtype) differs from data type \(data.dtype)") }
        let plan = try NDAddressing(spec, data: data.shape, indices: indices, batchDims: 0)
        let want = Shape(Array(indices.shape.dims.dropLast()) + Array(data.shape.dims[plan.depth...]))
        guard updates.shape == want else {
            throw spec.shapeError("updates \(updates.shape) must have shape \(want) (indices \(indices.shape), data \(data.shape))")
        }
        return [.tensor(try scatter(data: data, updates: updates, offsets: plan.offsets, slice: plan.slice,
                                    reduction: reduction, spec, context))]
    }
}

/// The slices GatherND and ScatterND address: one data offset per innermost row of `indices`, each the start of a
/// contiguous block of `slice` elements.
struct NDAddressing {
    /// `k`, the length of an index row.
    let depth: Int
    let slice: Int
    let offsets: [Int]

    init(_ spec: NodeSpec, data: Shape, indices: Tensor, batchDims b: Int) throws {
        let r = data.rank, q = indices.rank
        guard q >= 1 else { throw spec.shapeError("indices must have rank >= 1, got a scalar") }
        guard b < q, b < r else {
            throw spec.shapeError("batch_dims \(b) must be less than the ranks of data \(data) and indices \(indices.shape)")
        }
        guard Array(data.dims[..<b]) == Array(indices.shape.dims[..<b]) else {
            throw spec.shapeError("the first \(b) (batch) dimensions of data \(data) and indices \(indices.shape) differ")
        }
        let k = indices.shape[q - 1]
        guard k >= 1, k <= r - b else {
            throw spec.shapeError("the last dimension of indices \(indices.shape) must be in 1...\(r - b) for data \(data) with batch_dims \(b)")
        }
        depth = k
        slice = try spec.product(data.dims[(b + k)...], "slice")
        let idx = try spec.indexElements(indices, "indices")
        let rows = idx.count / k
        let perBatch = try spec.product(data.dims[b...], "batch")
        let batches = try spec.product(data.dims[..<b], "batches")
        let rowsPerBatch = batches == 0 ? 0 : rows / batches
        let strides = rowMajorStrides(Array(data.dims[b...]))
        var offsets = [Int](repeating: 0, count: rows)
        for t in 0..<rows {
            var o = rowsPerBatch == 0 ? 0 : (t / rowsPerBatch) * perBatch
            for j in 0..<k {
                o += try spec.checkedIndex(idx[t * k + j], dim: data[b + j], axis: b + j) * strides[j]
            }
            offsets[t] = o
        }
        self.offsets = offsets
    }
}
