import MLCoreKernels
import MLCoreTensor

/// GRU (opsets 1, 3, 7, 14), computed as onnxruntime does: gates `z, r, h` in that order;
/// `z = f(Xz + Hz + Wbz + Rbz)`, `r` likewise, `h̃ = g(Xh + (r ⊙ H_{t-1}) Rh^T + Rbh + Wbh)`, or with
/// `linear_before_reset` `h̃ = g(Xh + r ⊙ (H_{t-1} Rh^T + Rbh) + Wbh)`; `H_t = (1 - z) ⊙ h̃ + z ⊙ H_{t-1}`.
/// `clip`, sequence_lens, layouts and outputs as ``LSTM``.
///
/// One GEMM for X·W^T of every step and direction; per step one GEMM (two without linear_before_reset, the
/// second over `r ⊙ H_{t-1}`) over the batch, state unit-major.
/// - Complexity: O(seq · batch · hidden · (input + hidden)) per direction.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__GRU.html
struct GRU: Operator {
    let spec: NodeSpec
    let attributes: RecurrentAttributes
    /// Per direction: f, g.
    let activations: [[RecurrentActivation]]
    let linearBeforeReset: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        attributes = try RecurrentAttributes(spec, clipMustBePositive: true)
        activations = try RecurrentActivation.parseConsumed(spec, perDirection: 2, numDirections: attributes.numDirections,
                                                           defaults: [.sigmoid, .tanh])
        linearBeforeReset = try spec.int("linear_before_reset", default: 0) != 0
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let p = try RecurrentProblem(inputs, gates: 3, attributes, spec)
        do {
            switch p.x.dtype {
            case .float32: return try compute(Float.self, p, inputs, context)
            default: return try compute(Double.self, p, inputs, context)
            }
        } catch let error as TensorError {
            throw spec.error("\(error)")
        }
    }

    func compute<T: NNFloat>(_: T.Type, _ p: RecurrentProblem, _ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let hs = p.hidden, batch = p.batch, options = context.kernelOptions
        let wantY = spec.wantsOutput(0)
        var y = try context.makeTensor(wantY ? p.outputShape : [0], p.x.dtype, node: spec.name)
        var yh = try context.makeTensor(p.stateShape, p.x.dtype, node: spec.name)
        let projection = try p.inputProjection(options)
        let clip = attributes.clip

        for d in 0..<p.numDirections {
            let reverse = attributes.direction == .reverse || d == 1
            let (wb, rb) = try p.bias(T.self, d)
            // z, r: Wb + Rb; h: Wbh (+ Rbh unless linear_before_reset, where Rbh goes inside r ⊙ (...)).
            var bias = zip(wb, rb).map { $0 + $1 }
            if linearBeforeReset { for j in 2 * hs..<3 * hs { bias[j] = wb[j] } }
            let candidateBias = Array(bias[2 * hs..<3 * hs])
            let (f, g) = (activations[d][0], activations[d][1])
            let rd = try p.recurrence(d)
            let rzr = try rd.rows(0..<2 * hs), rh = try rd.rows(2 * hs..<3 * hs)
            var hState = try p.initialState(T.self, inputs, 5, d, spec)
            var gates = try Tensor(zeros: [(linearBeforeReset ? 3 : 2) * hs, batch], dtype: T.dtype)
            var candidate = try Tensor(zeros: [hs, batch], dtype: T.dtype)
            var zr = try Tensor(zeros: [2 * hs, batch], dtype: T.dtype), hGate = candidate, resetState = candidate

            for step in 0..<p.maxLength {
                let columns = p.columns(step: step, reverse: reverse)
                let proj = projection.unsafeElements(as: T.self)
                try GEMM.multiply(linearBeforeReset ? rd : rzr, hState, into: &gates, options: options)
                var gp = gates.unsafeMutableElements(as: T.self)
                p.addProjection(gp, rows: 0..<2 * hs, gateBase: d * 3 * hs, projection: proj, columns: columns, bias: bias, clip: clip)
                try f.apply(T.self, gates.rows(0..<2 * hs), into: &zr, options)
                let zp = zr.unsafeElements(as: T.self), rp = zp + hs * batch
                let hp = hState.unsafeMutableElements(as: T.self)
                let cp = candidate.unsafeMutableElements(as: T.self)
                if linearBeforeReset {
                    // candidate = Xh + Wbh + r ⊙ (H Rh^T + Rbh)
                    gp = gates.unsafeMutableElements(as: T.self)
                    for j in 0..<hs {
                        let rbh = rb[2 * hs + j], row = (2 * hs + j) * batch
                        for b in 0..<batch { cp[j * batch + b] = rp[j * batch + b] * (gp[row + b] + rbh) }
                    }
                } else {
                    // candidate = Xh + Wbh + Rbh + (r ⊙ H) Rh^T
                    let sp = resetState.unsafeMutableElements(as: T.self)
                    for k in 0..<hs * batch { sp[k] = rp[k] * hp[k] }
                    try GEMM.multiply(rh, resetState, into: &candidate, options: options)
                }
                p.addProjection(candidate.unsafeMutableElements(as: T.self), rows: 0..<hs, gateBase: d * 3 * hs + 2 * hs,
                                projection: proj, columns: columns, bias: candidateBias, clip: clip)
                try g.apply(T.self, candidate, into: &hGate, options)
                let hgp = hGate.unsafeElements(as: T.self)
                let zp2 = zr.unsafeElements(as: T.self), hp2 = hState.unsafeMutableElements(as: T.self)
                for b in 0..<batch where step < p.lengths[b] {
                    for j in 0..<hs {
                        let k = j * batch + b
                        hp2[k] = (1 - zp2[k]) * hgp[k] + zp2[k] * hp2[k]
                    }
                }
                if wantY { p.writeOutput(y.unsafeMutableElements(as: T.self), hState.unsafeElements(as: T.self), step: step, d: d, reverse: reverse) }
            }
            p.writeState(yh.unsafeMutableElements(as: T.self), hState.unsafeElements(as: T.self), d: d)
        }
        return [.tensor(y), .tensor(yh)]
    }
}
