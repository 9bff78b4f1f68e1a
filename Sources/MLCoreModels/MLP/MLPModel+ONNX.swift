import Foundation

extension MLPModel: ONNXExportable {
    /// The model as an ONNX graph (opset 17, standard operators only) on input `X` (float `[N, F]`) with outputs
    /// `label` (int64 `[N]`) and `probabilities` (float `[N, classes]`), the names and order of
    /// ``LogisticRegressionModel``'s export:
    ///
    ///     X -> Gemm(W_1, b_1, transB = 1) -> Relu | Tanh -> ... -> Gemm(W_L, b_L, transB = 1) -> logits
    ///     binary:     Sigmoid(logits) = p,  probabilities = Concat(1 - p, p, axis = 1)
    ///     multiclass: probabilities = Softmax(logits, axis = 1)
    ///     label = Gather(classes, ArgMax(probabilities, axis = 1, keepdims = 0))
    ///
    /// Weights, biases and the class numbers are initializers. The standardization was folded into the first
    /// layer at fit time, so no Scaler node is needed.
    /// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Gemm.html
    public func onnxBytes() -> [UInt8] {
        var writer = ONNXModelWriter(opsets: [("", 17)], graphName: "mlcore_mlp")
        let sizes = layerSizes
        writer.docString = "MLCore MLP: layers \(sizes.map(String.init).joined(separator: "-")), \(activation.rawValue), \(classes.count) classes"
        var nodes: [ONNXModelWriter.Node] = []
        var current = "X"
        for l in 0..<weights.count {
            let w = "W\(l)", b = "B\(l)", z = "layer\(l)_z"
            writer.initializers.append(.init(name: w, dims: [Int64(sizes[l + 1]), Int64(sizes[l])], values: .floats(weights[l])))
            writer.initializers.append(.init(name: b, dims: [Int64(sizes[l + 1])], values: .floats(biases[l])))
            nodes.append(.init(opType: "Gemm", domain: "", name: "gemm\(l)", inputs: [current, w, b], outputs: [z],
                               attributes: [("transB", .int(1))]))
            current = z
            if l < weights.count - 1 {
                let a = "layer\(l)_a"
                nodes.append(.init(opType: activation == .relu ? "Relu" : "Tanh", domain: "", name: "\(activation.rawValue)\(l)",
                                   inputs: [z], outputs: [a], attributes: []))
                current = a
            }
        }
        if classes.count == 2 {
            writer.initializers.append(.init(name: "one", dims: [], values: .floats([1])))
            nodes += [
                .init(opType: "Sigmoid", domain: "", name: "sigmoid", inputs: [current], outputs: ["p1"], attributes: []),
                .init(opType: "Sub", domain: "", name: "complement", inputs: ["one", "p1"], outputs: ["p0"], attributes: []),
                .init(opType: "Concat", domain: "", name: "concat", inputs: ["p0", "p1"], outputs: ["probabilities"],
                      attributes: [("axis", .int(1))]),
            ]
        } else {
            nodes.append(.init(opType: "Softmax", domain: "", name: "softmax", inputs: [current], outputs: ["probabilities"],
                               attributes: [("axis", .int(1))]))
        }
        writer.initializers.append(.init(name: "classes", dims: [Int64(classes.count)], values: .int64s(classes.map { Int64($0) })))
        nodes += [
            .init(opType: "ArgMax", domain: "", name: "argmax", inputs: ["probabilities"], outputs: ["class_index"],
                  attributes: [("axis", .int(1)), ("keepdims", .int(0))]),
            .init(opType: "Gather", domain: "", name: "class_label", inputs: ["classes", "class_index"], outputs: ["label"],
                  attributes: [("axis", .int(0))]),
        ]
        writer.nodes = nodes
        writer.setClassifierInterface(featureCount: featureCount, classes: classes.count)
        return writer.serialized()
    }
}
