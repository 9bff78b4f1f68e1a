import MLCore

/// Builds an ONNX graph node by node with seeded random weights, on MLCore's own writer (``ONNXModelWriter``).
///
/// Every value gets a fresh name (`prefix_N`); weights are He-initialized (uniform in ±sqrt(6 / fanIn), variance
/// 2 / fanIn) from one ``SplitMix64`` stream, so the same seed writes the same bytes on every machine.
package struct ONNXGraphBuilder {
    package var writer: ONNXModelWriter
    private var rng: SplitMix64
    private var counter = 0

    /// Opset 17: LayerNormalization is there; Gelu (opset 20) is spelled with Erf, as torch's exporter does.
    package init(graphName: String, seed: UInt64) {
        writer = ONNXModelWriter(opsets: [("", 17)], graphName: graphName)
        rng = SplitMix64(seed: seed)
    }

    package mutating func fresh(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)_\(counter)"
    }

    /// Uniform in [-1, 1).
    private mutating func symmetric() -> Float {
        Float(rng.next() >> 40) / Float(1 << 23) - 1
    }

    /// A constant float tensor.
    package mutating func constant(_ prefix: String, _ dims: [Int], _ values: [Float]) -> String {
        precondition(values.count == dims.reduce(1, *), "\(prefix): \(values.count) values for dims \(dims)")
        let name = fresh(prefix)
        writer.initializers.append(.init(name: name, dims: dims.map(Int64.init), values: .floats(values)))
        return name
    }

    /// A constant int64 tensor (shapes, axes, indices).
    package mutating func int64s(_ prefix: String, _ dims: [Int], _ values: [Int64]) -> String {
        let name = fresh(prefix)
        writer.initializers.append(.init(name: name, dims: dims.map(Int64.init), values: .int64s(values)))
        return name
    }

    /// He-initialized weights: uniform in ±scale·sqrt(6 / fanIn).
    package mutating func heWeight(_ prefix: String, _ dims: [Int], fanIn: Int, scale: Float = 1) -> String {
        let bound = scale * (6 / Float(fanIn)).squareRoot()
        let values = (0..<dims.reduce(1, *)).map { _ in bound * symmetric() }
        return constant(prefix, dims, values)
    }

    /// Small uniform values in ±`bound` (biases, embeddings, normalization scales around `center`).
    package mutating func uniform(_ prefix: String, _ dims: [Int], bound: Float, center: Float = 0) -> String {
        let values = (0..<dims.reduce(1, *)).map { _ in center + bound * symmetric() }
        return constant(prefix, dims, values)
    }

    /// Appends one node and returns its (first) output's name.
    @discardableResult
    package mutating func node(_ op: String, _ inputs: [String], _ attributes: [(String, ONNXModelWriter.Attribute)] = [],
                               outputs: Int = 1) -> String {
        let names = (0..<outputs).map { _ in fresh(op.lowercased()) }
        writer.nodes.append(.init(opType: op, domain: "", name: fresh("n_" + op), inputs: inputs, outputs: names,
                                  attributes: attributes))
        return names[0]
    }

    package mutating func input(_ name: String, elementType: Int32, _ shape: [ONNXModelWriter.Dimension]) {
        writer.inputs.append(.init(name: name, elementType: elementType, shape: shape))
    }

    /// Renames `value` to `name` with an Identity node and declares it a float output.
    package mutating func output(_ value: String, as name: String, _ shape: [ONNXModelWriter.Dimension]) {
        writer.nodes.append(.init(opType: "Identity", domain: "", name: fresh("n_Identity"), inputs: [value], outputs: [name],
                                  attributes: []))
        writer.outputs.append(.init(name: name, elementType: 1, shape: shape))
    }

    // MARK: Layers shared by the models

    /// Conv with batch normalization already folded into its weights and bias (as torch's exporter writes an
    /// eval-mode Conv + BatchNorm): weights He-initialized, bias small.
    package mutating func conv(_ x: String, in cin: Int, out cout: Int, kernel k: Int, stride: Int = 1, group: Int = 1,
                               weightScale: Float = 1) -> String {
        let w = heWeight("conv_w", [cout, cin / group, k, k], fanIn: cin / group * k * k, scale: weightScale)
        let b = uniform("conv_b", [cout], bound: 0.05)
        let p = Int64((k - 1) / 2)
        return node("Conv", [x, w, b], [("kernel_shape", .ints([Int64(k), Int64(k)])), ("strides", .ints([Int64(stride), Int64(stride)])),
                                         ("pads", .ints([p, p, p, p])), ("dilations", .ints([1, 1])), ("group", .int(Int64(group)))])
    }

    /// GlobalAveragePool, Flatten, Gemm to `classes` logits (the classifier head of torchvision's CNNs).
    package mutating func classifier(_ x: String, channels: Int, classes: Int) -> String {
        let pooled = node("GlobalAveragePool", [x])
        let flat = node("Flatten", [pooled], [("axis", .int(1))])
        let w = heWeight("fc_w", [classes, channels], fanIn: channels)
        let b = uniform("fc_b", [classes], bound: 0.05)
        return node("Gemm", [flat, w, b], [("alpha", .float(1)), ("beta", .float(1)), ("transB", .int(1))])
    }
}
