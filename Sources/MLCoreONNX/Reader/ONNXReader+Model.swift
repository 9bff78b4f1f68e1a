import ONNXProto

extension ONNXReader.Decoder {
    /// `ModelProto` -> ``ONNXModel``.
    ///
    /// Model-local functions (`ModelProto.functions`) and training information are not read: a node that calls a
    /// local function fails later in the planner as an unsupported operator of the function's domain.
    func model(_ p: UnsafePointer<Onnx__ModelProto>) throws -> ONNXModel {
        let proto = p.pointee
        let irVersion = proto.has_ir_version != 0 ? proto.ir_version : 0
        let opsets = try opsetImports(proto, irVersion: irVersion)
        guard let graphProto = proto.graph else { throw malformed("the model has no graph") }
        let graph = try graph(graphProto, context: "main graph")
        return ONNXModel(irVersion: irVersion, opsetImports: opsets, producerName: protoString(proto.producer_name),
                         producerVersion: protoString(proto.producer_version), graph: graph)
    }

    /// `opset_import` for every domain, `"ai.onnx"` stored as `""`.
    ///
    /// IR versions before 3 had no `opset_import`; such a model uses opset 1 of `ai.onnx`. From IR 3 on the field is
    /// required, which also makes a model cut just after its graph fail instead of loading without opsets.
    func opsetImports(_ proto: Onnx__ModelProto, irVersion: Int64) throws -> [String: Int64] {
        var opsets: [String: Int64] = [:]
        for case let entry? in protoRepeated(proto.n_opset_import, proto.opset_import) {
            var domain = protoString(entry.pointee.domain)
            if domain == "ai.onnx" { domain = "" }
            let version = entry.pointee.has_version != 0 ? entry.pointee.version : 0
            if let previous = opsets[domain], previous != version {
                throw malformed("opset_import lists domain '\(domain.isEmpty ? "ai.onnx" : domain)' twice "
                                + "(versions \(previous) and \(version))")
            }
            opsets[domain] = version
        }
        if opsets.isEmpty {
            guard irVersion < 3 else {
                throw malformed("the model (IR version \(irVersion)) has no opset_import")
            }
            opsets[""] = 1
        }
        return opsets
    }
}
