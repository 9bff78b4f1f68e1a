extension OperatorRegistry {
    /// Registration lines of the NN operator family, one per operator (and per semantic version).
    static func registerNNOperators(_ r: inout OperatorRegistry) {
        let onnx = "", ml = "ai.onnx.ml"
        _ = (onnx, ml)
    }
}
