import MLCoreTensor

/// A parsed ONNX model: the graph and the operator sets it was written against.
///
/// Produced by ``ONNXReader`` from a `ModelProto`; consumed by the planner. Plain values, `Sendable`.
/// - SeeAlso: [ONNX IR](https://github.com/onnx/onnx/blob/main/docs/IR.md)
public struct ONNXModel: Sendable {
    public var irVersion: Int64
    /// Operator set version per domain. The default domain `ai.onnx` is stored under `""`.
    public var opsetImports: [String: Int64]
    public var producerName: String
    public var producerVersion: String
    public var graph: ONNXGraph

    public init(irVersion: Int64, opsetImports: [String: Int64], producerName: String, producerVersion: String, graph: ONNXGraph) {
        self.irVersion = irVersion
        self.opsetImports = opsetImports
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.graph = graph
    }

    /// The opset version for `domain` (`""` and `"ai.onnx"` are the same domain), if imported.
    public func opset(for domain: String) -> Int64? {
        let key = domain == "ai.onnx" ? "" : domain
        return opsetImports[key]
    }
}

/// A graph: nodes in file order, initializers, and typed inputs/outputs.
public struct ONNXGraph: Sendable {
    public var name: String
    public var nodes: [ONNXNode]
    /// Constant tensors by name (`graph.initializer`, sparse initializers densified).
    public var initializers: [String: Tensor]
    /// Graph inputs in declared order, initializers excluded.
    public var inputs: [ONNXValueInfo]
    public var outputs: [ONNXValueInfo]
    /// `graph.value_info`: declared types of intermediate values, where the producer wrote them.
    public var valueInfo: [ONNXValueInfo]

    public init(name: String, nodes: [ONNXNode], initializers: [String: Tensor], inputs: [ONNXValueInfo],
                outputs: [ONNXValueInfo], valueInfo: [ONNXValueInfo]) {
        self.name = name
        self.nodes = nodes
        self.initializers = initializers
        self.inputs = inputs
        self.outputs = outputs
        self.valueInfo = valueInfo
    }
}

/// One node. Empty strings in `inputs`/`outputs` mark omitted optional operands, as in ONNX.
public struct ONNXNode: Sendable {
    public var name: String
    public var opType: String
    /// `""` for the default domain (`ai.onnx` is normalized to `""`).
    public var domain: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: ONNXAttribute]

    public init(name: String, opType: String, domain: String, inputs: [String], outputs: [String],
                attributes: [String: ONNXAttribute]) {
        self.name = name
        self.opType = opType
        self.domain = domain == "ai.onnx" ? "" : domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }
}

/// An attribute value of every kind ONNX defines.
public indirect enum ONNXAttribute: Sendable {
    case float(Float)
    case int(Int64)
    case string(String)
    case tensor(Tensor)
    case graph(ONNXGraph)
    case floats([Float])
    case ints([Int64])
    case strings([String])
    case tensors([Tensor])
    case graphs([ONNXGraph])
    /// A `TypeProto` attribute (`Optional`'s `type`).
    case type(ONNXType)

    /// Whether the attribute holds a subgraph (If, Loop, Scan bodies).
    var isGraph: Bool {
        switch self {
        case .graph, .graphs: return true
        default: return false
        }
    }
}

/// The declared element type and shape of a graph input, output or intermediate value.
public struct ONNXValueInfo: Sendable {
    public var name: String
    public var type: ONNXType

    public init(name: String, type: ONNXType) {
        self.name = name
        self.type = type
    }
}

/// ONNX value types MLCore understands.
public indirect enum ONNXType: Sendable, Equatable {
    /// A tensor; `elementType` is `nil` when the declaration gives none (an element type MLCore cannot hold is
    /// ``unsupported(_:)`` instead, named like `tensor(COMPLEX64)`).
    case tensor(elementType: DType?, shape: [ONNXDimension]?)
    /// `seq(map(K, V))`, e.g. ZipMap's output.
    case sequence(ONNXType)
    case map(key: DType?, value: ONNXType)
    /// `optional(T)` (opset 15's Optional operators).
    case optional(ONNXType)
    /// A type MLCore does not model (sparse tensor, opaque, ...); the string says which.
    case unsupported(String)
}

/// One dimension of a declared shape.
public enum ONNXDimension: Sendable, Equatable, CustomStringConvertible {
    case fixed(Int64)
    /// A named symbolic dimension such as `batch` or `N`: inputs that name the same symbol must agree on it.
    case symbolic(String)
    /// An independent unknown dimension: neither value nor name given, a negative `dim_value` (some exporters
    /// write -1), or the `dim_param` `"?"` (paddle2onnx writes it for every unknown dimension).
    case unknown

    public var description: String {
        switch self {
        case .fixed(let v): return String(v)
        case .symbolic(let s): return s
        case .unknown: return "?"
        }
    }
}
