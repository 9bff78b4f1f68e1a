import MLCoreTensor

/// Loop: runs `body` while the trip count and the condition allow, carrying N values from one iteration to
/// the next and stacking K scan outputs along a new first axis.
///
/// Inputs: `M` (optional int64 trip count), `cond` (optional bool), then the N initial carried values. The body
/// takes `(iteration_num, cond, carried...)` and returns `(cond, carried..., scan outputs...)`. Without a trip
/// count and a condition the loop is bounded by ``SessionOptions/maxLoopIterations``.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Loop.html
struct Loop: Operator {
    let spec: NodeSpec
    let body: Subgraph

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        body = try Subgraph(spec, attribute: "body")
        guard spec.node.inputs.count >= 2 else { throw spec.error("Loop needs the inputs M and cond (either may be empty)") }
        let carried = spec.node.inputs.count - 2
        guard body.inputCount == carried + 2 else {
            throw spec.error("the body takes \(body.inputCount) inputs; with \(carried) carried values it must take \(carried + 2)")
        }
        guard body.plan.outputs.count >= carried + 1 else {
            throw spec.error("the body returns \(body.plan.outputs.count) outputs; it must return the condition and \(carried) carried values")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let declared = spec.declared(inputs)
        let captured = spec.captured(inputs)
        var tripCount = Int64.max
        if let m = try declared.optionalTensor(0, spec) {
            guard let v = m.widenedIntegers(), v.count == 1 else { throw spec.error("M must be one integer, got \(m.dtype)\(m.shape)") }
            tripCount = v[0]
        }
        var condition = true
        if let c = try declared.optionalTensor(1, spec) { condition = try spec.condition(c, "cond") }
        let bounded = declared[0] != nil || declared[1] != nil

        var carried: [Value?] = Array(declared.dropFirst(2))
        let carriedCount = carried.count
        var scans: [[Tensor]] = Array(repeating: [], count: body.plan.outputs.count - 1 - carriedCount)
        var i: Int64 = 0
        while i < tripCount && condition {
            guard i < Int64(spec.options.maxLoopIterations) else {
                throw ONNXError.limitExceeded(what: "node '\(spec.name)' (Loop\(bounded ? "" : " without a trip count or condition")) iterations",
                                              value: Int(i), limit: spec.options.maxLoopIterations)
            }
            let out = try body.run([.tensor(Tensor(scalar: i)), .tensor(Tensor(scalar: condition))] + carried,
                                   captured: captured, context, spec)
            guard let c = out[0].tensor else { throw spec.error("the body's condition output is not a tensor") }
            condition = try spec.condition(c, "the body's condition output")
            for k in 0..<carriedCount { carried[k] = out[1 + k] }
            for k in scans.indices {
                guard let t = out[1 + carriedCount + k].tensor else { throw spec.error("scan output \(k) of the body is not a tensor") }
                scans[k].append(t)
            }
            i += 1
        }
        var results: [Value] = try carried.enumerated().map { k, v in
            guard let v else { throw spec.error("loop-carried value \(k) has no value") }
            return v
        }
        for (k, parts) in scans.enumerated() {
            // No iteration ran: an empty tensor (onnxruntime gives shape [0] too when nothing ran).
            if parts.isEmpty {
                results.append(.tensor(try Tensor(zeros: [0], dtype: .float32)))
            } else {
                results.append(.tensor(try spec.stack(parts, axis: 0, context, what: "scan output \(k)")))
            }
        }
        return results
    }
}
