import Foundation
import MLCore

/// `bench inspect`: what an ONNX model declares and uses, and what of it MLCore cannot run.
///
/// Inputs and outputs with element types and shapes (symbolic dimensions by name, unknown ones as `?`), opset
/// imports per domain, IR version and producer, a histogram of operators (`domain::op`, nodes inside subgraphs
/// included), every unsupported operator with the nodes that use it, values whose declared type MLCore does not
/// hold, and whether the model loads into an ``InferenceSession`` (with the error when it does not).
public struct ModelInspection: Codable, Sendable {
    /// A graph input or output.
    public struct ValueDescription: Codable, Sendable, Equatable {
        public var name: String
        /// `float32`, `int64`, `string`, ...; `unsupported` for a tensor type MLCore does not hold; for a
        /// non-tensor type its rendering, e.g. `seq(map(int64, float32[?]))`.
        public var elementType: String
        /// Dimensions: a number, a symbolic name, or `?`; `nil` when the rank is not declared or the value is
        /// not a tensor. In JSON a fixed dimension is a number, the others strings.
        public var shape: [Dimension]?
    }

    /// A declared dimension: JSON `3`, `"N"` or `"?"`.
    public enum Dimension: Codable, Sendable, Equatable, CustomStringConvertible {
        case fixed(Int64)
        case symbolic(String)

        init(_ d: ONNXDimension) {
            switch d {
            case .fixed(let v): self = .fixed(v)
            case .symbolic(let s): self = .symbolic(s)
            case .unknown: self = .symbolic("?")
            }
        }

        public var description: String {
            switch self {
            case .fixed(let v): return String(v)
            case .symbolic(let s): return s
            }
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Int64.self) { self = .fixed(v) } else { self = .symbolic(try c.decode(String.self)) }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .fixed(let v): try c.encode(v)
            case .symbolic(let s): try c.encode(s)
            }
        }
    }

    /// One operator and how many nodes use it.
    public struct OperatorCount: Codable, Sendable, Equatable {
        /// `ai.onnx`, `ai.onnx.ml`, `com.microsoft`, ...
        public var domain: String
        public var op: String
        public var count: Int
    }

    /// An operator MLCore has no implementation of at the model's opset.
    public struct UnsupportedOperator: Codable, Sendable, Equatable {
        public var domain: String
        public var op: String
        /// The model's opset for the domain (`nil` when the model does not import the domain).
        public var opset: Int64?
        /// The nodes that use it (subgraph nodes included), in file order.
        public var nodes: [String]
    }

    /// A value whose declared type MLCore does not hold.
    public struct UnsupportedType: Codable, Sendable, Equatable {
        public var value: String
        /// `graph input`, `graph output`, `value_info`, with the (sub)graph's name.
        public var role: String
        public var type: String
    }

    public var file: String
    public var irVersion: Int64
    public var producerName: String
    public var producerVersion: String
    /// Opset per domain (`ai.onnx` for the default domain), sorted by domain.
    public var opsetImports: [String: Int64]
    public var inputs: [ValueDescription]
    public var outputs: [ValueDescription]
    public var nodeCount: Int
    public var initializerCount: Int
    /// Most used first, then by domain and name.
    public var operators: [OperatorCount]
    public var unsupportedOperators: [UnsupportedOperator]
    public var unsupportedTypes: [UnsupportedType]
    /// Whether ``InferenceSession`` loads the model.
    public var loads: Bool
    /// The loading error, when it does not.
    public var loadError: String?
    /// How ``unsupportedOperators`` was found.
    public var unsupportedOperatorsSource: String

    /// Reads and inspects a model file.
    /// - Throws: ``ONNXError`` when the file cannot be read as an ONNX model at all (an initializer of an element
    ///   type MLCore cannot load stops the reader: the error names the tensor and the type).
    public init(contentsOf url: URL) throws {
        let model = try ONNXReader.read(contentsOf: url)
        self.init(model: model, file: url.path)
    }

    /// Inspects a parsed model.
    public init(model: ONNXModel, file: String) {
        self.file = file
        irVersion = model.irVersion
        producerName = model.producerName
        producerVersion = model.producerVersion
        opsetImports = Dictionary(model.opsetImports.map { ($0.key.isEmpty ? "ai.onnx" : $0.key, $0.value) },
                                  uniquingKeysWith: { a, _ in a })
        inputs = model.graph.inputs.map(Self.describe)
        outputs = model.graph.outputs.map(Self.describe)
        initializerCount = model.graph.initializers.count

        var nodes: [ONNXNode] = []
        var types: [UnsupportedType] = []
        Self.walk(model.graph, top: true, nodes: &nodes, types: &types)
        nodeCount = nodes.count
        unsupportedTypes = types

        var counts: [String: OperatorCount] = [:]
        for n in nodes {
            let domain = Self.domainName(n.domain)
            counts["\(domain)::\(n.opType)", default: OperatorCount(domain: domain, op: n.opType, count: 0)].count += 1
        }
        operators = counts.values.sorted { ($0.count, $1.domain, $1.op) > ($1.count, $0.domain, $0.op) }

        (unsupportedOperators, unsupportedOperatorsSource) = Self.unsupportedOperators(model)
        do {
            _ = try InferenceSession(model: model, options: SessionOptions(threads: 1))
            loads = true
            loadError = nil
        } catch {
            loads = false
            loadError = "\(error)"
        }
    }

    static func domainName(_ domain: String) -> String { domain.isEmpty ? "ai.onnx" : domain }

    static func describe(_ v: ONNXValueInfo) -> ValueDescription {
        switch v.type {
        case let .tensor(elementType, dims):
            return ValueDescription(name: v.name, elementType: elementType?.description ?? "unsupported", shape: dims?.map(Dimension.init))
        default:
            return ValueDescription(name: v.name, elementType: v.type.summary, shape: nil)
        }
    }

    /// Every node of `graph` and its subgraphs (depth first, file order), and the values whose declared type
    /// MLCore does not hold.
    static func walk(_ graph: ONNXGraph, top: Bool, nodes: inout [ONNXNode], types: inout [UnsupportedType]) {
        let scope = top ? "" : " of subgraph '\(graph.name)'"
        for (role, infos) in [("graph input", graph.inputs), ("graph output", graph.outputs), ("value_info", graph.valueInfo)] {
            for info in infos where !isSupported(info.type) {
                if case .unsupported("missing type") = info.type { continue }  // allowed for subgraph values
                types.append(UnsupportedType(value: info.name, role: role + scope, type: info.type.summary))
            }
        }
        for node in graph.nodes {
            nodes.append(node)
            for name in node.attributes.keys.sorted() {
                switch node.attributes[name]! {
                case .graph(let g): walk(g, top: false, nodes: &nodes, types: &types)
                case .graphs(let gs): for g in gs { walk(g, top: false, nodes: &nodes, types: &types) }
                default: break
                }
            }
        }
    }

    static func isSupported(_ type: ONNXType) -> Bool {
        switch type {
        case .tensor(let t, _): return t != nil
        case .sequence(let inner): return isSupported(inner)
        case let .map(k, v): return k != nil && isSupported(v)
        case .optional(let inner): return isSupported(inner)
        case .unsupported: return false
        }
    }

    /// The operators no registered implementation covers at the model's opset, subgraphs included
    /// (``ONNXModel/unsupportedOperators()``, the same check that makes loading fail).
    static func unsupportedOperators(_ model: ONNXModel) -> ([UnsupportedOperator], String) {
        let found = model.unsupportedOperators().map {
            UnsupportedOperator(domain: domainName($0.domain), op: $0.opType, opset: $0.opset, nodes: $0.nodes)
        }
        return (found, "the operator registry at the model's opsets (ONNXModel.unsupportedOperators)")
    }
}
