/// The QDQ fusion pass: a graph written in onnxruntime's QDQ format (every operator between DequantizeLinear
/// nodes on its inputs and a QuantizeLinear on its output) runs its Conv, Gemm, Add and GlobalAveragePool
/// groups as the integer operators they stand for (QLinearConv, QGemm, QLinearAdd, QLinearGlobalAveragePool),
/// as onnxruntime's QDQ transformer does.
///
/// Why: running the group as written (a float Conv between dequantize and quantize) rounds differently from
/// onnxruntime, which fuses; over ResNet-18's 20 convolutions that drifted to 2 quantization steps on 2 of
/// 2,000 logits (measured against onnxruntime 1.32, `scripts/check-realworld-models.sh`); fused, the model
/// runs the same integer arithmetic as its QOperator twin, which matches onnxruntime exactly.
///
/// A group is fused only when it is unambiguous: each DequantizeLinear feeds only this node, has a zero point
/// and a per-tensor scale (per-output-channel, axis 0, for Conv and Gemm weights), the node's output feeds only
/// one QuantizeLinear with a zero point, no value inside the group is a graph output, and (Gemm) beta is 1 and
/// the bias is int32. Everything else is left as written.
enum QDQFusion: GraphPass {
    static let level = GraphOptimizationLevel.basic
    static let microsoft = "com.microsoft"

    static func apply(_ model: ONNXModel) -> ONNXModel {
        let graph = model.graph
        guard graph.nodes.contains(where: { $0.opType == "DequantizeLinear" }) else { return model }
        var consumers: [String: [Int]] = [:]
        var producer: [String: Int] = [:]
        for (i, node) in graph.nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty { consumers[input, default: []].append(i) }
            for output in node.outputs where !output.isEmpty { producer[output] = i }
        }
        let graphOutputs = Set(graph.outputs.map(\.name))

        func onlyReader(_ value: String, _ node: Int) -> Bool {
            consumers[value] == [node] && !graphOutputs.contains(value)
        }
        func isScalar(_ name: String) -> Bool { graph.initializers[name].map { $0.count == 1 } ?? false }

        /// The DequantizeLinear that produces input `k` of node `n`, read by `n` only, with a zero point.
        func dequantize(_ n: Int, _ k: Int, perChannelAllowed: Bool = false) -> ONNXNode? {
            let node = graph.nodes[n]
            guard k < node.inputs.count, let p = producer[node.inputs[k]] else { return nil }
            let dq = graph.nodes[p]
            guard dq.opType == "DequantizeLinear", dq.domain.isEmpty, dq.inputs.count == 3, !dq.inputs[2].isEmpty,
                  onlyReader(node.inputs[k], n) else { return nil }
            if !isScalar(dq.inputs[1]) {
                guard perChannelAllowed, case .int(let axis)? = dq.attributes["axis"] ?? .int(1), axis == 0 else { return nil }
                guard graph.initializers[dq.inputs[1]] != nil else { return nil }
            }
            if dq.attributes["block_size"] != nil { return nil }
            return dq
        }

        var removed = Set<Int>()
        var replacement: [Int: ONNXNode] = [:]  // keyed by the QuantizeLinear's index, placed where it was
        for (n, node) in graph.nodes.enumerated() where node.domain.isEmpty {
            let dataInputs: Int
            switch node.opType {
            case "Conv", "Gemm": dataInputs = node.inputs.count >= 3 && !node.inputs[2].isEmpty ? 3 : 2
            case "Add": dataInputs = 2
            case "GlobalAveragePool": dataInputs = 1
            default: continue
            }
            guard node.outputs.count == 1, let users = consumers[node.outputs[0]], users.count == 1,
                  !graphOutputs.contains(node.outputs[0]) else { continue }
            let q = graph.nodes[users[0]]
            guard q.opType == "QuantizeLinear", q.domain.isEmpty, q.inputs.count == 3, !q.inputs[2].isEmpty,
                  isScalar(q.inputs[1]), q.attributes["block_size"] == nil else { continue }
            var dqs: [ONNXNode] = []
            for k in 0..<dataInputs {
                let weight = (node.opType == "Conv" && k == 1) || (node.opType == "Gemm" && k == 1)
                guard let dq = dequantize(n, k, perChannelAllowed: weight || k == 2) else { break }
                dqs.append(dq)
            }
            guard dqs.count == dataInputs else { continue }
            if dataInputs == 3 {
                // The bias: int32 values at scale x_scale * w_scale, zero point 0 (what the quantizer writes).
                guard let bias = graph.initializers[dqs[2].inputs[0]], bias.dtype == .int32 else { continue }
            }
            let fusedName = node.name + "_qdq"
            let fused: ONNXNode
            switch node.opType {
            case "Conv":
                var inputs = [dqs[0].inputs[0], dqs[0].inputs[1], dqs[0].inputs[2],
                              dqs[1].inputs[0], dqs[1].inputs[1], dqs[1].inputs[2], q.inputs[1], q.inputs[2]]
                if dataInputs == 3 { inputs.append(dqs[2].inputs[0]) }
                fused = ONNXNode(name: fusedName, opType: "QLinearConv", domain: "", inputs: inputs, outputs: q.outputs,
                                 attributes: node.attributes)
            case "Gemm":
                if case .float(let beta)? = node.attributes["beta"], beta != 1 { continue }
                let inputs = [dqs[0].inputs[0], dqs[0].inputs[1], dqs[0].inputs[2],
                              dqs[1].inputs[0], dqs[1].inputs[1], dqs[1].inputs[2],
                              dataInputs == 3 ? dqs[2].inputs[0] : "", q.inputs[1], q.inputs[2]]
                var attributes = node.attributes
                attributes["beta"] = nil
                fused = ONNXNode(name: fusedName, opType: "QGemm", domain: microsoft, inputs: inputs, outputs: q.outputs,
                                 attributes: attributes)
            case "Add":
                let inputs = [dqs[0].inputs[0], dqs[0].inputs[1], dqs[0].inputs[2],
                              dqs[1].inputs[0], dqs[1].inputs[1], dqs[1].inputs[2], q.inputs[1], q.inputs[2]]
                fused = ONNXNode(name: fusedName, opType: "QLinearAdd", domain: microsoft, inputs: inputs, outputs: q.outputs,
                                 attributes: [:])
            default:  // GlobalAveragePool
                let inputs = [dqs[0].inputs[0], dqs[0].inputs[1], dqs[0].inputs[2], q.inputs[1], q.inputs[2]]
                fused = ONNXNode(name: fusedName, opType: "QLinearGlobalAveragePool", domain: microsoft, inputs: inputs,
                                 outputs: q.outputs, attributes: ["channels_last": .int(0)])
            }
            removed.insert(n)
            removed.insert(users[0])
            for dq in dqs { if let p = producer[dq.outputs[0]] { removed.insert(p) } }
            replacement[users[0]] = fused
        }
        guard !replacement.isEmpty else { return model }
        var nodes: [ONNXNode] = []
        for (i, node) in graph.nodes.enumerated() {
            if let fused = replacement[i] { nodes.append(fused) } else if !removed.contains(i) { nodes.append(node) }
        }
        var result = model
        result.graph.nodes = nodes
        if result.opsetImports[microsoft] == nil { result.opsetImports[microsoft] = 1 }
        return result
    }
}
