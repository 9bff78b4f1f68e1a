extension OperatorRegistry {
    /// Registration lines of the Quantization family (QuantizeLinear, DequantizeLinear, integer MatMul and Conv), one per operator (and per semantic version).
    static func registerQuantizationOperators(_ r: inout OperatorRegistry) {
        let onnx = "", ms = "com.microsoft"
        // QuantizeLinear.swift
        r.add(onnx, "QuantizeLinear", since: 10) { try QuantizeLinear($0) }
        r.add(onnx, "QuantizeLinear", since: 13) { try QuantizeLinear($0) }    // axis (per-axis)
        r.add(onnx, "QuantizeLinear", since: 19) { try QuantizeLinear($0) }    // float16/bfloat16 scales, saturate (float8)
        r.add(onnx, "QuantizeLinear", since: 21) { try QuantizeLinear($0) }    // block_size, output_dtype, int16/uint16
        r.add(onnx, "QuantizeLinear", since: 23) { try QuantizeLinear($0) }    // precision
        r.add(onnx, "QuantizeLinear", since: 24) { try QuantizeLinear($0) }
        r.add(onnx, "QuantizeLinear", since: 25) { try QuantizeLinear($0) }
        r.add(onnx, "DequantizeLinear", since: 10) { try DequantizeLinear($0) }
        r.add(onnx, "DequantizeLinear", since: 13) { try DequantizeLinear($0) }
        r.add(onnx, "DequantizeLinear", since: 19) { try DequantizeLinear($0) }
        r.add(onnx, "DequantizeLinear", since: 21) { try DequantizeLinear($0) }
        r.add(onnx, "DequantizeLinear", since: 23) { try DequantizeLinear($0) } // output_dtype
        r.add(onnx, "DequantizeLinear", since: 24) { try DequantizeLinear($0) }
        r.add(onnx, "DequantizeLinear", since: 25) { try DequantizeLinear($0) }
        r.add(onnx, "DynamicQuantizeLinear", since: 11) { try DynamicQuantizeLinear($0) }
        // IntegerMatMul.swift
        r.add(onnx, "MatMulInteger", since: 10) { try MatMulInteger($0) }
        r.add(onnx, "QLinearMatMul", since: 10) { try QLinearMatMul($0) }
        r.add(onnx, "QLinearMatMul", since: 21) { try QLinearMatMul($0) }     // float16/bfloat16 scales
        r.add(ms, "MatMulIntegerToFloat", since: 1) { try MatMulIntegerToFloat($0) }
        r.add(ms, "DynamicQuantizeMatMul", since: 1) { try DynamicQuantizeMatMul($0) }
        // IntegerConv.swift
        r.add(onnx, "ConvInteger", since: 10) { try ConvInteger($0) }
        r.add(onnx, "QLinearConv", since: 10) { try QLinearConv($0) }
        // MicrosoftQuantized.swift
        r.add(ms, "QLinearAdd", since: 1) { try QLinearBinary($0, .add) }
        r.add(ms, "QLinearMul", since: 1) { try QLinearBinary($0, .mul) }
        r.add(ms, "QLinearSigmoid", since: 1) { try QLinearLookup($0, sigmoid: true) }
        r.add(ms, "QLinearLeakyRelu", since: 1) { try QLinearLookup($0, sigmoid: false) }
        r.add(ms, "QLinearGlobalAveragePool", since: 1) { try QLinearGlobalAveragePool($0) }
        r.add(ms, "QLinearConcat", since: 1) { try QLinearConcat($0) }
        r.add(ms, "QLinearAveragePool", since: 1) { try QLinearAveragePool($0) }
        r.add(ms, "QGemm", since: 1) { try QGemm($0) }
        // DynamicQuantizeLSTM.swift
        r.add(ms, "DynamicQuantizeLSTM", since: 1) { try DynamicQuantizeLSTM($0) }
    }
}
