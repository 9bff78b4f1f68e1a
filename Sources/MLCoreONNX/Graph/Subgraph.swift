import MLCoreTensor

/// A graph attribute (If's branches, Loop's and Scan's body) compiled once at load into its own plan.
///
/// A subgraph may read values of the graphs around it (ONNX's outer scope). Those names, its *captures*, are
/// bound as extra graph inputs of its plan; the planner appends the captures of all of a node's subgraphs to
/// the node's step inputs (after its declared inputs, in ``Subgraph/captures(of:)`` order), so liveness and
/// ordering see them like any other input and the operator receives their values at run time.
struct Subgraph: Sendable {
    let name: String
    let plan: ExecutionPlan
    /// Declared (formal) inputs of the body.
    let inputCount: Int
    /// For each of this subgraph's captures, its index in the node's capture list.
    let captureIndices: [Int]

    /// Plans graph attribute `attribute` of the node in `spec`.
    init(_ spec: NodeSpec, attribute: String) throws {
        guard case .graph(let graph)? = spec.node.attributes[attribute] else {
            throw spec.error("missing graph attribute '\(attribute)'")
        }
        let nodeCaptures = Self.captures(of: spec.node)
        let own = Self.freeVariables(of: graph)
        var inputs = graph.inputs
        inputs.append(contentsOf: own.map { ONNXValueInfo(name: $0, type: .tensor(elementType: nil, shape: nil)) })
        let body = ONNXGraph(name: graph.name, nodes: graph.nodes, initializers: graph.initializers, inputs: inputs,
                             outputs: graph.outputs, valueInfo: graph.valueInfo)
        let model = ONNXModel(irVersion: 8, opsetImports: spec.opsetImports, producerName: "", producerVersion: "", graph: body)
        do {
            plan = try Planner(options: spec.options, wrapsHalfPrecision: spec.wrapsHalfPrecision ? true : nil).plan(model)
        } catch let error as ONNXError {
            throw spec.error("subgraph '\(attribute)': \(error)")
        }
        name = attribute
        inputCount = graph.inputs.count
        captureIndices = own.map { nodeCaptures.firstIndex(of: $0)! }
    }

    /// Runs the body on its formal inputs, with the node's captured values (`captured[i]` for capture `i` of
    /// the node), and returns the body's outputs in order.
    func run(_ inputs: [Value?], captured: ArraySlice<Value?>, _ context: RunContext, _ spec: NodeSpec) throws -> [Value] {
        guard inputs.count == inputCount else {
            throw spec.error("subgraph '\(name)' takes \(inputCount) inputs, given \(inputs.count)")
        }
        var slots = [Value?](repeating: nil, count: plan.slotCount)
        for (slot, value) in plan.constants { slots[slot] = value }
        for (i, value) in inputs.enumerated() { slots[plan.inputs[i].slot] = value }
        for (j, index) in captureIndices.enumerated() {
            let position = captured.startIndex + index
            guard position < captured.endIndex, let value = captured[position] else {
                throw spec.error("subgraph '\(name)' reads '\(plan.inputs[inputCount + j].info.name)' of the outer graph, which has no value")
            }
            slots[plan.inputs[inputCount + j].slot] = value
        }
        try plan.execute(&slots, context)
        return try plan.outputs.map { info, slot in
            guard let value = slots[slot] else { throw spec.error("subgraph '\(name)' did not produce its output '\(info.name)'") }
            return value
        }
    }

    /// The outer names all graph attributes of `node` read, in first-use order (attributes by name).
    static func captures(of node: ONNXNode) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        for name in node.attributes.keys.sorted() {
            let graphs: [ONNXGraph]
            switch node.attributes[name]! {
            case .graph(let g): graphs = [g]
            case .graphs(let gs): graphs = gs
            default: continue
            }
            for g in graphs { for v in freeVariables(of: g) where seen.insert(v).inserted { result.append(v) } }
        }
        return result
    }

    /// Names a graph reads (node inputs, its outputs, and its nested subgraphs' captures) that it does not
    /// define itself (inputs, initializers, node outputs), in first-use order.
    static func freeVariables(of graph: ONNXGraph) -> [String] {
        var defined = Set(graph.inputs.map(\.name)).union(graph.initializers.keys)
        for node in graph.nodes { defined.formUnion(node.outputs.filter { !$0.isEmpty }) }
        var result: [String] = []
        var seen = Set<String>()
        func use(_ name: String) {
            if !name.isEmpty, !defined.contains(name), seen.insert(name).inserted { result.append(name) }
        }
        for node in graph.nodes {
            node.inputs.forEach(use)
            captures(of: node).forEach(use)
        }
        graph.outputs.map(\.name).forEach(use)
        return result
    }
}

extension NodeSpec {
    /// The node's captured outer values at run time: the step inputs after its declared ones.
    func captured(_ inputs: [Value?]) -> ArraySlice<Value?> {
        inputs[min(node.inputs.count, inputs.count)...]
    }

    /// The node's declared inputs (its captures stripped).
    func declared(_ inputs: [Value?]) -> [Value?] {
        Array(inputs.prefix(node.inputs.count))
    }
}
