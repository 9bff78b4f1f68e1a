import MLCoreTensor

/// An operator of a model that MLCore cannot run, with every node that uses it.
public struct UnsupportedOperator: Sendable, Hashable, CustomStringConvertible {
    /// The node's domain (`""` is `ai.onnx`).
    public var domain: String
    public var opType: String
    /// The opset the model imports for the domain, or `nil` when it imports none.
    public var opset: Int64?
    /// Node names; a node inside a subgraph is named by its path, e.g. `"if_0/then_branch/gather_3"`.
    public var nodes: [String]

    public var description: String {
        let domainName = domain.isEmpty ? "ai.onnx" : domain
        let version = opset.map { "opset \($0)" } ?? "domain not imported"
        let shown = nodes.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (nodes.count > 5 ? ", ... (\(nodes.count) nodes)" : "")
        return "\(domainName)::\(opType) (\(version)) in \(shown)"
    }
}

/// A declared value (graph input, output or intermediate) whose element type MLCore cannot hold.
public struct UnsupportedElementType: Sendable, Hashable, CustomStringConvertible {
    /// The value's name; inside a subgraph, prefixed by the node and attribute path.
    public var value: String
    /// ONNX's name of the type, e.g. `"COMPLEX64"` or `"optional(...)"`.
    public var type: String

    public var description: String { "'\(value)': \(type)" }
}

extension ONNXModel {
    /// Every operator in the model (subgraphs of If/Loop/Scan included) that MLCore's registry cannot resolve at
    /// the model's opset, grouped by (domain, op type, opset), in first-use order.
    public func unsupportedOperators() -> [UnsupportedOperator] {
        unsupportedOperators(registry: .standard)
    }

    func unsupportedOperators(registry: OperatorRegistry) -> [UnsupportedOperator] {
        var found: [UnsupportedOperator] = []
        var index: [String: Int] = [:]
        walk(graph, path: "") { node, path in
            let opset = opset(for: node.domain)
            if let opset, registry.resolve(domain: node.domain, opType: node.opType, opset: opset) != nil { return }
            let key = "\(node.domain)::\(node.opType)::\(opset ?? -1)"
            if let i = index[key] {
                found[i].nodes.append(path + node.name)
            } else {
                index[key] = found.count
                found.append(UnsupportedOperator(domain: node.domain, opType: node.opType, opset: opset, nodes: [path + node.name]))
            }
        }
        return found
    }

    /// Declared inputs, outputs and intermediate values (subgraphs included) whose element type MLCore cannot hold.
    public func unsupportedElementTypes() -> [UnsupportedElementType] {
        var found: [UnsupportedElementType] = []
        func check(_ g: ONNXGraph, _ path: String) {
            for info in g.inputs + g.outputs + g.valueInfo {
                if let problem = info.type.unsupportedPart { found.append(UnsupportedElementType(value: path + info.name, type: problem)) }
            }
        }
        check(graph, "")
        walk(graph, path: "") { node, path in
            for (name, attribute) in node.attributes.sorted(by: { $0.key < $1.key }) {
                switch attribute {
                case .graph(let g): check(g, path + node.name + "/" + name + "/")
                case .graphs(let gs): for (i, g) in gs.enumerated() { check(g, path + node.name + "/" + name + "[\(i)]/") }
                default: break
                }
            }
        }
        var seen = Set<UnsupportedElementType>()
        return found.filter { seen.insert($0).inserted }
    }

    /// Calls `visit` for every node of `graph` and of its subgraphs (depth first), with the node's path prefix.
    func walk(_ graph: ONNXGraph, path: String, _ visit: (ONNXNode, String) -> Void) {
        for node in graph.nodes {
            visit(node, path)
            for (name, attribute) in node.attributes.sorted(by: { $0.key < $1.key }) {
                switch attribute {
                case .graph(let g): walk(g, path: path + node.name + "/" + name + "/", visit)
                case .graphs(let gs):
                    for (i, g) in gs.enumerated() { walk(g, path: path + node.name + "/" + name + "[\(i)]/", visit) }
                default: break
                }
            }
        }
    }
}

extension ONNXType {
    /// The part of the type MLCore cannot hold (an element type code it does not know, an opaque or sparse
    /// type), or nil when it can hold the whole type. A missing type (allowed for intermediate values) is fine.
    var unsupportedPart: String? {
        switch self {
        case .tensor: return nil
        case .sequence(let inner): return inner.unsupportedPart
        case .map(let key, let value): return key == nil ? "map with an unsupported key type" : value.unsupportedPart
        case .optional(let inner): return inner.unsupportedPart
        // An absent or unset TypeProto (exporters leave intermediate value_info half-written) says nothing.
        case .unsupported(let s): return s == "missing type" || s == "undefined type" ? nil : s
        }
    }
}
