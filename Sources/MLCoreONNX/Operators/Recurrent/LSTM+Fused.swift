import MLCoreKernels
import MLCoreTensor

extension LSTM {
    /// Whether direction `d` has the standard cell (sigmoid, tanh, tanh, no peepholes, clip or coupled gates),
    /// which ``computeFused(_:_:_:)`` runs as one C loop.
    func hasStandardCell(_ d: Int) -> Bool {
        attributes.clip == nil && !inputForget
            && activations[d][0].isPlain(.sigmoid) && activations[d][1].isPlain(.tanh) && activations[d][2].isPlain(.tanh)
    }

    /// The float32 standard-cell LSTM with every step of a direction in one kernel call
    /// (``RecurrentCell/lstmDirection``): the input projection is one GEMM laid out one row of `4 * hidden` gate
    /// values per (time, batch row), the state is batch-major, and R^T comes from load (``fusedRecurrence``) when R
    /// is an initializer. nil when the kernel options ask for the reference path (the caller's general loop runs).
    func computeFused(_ p: RecurrentProblem, _ inputs: [Value?], _ context: RunContext) throws -> [Value]? {
        let hs = p.hidden, batch = p.batch, nd = p.numDirections, options = context.kernelOptions
        guard RecurrentCell.runs(options) else { return nil }
        let wantY = spec.wantsOutput(0)
        var y = try context.makeTensor(wantY ? p.outputShape : [0], .float32, node: spec.name)
        var yh = try context.makeTensor(p.stateShape, .float32, node: spec.name)
        var yc = try context.makeTensor(p.stateShape, .float32, node: spec.name)
        // [seqLength * batch, nd * 4 * hidden]: row column(t, b) holds the gates of every direction.
        let projection = try GEMM.multiply(try p.x.reshaped([p.seqLength * batch, p.inputSize]),
                                           try p.w.reshaped([nd * 4 * hs, p.inputSize]), transposeB: true, options: options)
        let rowStride = nd * 4 * hs
        let projT = p.batchMajor ? rowStride : batch * rowStride, projB = p.batchMajor ? p.seqLength * rowStride : rowStride
        let yT = p.batchMajor ? nd * hs : nd * batch * hs, yB = p.batchMajor ? p.seqLength * nd * hs : hs
        let lengths = p.lengths.map(Int64.init)
        // R^T of every direction: made at load when R is an initializer (the usual case), else here.
        let rtAll = fusedRecurrence.flatMap { $0.count == nd * 4 * hs * hs ? $0 : nil }
            ?? Self.transposedRecurrence(p.r.unsafeElements(as: Float.self), directions: nd, hidden: hs)
        let bAll = p.b.map { $0.unsafeElements(as: Float.self) }
        // State (h, c: batch rows of hidden), the kernel's gate scratch and the summed bias, in one buffer.
        let work = UnsafeMutableBufferPointer<Float>.allocate(capacity: batch * hs * 2 + batch * 4 * hs + 4 * hs)
        defer { work.deallocate() }
        let h = work.baseAddress!, c = h + batch * hs, scratch = c + batch * hs, bias = scratch + batch * 4 * hs
        let projectionBase = projection.unsafeElements(as: Float.self)

        for d in 0..<nd {
            let reverse = attributes.direction == .reverse || d == 1
            if let bAll {
                let n = 4 * hs
                for j in 0..<n { bias[j] = bAll[2 * d * n + j] + bAll[(2 * d + 1) * n + j] }
            }
            try loadState(h, inputs, 5, d, p)
            try loadState(c, inputs, 6, d, p)
            let yp = wantY ? y.unsafeMutableElements(as: Float.self) + (p.batchMajor ? d * hs : d * batch * hs) : nil
            rtAll.withUnsafeBufferPointer { rtp in
                lengths.withUnsafeBufferPointer { lp in
                    _ = RecurrentCell.lstmDirection(
                        hidden: hs, batch: batch, steps: p.maxLength, lengths: lp.baseAddress!, reverse: reverse,
                        projection: projectionBase + d * 4 * hs, projectionTimeStride: projT, projectionBatchStride: projB,
                        bias: bAll == nil ? nil : UnsafePointer(bias), recurrenceTransposed: rtp.baseAddress! + d * 4 * hs * hs,
                        h: h, c: c, y: yp, outputTimeStride: yT, outputBatchStride: yB, scratch: scratch, options: options)
                }
            }
            let yhp = yh.unsafeMutableElements(as: Float.self), ycp = yc.unsafeMutableElements(as: Float.self)
            for b in 0..<batch {
                let o = p.stateOffset(d, b)
                for j in 0..<hs {
                    yhp[o + j] = p.lengths[b] == 0 ? 0 : h[b * hs + j]
                    ycp[o + j] = p.lengths[b] == 0 ? 0 : c[b * hs + j]
                }
            }
        }
        return [.tensor(y), .tensor(yh), .tensor(yc)]
    }

    /// R (`[directions, 4 * hidden, hidden]`) as one `[hidden, 4 * hidden]` R^T per direction, back to back.
    static func transposedRecurrence(_ r: UnsafePointer<Float>, directions: Int, hidden hs: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: directions * 4 * hs * hs) { out, count in
            let o = out.baseAddress!
            for d in 0..<directions {
                let src = r + d * 4 * hs * hs, dst = o + d * 4 * hs * hs
                for g in 0..<4 * hs {
                    for k in 0..<hs { dst[k * 4 * hs + g] = src[g * hs + k] }
                }
            }
            count = directions * 4 * hs * hs
        }
    }

    /// Initial state `index` (initial_h, initial_c) of direction `d` into `state`, batch-major (zeros without it).
    private func loadState(_ state: UnsafeMutablePointer<Float>, _ inputs: [Value?], _ index: Int, _ d: Int, _ p: RecurrentProblem) throws {
        guard let t = try inputs.optionalTensor(index, spec) else {
            state.update(repeating: 0, count: p.batch * p.hidden)
            return
        }
        guard t.dtype == p.x.dtype else { throw spec.error("input \(index) has type \(t.dtype), X has \(p.x.dtype)") }
        guard t.shape == p.stateShape else { throw spec.shapeError("input \(index) must have shape \(p.stateShape), got \(t.shape)") }
        let src = t.unsafeElements(as: Float.self)
        for b in 0..<p.batch {
            (state + b * p.hidden).update(from: src + p.stateOffset(d, b), count: p.hidden)
        }
    }
}
