import MLCoreKernels
import MLCoreTensor

/// LSTM (opsets 1, 7, 14), computed as onnxruntime does: gates `i, o, f, c` in that order in W, R and B;
/// `i = f(Xi + Hi + Pi ⊙ C_{t-1} + Wbi + Rbi)`, likewise `f`, `c̃ = g(...)`, `C_t = f ⊙ C_{t-1} + i ⊙ c̃`,
/// `o = f(Xo + Ho + Po ⊙ C_t + ...)`, `H_t = o ⊙ h(C_t)`; `clip` bounds each activation's input; `input_forget`
/// couples the gates as `f = 1 - i`. Rows shorter than `seq_length` (sequence_lens) stop at their length: Y is
/// zero past it, Y_h and Y_c hold the state at the last valid step (zero for length 0), and the reverse direction
/// runs each row from its own last valid step.
///
/// X·W^T for every step and both directions is one GEMM before the time loop. The float32 standard cell
/// (sigmoid, tanh, tanh, no peepholes, clip or coupled gates: what PyTorch and Keras export) then runs every step
/// of a direction in one C loop (LSTM+Fused.swift; hidden 16, batch 1: about 0.3 µs a step instead of 1.2).
/// Other cells run the general loop below: each step is one GEMM `R · H_{t-1}` over the batch, with the state
/// kept unit-major (`[hidden, batch]`) so each gate block is contiguous for the vector activation kernels.
/// - Complexity: O(seq · batch · hidden · (input + hidden)) per direction.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__LSTM.html
struct LSTM: Operator {
    let spec: NodeSpec
    let attributes: RecurrentAttributes
    /// Per direction: f, g, h.
    let activations: [[RecurrentActivation]]
    let inputForget: Bool
    /// R^T per direction for the fused cell, when R is a float32 initializer of the expected rank.
    let fusedRecurrence: [Float]?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        attributes = try RecurrentAttributes(spec, clipMustBePositive: true)
        activations = try RecurrentActivation.parseConsumed(spec, perDirection: 3, numDirections: attributes.numDirections,
                                                           defaults: [.sigmoid, .tanh, .tanh])
        inputForget = try spec.int("input_forget", default: 0) != 0
        if let r = spec.constantInput(2), r.dtype == .float32, r.rank == 3, r.shape[0] == attributes.numDirections,
           r.shape[1] == 4 * r.shape[2], r.shape[2] > 0 {
            fusedRecurrence = Self.transposedRecurrence(r.unsafeElements(as: Float.self), directions: r.shape[0], hidden: r.shape[2])
        } else {
            fusedRecurrence = nil
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let p = try RecurrentProblem(inputs, gates: 4, attributes, spec)
        do {
            switch p.x.dtype {
            case .float32:
                if (0..<p.numDirections).allSatisfy(hasStandardCell), try inputs.optionalTensor(7, spec) == nil,
                   let outputs = try computeFused(p, inputs, context) {
                    return outputs
                }
                return try compute(Float.self, p, inputs, context)
            default: return try compute(Double.self, p, inputs, context)
            }
        } catch let error as TensorError {
            throw spec.error("\(error)")
        }
    }

    func compute<T: NNFloat>(_: T.Type, _ p: RecurrentProblem, _ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let hs = p.hidden, batch = p.batch, options = context.kernelOptions
        var peepholes: [T]? = nil
        if let pt = try inputs.optionalTensor(7, spec) {
            guard pt.dtype == p.x.dtype else { throw spec.error("P has type \(pt.dtype), X has \(p.x.dtype)") }
            guard pt.shape.dims == [p.numDirections, 3 * hs] else {
                throw spec.shapeError("P must have shape [\(p.numDirections), \(3 * hs)], got \(pt.shape)")
            }
            peepholes = try pt.scalars(as: T.self)
        }
        let wantY = spec.wantsOutput(0)
        var y = try context.makeTensor(wantY ? p.outputShape : [0], p.x.dtype, node: spec.name)
        var yh = try context.makeTensor(p.stateShape, p.x.dtype, node: spec.name)
        var yc = try context.makeTensor(p.stateShape, p.x.dtype, node: spec.name)
        let projection = try p.inputProjection(options)
        let clip = attributes.clip

        for d in 0..<p.numDirections {
            let reverse = attributes.direction == .reverse || d == 1
            let (wb, rb) = try p.bias(T.self, d)
            let bias = zip(wb, rb).map { $0 + $1 }
            let (f, g, h) = (activations[d][0], activations[d][1], activations[d][2])
            let rd = try p.recurrence(d)
            var hState = try p.initialState(T.self, inputs, 5, d, spec)
            var cState = try p.initialState(T.self, inputs, 6, d, spec)
            var gates = try Tensor(zeros: [4 * hs, batch], dtype: T.dtype)
            var iGate = try Tensor(zeros: [hs, batch], dtype: T.dtype), fGate = iGate, cGate = iGate, oGate = iGate, hc = iGate
            let peep = peepholes.map { Array($0[d * 3 * hs..<(d + 1) * 3 * hs]) }  // i, o, f

            // The common cell (float32, sigmoid/tanh/tanh, no peepholes, clip or coupled gates) runs as three
            // vector activation calls on the contiguous gate rows and two fused loops.
            let standardCell = T.self == Float.self && peep == nil && hasStandardCell(d)
            for step in 0..<p.maxLength {
                let columns = p.columns(step: step, reverse: reverse)
                try GEMM.multiply(rd, hState, into: &gates, options: options)
                var gp = gates.unsafeMutableElements(as: T.self)
                var cp = cState.unsafeMutableElements(as: T.self)
                p.addProjection(gp, rows: 0..<4 * hs, gateBase: d * 4 * hs, projection: projection.unsafeElements(as: T.self),
                                columns: columns, bias: bias, clip: nil)
                if standardCell {
                    let n = hs * batch
                    let gates = UnsafeMutableRawPointer(gp).assumingMemoryBound(to: Float.self)
                    let c = UnsafeMutableRawPointer(cp).assumingMemoryBound(to: Float.self)
                    let hcp = UnsafeMutableRawPointer(hc.unsafeMutableElements(as: T.self)).assumingMemoryBound(to: Float.self)
                    let hp = UnsafeMutableRawPointer(hState.unsafeMutableElements(as: T.self)).assumingMemoryBound(to: Float.self)
                    Activation.apply(.sigmoid, gates, gates, count: 3 * n, options: options)  // i, o, f
                    Activation.apply(.tanh, gates + 3 * n, gates + 3 * n, count: n, options: options)  // c̃
                    for b in 0..<batch where step < p.lengths[b] {
                        for j in 0..<hs {
                            let k = j * batch + b
                            c[k] = gates[2 * n + k] * c[k] + gates[k] * gates[3 * n + k]
                        }
                    }
                    Activation.apply(.tanh, c, hcp, count: n, options: options)
                    for b in 0..<batch where step < p.lengths[b] {
                        for j in 0..<hs {
                            let k = j * batch + b
                            hp[k] = gates[n + k] * hcp[k]
                        }
                    }
                    if wantY { p.writeOutput(y.unsafeMutableElements(as: T.self), hState.unsafeElements(as: T.self), step: step, d: d, reverse: reverse) }
                    continue
                }
                if let peep {
                    for j in 0..<hs {
                        let pi = peep[j], pf = peep[2 * hs + j]
                        for b in 0..<batch {
                            gp[j * batch + b] += pi * cp[j * batch + b]
                            gp[(2 * hs + j) * batch + b] += pf * cp[j * batch + b]
                        }
                    }
                }
                if let clip {
                    p.clipRows(gp, rows: 0..<hs, clip)
                    p.clipRows(gp, rows: 2 * hs..<4 * hs, clip)
                }
                try f.apply(T.self, gates.rows(0..<hs), into: &iGate, options)
                if inputForget {
                    let ip = iGate.unsafeElements(as: T.self), fp = fGate.unsafeMutableElements(as: T.self)
                    for k in 0..<hs * batch { fp[k] = 1 - ip[k] }
                } else {
                    try f.apply(T.self, gates.rows(2 * hs..<3 * hs), into: &fGate, options)
                }
                try g.apply(T.self, gates.rows(3 * hs..<4 * hs), into: &cGate, options)

                cp = cState.unsafeMutableElements(as: T.self)
                let ip = iGate.unsafeElements(as: T.self), fp = fGate.unsafeElements(as: T.self), gcp = cGate.unsafeElements(as: T.self)
                for b in 0..<batch where step < p.lengths[b] {
                    for j in 0..<hs {
                        let k = j * batch + b
                        cp[k] = cp[k] * fp[k] + ip[k] * gcp[k]
                    }
                }
                gp = gates.unsafeMutableElements(as: T.self)
                if let peep {
                    for j in 0..<hs {
                        let po = peep[hs + j]
                        for b in 0..<batch { gp[(hs + j) * batch + b] += po * cp[j * batch + b] }
                    }
                }
                if let clip { p.clipRows(gp, rows: hs..<2 * hs, clip) }
                try f.apply(T.self, gates.rows(hs..<2 * hs), into: &oGate, options)
                try h.apply(T.self, cState, into: &hc, options)

                let op = oGate.unsafeElements(as: T.self), hcp = hc.unsafeElements(as: T.self)
                let hp = hState.unsafeMutableElements(as: T.self)
                for b in 0..<batch where step < p.lengths[b] {
                    for j in 0..<hs {
                        let k = j * batch + b
                        hp[k] = op[k] * hcp[k]
                    }
                }
                if wantY { p.writeOutput(y.unsafeMutableElements(as: T.self), hState.unsafeElements(as: T.self), step: step, d: d, reverse: reverse) }
            }
            p.writeState(yh.unsafeMutableElements(as: T.self), hState.unsafeElements(as: T.self), d: d)
            p.writeState(yc.unsafeMutableElements(as: T.self), cState.unsafeElements(as: T.self), d: d)
        }
        return [.tensor(y), .tensor(yh), .tensor(yc)]
    }
}
