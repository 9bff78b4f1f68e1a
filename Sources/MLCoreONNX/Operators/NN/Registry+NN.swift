extension OperatorRegistry {
    /// Registration lines of the NN operator family, one per operator (and per semantic version).
    static func registerNNOperators(_ r: inout OperatorRegistry) {
        let onnx = ""

        // Convolution and pooling (NN/Conv.swift, NN/ConvTranspose.swift, NN/Pooling.swift).
        r.add(onnx, "Conv", since: 1) { try Conv($0) }
        // onnxruntime's contrib operator; ActivationFusion (Graph/Passes) writes it for Conv [+ Add] + activation.
        r.add("com.microsoft", "FusedConv", since: 1) { try Conv($0, fused: true) }
        r.add(onnx, "ConvTranspose", since: 1) { try ConvTranspose($0) }
        r.add(onnx, "MaxPool", since: 1) { try Pooling(.max, $0) }
        r.add(onnx, "AveragePool", since: 1) { try Pooling(.average, $0) }
        r.add(onnx, "GlobalMaxPool", since: 1) { try GlobalPooling(.max, $0) }
        r.add(onnx, "GlobalAveragePool", since: 1) { try GlobalPooling(.average, $0) }

        // Normalization (NN/Normalization.swift).
        r.add(onnx, "BatchNormalization", since: 1) { try BatchNormalization($0, spatialAttribute: true) }
        r.add(onnx, "BatchNormalization", since: 9) { try BatchNormalization($0, spatialAttribute: false) }
        r.add(onnx, "InstanceNormalization", since: 1) { try InstanceNormalization($0) }
        r.add(onnx, "LayerNormalization", since: 17) { try LayerNormalization($0) }
        r.add(onnx, "GroupNormalization", since: 18) { try GroupNormalization($0, perChannelParameters: false) }
        r.add(onnx, "GroupNormalization", since: 21) { try GroupNormalization($0, perChannelParameters: true) }
        r.add(onnx, "LRN", since: 1) { try LRN($0) }

        // Softmax family: before 13 the input is coerced to 2-D at `axis` (NN/Softmax.swift).
        r.add(onnx, "Softmax", since: 1) { try SoftmaxFamily(.softmax, $0, coercedTo2D: true) }
        r.add(onnx, "Softmax", since: 13) { try SoftmaxFamily(.softmax, $0, coercedTo2D: false) }
        r.add(onnx, "LogSoftmax", since: 1) { try SoftmaxFamily(.logSoftmax, $0, coercedTo2D: true) }
        r.add(onnx, "LogSoftmax", since: 13) { try SoftmaxFamily(.logSoftmax, $0, coercedTo2D: false) }
        r.add(onnx, "Hardmax", since: 1) { try SoftmaxFamily(.hardmax, $0, coercedTo2D: true) }
        r.add(onnx, "Hardmax", since: 13) { try SoftmaxFamily(.hardmax, $0, coercedTo2D: false) }

        // Activations (NN/Activations.swift).
        r.add(onnx, "LeakyRelu", since: 1) { try ParameterizedActivation(.leakyRelu, $0) }
        r.add(onnx, "ThresholdedRelu", since: 10) { try ParameterizedActivation(.thresholdedRelu, $0) }
        r.add(onnx, "Elu", since: 1) { try ParameterizedActivation(.elu, $0) }
        r.add(onnx, "Selu", since: 1) { try ParameterizedActivation(.selu, $0) }
        r.add(onnx, "Celu", since: 12) { try ParameterizedActivation(.celu, $0) }
        r.add(onnx, "HardSigmoid", since: 1) { try ParameterizedActivation(.hardSigmoid, $0) }
        r.add(onnx, "HardSwish", since: 14) { try ParameterizedActivation(.hardSwish, $0) }
        r.add(onnx, "Softplus", since: 1) { try ParameterizedActivation(.softplus, $0) }
        r.add(onnx, "Softsign", since: 1) { try ParameterizedActivation(.softsign, $0) }
        r.add(onnx, "Mish", since: 18) { try ParameterizedActivation(.mish, $0) }
        r.add(onnx, "Gelu", since: 20) { try ParameterizedActivation(.gelu, $0) }
        // onnxruntime's contrib Gelu (erf form, no attributes), which GeluFusion writes.
        r.add("com.microsoft", "Gelu", since: 1) { try ParameterizedActivation(.gelu, $0) }
        r.add(onnx, "PRelu", since: 1) { try PRelu($0) }
        r.add(onnx, "Clip", since: 1) { try Clip($0, boundsAsInputs: false) }
        r.add(onnx, "Clip", since: 11) { try Clip($0, boundsAsInputs: true) }

        // Math (NN/Math.swift).
        r.add(onnx, "Pow", since: 1) { try Pow($0) }
        r.add(onnx, "Sqrt", since: 1) { try MathFunction(.sqrt, $0) }
        r.add(onnx, "Reciprocal", since: 1) { try MathFunction(.reciprocal, $0) }
        r.add(onnx, "Floor", since: 1) { try MathFunction(.floor, $0) }
        r.add(onnx, "Ceil", since: 1) { try MathFunction(.ceil, $0) }
        r.add(onnx, "Round", since: 11) { try MathFunction(.round, $0) }
        r.add(onnx, "Abs", since: 1) { try MathFunction(.abs, $0) }
        r.add(onnx, "Neg", since: 1) { try MathFunction(.neg, $0) }
        r.add(onnx, "Sign", since: 9) { try MathFunction(.sign, $0) }
        r.add(onnx, "Sum", since: 1) { try VariadicElementwise(.sum, $0) }
        r.add(onnx, "Mean", since: 1) { try VariadicElementwise(.mean, $0) }
        r.add(onnx, "Max", since: 1) { try VariadicElementwise(.max, $0) }
        r.add(onnx, "Min", since: 1) { try VariadicElementwise(.min, $0) }
    }
}
