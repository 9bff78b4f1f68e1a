import MLCoreTensor

/// Folds an inference-mode BatchNormalization into the Conv before it: with `s = scale / sqrt(var + eps)`,
/// `W' = W * s` per output channel and `B' = (B - mean) * s + bias`, so the pair is one convolution (as
/// onnxruntime's `ConvBNFusion` does). Computed in Double from the constants, rounded once to W's type.
///
/// Folded only when the Conv's weight (and bias, if any) and all four BatchNormalization parameters are
/// constants of W's float type with one value per output channel, the Conv's output is read by that
/// BatchNormalization alone, and the BatchNormalization is not in training mode and has one output.
enum BatchNormFolding: GraphPass {
    static let level = GraphOptimizationLevel.basic

    static func apply(_ model: ONNXModel) -> ONNXModel {
        let graph = model.graph
        guard graph.nodes.contains(where: { $0.opType == "BatchNormalization" }) else { return model }
        let index = GraphIndex(graph)
        var removed = Set<Int>()
        var replacement: [Int: ONNXNode] = [:]
        var newInitializers: [String: Tensor] = [:]
        for (b, bn) in graph.nodes.enumerated() where bn.opType == "BatchNormalization" && bn.domain.isEmpty {
            guard bn.inputs.count == 5, bn.outputs.count == 1 || bn.outputs.dropFirst().allSatisfy(\.isEmpty),
                  case .int(let training)? = bn.attributes["training_mode"] ?? .int(0), training == 0,
                  let c = index.producer[bn.inputs[0]], index.soleReader(of: bn.inputs[0]) == b else { continue }
            let conv = graph.nodes[c]
            guard conv.opType == "Conv", conv.domain.isEmpty, conv.inputs.count >= 2, conv.outputs.count == 1,
                  let w = index.constant(conv.inputs[1]), w.dtype == .float32 || w.dtype == .float64, w.rank >= 3 else { continue }
            let m = w.shape[0]
            let bias = conv.inputs.count > 2 && !conv.inputs[2].isEmpty ? index.constant(conv.inputs[2]) : nil
            if conv.inputs.count > 2 && !conv.inputs[2].isEmpty && bias == nil { continue }
            let params = bn.inputs[1...4].map { index.constant($0) }
            guard params.allSatisfy({ $0?.dtype == w.dtype && $0?.count == m }), bias.map({ $0.dtype == w.dtype && $0.count == m }) ?? true,
                  let eps = Self.epsilon(bn) else { continue }
            guard let folded = try? fold(w: w, bias: bias, params.map { $0! }, epsilon: eps) else { continue }
            let wName = index.freshName(conv.name + "_W_bn", avoiding: Set(newInitializers.keys))
            newInitializers[wName] = folded.w
            let bName = index.freshName(conv.name + "_B_bn", avoiding: Set(newInitializers.keys))
            newInitializers[bName] = folded.b
            removed.insert(c)
            replacement[b] = ONNXNode(name: conv.name, opType: "Conv", domain: "",
                                      inputs: [conv.inputs[0], wName, bName], outputs: [bn.outputs[0]],
                                      attributes: conv.attributes)
        }
        guard !replacement.isEmpty else { return model }
        var result = model
        result.graph.nodes = graph.nodes.indices.compactMap { i in replacement[i] ?? (removed.contains(i) ? nil : graph.nodes[i]) }
        result.graph.initializers.merge(newInitializers) { _, new in new }
        return result
    }

    static func epsilon(_ node: ONNXNode) -> Double? {
        switch node.attributes["epsilon"] {
        case nil: return 1e-5
        case .float(let e)?: return Double(e)
        default: return nil
        }
    }

    /// The folded weight and bias, in W's element type.
    static func fold(w: Tensor, bias: Tensor?, _ p: [Tensor], epsilon: Double) throws -> (w: Tensor, b: Tensor) {
        let m = w.shape[0], per = w.count / Swift.max(m, 1)
        guard let wv = w.widenedFloats(), let scale = p[0].widenedFloats(), let shift = p[1].widenedFloats(),
              let mean = p[2].widenedFloats(), let variance = p[3].widenedFloats() else { throw TensorError.unsupportedDType(operation: "batch-norm folding", w.dtype) }
        let bv = bias?.widenedFloats() ?? [Double](repeating: 0, count: m)
        var outW = [Double](repeating: 0, count: w.count), outB = [Double](repeating: 0, count: m)
        for o in 0..<m {
            let s = scale[o] / (variance[o] + epsilon).squareRoot()
            for i in 0..<per { outW[o * per + i] = wv[o * per + i] * s }
            outB[o] = (bv[o] - mean[o]) * s + shift[o]
        }
        if w.dtype == .float32 {
            return (try Tensor(shape: w.shape, scalars: outW.map { Float($0) }), try Tensor(shape: [m], scalars: outB.map { Float($0) }))
        }
        return (try Tensor(shape: w.shape, scalars: outW), try Tensor(shape: [m], scalars: outB))
    }
}
