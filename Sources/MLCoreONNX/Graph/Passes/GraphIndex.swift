import MLCoreTensor

/// What a graph rewrite asks of a graph: which node produces a value, which nodes read it (including nodes
/// whose subgraphs read it from outer scope), which values leave the graph, and the constant behind a name
/// (an initializer or a `Constant` node's tensor).
struct GraphIndex {
    let graph: ONNXGraph
    private(set) var producer: [String: Int] = [:]
    private(set) var consumers: [String: [Int]] = [:]
    let graphOutputs: Set<String>

    init(_ graph: ONNXGraph) {
        self.graph = graph
        graphOutputs = Set(graph.outputs.map(\.name))
        for (i, node) in graph.nodes.enumerated() {
            var read = Set(node.inputs)
            if node.attributes.values.contains(where: \.isGraph) { read.formUnion(Subgraph.captures(of: node)) }
            for input in read where !input.isEmpty { consumers[input, default: []].append(i) }
            for output in node.outputs where !output.isEmpty { producer[output] = i }
        }
    }

    /// The one node that reads `value`, when exactly one does and `value` is not a graph output: a rewrite may
    /// then fold the producer into that reader.
    func soleReader(of value: String) -> Int? {
        guard !graphOutputs.contains(value), let readers = consumers[value], readers.count == 1 else { return nil }
        return readers[0]
    }

    /// The constant value of `name`: an initializer, or the `value` (or `value_float` / `value_int`) of the
    /// `Constant` node producing it, also through `Identity` nodes (torch's exporter writes a weight shared by
    /// two layers as an Identity of one initializer). Nil for anything computed at run time.
    func constant(_ name: String) -> Tensor? { constant(name, depth: 0) }

    private func constant(_ name: String, depth: Int) -> Tensor? {
        if name.isEmpty { return nil }
        if let t = graph.initializers[name] { return t }
        // The bound keeps a cyclic (invalid) graph, which the planner rejects later, from recursing forever.
        guard depth < 64, let p = producer[name] else { return nil }
        let node = graph.nodes[p]
        if node.opType == "Identity", node.domain.isEmpty, node.inputs.count == 1 {
            return constant(node.inputs[0], depth: depth + 1)
        }
        guard node.opType == "Constant", node.domain.isEmpty else { return nil }
        switch (node.attributes["value"], node.attributes["value_float"], node.attributes["value_int"]) {
        case (.tensor(let t)?, _, _): return t
        case (_, .float(let f)?, _): return Tensor(scalar: f)
        case (_, _, .int(let i)?): return Tensor(scalar: i)
        default: return nil
        }
    }

    /// A value name not used anywhere in the graph, from `base`.
    func freshName(_ base: String, avoiding taken: Set<String>) -> String {
        var name = base, k = 1
        while graph.initializers[name] != nil || producer[name] != nil || consumers[name] != nil || taken.contains(name)
            || graph.inputs.contains(where: { $0.name == name }) {
            name = "\(base)_\(k)"
            k += 1
        }
        return name
    }
}
