/// The `ai.onnx` operators MLCore must run (the ONNX issue's list). A conformance case counts as a required-ops
/// case when every operator its model uses, subgraphs included, is in this list.
public enum RequiredOperators {
    public static let aiOnnx: Set<String> = [
        "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Abs", "Neg", "Reciprocal", "Erf",
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Gelu", "Clip",
        "MatMul", "Gemm", "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization",
        "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Split", "Slice", "Gather",
        "Shape", "Constant", "ConstantOfShape", "Identity", "Cast", "ArgMax", "ArgMin",
        "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "Where", "Equal", "Less", "Greater",
        "Not", "And", "Or", "Expand", "Tile", "Range", "Dropout", "LayerNormalization", "Pad", "TopK",
    ]

    /// Whether every key of `opTypes` (as ``ConformanceRunner`` writes them: plain for `ai.onnx`,
    /// `domain::Op` otherwise) is a required operator. An empty set is not.
    public static func containsAll(_ opTypes: some Collection<String>) -> Bool {
        !opTypes.isEmpty && opTypes.allSatisfy { aiOnnx.contains($0) }
    }
}
