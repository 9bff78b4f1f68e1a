import Foundation
import MLCoreTensor

/// RMSNormalization (opset 23): each row over the axes `axis...` divided by its root mean square,
/// `Y = X / sqrt(mean(X^2) + epsilon) * scale`, with `scale` unidirectionally broadcast to the normalized shape.
/// The mean of squares accumulates in 8-lane vectors of the element type (float32 for float32, as
/// `stash_type = 1` asks); float64 inputs compute in float64.
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__RMSNormalization.html
struct RMSNormalization: Operator {
    let spec: NodeSpec
    let axis: Int64
    let epsilon: Double

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis", default: -1)
        epsilon = Double(try spec.float("epsilon", default: 1e-5))
        let stash = try spec.int("stash_type", default: 1)
        guard stash == 1 || stash == 11 else { throw spec.error("stash_type \(stash) is not supported (1 float, 11 double)") }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), scale = try inputs.tensor(1, spec)
        guard x.rank >= 1 else { throw spec.shapeError("input must have rank >= 1, got a scalar") }
        guard scale.dtype == x.dtype else { throw spec.error("scale type \(scale.dtype) differs from X type \(x.dtype)") }
        let a = try spec.normalizedAxis(axis, rank: x.rank)
        let normalized = Shape(Array(x.shape.dims[a...]))
        let length = try spec.product(normalized.dims, "normalized shape"), rows = try spec.product(x.shape.dims[..<a], "rows")
        switch x.dtype {
        case .float32: return [.tensor(try normalize(Float.self, x, scale, normalized, rows: rows, length: length, context))]
        case .float64: return [.tensor(try normalize(Double.self, x, scale, normalized, rows: rows, length: length, context))]
        default: throw spec.error("element type \(x.dtype) is not supported (float32, float64)")
        }
    }

    func normalize<T: NNFloat>(_: T.Type, _ x: Tensor, _ scale: Tensor, _ normalized: Shape, rows: Int, length: Int,
                               _ context: RunContext) throws -> Tensor {
        let gamma = try broadcastParameter(scale, to: normalized, T.self, "scale", spec)
        var y = try context.makeTensor(x.shape, x.dtype, node: spec.name, zeroed: false)
        if y.count == 0 { return y }
        let eps = T(epsilon)
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                let src = NNUncheckedSendable(px.baseAddress!), dst = NNUncheckedSendable(py.baseAddress!)
                gamma.withUnsafeBufferPointer { pg in
                    let g = NNUncheckedSendable(pg.baseAddress!)
                    NNParallel.forEach(rows, threads: context.threads, work: rows * length * 3) { range in
                        for r in range {
                            let row = src.value + r * length, out = dst.value + r * length
                            var acc = SIMD8<T>(repeating: 0)
                            var i = 0
                            while i + 8 <= length {
                                let v = NNVector.load(row + i)
                                acc += v * v
                                i += 8
                            }
                            var sum = acc.sum()
                            while i < length { sum += row[i] * row[i]; i += 1 }
                            let inv = 1 / (sum / T(length) + eps).squareRoot()
                            for j in 0..<length { out[j] = row[j] * inv * g.value[j] }
                        }
                    }
                }
            }
        }
        return y
    }
}

/// `t` expanded to `shape` (contiguous), or an error naming the node when it does not broadcast to it
/// unidirectionally: the scale of the normalizations.
func broadcastParameter<T: NNFloat>(_ t: Tensor, to shape: Shape, _: T.Type, _ name: String, _ spec: NodeSpec) throws -> [T] {
    if t.shape == shape { return try t.scalars(as: T.self) }
    let plan = try BroadcastPlan([t.shape, shape], node: spec)
    guard plan.outShape == shape else { throw spec.shapeError("\(name) \(t.shape) does not broadcast to the normalized shape \(shape)") }
    var out = [T](repeating: 0, count: plan.count)
    try t.withUnsafeBufferPointer(as: T.self) { pt in
        plan.forEachRow { o, offs, n, st in
            var i = offs[0]
            for j in 0..<n { out[o + j] = pt[i]; i += st[0] }
        }
    }
    return out
}

/// RotaryEmbedding (opset 23): rotates the first `rotary_embedding_dim` (default: all) features of each head by the
/// position's angles, `(x1, x2) -> (cos * x1 - sin * x2, sin * x1 + cos * x2)`, with the pairs taken as the two
/// halves of the rotated part or, with `interleaved = 1`, as adjacent features. Input is
/// `[batch, heads, seq, head_size]`, or `[batch, seq, hidden]` with the `num_heads` attribute. The caches are
/// `[max_position, rotary_dim / 2]` indexed by `position_ids [batch, seq]`, or without position ids
/// `[batch, seq, rotary_dim / 2]` (or `[seq, rotary_dim / 2]`, shared by the batch).
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__RotaryEmbedding.html
struct RotaryEmbedding: Operator {
    let spec: NodeSpec
    let numHeads: Int
    let rotaryDim: Int
    let interleaved: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let h = try spec.int("num_heads", default: 0), d = try spec.int("rotary_embedding_dim", default: 0)
        guard h >= 0, h < 1 << 30, d >= 0, d < 1 << 30 else { throw spec.error("num_heads \(h) and rotary_embedding_dim \(d) must be >= 0") }
        numHeads = Int(h)
        rotaryDim = Int(d)
        interleaved = try spec.int("interleaved", default: 0) != 0
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), cos = try inputs.tensor(1, spec), sin = try inputs.tensor(2, spec)
        let positionIDs = try inputs.optionalTensor(3, spec)
        guard cos.dtype == x.dtype, sin.dtype == x.dtype else {
            throw spec.error("cos_cache (\(cos.dtype)) and sin_cache (\(sin.dtype)) must have X's type \(x.dtype)")
        }
        let batch: Int, heads: Int, seq: Int, headSize: Int
        switch x.rank {
        case 4:
            (batch, heads, seq, headSize) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        case 3:
            guard numHeads > 0 else { throw spec.error("num_heads must be given for a 3-D input \(x.shape)") }
            guard x.shape[2] % numHeads == 0 else { throw spec.shapeError("hidden size \(x.shape[2]) is not a multiple of num_heads \(numHeads)") }
            (batch, heads, seq, headSize) = (x.shape[0], numHeads, x.shape[1], x.shape[2] / numHeads)
        default:
            throw spec.shapeError("input must be 3-D or 4-D, got \(x.shape)")
        }
        let dim = rotaryDim == 0 ? headSize : rotaryDim
        guard dim <= headSize, dim % 2 == 0 else {
            throw spec.error("rotary_embedding_dim \(dim) must be even and at most the head size \(headSize)")
        }
        let half = dim / 2
        guard cos.shape == sin.shape else { throw spec.shapeError("cos_cache \(cos.shape) and sin_cache \(sin.shape) differ") }
        guard cos.rank >= 2, cos.shape[cos.rank - 1] == half else {
            throw spec.shapeError("the caches \(cos.shape) must end in rotary_embedding_dim / 2 = \(half)")
        }
        // The cache row of each (batch, position).
        var cacheRows = [Int](repeating: 0, count: batch * seq)
        if let ids = positionIDs {
            guard cos.rank == 2 else { throw spec.shapeError("with position_ids the caches must be 2-D, got \(cos.shape)") }
            guard ids.shape == [batch, seq] else {
                throw spec.shapeError("position_ids \(ids.shape) must be [\(batch), \(seq)]")
            }
            let values = try spec.indexElements(ids, "position_ids")
            for i in cacheRows.indices {
                let p = values[i]
                guard p >= 0, p < cos.shape[0] else {
                    throw spec.error("position id \(p) is out of range for caches of \(cos.shape[0]) positions")
                }
                cacheRows[i] = p
            }
        } else if cos.rank == 3, cos.shape[0] == batch, cos.shape[1] == seq {
            for i in cacheRows.indices { cacheRows[i] = i }
        } else if cos.rank == 2, cos.shape[0] == seq {
            for i in cacheRows.indices { cacheRows[i] = i % seq }
        } else {
            throw spec.shapeError("without position_ids the caches \(cos.shape) must be [\(batch), \(seq), \(half)] or [\(seq), \(half)]")
        }
        let geometry = (batch: batch, heads: heads, seq: seq, headSize: headSize, half: half, headsFirst: x.rank == 4)
        switch x.dtype {
        case .float32: return [.tensor(try rotate(Float.self, x, cos, sin, cacheRows, geometry, context))]
        case .float64: return [.tensor(try rotate(Double.self, x, cos, sin, cacheRows, geometry, context))]
        default: throw spec.error("element type \(x.dtype) is not supported (float32, float64)")
        }
    }

    func rotate<T: NNFloat>(_: T.Type, _ x: Tensor, _ cos: Tensor, _ sin: Tensor, _ cacheRows: [Int],
                            _ g: (batch: Int, heads: Int, seq: Int, headSize: Int, half: Int, headsFirst: Bool),
                            _ context: RunContext) throws -> Tensor {
        var y = try context.makeTensor(x.shape, x.dtype, node: spec.name, zeroed: false)
        if y.count == 0 { return y }
        let interleaved = self.interleaved
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try cos.withUnsafeBufferPointer(as: T.self) { pc in
                try sin.withUnsafeBufferPointer(as: T.self) { ps in
                    try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                        // Copy everything, then overwrite the rotated part of each head.
                        py.baseAddress!.update(from: px.baseAddress!, count: px.count)
                        for b in 0..<g.batch {
                            for s in 0..<g.seq {
                                let cache = cacheRows[b * g.seq + s] * g.half
                                for h in 0..<g.heads {
                                    let o = g.headsFirst ? ((b * g.heads + h) * g.seq + s) * g.headSize
                                                         : ((b * g.seq + s) * g.heads + h) * g.headSize
                                    for i in 0..<g.half {
                                        let c = pc[cache + i], sn = ps[cache + i]
                                        let (i1, i2) = interleaved ? (o + 2 * i, o + 2 * i + 1) : (o + i, o + i + g.half)
                                        let x1 = px[i1], x2 = px[i2]
                                        py[i1] = c * x1 - sn * x2
                                        py[i2] = sn * x1 + c * x2
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }
}
