import MLCoreTensor

/// Concat: joins tensors of equal rank along `axis`; every other dimension must agree.
/// `axis` defaults to 1 in opset 1 and is required from opset 4; negative values count from the end (11).
///
/// Each input contributes one contiguous block per index of the axes before `axis`, copied with `memcpy`.
/// - Complexity: O(output elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Concat.html
struct Concat: Operator {
    let spec: NodeSpec
    let axis: Int64

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis", default: spec.opset < 4 ? 1 : nil)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        guard !inputs.isEmpty else { throw spec.error("Concat needs at least one input") }
        let parts = try inputs.indices.map { try inputs.tensor($0, spec) }
        return [.tensor(try Self.concatenate(parts, axis: axis, spec, context))]
    }

    /// Joins `parts` (at least one) along `axis` (in `-rank..<rank`), after checking that they share their
    /// element type, their rank and every other dimension. Concat and ConcatFromSequence run this.
    static func concatenate(_ parts: [Tensor], axis: Int64, _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
        guard let first = parts.first else { throw spec.error("nothing to concatenate") }
        let a = try spec.normalizedAxis(axis, rank: first.rank)
        var dims = first.shape.dims
        var total = 0
        for (i, t) in parts.enumerated() {
            guard t.dtype == first.dtype else { throw spec.error("input \(i) has type \(t.dtype), input 0 has \(first.dtype)") }
            guard t.rank == first.rank, zip(t.shape.dims, first.shape.dims).enumerated().allSatisfy({ $0.offset == a || $0.element.0 == $0.element.1 }) else {
                throw spec.shapeError("input \(i) has shape \(t.shape), input 0 has \(first.shape) (concatenating on axis \(a))")
            }
            let (sum, overflow) = total.addingReportingOverflow(t.shape[a])
            guard !overflow else { throw spec.shapeError("the concatenated axis overflows") }
            total = sum
        }
        if parts.count == 1 { return first }
        dims[a] = total
        // With no elements, dimensions may multiply past Int.max: nothing to copy, and no product to form.
        if try context.checkTensorSize(Shape(dims), first.dtype, spec) == 0 { return try Tensor(zeros: Shape(dims), dtype: first.dtype) }
        let outer = try spec.product(dims[..<a], "Concat")
        let inner = try spec.product(dims[(a + 1)...], "Concat")
        return try first.dtype.visitLane(ConcatKernel(parts: parts, shape: Shape(dims), axis: a, outer: outer,
                                                      inner: inner, spec: spec, context: context))
    }
}

private struct ConcatKernel: LaneVisitor {
    let parts: [Tensor]
    let shape: Shape
    let axis: Int, outer: Int, inner: Int
    let spec: NodeSpec
    let context: RunContext

    func visit<L: Lane>(_: L.Type) throws -> Tensor {
        let row = shape[axis] * inner
        return try L.make(shape, parts[0].dtype, spec, context) { dst in
            var column = 0
            for part in parts {
                let block = part.shape[axis] * inner
                try L.read(part) { src in
                    for o in 0..<outer { dst.copy(from: src, o * block, to: o * row + column, count: block) }
                }
                column += block
            }
        }
    }
}

/// Split: cuts a tensor along `axis` into one piece per output.
///
/// The sizes come from the `split` attribute (opsets 1 to 12; opset 1 also accepts it as input 1), the `split`
/// input (13), `num_outputs` (18: pieces of `ceil(dim / num_outputs)`, the last one smaller), or else equal
/// pieces (the axis must divide evenly). A piece that is contiguous in the input is a view, not a copy.
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Split.html
struct Split: Operator {
    let spec: NodeSpec
    let axis: Int64
    let splitAttribute: [Int64]?
    let numOutputs: Int64?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis", default: 0)
        splitAttribute = spec.opset < 13 && spec.has("split") ? try spec.ints("split") : nil
        numOutputs = spec.opset >= 18 && spec.has("num_outputs") ? try spec.int("num_outputs") : nil
        if let numOutputs, numOutputs != Int64(spec.node.outputs.count) {
            throw spec.error("num_outputs is \(numOutputs) but the node has \(spec.node.outputs.count) outputs")
        }
        if spec.node.outputs.isEmpty { throw spec.error("Split needs at least one output") }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let a = try spec.normalizedAxis(axis, rank: x.rank)
        let dim = x.shape[a]
        let n = spec.node.outputs.count
        let sizes = try pieceSizes(inputs, dim: dim, count: n)
        return try Self.pieces(of: x, axis: a, sizes: sizes, spec, context).map(Value.tensor)
    }

    /// Cuts `x` along `axis` (normalized) into pieces of `sizes`, which the caller has checked sum to the axis.
    /// Split and SplitToSequence run this.
    static func pieces(of x: Tensor, axis a: Int, sizes: [Int], _ spec: NodeSpec, _ context: RunContext) throws -> [Tensor] {
        var dims = x.shape.dims
        let strides = x.shape.strides
        var start = 0
        var pieces: [Tensor] = []
        pieces.reserveCapacity(sizes.count)
        for size in sizes {
            dims[a] = size
            // Wrapping: when x has no elements its strides (and this offset) are never used.
            pieces.append(try stridedCopy(x, shape: Shape(dims), strides: strides, base: start &* strides[a], spec, context))
            start += size
        }
        return pieces
    }

    func pieceSizes(_ inputs: [Value?], dim: Int, count n: Int) throws -> [Int] {
        var split: [Int64]? = splitAttribute
        if spec.opset >= 13 || spec.opset < 2, let t = try inputs.optionalTensor(1, spec) {
            split = try spec.integerList(t, "split")
        }
        if let split {
            guard split.count == n else { throw spec.error("split \(split) has \(split.count) entries for \(n) outputs") }
            var total: Int64 = 0
            for s in split {
                guard s >= 0 else { throw spec.error("split \(split) has a negative size") }
                let (sum, overflow) = total.addingReportingOverflow(s)
                guard !overflow else { throw spec.error("split \(split) overflows") }
                total = sum
            }
            guard total == Int64(dim) else { throw spec.shapeError("split \(split) sums to \(total), the axis has \(dim)") }
            return split.map { Int($0) }
        }
        if numOutputs != nil {
            let chunk = (dim + n - 1) / n
            let last = dim - chunk * (n - 1)
            guard last >= 0 else { throw spec.shapeError("an axis of \(dim) cannot be split into \(n) pieces of \(chunk)") }
            return Array(repeating: chunk, count: n - 1) + [last]
        }
        guard dim % n == 0 else { throw spec.shapeError("an axis of \(dim) does not split evenly into \(n) outputs") }
        return Array(repeating: dim / n, count: n)
    }
}
