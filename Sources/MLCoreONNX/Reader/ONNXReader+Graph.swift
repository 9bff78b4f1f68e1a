import MLCoreTensor
import ONNXProto

extension ONNXReader.Decoder {
    /// `GraphProto` -> ``ONNXGraph``: nodes in file order, dense and sparse initializers, typed values.
    ///
    /// Graph inputs that name an initializer are dropped from ``ONNXGraph/inputs``: before IR 4 every initializer
    /// also had to be listed as an input.
    /// - Parameter context: how errors name the graph when it has no name (`"main graph"`, `"node 'If_3' attribute
    ///   'then_branch'"`).
    func graph(_ p: UnsafePointer<Onnx__GraphProto>, context: String) throws -> ONNXGraph {
        let proto = p.pointee
        let name = protoString(proto.name)
        let graphName = name.isEmpty ? context : "graph '\(name)'"

        var initializers: [String: Tensor] = [:]
        for case let t? in protoRepeated(proto.n_initializer, proto.initializer) {
            let tensorName = protoString(t.pointee.name)
            guard !tensorName.isEmpty else { throw malformed("\(graphName): an initializer has no name") }
            guard initializers[tensorName] == nil else {
                throw malformed("\(graphName): initializer '\(tensorName)' is defined twice")
            }
            initializers[tensorName] = try tensor(t, fallbackName: tensorName)
        }
        for case let s? in protoRepeated(proto.n_sparse_initializer, proto.sparse_initializer) {
            let (tensorName, dense) = try sparseTensor(s, fallbackName: "\(graphName): sparse initializer")
            guard !tensorName.isEmpty else { throw malformed("\(graphName): a sparse initializer has no name") }
            guard initializers[tensorName] == nil else {
                throw malformed("\(graphName): initializer '\(tensorName)' is defined twice")
            }
            initializers[tensorName] = dense
        }

        var nodes: [ONNXNode] = []
        nodes.reserveCapacity(proto.n_node)
        for (index, n) in protoRepeated(proto.n_node, proto.node).enumerated() {
            guard let n else { continue }
            nodes.append(try node(n, index: index))
        }

        let inputs = try valueInfos(proto.n_input, proto.input, graphName: graphName)
            .filter { initializers[$0.name] == nil }
        return ONNXGraph(name: name, nodes: nodes, initializers: initializers, inputs: inputs,
                         outputs: try valueInfos(proto.n_output, proto.output, graphName: graphName),
                         valueInfo: try valueInfos(proto.n_value_info, proto.value_info, graphName: graphName))
    }

    /// `NodeProto` -> ``ONNXNode``. An unnamed node is named `"<opType>_<index>"` (index within its graph), so
    /// errors can point at it.
    func node(_ p: UnsafePointer<Onnx__NodeProto>, index: Int) throws -> ONNXNode {
        let proto = p.pointee
        let opType = protoString(proto.op_type)
        var name = protoString(proto.name)
        if name.isEmpty { name = "\(opType.isEmpty ? "node" : opType)_\(index)" }
        guard !opType.isEmpty else {
            throw ONNXError.invalidNode(node: name, opType: opType, reason: "the node has no op_type")
        }
        var attributes: [String: ONNXAttribute] = [:]
        for case let a? in protoRepeated(proto.n_attribute, proto.attribute) {
            let (attributeName, value) = try attribute(a, node: name, opType: opType)
            guard attributes[attributeName] == nil else {
                throw ONNXError.invalidNode(node: name, opType: opType, reason: "attribute '\(attributeName)' appears twice")
            }
            attributes[attributeName] = value
        }
        return ONNXNode(name: name, opType: opType, domain: protoString(proto.domain),
                        inputs: protoRepeated(proto.n_input, proto.input).map { protoString($0) },
                        outputs: protoRepeated(proto.n_output, proto.output).map { protoString($0) },
                        attributes: attributes)
    }
}
