import MLCoreTensor
import ONNXProto

/// How one ONNX element type is stored in a `TensorProto` and which ``DType`` MLCore loads it as.
///
/// Narrow types widen on load (UINT8/INT8/UINT16/INT16 -> int32, UINT32 -> int64, FLOAT16 -> float32); every
/// widening is exact. The original type is not kept: no operator MLCore runs depends on it today.
/// - SeeAlso: [TensorProto](https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) (`DataType`, and which
///   typed field holds which type)
enum ElementEncoding: Int32, CaseIterable {
    case float32 = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8, bool = 9
    case float16 = 10, float64 = 11, uint32 = 12

    init?(onnxCode: Int32) { self.init(rawValue: onnxCode) }

    /// The element type a tensor of this encoding loads as.
    var dtype: DType {
        switch self {
        case .float32, .float16: return .float32
        case .float64: return .float64
        case .int64, .uint32: return .int64
        case .int32, .uint8, .int8, .uint16, .int16: return .int32
        case .bool: return .bool
        case .string: return .string
        }
    }

    /// Bytes per element in `raw_data` and external data (little-endian); `nil` for strings, which have no raw form.
    var rawWidth: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16, .float16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64: return 8
        case .string: return nil
        }
    }

    /// The number of values in the typed repeated field that holds this type when `raw_data` is absent:
    /// `int32_data` also holds INT8/UINT8/INT16/UINT16/BOOL and FLOAT16 (as bits), `uint64_data` holds UINT32.
    func typedCount(_ t: Onnx__TensorProto) -> Int {
        switch self {
        case .float32: return t.n_float_data
        case .float64: return t.n_double_data
        case .int64: return t.n_int64_data
        case .int32, .uint8, .int8, .uint16, .int16, .bool, .float16: return t.n_int32_data
        case .uint32: return t.n_uint64_data
        case .string: return t.n_string_data
        }
    }

    /// Fills `tensor` (allocated with ``dtype`` and `count` elements) from little-endian bytes.
    ///
    /// The caller has checked `raw.count == count * rawWidth`.
    func decodeRaw(_ raw: UnsafeRawBufferPointer, into tensor: inout Tensor) throws {
        switch self {
        case .float32: try Self.copyLittleEndian(raw, into: &tensor, as: Float.self) { Float(bitPattern: UInt32(littleEndian: $0)) }
        case .float64: try Self.copyLittleEndian(raw, into: &tensor, as: Double.self) { Double(bitPattern: UInt64(littleEndian: $0)) }
        case .int64: try Self.copyLittleEndian(raw, into: &tensor, as: Int64.self) { Int64(bitPattern: UInt64(littleEndian: $0)) }
        case .int32: try Self.copyLittleEndian(raw, into: &tensor, as: Int32.self) { Int32(bitPattern: UInt32(littleEndian: $0)) }
        case .bool: try Self.fill(&tensor) { (i: Int) -> Bool in raw[i] != 0 }
        case .uint8: try Self.fill(&tensor) { (i: Int) -> Int32 in Int32(raw[i]) }
        case .int8: try Self.fill(&tensor) { (i: Int) -> Int32 in Int32(Int8(bitPattern: raw[i])) }
        case .uint16: try Self.fill(&tensor) { (i: Int) -> Int32 in Int32(Self.load(UInt16.self, raw, i)) }
        case .int16: try Self.fill(&tensor) { (i: Int) -> Int32 in Int32(Int16(bitPattern: Self.load(UInt16.self, raw, i))) }
        case .uint32: try Self.fill(&tensor) { (i: Int) -> Int64 in Int64(Self.load(UInt32.self, raw, i)) }
        case .float16: try Self.fill(&tensor) { (i: Int) -> Float in Self.float(halfBits: Self.load(UInt16.self, raw, i)) }
        case .string: preconditionFailure("string tensors have no raw form; the caller rejects them")
        }
    }

    /// Fills `tensor` (allocated with ``dtype``) from the typed repeated field; the caller has checked the count.
    /// Values in `int32_data` are truncated to the declared width, as `numpy.astype` would.
    func decodeTyped(_ t: Onnx__TensorProto, into tensor: inout Tensor) throws {
        let i32 = protoScalars(t.n_int32_data, t.int32_data)
        switch self {
        case .float32: try Self.copy(protoScalars(t.n_float_data, t.float_data), into: &tensor)
        case .float64: try Self.copy(protoScalars(t.n_double_data, t.double_data), into: &tensor)
        case .int64: try Self.copy(protoScalars(t.n_int64_data, t.int64_data), into: &tensor)
        case .int32: try Self.copy(i32, into: &tensor)
        case .bool: try Self.fill(&tensor) { (i: Int) -> Bool in i32[i] != 0 }
        case .uint8: try Self.fill(&tensor) { (i: Int) -> Int32 in Int32(UInt8(truncatingIfNeeded: i32[i])) }
        case .int8: try Self.fill(&tensor) { (i: Int) -> Int32 in Int32(Int8(truncatingIfNeeded: i32[i])) }
        case .uint16: try Self.fill(&tensor) { (i: Int) -> Int32 in Int32(UInt16(truncatingIfNeeded: i32[i])) }
        case .int16: try Self.fill(&tensor) { (i: Int) -> Int32 in Int32(Int16(truncatingIfNeeded: i32[i])) }
        case .float16: try Self.fill(&tensor) { (i: Int) -> Float in Self.float(halfBits: UInt16(truncatingIfNeeded: i32[i])) }
        case .uint32:
            let u64 = protoScalars(t.n_uint64_data, t.uint64_data)
            try Self.fill(&tensor) { (i: Int) -> Int64 in Int64(UInt32(truncatingIfNeeded: u64[i])) }
        case .string: preconditionFailure("string tensors are decoded by the caller")
        }
    }

    // MARK: - Helpers

    @inline(__always)
    static func fill<T: TensorScalar>(_ tensor: inout Tensor, _ element: (Int) -> T) throws {
        try tensor.withUnsafeMutableBufferPointer(as: T.self) { out in
            for i in out.indices { out[i] = element(i) }
        }
    }

    static func copy<T: TensorScalar>(_ values: UnsafeBufferPointer<T>, into tensor: inout Tensor) throws {
        try tensor.withUnsafeMutableBufferPointer(as: T.self) { out in
            precondition(out.count == values.count, "the caller checks the typed-field count")
            if out.isEmpty { return }
            out.baseAddress!.update(from: values.baseAddress!, count: values.count)
        }
    }

    /// Copies little-endian elements of the width of `T`: one `memcpy` on little-endian hosts, else per element.
    static func copyLittleEndian<T: TensorScalar, Bits: FixedWidthInteger>(
        _ raw: UnsafeRawBufferPointer, into tensor: inout Tensor, as: T.Type, _ convert: (Bits) -> T
    ) throws where Bits: UnsignedInteger {
        try tensor.withUnsafeMutableBufferPointer(as: T.self) { out in
            precondition(raw.count == out.count * MemoryLayout<T>.stride, "the caller checks the raw byte count")
            #if _endian(little)
            if !raw.isEmpty { UnsafeMutableRawBufferPointer(out).copyMemory(from: raw) }
            #else
            for i in out.indices { out[i] = convert(raw.loadUnaligned(fromByteOffset: i * MemoryLayout<Bits>.size, as: Bits.self)) }
            #endif
        }
    }

    @inline(__always)
    static func load<Bits: FixedWidthInteger>(_: Bits.Type, _ raw: UnsafeRawBufferPointer, _ i: Int) -> Bits {
        Bits(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<Bits>.size, as: Bits.self))
    }

    /// IEEE 754 binary16 bits -> `Float`, exactly (subnormals, infinities and NaN payloads included).
    /// Written out rather than using `Float16`, which Swift does not provide on every platform.
    static func float(halfBits h: UInt16) -> Float {
        let sign: UInt32 = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0:
            let magnitude = Float(mantissa) * 0x1p-24  // zero or subnormal: mantissa * 2^-24, exact in Float
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}
