import Foundation
import MLCoreTensor
import ONNXProto

extension ONNXReader.Decoder {
    /// `TensorProto` -> ``Tensor``, from whichever place holds the data: external data (`data_location ==
    /// EXTERNAL`), `raw_data` (little-endian), or the typed repeated field of the element type.
    ///
    /// Every size is checked before allocation: the element count with overflow-checked math, the data length
    /// against the declared count (``ONNXError/tensorDataMismatch(tensor:declared:actual:)``), then the loaded size
    /// against ``ONNXReadLimits`` (``ONNXError/limitExceeded(what:value:limit:)``). A tensor declaring 2^40 elements
    /// with a few bytes of data throws without allocating.
    /// - Parameter fallbackName: how errors name a tensor whose `name` is empty (attribute tensors).
    /// - Complexity: O(element count).
    func tensor(_ p: UnsafePointer<Onnx__TensorProto>, fallbackName: String) throws -> Tensor {
        let proto = p.pointee
        let ownName = protoString(proto.name)
        let name = ownName.isEmpty ? fallbackName : ownName

        if proto.segment != nil {
            throw malformed("tensor '\(name)' is segmented (TensorProto.segment), which MLCore does not support")
        }
        let code = proto.has_data_type != 0 ? proto.data_type : 0
        guard let encoding = ElementEncoding(onnxCode: code) else {
            throw ONNXError.unsupportedElementType(tensor: name, code: code)
        }
        let shape = try shape(proto, tensor: name)
        let count = try checkedCount(shape, tensor: name)

        let location = proto.has_data_location != 0 ? proto.data_location.rawValue : ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT.rawValue
        let isExternal: Bool
        switch location {
        case ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT.rawValue: isExternal = false
        case ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL.rawValue: isExternal = true
        default: throw malformed("tensor '\(name)' has unknown data_location \(location)")
        }

        guard let width = encoding.rawWidth else {
            return try stringTensor(proto, shape: shape, count: count, name: name, isExternal: isExternal)
        }
        let (rawBytes, rawOverflow) = count.multipliedReportingOverflow(by: width)
        let (loadedBytes, loadedOverflow) = count.multipliedReportingOverflow(by: encoding.dtype.byteWidth!)
        guard !rawOverflow, !loadedOverflow else {
            throw malformed("tensor '\(name)': shape \(shape) has more bytes than fit in memory")
        }

        if isExternal {
            let file = try externalDataFile(proto, tensor: name, byteCount: rawBytes, elementWidth: width)
            try charge(tensor: name, bytes: loadedBytes)
            let data = try file.read(tensor: name)
            var result = try allocate(shape, encoding.dtype, tensor: name)
            try data.withUnsafeBytes { try encoding.decodeRaw($0, into: &result) }
            return result
        }
        if proto.has_raw_data != 0 {
            let raw = UnsafeRawBufferPointer(start: proto.raw_data.data, count: proto.raw_data.data == nil ? 0 : proto.raw_data.len)
            guard raw.count == rawBytes else {
                throw ONNXError.tensorDataMismatch(tensor: name, declared: count, actual: raw.count / width)
            }
            try charge(tensor: name, bytes: loadedBytes)
            var result = try allocate(shape, encoding.dtype, tensor: name)
            try encoding.decodeRaw(raw, into: &result)
            return result
        }
        let available = encoding.typedCount(proto)
        guard available == count else {
            throw ONNXError.tensorDataMismatch(tensor: name, declared: count, actual: available)
        }
        try charge(tensor: name, bytes: loadedBytes)
        var result = try allocate(shape, encoding.dtype, tensor: name)
        try encoding.decodeTyped(proto, into: &result)
        return result
    }

    /// STRING tensors live only in `string_data` (bytes, decoded as UTF-8 with replacement).
    private func stringTensor(_ proto: Onnx__TensorProto, shape: Shape, count: Int, name: String,
                              isExternal: Bool) throws -> Tensor {
        guard !isExternal else {
            throw ONNXError.externalData(tensor: name, reason: "STRING tensors cannot be stored as external data")
        }
        guard proto.has_raw_data == 0 || proto.raw_data.len == 0 else {
            throw malformed("tensor '\(name)' is STRING but has raw_data; strings belong in string_data")
        }
        let values = protoScalars(proto.n_string_data, proto.string_data)
        guard values.count == count else {
            throw ONNXError.tensorDataMismatch(tensor: name, declared: count, actual: values.count)
        }
        // Each string costs its bytes plus a String header; the sum cannot overflow, it is bounded by the file size.
        let bytes = values.reduce(count * MemoryLayout<String>.stride) { $0 + $1.len }
        try charge(tensor: name, bytes: bytes)
        do {
            return try Tensor(shape: shape, strings: values.map { protoString($0) })
        } catch {
            throw malformed("tensor '\(name)': \(error)")
        }
    }

    /// `dims` as a ``Shape``; a negative dimension is malformed.
    func shape(_ proto: Onnx__TensorProto, tensor name: String) throws -> Shape {
        try Self.shape(protoScalars(proto.n_dims, proto.dims), tensor: name, decoder: self)
    }

    static func shape(_ dims: UnsafeBufferPointer<Int64>, tensor name: String, decoder: ONNXReader.Decoder) throws -> Shape {
        var result: [Int] = []
        result.reserveCapacity(dims.count)
        for d in dims {
            guard d >= 0, let value = Int(exactly: d) else {
                throw decoder.malformed("tensor '\(name)' has dimension \(d) in dims \(Array(dims))")
            }
            result.append(value)
        }
        return Shape(result)
    }

    /// The element count of `shape`, overflow-checked.
    func checkedCount(_ shape: Shape, tensor name: String) throws -> Int {
        do {
            return try shape.checkedElementCount()
        } catch {
            throw malformed("tensor '\(name)': shape \(shape) has more elements than fit in memory")
        }
    }

    /// A zero-filled tensor whose size has already been checked and charged.
    func allocate(_ shape: Shape, _ dtype: DType, tensor name: String) throws -> Tensor {
        do {
            return try Tensor(zeros: shape, dtype: dtype)
        } catch {
            throw malformed("tensor '\(name)': \(error)")
        }
    }
}
