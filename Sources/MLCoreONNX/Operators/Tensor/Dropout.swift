import MLCoreTensor

/// Dropout at inference: the output is the input (shared, not copied), and the optional mask output is all
/// true (bool from opset 10; before that a tensor of ones of the input's type).
///
/// Opset 12 moved `ratio` and `training_mode` to inputs. Training mode with a non-zero ratio drops elements
/// at random, which an inference engine does not do: it is an error rather than a silent identity. Before
/// opset 7, `is_test=0` meant training, but exporters left it unset in inference graphs and runtimes treat
/// the node as identity, as here.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Dropout.html
struct Dropout: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        if spec.opset >= 12, let training = try inputs.optionalTensor(2, spec) {
            guard training.dtype == .bool, training.count == 1 else {
                throw spec.error("training_mode must be a bool scalar, got \(training.dtype) \(training.shape)")
            }
            if try training.scalars(as: Bool.self)[0] {
                var ratio = 0.5
                if let r = try inputs.optionalTensor(1, spec), r.count == 1 {
                    ratio = r.dtype == .float64 ? try r.scalars(as: Double.self)[0]
                        : r.dtype == .float32 ? Double(try r.scalars(as: Float.self)[0]) : ratio
                }
                if ratio != 0 { throw spec.error("training_mode=true with ratio \(ratio) is not supported (inference only)") }
            }
        }
        guard spec.node.outputs.count > 1, !spec.node.outputs[1].isEmpty else { return [.tensor(x)] }
        let one: Tensor = spec.opset >= 10 ? Tensor(scalar: true) : try Cast.convert(Tensor(scalar: Float(1)), to: x.dtype, spec, context)
        let mask = try one.dtype.visitLane(FillKernel(value: one, shape: x.shape, spec: spec, context: context))
        return [.tensor(x), .tensor(mask)]
    }
}
