extension OperatorRegistry {
    /// Registration lines of the Tensor operator family, one per operator (and per semantic version).
    static func registerTensorOperators(_ r: inout OperatorRegistry) {
        let onnx = "", ml = "ai.onnx.ml"
        _ = (onnx, ml)
    }
}
