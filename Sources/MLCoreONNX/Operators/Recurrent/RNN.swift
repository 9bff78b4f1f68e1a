import MLCoreKernels
import MLCoreTensor

/// RNN (opsets 1, 7, 14), computed as onnxruntime does: `H_t = f(Xi + H_{t-1} Ri^T + Wbi + Rbi)`, one
/// activation per direction (default Tanh), alphas and betas consumed as in ``LSTM``; as in onnxruntime, a
/// negative `clip` means none.
/// sequence_lens, layouts and outputs as ``LSTM``.
/// - Complexity: O(seq · batch · hidden · (input + hidden)) per direction.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__RNN.html
struct RNN: Operator {
    let spec: NodeSpec
    let attributes: RecurrentAttributes
    let activations: [RecurrentActivation]

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        attributes = try RecurrentAttributes(spec, clipMustBePositive: false)
        let nd = attributes.numDirections
        // The schema's default is ["Tanh", "Tanh"]; onnxruntime gives one direction the first.
        if spec.has("activations"), try spec.strings("activations").count == 2, nd == 1 {
            activations = [try RecurrentActivation.parseConsumed(spec, perDirection: 2, numDirections: 1, defaults: [])[0][0]]
        } else {
            activations = try RecurrentActivation.parseConsumed(spec, perDirection: 1, numDirections: nd, defaults: [.tanh])
                .map { $0[0] }
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let p = try RecurrentProblem(inputs, gates: 1, attributes, spec)
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

        for d in 0..<p.numDirections {
            let reverse = attributes.direction == .reverse || d == 1
            let (wb, rb) = try p.bias(T.self, d)
            let bias = zip(wb, rb).map { $0 + $1 }
            let rd = try p.recurrence(d)
            var hState = try p.initialState(T.self, inputs, 5, d, spec)
            var gates = try Tensor(zeros: [hs, batch], dtype: T.dtype)
            var next = gates

            for step in 0..<p.maxLength {
                let columns = p.columns(step: step, reverse: reverse)
                try GEMM.multiply(rd, hState, into: &gates, options: options)
                p.addProjection(gates.unsafeMutableElements(as: T.self), rows: 0..<hs, gateBase: d * hs,
                                projection: projection.unsafeElements(as: T.self), columns: columns, bias: bias, clip: attributes.clip)
                try activations[d].apply(T.self, gates, into: &next, options)
                let np = next.unsafeElements(as: T.self), hp = hState.unsafeMutableElements(as: T.self)
                for b in 0..<batch where step < p.lengths[b] {
                    for j in 0..<hs { hp[j * batch + b] = np[j * batch + b] }
                }
                if wantY { p.writeOutput(y.unsafeMutableElements(as: T.self), hState.unsafeElements(as: T.self), step: step, d: d, reverse: reverse) }
            }
            p.writeState(yh.unsafeMutableElements(as: T.self), hState.unsafeElements(as: T.self), d: d)
        }
        return [.tensor(y), .tensor(yh)]
    }
}
