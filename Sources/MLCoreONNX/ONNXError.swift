/// Errors of ONNX import and inference. Every case names what a user needs to find the problem: the file,
/// the node (name and op type), the tensor or the shapes involved.
public enum ONNXError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadableFile(path: String, reason: String)
    /// The bytes are not a valid `ModelProto` (truncated, corrupt, nested too deep, ...).
    case malformedModel(path: String, reason: String)
    /// A tensor uses an element type MLCore does not support (ONNX `TensorProto.DataType` code).
    case unsupportedElementType(tensor: String, code: Int32)
    /// A tensor's declared element count does not match its data.
    case tensorDataMismatch(tensor: String, declared: Int, actual: Int)
    /// An external-data location resolves outside the model's folder.
    case externalDataOutsideModelFolder(tensor: String, location: String)
    /// External data is missing, unreadable or shorter than declared.
    case externalData(tensor: String, reason: String)
    /// The model uses operators (at its opsets) or declares element types MLCore does not support: every one of
    /// them, subgraphs included, so a user sees all blockers at once.
    case unsupportedModel(operators: [UnsupportedOperator], elementTypes: [UnsupportedElementType])
    /// The graph has a cycle through these nodes.
    case graphCycle(nodes: [String])
    /// A structural problem: a value used but never produced, a duplicate output, a missing opset import, ...
    case invalidGraph(reason: String)
    /// A node's attributes or inputs are invalid for its operator.
    case invalidNode(node: String, opType: String, reason: String)
    /// Shapes that an operator needs to agree do not.
    case shapeMismatch(node: String, opType: String, reason: String)
    /// A run was given a wrong, missing or unknown input.
    case invalidInput(name: String, reason: String)
    /// A resource limit of ``SessionOptions`` was exceeded.
    case limitExceeded(what: String, value: Int, limit: Int)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason): return "cannot read \(path): \(reason)"
        case let .malformedModel(path, reason): return "\(path): not a valid ONNX model: \(reason)"
        case let .unsupportedElementType(tensor, code): return "tensor '\(tensor)': element type \(code) (\(Self.dataTypeName(code))) is not supported"
        case let .tensorDataMismatch(tensor, declared, actual): return "tensor '\(tensor)': shape declares \(declared) elements but the data holds \(actual)"
        case let .externalDataOutsideModelFolder(tensor, location): return "tensor '\(tensor)': external data location '\(location)' leaves the model's folder"
        case let .externalData(tensor, reason): return "tensor '\(tensor)': external data: \(reason)"
        case let .unsupportedModel(operators, elementTypes):
            var parts: [String] = []
            if !operators.isEmpty {
                parts.append("\(operators.count) unsupported operator\(operators.count == 1 ? "" : "s"): "
                             + operators.map(\.description).joined(separator: "; "))
            }
            if !elementTypes.isEmpty {
                parts.append("\(elementTypes.count) value\(elementTypes.count == 1 ? "" : "s") of unsupported type: "
                             + elementTypes.map(\.description).joined(separator: "; "))
            }
            return "the model is not supported: " + parts.joined(separator: "; and ")
        case let .graphCycle(nodes): return "the graph has a cycle through nodes \(nodes.prefix(8).map { "'\($0)'" }.joined(separator: ", "))"
        case let .invalidGraph(reason): return "invalid graph: \(reason)"
        case let .invalidNode(node, op, reason): return "node '\(node)' (\(op)): \(reason)"
        case let .shapeMismatch(node, op, reason): return "node '\(node)' (\(op)): shape mismatch: \(reason)"
        case let .invalidInput(name, reason): return "input '\(name)': \(reason)"
        case let .limitExceeded(what, value, limit): return "\(what) is \(value), over the limit of \(limit)"
        }
    }

    /// ONNX's name for a `TensorProto.DataType` code.
    public static func dataTypeName(_ code: Int32) -> String {
        let names = ["UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL",
                     "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN",
                     "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1", "FLOAT8E8M0", "UINT2", "INT2"]
        return code >= 0 && Int(code) < names.count ? names[Int(code)] : "unknown"
    }
}
