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
    /// Tensor element types are mapped as tensors load (see ``ONNXReader``); a tensor of an element type MLCore cannot
    /// hold is ``ONNXType/unsupported(_:)`` naming it. Dimensions: a non-negative `dim_value` is
    /// ``ONNXDimension/fixed(_:)``, a `dim_param` other than `""` and `"?"` is ``ONNXDimension/symbolic(_:)``,
    /// anything else ``ONNXDimension/unknown``; an absent shape is `nil` (rank unknown). Sparse-tensor and opaque
    /// types are ``ONNXType/unsupported(_:)``.
    /// Nesting (`seq(map(...))`) is bounded by the wire-format check, so the recursion is too.
    func type(_ p: UnsafePointer<Onnx__TypeProto>, value: String, graphName: String) throws -> ONNXType {
        let proto = p.pointee
        switch proto.value_case.rawValue {
        case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE.rawValue:
            guard let t = proto.tensor_type else { return .unsupported("tensor without element type") }
            var elementType: DType? = nil
            if t.pointee.has_elem_type != 0, t.pointee.elem_type != 0 {
                guard let known = Self.dtype(onnxCode: t.pointee.elem_type) else {
                    return .unsupported("tensor(\(ONNXError.dataTypeName(t.pointee.elem_type)))")
                }
                elementType = known
            }
            return .tensor(elementType: elementType,
                           shape: t.pointee.shape.map { dimensions($0, value: value, graphName: graphName) })
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
            guard let inner = try proto.optional_type?.pointee.elem_type.map({ try type($0, value: value, graphName: graphName) }) else {
                return .unsupported("optional without element type")
            }
            return .optional(inner)
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

    func dimensions(_ p: UnsafePointer<Onnx__TensorShapeProto>, value: String, graphName: String) -> [ONNXDimension] {
        protoRepeated(p.pointee.n_dim, p.pointee.dim).map { d -> ONNXDimension in
            guard let d else { return .unknown }
            switch d.pointee.value_case.rawValue {
            case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE.rawValue:
                // A negative value (exporters write -1 for "unknown"; onnxruntime runs such models) is unknown.
                let v = d.pointee.dim_value
                return v >= 0 ? .fixed(v) : .unknown
            case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM.rawValue:
                // "?" is paddle2onnx's mark for an unknown dimension, not one symbol shared by every input.
                let name = protoString(d.pointee.dim_param)
                return name.isEmpty || name == "?" ? .unknown : .symbolic(name)
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
