import MLCoreTensor
import ONNXProto

extension ONNXReader.Decoder {
    /// `SparseTensorProto` -> (name, dense ``Tensor``).
    ///
    /// `values` holds the NNZ non-zero values (rank 1); `indices` (INT64) holds their positions, either linearized
    /// (shape `[NNZ]`) or as coordinates (shape `[NNZ, rank]`). Every index is bounds-checked, and the dense size is
    /// charged against the limits before `values` and `indices` are even decoded. The name is `values.name`.
    /// - Complexity: O(dense element count + NNZ x rank).
    /// - SeeAlso: [SparseTensorProto](https://github.com/onnx/onnx/blob/main/docs/IR.md#sparse-tensors)
    func sparseTensor(_ p: UnsafePointer<Onnx__SparseTensorProto>, fallbackName: String) throws -> (String, Tensor) {
        let proto = p.pointee
        guard let valuesProto = proto.values else { throw malformed("\(fallbackName) has no values") }
        let ownName = protoString(valuesProto.pointee.name)
        let name = ownName.isEmpty ? fallbackName : ownName

        let denseShape = try Self.shape(protoScalars(proto.n_dims, proto.dims), tensor: name, decoder: self)
        let denseCount = try checkedCount(denseShape, tensor: name)
        let code = valuesProto.pointee.has_data_type != 0 ? valuesProto.pointee.data_type : 0
        guard let encoding = ElementEncoding(onnxCode: code) else {
            throw ONNXError.unsupportedElementType(tensor: name, code: code)
        }
        let (denseBytes, overflow) = denseCount.multipliedReportingOverflow(by: encoding.dtype.byteWidth ?? MemoryLayout<String>.stride)
        guard !overflow else { throw malformed("sparse tensor '\(name)': shape \(denseShape) has more bytes than fit in memory") }
        try charge(tensor: name, bytes: denseBytes)

        let values = try tensor(valuesProto, fallbackName: name)
        guard values.rank == 1 else {
            throw malformed("sparse tensor '\(name)': values must have rank 1, they have shape \(values.shape)")
        }
        let nnz = values.count
        let rank = denseShape.rank
        var positions = [Int](repeating: 0, count: nnz)
        if let indicesProto = proto.indices {
            let indices = try tensor(indicesProto, fallbackName: "\(name) (indices)")
            let flat: [Int64]
            switch indices.dtype {
            case .int64: flat = try indices.scalars(as: Int64.self)
            case .int32: flat = try indices.scalars(as: Int32.self).map(Int64.init)
            default: throw malformed("sparse tensor '\(name)': indices are \(indices.dtype), not INT64")
            }
            if indices.shape == [nnz] {
                for k in 0..<nnz {
                    guard flat[k] >= 0, flat[k] < denseCount else {
                        throw malformed("sparse tensor '\(name)': index \(flat[k]) is out of range 0..<\(denseCount)")
                    }
                    positions[k] = Int(flat[k])
                }
            } else if indices.shape == [nnz, rank] {
                let strides = denseShape.strides
                for k in 0..<nnz {
                    var linear = 0
                    for axis in 0..<rank {
                        let i = flat[k * rank + axis]
                        guard i >= 0, i < denseShape[axis] else {
                            throw malformed("sparse tensor '\(name)': index \(i) on axis \(axis) is out of range 0..<\(denseShape[axis])")
                        }
                        linear += Int(i) * strides[axis]
                    }
                    positions[k] = linear
                }
            } else {
                throw malformed("sparse tensor '\(name)': indices have shape \(indices.shape), expected [\(nnz)] or [\(nnz), \(rank)]")
            }
        } else if nnz > 0 {
            throw malformed("sparse tensor '\(name)' has \(nnz) values but no indices")
        }

        if values.dtype == .string {
            var dense = [String](repeating: "", count: denseCount)
            for (k, s) in try values.strings().enumerated() { dense[positions[k]] = s }
            return (name, try Tensor(shape: denseShape, strings: dense))
        }
        var dense = try allocate(denseShape, values.dtype, tensor: name)
        func scatter<T: TensorScalar>(_: T.Type) throws {
            try values.withUnsafeBufferPointer(as: T.self) { v in
                try dense.withUnsafeMutableBufferPointer(as: T.self) { out in
                    for k in 0..<nnz { out[positions[k]] = v[k] }
                }
            }
        }
        switch values.dtype {
        case .float32: try scatter(Float.self)
        case .float64: try scatter(Double.self)
        case .int64: try scatter(Int64.self)
        case .int32: try scatter(Int32.self)
        case .bool: try scatter(Bool.self)
        case .int8: try scatter(Int8.self)
        case .uint8: try scatter(UInt8.self)
        case .int16: try scatter(Int16.self)
        case .uint16: try scatter(UInt16.self)
        case .uint32: try scatter(UInt32.self)
        case .uint64: try scatter(UInt64.self)
        case .float16: try scatter(Half.self)
        case .bfloat16: try scatter(BFloat16.self)
        case .string: break
        }
        return (name, dense)
    }
}
