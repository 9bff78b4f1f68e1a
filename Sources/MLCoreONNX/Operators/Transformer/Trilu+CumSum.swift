import MLCoreTensor

/// Trilu (opset 14): keeps the upper (`upper = 1`, default) or lower triangle of each matrix in the last two axes,
/// relative to diagonal `k` (optional scalar int64 input, default 0: positive above the main diagonal), and zeroes
/// the rest: element `(i, j)` is kept when `j - i >= k` (upper) or `j - i <= k` (lower).
///
/// Type-generic through lanes (the zero is the all-zero bit pattern; strings become empty).
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Trilu.html
struct Trilu: Operator {
    let spec: NodeSpec
    let upper: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        upper = try spec.int("upper", default: 1) != 0
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.rank >= 2 else { throw spec.shapeError("input must have rank >= 2, got \(x.shape)") }
        var k: Int64 = 0
        if let t = try inputs.optionalTensor(1, spec) { k = try spec.integerScalar(t, "k") }
        return [.tensor(try x.dtype.visitLane(Kernel(x: x, k: k, upper: upper, spec: spec, context: context)))]
    }

    private struct Kernel: LaneVisitor {
        let x: Tensor, k: Int64, upper: Bool, spec: NodeSpec, context: RunContext
        func visit<L: Lane>(_: L.Type) throws -> Tensor {
            let rows = x.shape[x.rank - 2], cols = x.shape[x.rank - 1]
            // A diagonal beyond the matrix keeps all or nothing; clamping it keeps `i + k` from overflowing.
            let limit = Int64(rows) + Int64(cols)
            let diagonal = Int(Swift.max(-limit, Swift.min(limit, k)))
            return try L.read(x) { src in
                try L.make(x.shape, x.dtype, spec, context) { dst in
                    let matrices = rows * cols == 0 ? 0 : src.count / (rows * cols)
                    for m in 0..<matrices {
                        for i in 0..<rows {
                            // Kept columns: j >= i + k (upper) or j <= i + k (lower), clamped to the row.
                            let edge = i + diagonal
                            let lo = upper ? Swift.max(0, Swift.min(cols, edge)) : 0
                            let hi = upper ? cols : Swift.max(0, Swift.min(cols, edge + 1))
                            let row = (m * rows + i) * cols
                            dst.copy(from: src, row + lo, to: row + lo, count: hi - lo)
                        }
                    }
                }
            }
        }
    }
}

/// CumSum (opset 11, 14): the running sum along `axis` (a scalar int32/int64 input; negative counts from the end),
/// `exclusive = 1` leaving out the element itself (the first sum is 0) and `reverse = 1` summing from the end.
/// Sums accumulate in the element type, in order, as onnxruntime does.
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__CumSum.html
struct CumSum: Operator {
    let spec: NodeSpec
    let exclusive: Bool, reverse: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        exclusive = try spec.int("exclusive", default: 0) != 0
        reverse = try spec.int("reverse", default: 0) != 0
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), axisTensor = try inputs.tensor(1, spec)
        guard axisTensor.rank <= 1 else { throw spec.shapeError("axis must be a scalar, got shape \(axisTensor.shape)") }
        guard x.rank >= 1 else { throw spec.shapeError("input must have rank >= 1, got a scalar") }
        let a = try spec.normalizedAxis(try spec.integerScalar(axisTensor, "axis"), rank: x.rank)
        let outer = try spec.product(x.shape.dims[..<a], "outer"), inner = try spec.product(x.shape.dims[(a + 1)...], "inner")
        return [.tensor(try spec.visitNumeric(x.dtype, Kernel(x: x, outer: outer, length: x.shape[a], inner: inner,
                                                              exclusive: exclusive, reverse: reverse, spec: spec, context: context)))]
    }

    private struct Kernel: NumericVisitor {
        let x: Tensor, outer: Int, length: Int, inner: Int, exclusive: Bool, reverse: Bool
        let spec: NodeSpec, context: RunContext
        func visit<T: ONNXNumeric>(_: T.Type) throws -> Tensor {
            var out = try context.makeTensor(x.shape, x.dtype, node: spec.name)
            if out.count == 0 { return out }
            try x.withUnsafeBufferPointer(as: T.self) { src in
                try out.withUnsafeMutableBufferPointer(as: T.self) { dst in
                    for o in 0..<outer {
                        let base = o * length * inner
                        // Position s of the scan is axis index `s` (or `length - 1 - s` in reverse).
                        for s in 0..<length {
                            let p = base + (reverse ? length - 1 - s : s) * inner
                            if s == 0 {
                                if !exclusive { for j in 0..<inner { dst[p + j] = src[p + j] } }
                                continue
                            }
                            let prev = base + (reverse ? length - s : s - 1) * inner
                            let addend = exclusive ? prev : p
                            for j in 0..<inner { dst[p + j] = dst[prev + j] + src[addend + j] }
                        }
                    }
                }
            }
            return out
        }
    }
}
