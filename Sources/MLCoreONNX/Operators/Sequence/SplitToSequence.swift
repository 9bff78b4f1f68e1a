import MLCoreTensor

/// SplitToSequence: cuts a tensor along `axis` into a sequence of pieces.
///
/// The optional `split` input is a positive scalar (pieces of that size, the last one smaller when the axis does
/// not divide evenly) or a 1-D list of sizes (each >= 0) summing to the axis. Without it, every piece has size 1
/// and `keepdims = 0` drops the axis from each piece. As onnxruntime computes it, `keepdims = 0` also applies to a
/// scalar `split` (an error unless every piece has size 1), and an empty 1-D `split` counts as absent; `keepdims`
/// is ignored for a non-empty list, as the spec says.
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__SplitToSequence.html
struct SplitToSequence: Operator {
    let spec: NodeSpec
    let axis: Int64
    let keepdims: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis", default: 0)
        keepdims = try spec.int("keepdims", default: 1) != 0
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let a = try spec.normalizedAxis(axis, rank: x.rank)
        let dim = x.shape[a]
        var sizes: [Int]
        var squeeze = !keepdims
        if let split = try inputs.optionalTensor(1, spec), split.rank == 0 {
            let chunk = try spec.integerScalar(split, "split")
            guard chunk > 0 else { throw spec.error("a scalar split must be > 0, got \(chunk)") }
            let size = Int(clamping: chunk)
            let (whole, rest) = dim.quotientAndRemainder(dividingBy: size)
            try context.checkSequenceLength(whole + (rest > 0 ? 1 : 0), spec)
            sizes = Array(repeating: size, count: whole) + (rest > 0 ? [rest] : [])
        } else if let split = try inputs.optionalTensor(1, spec), split.count > 0 {
            let list = try spec.integerList(split, "split")
            var total: Int64 = 0
            for s in list {
                guard s >= 0 else { throw spec.error("split \(list) has a negative size") }
                let (sum, overflow) = total.addingReportingOverflow(s)
                guard !overflow else { throw spec.error("split \(list) overflows") }
                total = sum
            }
            guard total == Int64(dim) else { throw spec.shapeError("split \(list) sums to \(total), the axis has \(dim)") }
            sizes = list.map { Int($0) }
            squeeze = false
        } else {
            try context.checkSequenceLength(dim, spec)
            sizes = Array(repeating: 1, count: dim)
        }
        if squeeze, let size = sizes.first(where: { $0 != 1 }) {
            throw spec.shapeError("keepdims = 0 drops the split axis, but a piece has size \(size) on it (split \(x.shape) on axis \(a))")
        }
        var pieces = try Split.pieces(of: x, axis: a, sizes: sizes, spec, context)
        if squeeze {
            var dims = x.shape.dims
            dims.remove(at: a)
            pieces = try pieces.map { try $0.viewed(as: Shape(dims), spec) }
        }
        return [.sequence(TensorSequence(elementType: x.dtype, tensors: pieces))]
    }
}

/// ConcatFromSequence: joins a sequence's tensors (at least one) along `axis`, like Concat; with `new_axis = 1`
/// they are stacked on a new axis instead (then `axis` is in `-(rank + 1)...rank` and all shapes must agree).
/// - Complexity: O(output elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__ConcatFromSequence.html
struct ConcatFromSequence: Operator {
    let spec: NodeSpec
    let axis: Int64
    let newAxis: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis")
        let n = try spec.int("new_axis", default: 0)
        guard n == 0 || n == 1 else { throw spec.error("new_axis must be 0 or 1, got \(n)") }
        newAxis = n == 1
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let s = try inputs.sequence(0, spec)
        guard let first = s.tensors.first else { throw spec.error("cannot concatenate an empty sequence") }
        guard newAxis else { return [.tensor(try Concat.concatenate(s.tensors, axis: axis, spec, context))] }
        let a = try spec.normalizedAxis(axis, rank: first.rank + 1)
        let parts = try s.tensors.enumerated().map { i, t -> Tensor in
            guard t.shape == first.shape else {
                throw spec.shapeError("element \(i) has shape \(t.shape), element 0 has \(first.shape) (stacking on a new axis \(a))")
            }
            var dims = t.shape.dims
            dims.insert(1, at: a)
            return try t.viewed(as: Shape(dims), spec)
        }
        return [.tensor(try Concat.concatenate(parts, axis: Int64(a), spec, context))]
    }
}
