import MLCoreTensor

/// Scan (opset 9 on): runs `body` once per slice of the M scan inputs along their scan axes, carrying N state
/// values and stacking K scan outputs along their output axes (either direction).
///
/// Inputs: N initial states, then M scan inputs. The body takes `(states..., slices...)` and returns
/// `(states..., scan outputs...)`. Opset 8's form (with `sequence_lens` and a batch axis) is not supported.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Scan.html
struct Scan: Operator {
    let spec: NodeSpec
    let body: Subgraph
    let stateCount: Int
    let scanInputCount: Int
    let inputReversed: [Bool]
    let inputAxes: [Int64]
    let outputReversed: [Bool]
    let outputAxes: [Int64]

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        body = try Subgraph(spec, attribute: "body")
        scanInputCount = Int(try spec.int("num_scan_inputs"))
        stateCount = spec.node.inputs.count - scanInputCount
        guard scanInputCount >= 1, stateCount >= 0 else {
            throw spec.error("num_scan_inputs \(scanInputCount) does not fit \(spec.node.inputs.count) inputs")
        }
        guard body.inputCount == stateCount + scanInputCount else {
            throw spec.error("the body takes \(body.inputCount) inputs, Scan gives it \(stateCount + scanInputCount)")
        }
        let scanOutputCount = body.plan.outputs.count - stateCount
        guard scanOutputCount >= 0 else { throw spec.error("the body returns fewer outputs than there are states") }
        func flags(_ name: String, _ n: Int) throws -> [Bool] {
            let v = try spec.ints(name, default: Array(repeating: 0, count: n))
            guard v.count == n, v.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw spec.error("\(name) must hold \(n) values of 0 or 1") }
            return v.map { $0 == 1 }
        }
        inputReversed = try flags("scan_input_directions", scanInputCount)
        outputReversed = try flags("scan_output_directions", scanOutputCount)
        inputAxes = try spec.ints("scan_input_axes", default: Array(repeating: 0, count: scanInputCount))
        outputAxes = try spec.ints("scan_output_axes", default: Array(repeating: 0, count: scanOutputCount))
        guard inputAxes.count == scanInputCount, outputAxes.count == scanOutputCount else {
            throw spec.error("scan_input_axes / scan_output_axes must have one value per scan input / output")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let declared = spec.declared(inputs)
        var states = Array(declared.prefix(stateCount))
        var slices: [[Tensor]] = []
        var length: Int?
        for j in 0..<scanInputCount {
            let x = try declared.tensor(stateCount + j, spec)
            let axis = try spec.normalizedAxis(inputAxes[j], rank: x.rank, what: "scan_input_axes[\(j)]")
            if let length, length != x.shape[axis] {
                throw spec.shapeError("scan input \(j) has \(x.shape[axis]) steps along axis \(axis), scan input 0 has \(length)")
            }
            length = x.shape[axis]
            var dims = x.shape.dims
            dims.remove(at: axis)
            let pieces = try Split.pieces(of: x, axis: axis, sizes: Array(repeating: 1, count: x.shape[axis]), spec, context)
            var views = try pieces.map { try $0.viewed(as: Shape(dims), spec) }
            if inputReversed[j] { views.reverse() }
            slices.append(views)
        }
        let steps = length ?? 0
        var outputs: [[Tensor]] = Array(repeating: [], count: outputAxes.count)
        for t in 0..<steps {
            let out = try body.run(states + slices.map { .tensor($0[t]) }, captured: spec.captured(inputs), context, spec)
            for k in 0..<stateCount { states[k] = out[k] }
            for k in outputs.indices {
                guard let y = out[stateCount + k].tensor else { throw spec.error("scan output \(k) of the body is not a tensor") }
                outputs[k].append(y)
            }
        }
        var results: [Value] = try states.enumerated().map { k, v in
            guard let v else { throw spec.error("state \(k) has no value") }
            return v
        }
        for (k, var parts) in outputs.enumerated() {
            guard let first = parts.first else {
                results.append(.tensor(try Tensor(zeros: [0], dtype: .float32)))
                continue
            }
            if outputReversed[k] { parts.reverse() }
            let axis = try spec.normalizedAxis(outputAxes[k], rank: first.rank + 1, what: "scan_output_axes[\(k)]")
            results.append(.tensor(try spec.stack(parts, axis: axis, context, what: "scan output \(k)")))
        }
        return results
    }
}
