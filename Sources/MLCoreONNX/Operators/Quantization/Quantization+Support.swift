import MLCoreTensor

/// The integer types a quantized tensor can have here, with their ranges. float8 and int4/uint4 (which ONNX
/// also allows) are rejected with an error naming the node.
enum QuantizedType: Sendable {
    case int8, uint8, int16, uint16

    init(_ dtype: DType, _ spec: NodeSpec, role: String) throws {
        switch dtype {
        case .int8: self = .int8
        case .uint8: self = .uint8
        case .int16: self = .int16
        case .uint16: self = .uint16
        default: throw spec.error("\(role) has element type \(dtype); supported: int8, uint8, int16, uint16 (float8 and int4 are not)")
        }
    }

    /// From ONNX's `TensorProto.DataType` number (`output_dtype`); nil for 0 (unset).
    init?(onnxDataType code: Int64, _ spec: NodeSpec) throws {
        switch code {
        case 0: return nil
        case 2: self = .uint8
        case 3: self = .int8
        case 4: self = .uint16
        case 5: self = .int16
        default: throw spec.error("output_dtype \(code) is not supported (uint8 = 2, int8 = 3, uint16 = 4, int16 = 5; float8 and int4 are not)")
        }
    }

    var dtype: DType {
        switch self {
        case .int8: return .int8
        case .uint8: return .uint8
        case .int16: return .int16
        case .uint16: return .uint16
        }
    }

    var range: (min: Int32, max: Int32) {
        switch self {
        case .int8: return (-128, 127)
        case .uint8: return (0, 255)
        case .int16: return (-32768, 32767)
        case .uint16: return (0, 65535)
        }
    }
}

/// Float element types that scales and dequantized values may have (computed as float32).
func isQuantizationFloat(_ dtype: DType) -> Bool {
    dtype == .float32 || dtype == .float16 || dtype == .bfloat16
}

extension Tensor {
    /// The elements of a float32 / float16 / bfloat16 / float64 tensor as float32 (scales, float inputs).
    func quantizationFloats(_ spec: NodeSpec, role: String) throws -> [Float] {
        switch dtype {
        case .float32: return try scalars(as: Float.self)
        case .float16: return try scalars(as: Half.self).map(\.float)
        case .bfloat16: return try scalars(as: BFloat16.self).map(\.float)
        case .float64: return try scalars(as: Double.self).map { Float($0) }
        default: throw spec.error("\(role) has element type \(dtype); expected float32, float16 or bfloat16")
        }
    }

    /// The elements of an 8/16/32-bit integer tensor as Int32 (zero points, quantized inputs).
    func quantizationIntegers(_ spec: NodeSpec, role: String) throws -> [Int32] {
        switch dtype {
        case .int8: return try scalars(as: Int8.self).map(Int32.init)
        case .uint8: return try scalars(as: UInt8.self).map(Int32.init)
        case .int16: return try scalars(as: Int16.self).map(Int32.init)
        case .uint16: return try scalars(as: UInt16.self).map(Int32.init)
        case .int32: return try scalars(as: Int32.self)
        default: throw spec.error("\(role) has element type \(dtype); supported: int8, uint8, int16, uint16, int32 (float8 and int4 are not)")
        }
    }

    /// A float result as a tensor of `dtype` (float32, float16, bfloat16).
    static func quantizationOutput(_ values: [Float], shape: Shape, dtype: DType, _ spec: NodeSpec) throws -> Tensor {
        switch dtype {
        case .float32: return try Tensor(shape: shape, scalars: values)
        case .float16: return try Tensor(shape: shape, scalars: values.map { Half($0) })
        case .bfloat16: return try Tensor(shape: shape, scalars: values.map { BFloat16($0) })
        default: throw spec.error("output element type \(dtype) is not supported (float32, float16, bfloat16)")
        }
    }

    /// Integer results (already in range) as a tensor of `type`.
    static func quantized(_ values: [Int32], shape: Shape, type: QuantizedType) throws -> Tensor {
        switch type {
        case .int8: return try Tensor(shape: shape, scalars: values.map { Int8(truncatingIfNeeded: $0) })
        case .uint8: return try Tensor(shape: shape, scalars: values.map { UInt8(truncatingIfNeeded: $0) })
        case .int16: return try Tensor(shape: shape, scalars: values.map { Int16(truncatingIfNeeded: $0) })
        case .uint16: return try Tensor(shape: shape, scalars: values.map { UInt16(truncatingIfNeeded: $0) })
        }
    }
}

/// `round_half_to_even(x / scale) + zeroPoint`, saturated to the type's range (onnxruntime's MlasQuantizeLinear:
/// a float division, `nearbyint`, then the zero point added in float and clamped).
@inline(__always)
func quantizeValue(_ x: Float, scale: Float, zeroPoint: Int32, range: (min: Int32, max: Int32)) -> Int32 {
    var v = (x / scale).rounded(.toNearestOrEven) + Float(zeroPoint)
    v = Swift.max(v, Float(range.min))
    v = Swift.min(v, Float(range.max))
    if v.isNaN { return zeroPoint < range.min ? range.min : Swift.min(zeroPoint, range.max) }
    return Int32(v)
}

/// onnxruntime's MlasRequantizeOutput: `acc * scale` clamped to the type's range shifted by the zero point,
/// rounded half to even, then the zero point added.
@inline(__always)
func requantize(_ acc: Int32, scale: Float, zeroPoint: Int32, range: (min: Int32, max: Int32)) -> Int32 {
    var v = Float(acc) * scale
    v = Swift.max(v, Float(range.min - zeroPoint))
    v = Swift.min(v, Float(range.max - zeroPoint))
    return Int32(v.rounded(.toNearestOrEven)) + zeroPoint
}

/// Where each element of a tensor finds its scale and zero point: one for all (per tensor), one per index
/// along `axis` (per axis), or one per block of `blockSize` indices along `axis` (blocked, opset 21).
struct QuantizationLayout: Sendable {
    var outer = 1, axisDim = 1, inner = 1
    var blockSize = 0
    var parameterCount = 1
    var perTensor = true

    /// Checks the scale's shape against x's and the attributes, as the spec states them.
    init(x: Shape, scale: Shape, axis: Int64, blockSize: Int64, _ spec: NodeSpec) throws {
        let count = scale.dims.reduce(1, *)
        if scale.rank == 0 || (scale.rank == 1 && count == 1 && blockSize == 0) {
            return
        }
        perTensor = false
        let a = try normalizeAxis(axis, rank: x.rank, spec)
        outer = x.dims[..<a].reduce(1, *)
        axisDim = x.dims[a]
        inner = x.dims[(a + 1)...].reduce(1, *)
        if blockSize > 0 {
            guard scale.rank == x.rank else {
                throw spec.shapeError("blocked quantization: scale \(scale) must have the rank of x \(x)")
            }
            for d in 0..<x.rank where d != a && scale[d] != x[d] {
                throw spec.shapeError("blocked quantization: scale \(scale) must match x \(x) except on axis \(a)")
            }
            let blocks = (x[a] + Int(blockSize) - 1) / Int(blockSize)
            guard scale[a] == blocks else {
                throw spec.shapeError("blocked quantization: scale \(scale) needs \(blocks) blocks of \(blockSize) on axis \(a) of x \(x)")
            }
            self.blockSize = Int(blockSize)
            parameterCount = count
        } else {
            guard scale.rank == 1, scale[0] == x[a] else {
                throw spec.shapeError("per-axis quantization: scale \(scale) must be 1-D with x's axis \(a) size \(x[a]) (x \(x))")
            }
            parameterCount = x[a]
        }
    }

    /// The parameter index of element `e` (row-major in x).
    @inline(__always)
    func parameterIndex(_ e: Int) -> Int {
        if perTensor { return 0 }
        let i = (e / inner) % axisDim
        if blockSize == 0 { return i }
        let o = e / (inner * axisDim), blocks = (axisDim + blockSize - 1) / blockSize
        return (o * blocks + i / blockSize) * inner + e % inner
    }
}

/// A scalar (or one-element) parameter, checked.
func scalarParameter<T>(_ values: [T], _ spec: NodeSpec, role: String) throws -> T {
    guard values.count == 1 else { throw spec.shapeError("\(role) must be a scalar or hold one element, it holds \(values.count)") }
    return values[0]
}

extension RunContext {
    /// Checks an output the operator builds itself against ``SessionOptions/maxTensorBytes`` and the live-bytes
    /// limit, as ``makeTensor(_:_:node:zeroed:)`` does, without allocating it.
    func checkOutput(_ shape: Shape, _ dtype: DType, node: String) throws {
        let bytes: Int
        do { bytes = try shape.checkedByteCount(dtype) } catch {
            throw ONNXError.limitExceeded(what: "node '\(node)': tensor \(shape) size", value: Int.max, limit: maxTensorBytes)
        }
        guard bytes <= maxTensorBytes else {
            throw ONNXError.limitExceeded(what: "node '\(node)': tensor \(shape) bytes", value: bytes, limit: maxTensorBytes)
        }
        try checkLiveBytes(adding: bytes, shape, dtype, node: node)
    }
}
