extension OperatorRegistry {
    /// Registration lines of the Quantization family (QuantizeLinear, DequantizeLinear, integer MatMul and Conv), one per operator (and per semantic version).
    static func registerQuantizationOperators(_ r: inout OperatorRegistry) {
        _ = r
    }
}
