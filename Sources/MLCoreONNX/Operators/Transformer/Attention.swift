import Foundation
import MLCoreKernels
import MLCoreTensor

/// Attention (opset 23, 24 with `nonpad_kv_seqlen`, 25 with `left_window_size` / `right_window_size`): scaled dot
/// product attention `Y = softmax(scale * Q K^T (softcapped) + bias) V` per head.
///
/// Inputs are 4-D (`Q [B, Hq, Sq, D]`, `K [B, Hkv, Skv, D]`, `V [B, Hkv, Skv, Dv]`) or 3-D (`[B, S, heads * size]`
/// with the `q_num_heads` and `kv_num_heads` attributes). Query head `h` reads key/value head `h / (Hq / Hkv)`
/// (grouped-query and multi-query attention). `past_key` / `past_value` are prepended along the sequence to form
/// `present_key` / `present_value`. The bias adds up a boolean (`false` is `-inf`) or numeric `attn_mask`
/// broadcast to `[B, Hq, Sq, T]` (its last axis padded with `-inf` when shorter than `T`), the causal mask
/// (`is_causal`: query `i` sees key `j` iff `j <= i + offset`, `offset` the past length, or
/// `nonpad_kv_seqlen[b] - Sq`), the sliding window and the `nonpad_kv_seqlen` padding. A query row whose bias is
/// `-inf` everywhere gives a zero row (not NaN), as the spec's errata and onnxruntime do. The optional fourth output
/// is the scores after the matmul (mode 0), softcap (1), bias (2) or softmax (3).
///
/// `Q K^T` and `P V` are batched ``GEMM`` calls (one per query head, `scale` as GEMM's alpha), the softmax is
/// ``Reduction/softmax(_:axis:into:options:)`` over each row.
/// - Complexity: O(B * Hq * Sq * T * (D + Dv)).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Attention.html
struct Attention: Operator {
    let spec: NodeSpec
    let isCausal: Bool
    let scale: Double?
    let softcap: Double
    let qNumHeads: Int?, kvNumHeads: Int?
    let outputMode: Int
    let leftWindow: Int, rightWindow: Int

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        isCausal = try spec.int("is_causal", default: 0) != 0
        scale = spec.has("scale") ? Double(try spec.float("scale")) : nil
        softcap = Double(try spec.float("softcap", default: 0))
        func heads(_ name: String) throws -> Int? {
            guard spec.has(name) else { return nil }
            let v = try spec.int(name)
            guard v > 0, v < 1 << 24 else { throw spec.error("\(name) \(v) must be positive") }
            return Int(v)
        }
        qNumHeads = try heads("q_num_heads")
        kvNumHeads = try heads("kv_num_heads")
        let mode = try spec.int("qk_matmul_output_mode", default: 0)
        guard (0...3).contains(mode) else { throw spec.error("qk_matmul_output_mode \(mode) must be 0, 1, 2 or 3") }
        outputMode = Int(mode)
        if spec.opset >= 25 {
            let l = try spec.int("left_window_size", default: -1), r = try spec.int("right_window_size", default: -1)
            guard l >= -1, r >= -1, l < 1 << 40, r < 1 << 40 else {
                throw spec.error("left_window_size \(l) and right_window_size \(r) must be -1 or non-negative")
            }
            (leftWindow, rightWindow) = (Int(l), Int(r))
        } else {
            (leftWindow, rightWindow) = (-1, -1)
        }
        let precision = try spec.int("softmax_precision", default: 1)
        if ![1, 10, 11, 16].contains(precision) {
            throw spec.error("softmax_precision \(precision) must be 1 (float), 10 (float16), 11 (double) or 16 (bfloat16)")
        }
    }

    /// The sizes of one run.
    struct Geometry {
        var batch: Int, qHeads: Int, kvHeads: Int, qLength: Int, kvLength: Int, pastLength: Int
        var headSize: Int, valueHeadSize: Int
        var total: Int { pastLength + kvLength }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let q = try inputs.tensor(0, spec), k = try inputs.tensor(1, spec), v = try inputs.tensor(2, spec)
        let mask = try inputs.optionalTensor(3, spec)
        let pastKey = try inputs.optionalTensor(4, spec), pastValue = try inputs.optionalTensor(5, spec)
        let nonpad = spec.opset >= 24 ? try inputs.optionalTensor(6, spec) : nil
        guard q.dtype == .float32 || q.dtype == .float64 else { throw spec.error("element type \(q.dtype) is not supported (float32, float64)") }
        guard k.dtype == q.dtype, v.dtype == q.dtype else { throw spec.error("Q, K and V types differ: \(q.dtype), \(k.dtype), \(v.dtype)") }
        guard (pastKey == nil) == (pastValue == nil) else { throw spec.error("past_key and past_value must be given together") }
        guard nonpad == nil || pastKey == nil else { throw spec.error("nonpad_kv_seqlen cannot be combined with past_key / past_value") }
        guard q.rank == k.rank, q.rank == v.rank, q.rank == 3 || q.rank == 4 else {
            throw spec.shapeError("Q \(q.shape), K \(k.shape) and V \(v.shape) must all be 3-D or all 4-D")
        }

        // Heads-first 4-D views: [B, H, S, size].
        let q4: Tensor, k4: Tensor, v4: Tensor
        if q.rank == 3 {
            guard let hq = qNumHeads, let hkv = kvNumHeads else {
                throw spec.error("3-D inputs need the q_num_heads and kv_num_heads attributes")
            }
            q4 = try headsFirst(q, heads: hq, "Q", context)
            k4 = try headsFirst(k, heads: hkv, "K", context)
            v4 = try headsFirst(v, heads: hkv, "V", context)
        } else {
            if spec.opset >= 25, qNumHeads != nil || kvNumHeads != nil {
                throw spec.error("q_num_heads and kv_num_heads must not be given for 4-D inputs")
            }
            (q4, k4, v4) = (q, k, v)
        }
        var g = Geometry(batch: q4.shape[0], qHeads: q4.shape[1], kvHeads: k4.shape[1], qLength: q4.shape[2],
                         kvLength: k4.shape[2], pastLength: 0, headSize: q4.shape[3], valueHeadSize: v4.shape[3])
        guard k4.shape[0] == g.batch, v4.shape[0] == g.batch, k4.shape[3] == g.headSize, v4.shape[1] == g.kvHeads,
              v4.shape[2] == g.kvLength else {
            throw spec.shapeError("Q \(q.shape), K \(k.shape) and V \(v.shape) do not agree")
        }
        guard g.kvHeads > 0, g.qHeads % g.kvHeads == 0 else {
            throw spec.shapeError("the \(g.qHeads) query heads are not a multiple of the \(g.kvHeads) key/value heads")
        }
        if let pk = pastKey, let pv = pastValue {
            guard pk.dtype == q.dtype, pv.dtype == q.dtype, pk.rank == 4, pv.rank == 4,
                  pk.shape[0] == g.batch, pk.shape[1] == g.kvHeads, pk.shape[3] == g.headSize,
                  pv.shape[0] == g.batch, pv.shape[1] == g.kvHeads, pv.shape[3] == g.valueHeadSize, pk.shape[2] == pv.shape[2] else {
                throw spec.shapeError("past_key \(pk.shape) and past_value \(pv.shape) do not match K \(k4.shape) and V \(v4.shape)")
            }
            g.pastLength = pk.shape[2]
        }
        var offsets = [Int](repeating: g.pastLength, count: g.batch)
        var validKeys = [Int](repeating: g.total, count: g.batch)
        if let nonpad {
            let lengths = try spec.indexElements(nonpad, "nonpad_kv_seqlen")
            guard lengths.count == g.batch else { throw spec.shapeError("nonpad_kv_seqlen \(nonpad.shape) must have \(g.batch) values") }
            for (b, n) in lengths.enumerated() {
                guard n >= 0, n <= g.total else { throw spec.error("nonpad_kv_seqlen \(n) is out of range 0...\(g.total)") }
                validKeys[b] = n
                if isCausal || leftWindow >= 0 || rightWindow >= 0 { offsets[b] = n - g.qLength }
            }
        }
        let presentKey = try concatenateSequence(pastKey, k4, context)
        let presentValue = try concatenateSequence(pastValue, v4, context)

        let outputs = spec.node.outputs.count
        let wantsScores = outputs > 3 && !spec.node.outputs[3].isEmpty
        let y: Tensor, scores: Tensor?
        switch q.dtype {
        case .float32:
            (y, scores) = try attend(Float.self, q4, presentKey, presentValue, mask, g, offsets, validKeys, wantsScores, context)
        default:
            (y, scores) = try attend(Double.self, q4, presentKey, presentValue, mask, g, offsets, validKeys, wantsScores, context)
        }
        var result: [Value] = [.tensor(q.rank == 3 ? try sequenceFirst(y, context) : y)]
        if outputs > 1 { result.append(.tensor(presentKey)) }
        if outputs > 2 { result.append(.tensor(presentValue)) }
        if outputs > 3 {
            result.append(.tensor(try scores ?? context.makeTensor([g.batch, g.qHeads, g.qLength, g.total], q.dtype, node: spec.name)))
        }
        return result
    }

    /// `[B, S, heads * size]` as `[B, heads, S, size]` (a strided copy).
    func headsFirst(_ x: Tensor, heads: Int, _ name: String, _ context: RunContext) throws -> Tensor {
        let (b, s, hidden) = (x.shape[0], x.shape[1], x.shape[2])
        guard hidden % heads == 0 else { throw spec.shapeError("\(name) hidden size \(hidden) is not a multiple of \(heads) heads") }
        let size = hidden / heads
        return try stridedCopy(x, shape: [b, heads, s, size], strides: [s * hidden, size, hidden, 1], base: 0, spec, context)
    }

    /// `[B, H, S, size]` as `[B, S, H * size]`.
    func sequenceFirst(_ y: Tensor, _ context: RunContext) throws -> Tensor {
        let (b, h, s, size) = (y.shape[0], y.shape[1], y.shape[2], y.shape[3])
        let t = try stridedCopy(y, shape: [b, s, h, size], strides: [h * s * size, size, s * size, 1], base: 0, spec, context)
        return try t.viewed(as: [b, s, h * size], spec)
    }

    /// `past` and `x` (`[B, H, S, size]`) joined along the sequence axis; `x` itself without a past.
    func concatenateSequence(_ past: Tensor?, _ x: Tensor, _ context: RunContext) throws -> Tensor {
        guard let past else { return x }
        let (b, h, p, s, size) = (x.shape[0], x.shape[1], past.shape[2], x.shape[2], x.shape[3])
        return try x.dtype.visitLane(SequenceConcat(past: past, x: x, shape: [b, h, p + s, size], planes: b * h,
                                                    pastBlock: p * size, block: s * size, spec: spec, context: context))
    }

    private struct SequenceConcat: LaneVisitor {
        let past: Tensor, x: Tensor, shape: Shape, planes: Int, pastBlock: Int, block: Int
        let spec: NodeSpec, context: RunContext
        func visit<L: Lane>(_: L.Type) throws -> Tensor {
            try L.read(past) { pp in
                try L.read(x) { px in
                    try L.make(shape, x.dtype, spec, context) { dst in
                        for i in 0..<planes {
                            let o = i * (pastBlock + block)
                            dst.copy(from: pp, i * pastBlock, to: o, count: pastBlock)
                            dst.copy(from: px, i * block, to: o + pastBlock, count: block)
                        }
                    }
                }
            }
        }
    }

    /// The attention of every query head: scores on GEMM, bias and softcap per row, softmax, then `P V` on GEMM.
    func attend<T: NNFloat>(_: T.Type, _ q: Tensor, _ key: Tensor, _ value: Tensor, _ mask: Tensor?, _ g: Geometry,
                            _ offsets: [Int], _ validKeys: [Int], _ wantsScores: Bool,
                            _ context: RunContext) throws -> (Tensor, Tensor?) {
        let heads = g.batch * g.qHeads, group = g.qHeads / g.kvHeads
        let kvMatrix = (0..<heads).map { i in (i / g.qHeads) * g.kvHeads + (i % g.qHeads) / group }
        let scale = self.scale ?? 1 / Double(g.headSize).squareRoot()
        let bias = try MaskBias(mask, g, spec)
        let rowCount = try spec.product([heads, g.qLength], "rows"), t = g.total

        var logits = try batchedGEMM(q, Array(0..<heads), transposeA: false, key, kvMatrix, transposeB: true,
                                     m: g.qLength, n: t, k: g.headSize, alpha: scale, spec, context)
        var scoresOut: Tensor? = nil
        if wantsScores && outputMode == 0 { scoresOut = logits }
        if softcap > 0 && logits.count > 0 {
            let cap = T(softcap), n = logits.count
            try logits.withUnsafeMutableBufferPointer(as: T.self) { p in
                let base = NNUncheckedSendable(p.baseAddress!)
                NNParallel.forEach(n, threads: context.threads, work: n * 20) { range in
                    for j in range { base.value[j] = cap * T(Foundation.tanh(Double(base.value[j] / cap))) }
                }
            }
        }
        // Taking the value here keeps it: the bias below writes into a copy (copy-on-write).
        if wantsScores && outputMode == 1 { scoresOut = logits }
        var masked = [Bool](repeating: false, count: rowCount)
        if t > 0 && rowCount > 0 {
            let window = (leftWindow, rightWindow), causal = isCausal
            try logits.withUnsafeMutableBufferPointer(as: T.self) { p in
                let base = NNUncheckedSendable(p.baseAddress!)
                masked.withUnsafeMutableBufferPointer { pm in
                    let flags = NNUncheckedSendable(pm.baseAddress!)
                    bias.values.withUnsafeBufferPointer { pb in
                        let maskValues = NNUncheckedSendable(bias.values.isEmpty ? nil : pb.baseAddress)
                        NNParallel.forEach(rowCount, threads: context.threads, work: rowCount * t * 8) { range in
                            for r in range {
                                let row = base.value + r * t
                                let head = r / g.qLength, i = r % g.qLength
                                let b = head / g.qHeads, h = head % g.qHeads
                                let position = i + offsets[b]
                                let maskRow = bias.rowOffset(b, h, i)
                                var allMasked = true
                                for j in 0..<t {
                                    var add: T = 0
                                    if let m = maskValues.value { add = j < bias.columns ? T(m[maskRow + j]) : -.infinity }
                                    if causal && j > position { add = -.infinity }
                                    if window.0 >= 0 && position - j > window.0 { add = -.infinity }
                                    if window.1 >= 0 && j - position > window.1 { add = -.infinity }
                                    if j >= validKeys[b] { add = -.infinity }
                                    if add != -.infinity { allMasked = false }
                                    row[j] += add
                                }
                                flags.value[r] = allMasked
                            }
                        }
                    }
                }
            }
        }
        if wantsScores && outputMode == 2 { scoresOut = logits }

        let rows = try logits.viewed(as: [rowCount, t], spec)
        var probabilities = try context.makeTensor([rowCount, t], q.dtype, node: spec.name, zeroed: false)
        if probabilities.count > 0 {
            do { try Reduction.softmax(rows, axis: 1, into: &probabilities, options: context.kernelOptions) } catch let error as TensorError {
                throw spec.shapeError("\(error)")
            }
            if masked.contains(true) {
                try probabilities.withUnsafeMutableBufferPointer(as: T.self) { p in
                    for r in 0..<rowCount where masked[r] { p.baseAddress!.advanced(by: r * t).update(repeating: 0, count: t) }
                }
            }
        }
        let shape4: Shape = [g.batch, g.qHeads, g.qLength, t]
        if wantsScores && outputMode == 3 { scoresOut = probabilities }
        let y = try batchedGEMM(probabilities, Array(0..<heads), transposeA: false, value, kvMatrix, transposeB: false,
                                m: g.qLength, n: g.valueHeadSize, k: t, spec, context)
        return (try y.viewed(as: [g.batch, g.qHeads, g.qLength, g.valueHeadSize], spec), try scoresOut?.viewed(as: shape4, spec))
    }
}

/// `attn_mask` as an additive bias in Double (`false` is `-inf`, `true` 0), with its row strides broadcast to
/// `[B, Hq, Sq]`; keys at or past `columns` (a mask shorter than the keys) are masked.
struct MaskBias {
    var values: [Double] = []
    var strides = [0, 0, 0]
    var columns = Int.max

    init(_ mask: Tensor?, _ g: Attention.Geometry, _ spec: NodeSpec) throws {
        guard let mask else { return }
        guard mask.rank >= 1, mask.rank <= 4 else { throw spec.shapeError("attn_mask \(mask.shape) must have rank 1 to 4") }
        switch mask.dtype {
        case .bool: values = try mask.scalars(as: Bool.self).map { $0 ? 0 : -.infinity }
        case .float32: values = try mask.scalars(as: Float.self).map(Double.init)
        case .float64: values = try mask.scalars(as: Double.self)
        case .int32: values = try mask.scalars(as: Int32.self).map(Double.init)
        case .int64: values = try mask.scalars(as: Int64.self).map(Double.init)
        default: throw spec.error("attn_mask type \(mask.dtype) is not supported")
        }
        let target = [g.batch, g.qHeads, g.qLength, g.total]
        let dims = [Int](repeating: 1, count: 4 - mask.rank) + mask.shape.dims
        let own = rowMajorStrides(dims)
        var full = [0, 0, 0]
        for a in 0..<3 {
            guard dims[a] == target[a] || dims[a] == 1 else {
                throw spec.shapeError("attn_mask \(mask.shape) does not broadcast to \(target)")
            }
            full[a] = dims[a] == 1 ? 0 : own[a]
        }
        // As the reference pads it: a shorter last axis (even of size 1) masks the keys past its end.
        guard dims[3] <= g.total else { throw spec.shapeError("attn_mask \(mask.shape) has more keys than the \(g.total) of K") }
        columns = dims[3]
        strides = full
    }

    @inline(__always)
    func rowOffset(_ b: Int, _ h: Int, _ i: Int) -> Int { b * strides[0] + h * strides[1] + i * strides[2] }
}
