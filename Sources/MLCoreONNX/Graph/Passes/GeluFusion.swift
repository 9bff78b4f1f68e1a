import MLCoreTensor

/// Fuses the exact (erf) GELU as exporters write it, five element-wise nodes, into one `Gelu` (onnxruntime's
/// com.microsoft operator, the erf form): `x·0.5·(1 + erf(x/√2))` reads and writes its tensor once instead of
/// five times. Matched forms, operands of Add and Mul in either order:
/// - `Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5)` (torch's `nn.GELU` export),
/// - `Mul(Mul(x, 0.5), Add(Erf(Div(x, √2)), 1))` (Hugging Face's `gelu`),
/// with `Mul(x, 1/√2)` in place of the Div. Each intermediate value must be read by the next node alone and not
/// be a graph output; the constants must be scalars within 1e-4 of the expected values.
enum GeluFusion: GraphPass {
    static let level = GraphOptimizationLevel.all
    static let microsoft = "com.microsoft"

    static func apply(_ model: ONNXModel) -> ONNXModel {
        let graph = model.graph
        guard graph.nodes.contains(where: { $0.opType == "Erf" && $0.domain.isEmpty }) else { return model }
        let index = GraphIndex(graph)
        var removed = Set<Int>()
        var replacement: [Int: ONNXNode] = [:]

        func scalar(_ name: String) -> Double? {
            guard let t = index.constant(name), t.count == 1 else { return nil }
            return t.widenedFloats()?.first
        }
        func near(_ name: String, _ value: Double) -> Bool {
            guard let v = scalar(name) else { return false }
            return abs(v - value) <= 1e-4 * abs(value)
        }
        /// A plain binary node of `op` reading `value`: its other operand.
        func other(_ node: ONNXNode, _ op: String, reading value: String) -> String? {
            guard node.opType == op, node.domain.isEmpty, node.inputs.count == 2, node.outputs.count == 1,
                  node.inputs.filter({ $0 == value }).count == 1 else { return nil }
            return node.inputs[0] == value ? node.inputs[1] : node.inputs[0]
        }
        func free(_ i: Int) -> Bool { !removed.contains(i) && replacement[i] == nil }

        for (e, erf) in graph.nodes.enumerated() where erf.opType == "Erf" && erf.domain.isEmpty && erf.inputs.count == 1 && free(e) {
            // x / √2 (or x · 1/√2), read by the Erf alone.
            guard let s = index.producer[erf.inputs[0]], free(s), index.soleReader(of: erf.inputs[0]) == e else { continue }
            let scale = graph.nodes[s]
            guard scale.domain.isEmpty, scale.inputs.count == 2, scale.outputs.count == 1 else { continue }
            let x: String
            if scale.opType == "Div", near(scale.inputs[1], 2.0.squareRoot()) {
                x = scale.inputs[0]
            } else if scale.opType == "Mul", near(scale.inputs[1], 0.5.squareRoot()) {
                x = scale.inputs[0]
            } else if scale.opType == "Mul", near(scale.inputs[0], 0.5.squareRoot()) {
                x = scale.inputs[1]
            } else { continue }
            // 1 + erf(...)
            guard let a = index.soleReader(of: erf.outputs[0]), free(a),
                  let one = other(graph.nodes[a], "Add", reading: erf.outputs[0]), near(one, 1) else { continue }
            let sum = graph.nodes[a].outputs[0]
            guard let m1 = index.soleReader(of: sum), free(m1), let factor = other(graph.nodes[m1], "Mul", reading: sum) else { continue }
            var chain = [s, e, a, m1]
            let output: String
            if factor == x {
                // Mul(x, 1 + erf) then Mul(_, 0.5).
                let product = graph.nodes[m1].outputs[0]
                guard let m2 = index.soleReader(of: product), free(m2),
                      let half = other(graph.nodes[m2], "Mul", reading: product), near(half, 0.5) else { continue }
                chain.append(m2)
                output = graph.nodes[m2].outputs[0]
            } else {
                // Mul(Mul(x, 0.5), 1 + erf).
                guard let h = index.producer[factor], free(h), index.soleReader(of: factor) == m1,
                      let half = other(graph.nodes[h], "Mul", reading: x), near(half, 0.5) else { continue }
                chain.append(h)
                output = graph.nodes[m1].outputs[0]
            }
            let last = chain.max()!
            for i in chain where i != last { removed.insert(i) }
            replacement[last] = ONNXNode(name: erf.name, opType: "Gelu", domain: microsoft, inputs: [x], outputs: [output], attributes: [:])
        }
        guard !replacement.isEmpty else { return model }
        var result = model
        result.graph.nodes = graph.nodes.indices.compactMap { i in replacement[i] ?? (removed.contains(i) ? nil : graph.nodes[i]) }
        if result.opsetImports[microsoft] == nil { result.opsetImports[microsoft] = 1 }
        return result
    }
}
