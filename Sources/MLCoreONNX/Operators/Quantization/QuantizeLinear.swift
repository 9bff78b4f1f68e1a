import MLCoreTensor

/// QuantizeLinear: `y = saturate(round_half_to_even(x / y_scale) + y_zero_point)`, per tensor, per axis
/// (opset 13) or per block along an axis (opset 21, `block_size`), to int8 / uint8 / int16 / uint16.
/// The output type is the zero point's, else `output_dtype` (opset 21), else uint8. Scales may be float16 or
/// bfloat16 (widened); x may be float32, float16, bfloat16 or int32. float8 and int4 outputs are rejected.
///
/// - Complexity: O(x.count).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__QuantizeLinear.html
struct QuantizeLinear: Operator {
    let spec: NodeSpec
    let axis: Int64
    let blockSize: Int64
    let outputType: QuantizedType?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = spec.opset >= 13 ? try spec.int("axis", default: 1) : 1
        blockSize = spec.opset >= 21 ? try spec.int("block_size", default: 0) : 0
        guard blockSize >= 0 else { throw spec.error("block_size \(blockSize) must be >= 0") }
        outputType = spec.opset >= 21 ? try QuantizedType(onnxDataType: try spec.int("output_dtype", default: 0), spec) : nil
        if spec.opset >= 23, let p = try? spec.int("precision", default: 0), p != 0, ![1, 10, 16].contains(p) {
            throw spec.error("precision \(p) is not supported (float32, float16, bfloat16)")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), scale = try inputs.tensor(1, spec)
        let zeroTensor = try inputs.optionalTensor(2, spec)
        var type = QuantizedType.uint8
        if let zeroTensor {
            type = try QuantizedType(zeroTensor.dtype, spec, role: "y_zero_point")
            if let outputType, outputType.dtype != zeroTensor.dtype {
                throw spec.error("output_dtype \(outputType.dtype) differs from y_zero_point's type \(zeroTensor.dtype)")
            }
        } else if let outputType {
            type = outputType
        }
        let layout = try QuantizationLayout(x: x.shape, scale: scale.shape, axis: axis, blockSize: blockSize, spec)
        if let zeroTensor, zeroTensor.shape != scale.shape, !(zeroTensor.count == 1 && scale.count == 1) {
            throw spec.shapeError("y_zero_point \(zeroTensor.shape) must have the shape of y_scale \(scale.shape)")
        }
        let scales = try scale.quantizationFloats(spec, role: "y_scale")
        let zeros = try zeroTensor?.quantizationIntegers(spec, role: "y_zero_point") ?? [Int32](repeating: 0, count: scales.count)
        let range = type.range
        // The common case (float32 activations, one scale) straight from and into the tensors' storage.
        if x.dtype == .float32, layout.perTensor {
            let scale = scales[0], zero = zeros[0]
            func direct<T: TensorScalar & FixedWidthInteger>(_: T.Type) throws -> Tensor {
                var y = try context.makeTensor(x.shape, T.dtype, node: spec.name, zeroed: false)
                try x.withUnsafeBufferPointer(as: Float.self) { px in
                    try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                        for i in 0..<px.count { py[i] = T(truncatingIfNeeded: quantizeValue(px[i], scale: scale, zeroPoint: zero, range: range)) }
                    }
                }
                return y
            }
            switch type {
            case .uint8: return [.tensor(try direct(UInt8.self))]
            case .int8: return [.tensor(try direct(Int8.self))]
            case .uint16: return [.tensor(try direct(UInt16.self))]
            case .int16: return [.tensor(try direct(Int16.self))]
            }
        }
        let values: [Float]
        if x.dtype == .int32 {
            values = try x.scalars(as: Int32.self).map { Float($0) }
        } else {
            values = try x.quantizationFloats(spec, role: "x")
        }
        try context.checkOutput(x.shape, type.dtype, node: spec.name)
        var out = [Int32](repeating: 0, count: values.count)
        for e in 0..<values.count {
            let p = layout.parameterIndex(e)
            out[e] = quantizeValue(values[e], scale: scales[p], zeroPoint: zeros[p], range: range)
        }
        return [.tensor(try Tensor.quantized(out, shape: x.shape, type: type))]
    }
}

/// DequantizeLinear: `y = (x - x_zero_point) * x_scale`, per tensor, per axis (opset 13) or blocked (opset 21),
/// from int8 / uint8 / int16 / uint16 / int32 to the scale's float type (or `output_dtype`, opset 23).
///
/// - Complexity: O(x.count).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__DequantizeLinear.html
struct DequantizeLinear: Operator {
    let spec: NodeSpec
    let axis: Int64
    let blockSize: Int64
    let outputDType: DType?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = spec.opset >= 13 ? try spec.int("axis", default: 1) : 1
        blockSize = spec.opset >= 21 ? try spec.int("block_size", default: 0) : 0
        guard blockSize >= 0 else { throw spec.error("block_size \(blockSize) must be >= 0") }
        let code = spec.opset >= 23 ? try spec.int("output_dtype", default: 0) : 0
        switch code {
        case 0: outputDType = nil
        case 1: outputDType = .float32
        case 10: outputDType = .float16
        case 16: outputDType = .bfloat16
        default: throw spec.error("output_dtype \(code) is not supported (float32 = 1, float16 = 10, bfloat16 = 16)")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), scale = try inputs.tensor(1, spec)
        let zeroTensor = try inputs.optionalTensor(2, spec)
        guard isQuantizationFloat(scale.dtype) else {
            throw spec.error("x_scale has element type \(scale.dtype); expected float32, float16 or bfloat16")
        }
        if let zeroTensor, zeroTensor.dtype != x.dtype {
            throw spec.error("x_zero_point's type \(zeroTensor.dtype) differs from x's \(x.dtype)")
        }
        if let zeroTensor, zeroTensor.shape != scale.shape, !(zeroTensor.count == 1 && scale.count == 1) {
            throw spec.shapeError("x_zero_point \(zeroTensor.shape) must have the shape of x_scale \(scale.shape)")
        }
        let layout = try QuantizationLayout(x: x.shape, scale: scale.shape, axis: axis, blockSize: blockSize, spec)
        let scales = try scale.quantizationFloats(spec, role: "x_scale")
        let zeros = try zeroTensor?.quantizationIntegers(spec, role: "x_zero_point") ?? [Int32](repeating: 0, count: scales.count)
        let outType = outputDType ?? scale.dtype
        if layout.perTensor, outType == .float32, x.dtype == .uint8 || x.dtype == .int8 {
            let s = scales[0], z = zeros[0]
            func direct<T: TensorScalar & FixedWidthInteger>(_: T.Type) throws -> Tensor {
                var y = try context.makeTensor(x.shape, .float32, node: spec.name, zeroed: false)
                try x.withUnsafeBufferPointer(as: T.self) { px in
                    try y.withUnsafeMutableBufferPointer(as: Float.self) { py in
                        for i in 0..<px.count { py[i] = Float(Int32(px[i]) - z) * s }
                    }
                }
                return y
            }
            return [.tensor(x.dtype == .uint8 ? try direct(UInt8.self) : try direct(Int8.self))]
        }
        let q = try x.quantizationIntegers(spec, role: "x")
        try context.checkOutput(x.shape, outType, node: spec.name)
        var out = [Float](repeating: 0, count: q.count)
        for e in 0..<q.count {
            let p = layout.parameterIndex(e)
            out[e] = Float(q[e] &- zeros[p]) * scales[p]
        }
        return [.tensor(try Tensor.quantizationOutput(out, shape: x.shape, dtype: outType, spec))]
    }
}

/// DynamicQuantizeLinear: uint8 quantization of a float32 tensor with a scale and zero point computed from its
/// range, as onnxruntime computes them: the range widened to include 0, `scale = (max - min) / 255` (1 when
/// the range is empty), `zero_point = round_half_to_even(clamp(0 - min / scale, 0, 255))`.
///
/// - Complexity: O(x.count).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__DynamicQuantizeLinear.html
struct DynamicQuantizeLinear: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    /// onnxruntime's GetQuantizationParameter for uint8.
    static func parameters(_ values: UnsafeBufferPointer<Float>) -> (scale: Float, zeroPoint: Int32) {
        var lo: Float = 0, hi: Float = 0
        for v in values {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        let scale: Float = hi == lo ? 1 : (hi - lo) / 255
        let initial = 0 - lo / scale
        let zp = Swift.max(0, Swift.min(255, initial)).rounded(.toNearestOrEven)
        return (scale, Int32(zp))
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.dtype == .float32 else { throw spec.error("x has element type \(x.dtype); DynamicQuantizeLinear takes float32") }
        var y = try context.makeTensor(x.shape, .uint8, node: spec.name, zeroed: false)
        let (scale, zp) = try x.withUnsafeBufferPointer(as: Float.self) { px in
            let (scale, zp) = Self.parameters(px)
            try y.withUnsafeMutableBufferPointer(as: UInt8.self) { py in
                for i in 0..<px.count {
                    py[i] = UInt8(quantizeValue(px[i], scale: scale, zeroPoint: zp, range: (0, 255)))
                }
            }
            return (scale, zp)
        }
        return [.tensor(y), .tensor(Tensor(scalar: scale)), .tensor(Tensor(scalar: UInt8(zp)))]
    }
}
