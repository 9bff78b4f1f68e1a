import MLCoreTensor
import ONNXProto

extension ONNXReader.Decoder {
    /// `AttributeProto.AttributeType` codes.
    enum AttributeKind: UInt32 {
        case float = 1, int = 2, string = 3, tensor = 4, graph = 5
        case floats = 6, ints = 7, strings = 8, tensors = 9, graphs = 10
        case sparseTensor = 11, sparseTensors = 12, typeProto = 13, typeProtos = 14
    }

    /// `AttributeProto` -> (name, ``ONNXAttribute``), subgraphs read recursively.
    ///
    /// The kind comes from `type`; models from IR 1 leave it UNDEFINED, and then it is inferred from the one field
    /// that is set. Sparse-tensor and type-proto list attributes have no ``ONNXAttribute`` case and throw
    /// ``ONNXError/invalidNode(node:opType:reason:)`` when present.
    func attribute(_ p: UnsafePointer<Onnx__AttributeProto>, node: String, opType: String) throws -> (String, ONNXAttribute) {
        let proto = p.pointee
        let name = protoString(proto.name)
        func invalid(_ reason: String) -> ONNXError {
            .invalidNode(node: node, opType: opType, reason: name.isEmpty ? reason : "attribute '\(name)': \(reason)")
        }
        guard !name.isEmpty else { throw invalid("an attribute has no name") }
        if let reference = proto.ref_attr_name, reference.pointee != 0 {
            throw invalid("refers to function attribute '\(protoString(reference))', which is only valid inside a function")
        }

        let code = proto.has_type != 0 ? proto.type.rawValue : 0
        let kind: AttributeKind
        if code == 0 {
            guard let inferred = Self.inferredKind(proto) else { throw invalid("no type and no value") }
            kind = inferred
        } else {
            guard let known = AttributeKind(rawValue: code) else { throw invalid("unknown attribute type \(code)") }
            kind = known
        }

        let tensorName = "\(node).\(name)"
        switch kind {
        case .float: return (name, .float(proto.f))
        case .int: return (name, .int(proto.i))
        case .string: return (name, .string(protoString(proto.s)))
        case .floats: return (name, .floats(Array(protoScalars(proto.n_floats, proto.floats))))
        case .ints: return (name, .ints(Array(protoScalars(proto.n_ints, proto.ints))))
        case .strings: return (name, .strings(protoScalars(proto.n_strings, proto.strings).map { protoString($0) }))
        case .tensor:
            guard let t = proto.t else { throw invalid("type TENSOR but no tensor") }
            return (name, .tensor(try tensor(t, fallbackName: tensorName)))
        case .tensors:
            var tensors: [Tensor] = []
            for (i, t) in protoRepeated(proto.n_tensors, proto.tensors).enumerated() {
                guard let t else { continue }
                tensors.append(try tensor(t, fallbackName: "\(tensorName)[\(i)]"))
            }
            return (name, .tensors(tensors))
        case .graph:
            guard let g = proto.g else { throw invalid("type GRAPH but no graph") }
            return (name, .graph(try graph(g, context: "node '\(node)' attribute '\(name)'")))
        case .graphs:
            var graphs: [ONNXGraph] = []
            for (i, g) in protoRepeated(proto.n_graphs, proto.graphs).enumerated() {
                guard let g else { continue }
                graphs.append(try graph(g, context: "node '\(node)' attribute '\(name)'[\(i)]"))
            }
            return (name, .graphs(graphs))
        case .sparseTensor, .sparseTensors:
            throw invalid("sparse-tensor attributes are not supported; store the tensor dense")
        case .typeProto:
            guard let tp = proto.tp else { throw invalid("type TYPE_PROTO but no type") }
            return (name, .type(try type(tp, value: "\(node).\(name)", graphName: "node '\(node)'")))
        case .typeProtos:
            throw invalid("type-proto list attributes are not supported")
        }
    }

    /// The kind of an attribute whose `type` is UNDEFINED: the first value field that is present.
    static func inferredKind(_ a: Onnx__AttributeProto) -> AttributeKind? {
        if a.has_f != 0 { return .float }
        if a.has_i != 0 { return .int }
        if a.has_s != 0 { return .string }
        if a.t != nil { return .tensor }
        if a.g != nil { return .graph }
        if a.sparse_tensor != nil { return .sparseTensor }
        if a.tp != nil { return .typeProto }
        if a.n_floats > 0 { return .floats }
        if a.n_ints > 0 { return .ints }
        if a.n_strings > 0 { return .strings }
        if a.n_tensors > 0 { return .tensors }
        if a.n_graphs > 0 { return .graphs }
        if a.n_sparse_tensors > 0 { return .sparseTensors }
        if a.n_type_protos > 0 { return .typeProtos }
        return nil
    }
}
