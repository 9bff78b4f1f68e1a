import MLCoreTensor

/// Expand: broadcasts the input to a shape (second input, 1-D int64) under NumPy rules in both directions,
/// so the result is `broadcast(input.shape, shape)`.
///
/// A strided copy with zero strides on broadcast axes (a fill when the innermost axis is broadcast). The
/// result's size is checked against ``SessionOptions/maxTensorBytes`` before allocating: a model cannot make
/// a run allocate without bound.
/// - Complexity: O(output elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Expand.html
struct Expand: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let target = try spec.dimensions(spec.integerList(inputs.tensor(1, spec), "shape"), "shape")
        let rank = Swift.max(x.rank, target.count)
        var dims = [Int](repeating: 1, count: rank), strides = [Int](repeating: 0, count: rank)
        let inStrides = x.shape.strides
        for k in 0..<rank {
            let i = k - (rank - x.rank), j = k - (rank - target.count)
            let a = i >= 0 ? x.shape[i] : 1, b = j >= 0 ? target[j] : 1
            guard a == b || a == 1 || b == 1 else {
                throw spec.shapeError("cannot expand \(x.shape) to \(target): dimension \(a) against \(b)")
            }
            dims[k] = a == 1 ? b : a
            strides[k] = a == 1 ? 0 : inStrides[i]
        }
        return [.tensor(try stridedCopy(x, shape: Shape(dims), strides: strides, base: 0, spec, context))]
    }
}

/// Tile: repeats the input `repeats[k]` times along each axis k (opset 6: `repeats` is a 1-D int64 input of
/// length rank; opset 1: inputs `tiles` and `axis`, repeating along one axis).
///
/// Runs as one strided copy over the interleaved shape `[r_0, d_0, r_1, d_1, ...]` with zero strides on the
/// repeat axes, so whole input rows are copied with `memcpy`. The result's size is checked against
/// ``SessionOptions/maxTensorBytes`` before allocating.
/// - Complexity: O(output elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Tile.html
struct Tile: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        var repeats: [Int]
        if spec.opset < 6 {
            let tiles = try spec.integerScalar(inputs.tensor(1, spec), "tiles")
            let axis = try spec.normalizedAxis(spec.integerScalar(inputs.tensor(2, spec), "axis"), rank: x.rank)
            repeats = [Int](repeating: 1, count: x.rank)
            repeats[axis] = try spec.dimensions([tiles], "tiles")[0]
        } else {
            repeats = try spec.dimensions(spec.integerList(inputs.tensor(1, spec), "repeats"), "repeats")
            guard repeats.count == x.rank else {
                throw spec.shapeError("repeats has \(repeats.count) entries for an input of rank \(x.rank) \(x.shape)")
            }
        }
        var dims: [Int] = [], strides: [Int] = [], outDims: [Int] = []
        let inStrides = x.shape.strides
        for k in 0..<x.rank {
            let (n, overflow) = x.shape[k].multipliedReportingOverflow(by: repeats[k])
            guard !overflow else {
                throw ONNXError.limitExceeded(what: "node '\(spec.name)': Tile output axis \(k)", value: Int.max, limit: context.maxTensorBytes)
            }
            outDims.append(n)
            dims += [repeats[k], x.shape[k]]
            strides += [0, inStrides[k]]
        }
        _ = try context.checkTensorSize(Shape(outDims), x.dtype, spec)
        let tiled = try stridedCopy(x, shape: Shape(dims), strides: strides, base: 0, spec, context)
        return [.tensor(try tiled.viewed(as: Shape(outDims), spec))]
    }
}
