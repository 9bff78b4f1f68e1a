import MLCoreTensor
import ONNXProto

/// How one ONNX element type is stored in a `TensorProto` and which ``DType`` MLCore loads it as.
///
/// Every supported type loads as itself (float16 and bfloat16 stay 16-bit; operators widen them to compute).
/// - SeeAlso: [TensorProto](https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) (`DataType`, and which
///   typed field holds which type)
enum ElementEncoding: Int32, CaseIterable {
    case float32 = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8, bool = 9
    case float16 = 10, float64 = 11, uint32 = 12, uint64 = 13, bfloat16 = 16

    init?(onnxCode: Int32) { self.init(rawValue: onnxCode) }

    init(_ dtype: DType) {
        switch dtype {
        case .float32: self = .float32
        case .uint8: self = .uint8
        case .int8: self = .int8
        case .uint16: self = .uint16
        case .int16: self = .int16
        case .int32: self = .int32
        case .int64: self = .int64
        case .string: self = .string
        case .bool: self = .bool
        case .float16: self = .float16
        case .float64: self = .float64
        case .uint32: self = .uint32
        case .uint64: self = .uint64
        case .bfloat16: self = .bfloat16
        }
    }

    /// The element type a tensor of this encoding loads as.
    var dtype: DType {
        switch self {
        case .float32: return .float32
        case .float64: return .float64
        case .int64: return .int64
        case .int32: return .int32
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .uint64: return .uint64
        case .float16: return .float16
        case .bfloat16: return .bfloat16
        case .bool: return .bool
        case .string: return .string
        }
    }

    /// Bytes per element in `raw_data` and external data (little-endian); `nil` for strings, which have no raw form.
    var rawWidth: Int? { dtype.byteWidth }

    /// The number of values in the typed repeated field that holds this type when `raw_data` is absent:
    /// `int32_data` also holds INT8/UINT8/INT16/UINT16/BOOL, FLOAT16 and BFLOAT16 (as bits), `uint64_data` holds
    /// UINT32 and UINT64.
    func typedCount(_ t: Onnx__TensorProto) -> Int {
        switch self {
        case .float32: return t.n_float_data
        case .float64: return t.n_double_data
        case .int64: return t.n_int64_data
        case .int32, .uint8, .int8, .uint16, .int16, .bool, .float16, .bfloat16: return t.n_int32_data
        case .uint32, .uint64: return t.n_uint64_data
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
        case .uint32: try Self.copyLittleEndian(raw, into: &tensor, as: UInt32.self) { UInt32(littleEndian: $0) }
        case .uint64: try Self.copyLittleEndian(raw, into: &tensor, as: UInt64.self) { UInt64(littleEndian: $0) }
        case .uint16: try Self.copyLittleEndian(raw, into: &tensor, as: UInt16.self) { UInt16(littleEndian: $0) }
        case .int16: try Self.copyLittleEndian(raw, into: &tensor, as: Int16.self) { Int16(bitPattern: UInt16(littleEndian: $0)) }
        case .float16: try Self.copyLittleEndian(raw, into: &tensor, as: Half.self) { Half(bitPattern: UInt16(littleEndian: $0)) }
        case .bfloat16: try Self.copyLittleEndian(raw, into: &tensor, as: BFloat16.self) { BFloat16(bitPattern: UInt16(littleEndian: $0)) }
        case .bool: try Self.fill(&tensor) { (i: Int) -> Bool in raw[i] != 0 }
        case .uint8: try Self.fill(&tensor) { (i: Int) -> UInt8 in raw[i] }
        case .int8: try Self.fill(&tensor) { (i: Int) -> Int8 in Int8(bitPattern: raw[i]) }
        case .string: preconditionFailure("string tensors have no raw form; the caller rejects them")
        }
    }

    /// Fills `tensor` (allocated with ``dtype``) from the typed repeated field; the caller has checked the count.
    /// Values in `int32_data` are truncated to the declared width, as `numpy.astype` would.
    func decodeTyped(_ t: Onnx__TensorProto, into tensor: inout Tensor) throws {
        let i32 = protoScalars(t.n_int32_data, t.int32_data)
        let u64 = protoScalars(t.n_uint64_data, t.uint64_data)
        switch self {
        case .float32: try Self.copy(protoScalars(t.n_float_data, t.float_data), into: &tensor)
        case .float64: try Self.copy(protoScalars(t.n_double_data, t.double_data), into: &tensor)
        case .int64: try Self.copy(protoScalars(t.n_int64_data, t.int64_data), into: &tensor)
        case .int32: try Self.copy(i32, into: &tensor)
        case .bool: try Self.fill(&tensor) { (i: Int) -> Bool in i32[i] != 0 }
        case .uint8: try Self.fill(&tensor) { (i: Int) -> UInt8 in UInt8(truncatingIfNeeded: i32[i]) }
        case .int8: try Self.fill(&tensor) { (i: Int) -> Int8 in Int8(truncatingIfNeeded: i32[i]) }
        case .uint16: try Self.fill(&tensor) { (i: Int) -> UInt16 in UInt16(truncatingIfNeeded: i32[i]) }
        case .int16: try Self.fill(&tensor) { (i: Int) -> Int16 in Int16(truncatingIfNeeded: i32[i]) }
        case .float16: try Self.fill(&tensor) { (i: Int) -> Half in Half(bitPattern: UInt16(truncatingIfNeeded: i32[i])) }
        case .bfloat16: try Self.fill(&tensor) { (i: Int) -> BFloat16 in BFloat16(bitPattern: UInt16(truncatingIfNeeded: i32[i])) }
        case .uint32: try Self.fill(&tensor) { (i: Int) -> UInt32 in UInt32(truncatingIfNeeded: u64[i]) }
        case .uint64: try Self.copy(u64, into: &tensor)
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
}
