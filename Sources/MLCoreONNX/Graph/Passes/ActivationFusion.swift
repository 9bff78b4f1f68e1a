import MLCoreKernels
import MLCoreTensor

/// Fuses a Conv with what follows it into one `FusedConv` (onnxruntime's com.microsoft operator):
/// `Conv -> [Add(other)] -> [activation]` becomes `FusedConv(X, W, B, Z = other)` with the activation as
/// attributes, so the residual sum and the activation are applied while the convolution's output is in cache,
/// and no intermediate tensor is allocated. Activations: Relu, Clip (constant bounds), LeakyRelu, Sigmoid, Tanh,
/// HardSigmoid, HardSwish, Gelu (exact form), as `activation` / `activation_params` the way onnxruntime writes
/// them.
///
/// Each fused value must be read by the next node of the chain alone and must not be a graph output.
enum ActivationFusion: GraphPass {
    static let level = GraphOptimizationLevel.all
    static let microsoft = "com.microsoft"

    static func apply(_ model: ONNXModel) -> ONNXModel {
        let graph = model.graph
        guard graph.nodes.contains(where: { $0.opType == "Conv" }), let opset = model.opset(for: "") else { return model }
        let index = GraphIndex(graph)
        var removed = Set<Int>()
        var replacement: [Int: ONNXNode] = [:]
        for (c, conv) in graph.nodes.enumerated() where conv.opType == "Conv" && conv.domain.isEmpty && conv.outputs.count == 1 {
            guard conv.inputs.count >= 2 else { continue }
            var chain: [Int] = []
            var value = conv.outputs[0]
            var sum: String? = nil
            var activation = FusedActivation.none
            if let a = index.soleReader(of: value), !removed.contains(a), replacement[a] == nil {
                let add = graph.nodes[a]
                if add.opType == "Add", add.domain.isEmpty, add.inputs.count == 2, add.outputs.count == 1,
                   add.inputs.filter({ $0 == value }).count == 1 {
                    sum = add.inputs[0] == value ? add.inputs[1] : add.inputs[0]
                    chain.append(a)
                    value = add.outputs[0]
                }
            }
            if let r = index.soleReader(of: value), !removed.contains(r), replacement[r] == nil,
               let act = Self.activation(graph.nodes[r], index, opset: opset) {
                activation = act
                chain.append(r)
                value = graph.nodes[r].outputs[0]
            }
            guard let last = chain.last else { continue }
            var attributes = conv.attributes
            if activation.kind != .none {
                attributes["activation"] = .string(activation.onnxName)
                attributes["activation_params"] = .floats(activation.onnxParameters)
            }
            let bias = conv.inputs.count > 2 ? conv.inputs[2] : ""
            var inputs = [conv.inputs[0], conv.inputs[1], bias]
            if let sum { inputs.append(sum) }
            removed.insert(c)
            for i in chain.dropLast() { removed.insert(i) }
            replacement[last] = ONNXNode(name: conv.name, opType: "FusedConv", domain: microsoft, inputs: inputs,
                                         outputs: [value], attributes: attributes)
        }
        guard !replacement.isEmpty else { return model }
        var result = model
        result.graph.nodes = graph.nodes.indices.compactMap { i in replacement[i] ?? (removed.contains(i) ? nil : graph.nodes[i]) }
        if result.opsetImports[microsoft] == nil { result.opsetImports[microsoft] = 1 }
        return result
    }

    /// The fused form of an activation node, or nil when it is not one (or its parameters are not constants).
    static func activation(_ node: ONNXNode, _ index: GraphIndex, opset: Int64) -> FusedActivation? {
        // GeluFusion's com.microsoft Gelu (the erf form) fuses like the ai.onnx one.
        if node.domain == microsoft, node.opType == "Gelu", node.inputs.count == 1, node.outputs.count == 1 { return FusedActivation(.gelu) }
        guard node.domain.isEmpty, node.outputs.count == 1, !node.inputs.isEmpty else { return nil }
        func float(_ name: String, _ fallback: Float) -> Float? {
            switch node.attributes[name] {
            case nil: return fallback
            case .float(let v)?: return v
            default: return nil
            }
        }
        switch node.opType {
        case "Relu": return FusedActivation(.relu)
        case "Sigmoid": return FusedActivation(.sigmoid)
        case "Tanh": return FusedActivation(.tanh)
        case "HardSwish": return FusedActivation(.hardSwish)
        case "LeakyRelu": return float("alpha", 0.01).map { FusedActivation(.leakyRelu, alpha: $0) }
        case "HardSigmoid":
            guard let a = float("alpha", 0.2), let b = float("beta", 0.5) else { return nil }
            return FusedActivation(.hardSigmoid, alpha: a, beta: b)
        case "Gelu":
            guard node.attributes["approximate"].map({ if case .string("none") = $0 { true } else { false } }) ?? true else { return nil }
            return FusedActivation(.gelu)
        case "Clip":
            if opset < 11 {
                guard let lo = float("min", -.greatestFiniteMagnitude), let hi = float("max", .greatestFiniteMagnitude) else { return nil }
                return FusedActivation(.clip, alpha: lo, beta: hi)
            }
            func bound(_ i: Int, _ fallback: Float) -> Float? {
                guard i < node.inputs.count, !node.inputs[i].isEmpty else { return fallback }
                guard let t = index.constant(node.inputs[i]), t.count == 1, let v = t.widenedFloats()?.first,
                      Double(Float(v)) == v || v.isInfinite else { return nil }
                return Float(v)
            }
            guard let lo = bound(1, -.infinity), let hi = bound(2, .infinity) else { return nil }
            return FusedActivation(.clip, alpha: lo, beta: hi)
        default: return nil
        }
    }
}

extension FusedActivation {
    /// The `activation` attribute of onnxruntime's fused operators.
    var onnxName: String {
        switch kind {
        case .none: "Identity"
        case .relu: "Relu"
        case .clip: "Clip"
        case .leakyRelu: "LeakyRelu"
        case .sigmoid: "Sigmoid"
        case .tanh: "Tanh"
        case .hardSigmoid: "HardSigmoid"
        case .hardSwish: "HardSwish"
        case .gelu: "Gelu"
        }
    }

    /// The `activation_params` attribute: Clip's min and max, LeakyRelu's alpha, HardSigmoid's alpha and beta.
    var onnxParameters: [Float] {
        switch kind {
        case .clip, .hardSigmoid: [alpha, beta]
        case .leakyRelu: [alpha]
        default: []
        }
    }

    /// Parses `activation` / `activation_params` as onnxruntime's FusedConv and FusedGemm write them.
    /// Nil for an activation name it does not know.
    init?(onnxName: String, parameters: [Float]) {
        func param(_ i: Int, _ fallback: Float) -> Float { i < parameters.count ? parameters[i] : fallback }
        switch onnxName {
        case "Identity", "": self = .none
        case "Relu": self = FusedActivation(.relu)
        case "Clip": self = FusedActivation(.clip, alpha: param(0, -.infinity), beta: param(1, .infinity))
        case "LeakyRelu": self = FusedActivation(.leakyRelu, alpha: param(0, 0.01))
        case "Sigmoid": self = FusedActivation(.sigmoid)
        case "Tanh": self = FusedActivation(.tanh)
        case "HardSigmoid": self = FusedActivation(.hardSigmoid, alpha: param(0, 0.2), beta: param(1, 0.5))
        case "HardSwish": self = FusedActivation(.hardSwish)
        case "Gelu": self = FusedActivation(.gelu)
        default: return nil
        }
    }
}
