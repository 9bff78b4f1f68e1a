import MLCoreTensor
import ONNXProto

extension ONNXReader.Decoder {
    /// `ValueInfoProto`s -> ``ONNXValueInfo``s. A value without a type (allowed for subgraph inputs and
    /// intermediate values) gets ``ONNXType/unsupported(_:)`` `"missing type"`.
    func valueInfos(_ count: Int, _ base: UnsafeMutablePointer<UnsafeMutablePointer<Onnx__ValueInfoProto>?>?,
                    graphName: String) throws -> [ONNXValueInfo] {
        var infos: [ONNXValueInfo] = []
        infos.reserveCapacity(count)
        for case let v? in protoRepeated(count, base) {
            let name = protoString(v.pointee.name)
            let type = try v.pointee.type.map { try self.type($0, value: name, graphName: graphName) }
                ?? .unsupported("missing type")
            infos.append(ONNXValueInfo(name: name, type: type))
        }
        return infos
    }

    /// `TypeProto` -> ``ONNXType``.
    ///
    /// Tensor element types are mapped as tensors load (see ``ONNXReader``: UINT8 is int32, FLOAT16 is float32, ...);
    /// an element type MLCore cannot load is `nil`. Dimensions: `dim_value` is ``ONNXDimension/fixed(_:)``,
    /// a non-empty `dim_param` is ``ONNXDimension/symbolic(_:)``, neither is ``ONNXDimension/unknown``; an absent
    /// shape is `nil` (rank unknown). Sparse-tensor and opaque types are ``ONNXType/unsupported(_:)``.
    /// Nesting (`seq(map(...))`) is bounded by the wire-format check, so the recursion is too.
    func type(_ p: UnsafePointer<Onnx__TypeProto>, value: String, graphName: String) throws -> ONNXType {
        let proto = p.pointee
        switch proto.value_case.rawValue {
        case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE.rawValue:
            guard let t = proto.tensor_type else { return .unsupported("tensor without element type") }
            let elementType = t.pointee.has_elem_type != 0 ? Self.dtype(onnxCode: t.pointee.elem_type) : nil
            return .tensor(elementType: elementType,
                           shape: try t.pointee.shape.map { try dimensions($0, value: value, graphName: graphName) })
        case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE.rawValue:
            guard let element = proto.sequence_type?.pointee.elem_type else {
                return .unsupported("sequence without element type")
            }
            return .sequence(try type(element, value: value, graphName: graphName))
        case ONNX__TYPE_PROTO__VALUE_MAP_TYPE.rawValue:
            guard let map = proto.map_type, let valueType = map.pointee.value_type else {
                return .unsupported("map without value type")
            }
            let key = map.pointee.has_key_type != 0 ? Self.dtype(onnxCode: map.pointee.key_type) : nil
            return .map(key: key, value: try type(valueType, value: value, graphName: graphName))
        case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE.rawValue:
            guard let element = proto.optional_type?.pointee.elem_type else {
                return .unsupported("optional without element type")
            }
            return .optional(try type(element, value: value, graphName: graphName))
        case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE.rawValue:
            let code = proto.sparse_tensor_type?.pointee.elem_type ?? 0
            return .unsupported("sparse_tensor(\(ONNXError.dataTypeName(code)))")
        case ONNX__TYPE_PROTO__VALUE_OPAQUE_TYPE.rawValue:
            let opaque = proto.opaque_type?.pointee
            return .unsupported("opaque(\(protoString(opaque?.domain)).\(protoString(opaque?.name)))")
        default:
            return .unsupported("undefined type")
        }
    }

    func dimensions(_ p: UnsafePointer<Onnx__TensorShapeProto>, value: String, graphName: String) throws -> [ONNXDimension] {
        try protoRepeated(p.pointee.n_dim, p.pointee.dim).map { d -> ONNXDimension in
            guard let d else { return .unknown }
            switch d.pointee.value_case.rawValue {
            case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE.rawValue:
                let v = d.pointee.dim_value
                guard v >= 0 else { throw malformed("\(graphName): value '\(value)' declares dimension \(v)") }
                return .fixed(v)
            case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM.rawValue:
                let name = protoString(d.pointee.dim_param)
                return name.isEmpty ? .unknown : .symbolic(name)
            default:
                return .unknown
            }
        }
    }

    /// The ``DType`` an ONNX element type loads as, or `nil` when MLCore cannot load it.
    static func dtype(onnxCode: Int32) -> DType? {
        ElementEncoding(onnxCode: onnxCode)?.dtype
    }
}
