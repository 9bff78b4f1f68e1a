import MLCoreTensor

/// Turns an ``ONNXModel`` into an ``ExecutionPlan``: resolves every node's operator at the model's opset,
/// orders nodes topologically (a cycle is an error), folds constant subgraphs, and computes liveness.
struct Planner {
    var registry: OperatorRegistry = .standard
    var options: SessionOptions

    func plan(_ model: ONNXModel) throws -> ExecutionPlan {
        let graph = model.graph
        guard graph.nodes.count <= options.readLimits.maxNodes else {
            throw ONNXError.limitExceeded(what: "node count", value: graph.nodes.count, limit: options.readLimits.maxNodes)
        }

        // Slots: one per distinct value name.
        var slotOf: [String: Int] = [:]
        func slot(_ name: String) -> Int {
            if let s = slotOf[name] { return s }
            let s = slotOf.count
            slotOf[name] = s
            return s
        }

        var constantValues: [String: Tensor] = graph.initializers
        var available = Set(graph.initializers.keys)
        for input in graph.inputs {
            guard !input.name.isEmpty else { throw ONNXError.invalidGraph(reason: "a graph input has an empty name") }
            available.insert(input.name)
        }

        // Producers, and a check that no value is produced twice.
        var producer: [String: Int] = [:]
        for (i, node) in graph.nodes.enumerated() {
            for out in node.outputs where !out.isEmpty {
                if producer[out] != nil || graph.initializers[out] != nil || graph.inputs.contains(where: { $0.name == out }) {
                    throw ONNXError.invalidGraph(reason: "value '\(out)' is produced more than once (node '\(node.name)')")
                }
                producer[out] = i
            }
        }
        for node in graph.nodes {
            for input in node.inputs where !input.isEmpty && !available.contains(input) && producer[input] == nil {
                throw ONNXError.invalidGraph(reason: "node '\(node.name)' (\(node.opType)) reads '\(input)', which no node, input or initializer provides")
            }
        }
        for out in graph.outputs where !available.contains(out.name) && producer[out.name] == nil {
            throw ONNXError.invalidGraph(reason: "graph output '\(out.name)' is never produced")
        }

        let order = try topologicalOrder(graph.nodes, producer: producer)

        var steps: [ExecutionPlan.Step] = []
        let context = RunContext(threads: options.threads, maxTensorBytes: options.maxTensorBytes)
        for index in order {
            let node = graph.nodes[index]
            guard let opset = model.opset(for: node.domain) else {
                throw ONNXError.invalidGraph(reason: "node '\(node.name)' uses domain '\(node.domain.isEmpty ? "ai.onnx" : node.domain)', which the model does not import")
            }
            guard let entry = registry.resolve(domain: node.domain, opType: node.opType, opset: opset) else {
                throw ONNXError.unsupportedOperator(domain: node.domain, type: node.opType, opset: opset, node: node.name)
            }
            let constantInputs = node.inputs.map { $0.isEmpty ? nil : constantValues[$0] }
            let spec = NodeSpec(node: node, opset: opset, constantInputs: constantInputs, options: options)
            let op = try entry.factory(spec)

            let foldable = options.constantFolding && !node.inputs.isEmpty
                && node.inputs.allSatisfy { $0.isEmpty || constantValues[$0] != nil }
                && !Self.nondeterministic.contains(node.opType)
            if foldable {
                let outputs = try op.run(constantInputs.map { $0.map(Value.tensor) }, context)
                var allTensors = true
                for (name, value) in zip(node.outputs, outputs) where !name.isEmpty {
                    guard let t = value.tensor else { allTensors = false; break }
                    constantValues[name] = t
                }
                if allTensors { continue }
            }
            steps.append(ExecutionPlan.Step(node: node, op: op, inputs: node.inputs.map { $0.isEmpty ? nil : slot($0) },
                                            outputs: node.outputs.map { $0.isEmpty ? nil : slot($0) }, releases: []))
        }

        // Constants actually read by a remaining step or returned as outputs get slots.
        var constants: [(slot: Int, value: Value)] = []
        var placed = Set<String>()
        let stepInputs = Set(steps.flatMap { $0.node.inputs })
        for (name, t) in constantValues where stepInputs.contains(name) || graph.outputs.contains(where: { $0.name == name }) {
            if placed.insert(name).inserted { constants.append((slot(name), .tensor(t))) }
        }
        let inputs = graph.inputs.map { ($0, slot($0.name)) }
        let outputs = graph.outputs.map { ($0, slot($0.name)) }

        // Liveness: release each slot after its last reader, unless it is a graph output or a constant.
        let keep = Set(outputs.map(\.1)).union(constants.map(\.slot))
        var lastReader: [Int: Int] = [:]
        for (i, step) in steps.enumerated() {
            for case let s? in step.inputs { lastReader[s] = i }
        }
        for (s, i) in lastReader where !keep.contains(s) { steps[i].releases.append(s) }

        return ExecutionPlan(steps: steps, slotCount: slotOf.count, constants: constants, inputs: inputs, outputs: outputs)
    }

    /// Operators whose output is not a function of their inputs: never folded.
    static let nondeterministic: Set<String> = ["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli"]

    /// Kahn's algorithm in file order among ready nodes (stable); leftover nodes form a cycle.
    func topologicalOrder(_ nodes: [ONNXNode], producer: [String: Int]) throws -> [Int] {
        var indegree = [Int](repeating: 0, count: nodes.count)
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (i, node) in nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty {
                if let p = producer[input] {
                    indegree[i] += 1
                    consumers[p].append(i)
                }
            }
        }
        var ready = (0..<nodes.count).filter { indegree[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        var head = 0
        while head < ready.count {
            let i = ready[head]
            head += 1
            order.append(i)
            for c in consumers[i] {
                indegree[c] -= 1
                if indegree[c] == 0 { ready.append(c) }
            }
        }
        if order.count < nodes.count {
            let inCycle = (0..<nodes.count).filter { indegree[$0] > 0 }.map { nodes[$0].name }
            throw ONNXError.graphCycle(nodes: inCycle)
        }
        return order
    }
}
