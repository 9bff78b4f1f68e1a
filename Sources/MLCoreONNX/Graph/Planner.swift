import MLCoreTensor

/// Turns an ``ONNXModel`` into an ``ExecutionPlan``: resolves every node's operator at the model's opset,
/// orders nodes topologically (a cycle is an error), folds constant subgraphs, and computes liveness.
struct Planner {
    var registry: OperatorRegistry = .standard
    var options: SessionOptions
    /// Whether to wrap operators in ``HalfPrecisionAdapter``s; nil decides by ``ONNXModel/holdsHalfPrecision``.
    /// A planner of a subgraph passes its parent's decision (the body may read half values from outer scope).
    var wrapsHalfPrecision: Bool? = nil

    func plan(_ model: ONNXModel) throws -> ExecutionPlan {
        // Graph rewrites that change which operators run come first, so every later step sees the result.
        let model = GraphPasses.apply(model, level: options.graphOptimization)
        let graph = model.graph
        guard graph.nodes.count <= options.readLimits.maxNodes else {
            throw ONNXError.limitExceeded(what: "node count", value: graph.nodes.count, limit: options.readLimits.maxNodes)
        }
        // Every blocker at once, before any operator is built.
        let unsupported = model.unsupportedOperators(registry: registry)
        let badTypes = model.unsupportedElementTypes()
        if !unsupported.isEmpty || !badTypes.isEmpty {
            throw ONNXError.unsupportedModel(operators: unsupported, elementTypes: badTypes)
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

        // Nodes with subgraphs read the subgraphs' outer-scope values too: they are appended to the step's inputs.
        var captures: [Int: [String]] = [:]
        for (i, node) in graph.nodes.enumerated() where node.attributes.values.contains(where: \.isGraph) {
            captures[i] = Subgraph.captures(of: node)
        }
        func stepInputs(_ i: Int) -> [String] { graph.nodes[i].inputs + (captures[i] ?? []) }

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
        for (i, node) in graph.nodes.enumerated() {
            for input in stepInputs(i) where !input.isEmpty && !available.contains(input) && producer[input] == nil {
                throw ONNXError.invalidGraph(reason: "node '\(node.name)' (\(node.opType)) reads '\(input)', which no node, input or initializer provides")
            }
        }
        for out in graph.outputs where !available.contains(out.name) && producer[out.name] == nil {
            throw ONNXError.invalidGraph(reason: "graph output '\(out.name)' is never produced")
        }

        let order = try topologicalOrder(graph.nodes.indices.map { i in
            var n = graph.nodes[i]
            n.inputs = stepInputs(i)
            return n
        }, producer: producer)

        var steps: [ExecutionPlan.Step] = []
        let context = RunContext(threads: options.threads, maxTensorBytes: options.maxTensorBytes, maxLiveBytes: options.maxLiveBytes)
        let halfPrecision = wrapsHalfPrecision ?? model.holdsHalfPrecision
        let halfPlan = halfPrecision ? HalfPrecisionPlan(graph, order: order) : HalfPrecisionPlan()
        // float32 copies of constant half inputs, by value name: a weight read by many nodes is widened once.
        // A graph input with an initializer (a default the caller may override) is widened per run instead.
        var widenedConstants: [String: Tensor] = [:]
        let graphInputNames = Set(graph.inputs.map(\.name))
        func widened(_ name: String, _ constant: Tensor, _ spec: NodeSpec) throws -> Tensor? {
            guard !graphInputNames.contains(name) else { return nil }
            if let w = widenedConstants[name] { return w }
            let w = try widenHalf(constant, spec, context)
            widenedConstants[name] = w
            return w
        }
        // In a model holding half values, a float16 W and bias fuse too: the fused GEMM runs in an adapter on
        // their float32 copies.
        let index = GraphIndex(graph)
        // Values a QuantizeLinear reads (NodeSpec.feedsQuantization).
        let quantizedValues = Set(graph.nodes.filter { $0.opType == "QuantizeLinear" && $0.domain.isEmpty }.compactMap(\.inputs.first))
        let fusions = try matMulAddFusions(graph, producer: producer) { name in
            guard let t = graph.initializers[name] ?? index.constant(name) else { return nil }
            guard halfPrecision, t.dtype.isHalfPrecision, !graphInputNames.contains(name) else { return t }
            let owner = ONNXNode(name: "initializer '\(name)'", opType: "Cast", domain: "", inputs: [], outputs: [], attributes: [:])
            return try widened(name, t, NodeSpec(node: owner, opset: 1, constantInputs: [], options: options))
        }
        let fusedAdds = Set(fusions.values.map { $0.add })
        for index in order where !fusedAdds.contains(index) {
            var node = graph.nodes[index]
            if let fusion = fusions[index], let opset = model.opset(for: "") {
                // MatMul(x, W) followed by Add(_, bias) with constant W and bias: one GEMM with the bias as C.
                let add = graph.nodes[fusion.add]
                node = ONNXNode(name: node.name + "+" + add.name, opType: "MatMul+Add", domain: "",
                                inputs: node.inputs, outputs: add.outputs, attributes: [:])
                let spec = NodeSpec(node: node, opset: opset, constantInputs: node.inputs.map { constantValues[$0] }, options: options)
                let fused: any Operator
                if halfPrecision && spec.constantInputs.contains(where: { $0?.dtype.isHalfPrecision == true }) {
                    fused = try HalfPrecisionAdapter(spec, factory: { try FusedMatMulAdd($0, bias: fusion.bias) },
                                                     halfType: node.inputs.lazy.compactMap { halfPlan.halfType[$0] }.first,
                                                     keepWideOutputs: add.outputs.map { halfPlan.keptWide.contains($0) }) { i, constant in
                        try widened(node.inputs[i], constant, spec)
                    }
                } else {
                    fused = try FusedMatMulAdd(spec, bias: fusion.bias)
                }
                steps.append(ExecutionPlan.Step(node: node, op: fused,
                                                inputs: node.inputs.map { slot($0) }, outputs: add.outputs.map { slot($0) }, releases: []))
                continue
            }
            guard let opset = model.opset(for: node.domain) else {
                throw ONNXError.invalidGraph(reason: "node '\(node.name)' uses domain '\(node.domain.isEmpty ? "ai.onnx" : node.domain)', which the model does not import")
            }
            guard let entry = registry.resolve(domain: node.domain, opType: node.opType, opset: opset) else {
                throw ONNXError.unsupportedModel(
                    operators: [UnsupportedOperator(domain: node.domain, opType: node.opType, opset: opset, nodes: [node.name])],
                    elementTypes: [])
            }
            let constantInputs = node.inputs.map { $0.isEmpty ? nil : constantValues[$0] }
            var spec = NodeSpec(node: node, opset: opset, constantInputs: constantInputs, options: options,
                                opsetImports: model.opsetImports)
            spec.wrapsHalfPrecision = halfPrecision
            spec.feedsQuantization = node.outputs.contains { quantizedValues.contains($0) }
            let op: any Operator
            if halfPrecision && Self.wrapsForHalfPrecision(node) {
                op = try HalfPrecisionAdapter(spec, factory: entry.factory,
                                              halfType: node.inputs.lazy.compactMap { halfPlan.halfType[$0] }.first,
                                              keepWideOutputs: node.outputs.map { halfPlan.keptWide.contains($0) }) { i, constant in
                    try widened(node.inputs[i], constant, spec)
                }
            } else if node.domain.isEmpty && NarrowIntegerAdapter.wrappedOperators.contains(node.opType) {
                op = NarrowIntegerAdapter(wrapped: try entry.factory(spec), spec: spec)
            } else {
                op = try entry.factory(spec)
            }

            // A Constant node (no inputs) folds too; other input-less nodes (random generators) never do.
            let foldable = options.constantFolding && (!node.inputs.isEmpty || node.opType == "Constant") && captures[index] == nil
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
            steps.append(ExecutionPlan.Step(node: node, op: op, inputs: stepInputs(index).map { $0.isEmpty ? nil : slot($0) },
                                            outputs: node.outputs.map { $0.isEmpty ? nil : slot($0) }, releases: []))
        }

        // Constants actually read by a remaining step or returned as outputs get slots.
        var constants: [(slot: Int, value: Value)] = []
        var placed = Set<String>()
        var readNames = Set(steps.flatMap { $0.node.inputs })
        for names in captures.values { readNames.formUnion(names) }
        for (name, t) in constantValues where readNames.contains(name) || graph.outputs.contains(where: { $0.name == name }) {
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
        var releases: [Int: [Int]] = [:]
        for (s, i) in lastReader where !keep.contains(s) { releases[i, default: []].append(s) }
        for (i, slots) in releases { steps[i] = steps[i].releasing(slots.sorted()) }

        return ExecutionPlan(steps: steps, slotCount: slotOf.count, constants: constants, inputs: inputs, outputs: outputs)
    }

    /// MatMul nodes (by index) whose only consumer is an Add of a constant bias, with W a constant 2-D
    /// float32 matrix `[K, N]` (a half one counts as its float32 copy, see `initializer`) and the bias `[N]` or `[1, N]`: the pair runs as one GEMM (onnxruntime fuses the
    /// same pattern). The MatMul's output must not be a graph output.
    /// - Parameter initializer: an initializer by name as the fusion would use it (float32 copies of half ones in
    ///   a model holding half values), or nil when there is none.
    func matMulAddFusions(_ graph: ONNXGraph, producer: [String: Int],
                          initializer: (String) throws -> Tensor?) rethrows -> [Int: (add: Int, bias: Tensor)] {
        guard options.graphOptimization >= .all else { return [:] }
        var consumers: [String: [Int]] = [:]
        for (i, node) in graph.nodes.enumerated() { for input in Set(node.inputs) where !input.isEmpty { consumers[input, default: []].append(i) } }
        let outputs = Set(graph.outputs.map(\.name))
        var result: [Int: (add: Int, bias: Tensor)] = [:]
        for (i, node) in graph.nodes.enumerated() where node.opType == "MatMul" && node.domain.isEmpty && node.inputs.count == 2 {
            guard let out = node.outputs.first, !outputs.contains(out), let users = consumers[out], users.count == 1 else { continue }
            let add = graph.nodes[users[0]]
            guard add.opType == "Add", add.domain.isEmpty, add.inputs.count == 2, add.outputs.count == 1,
                  let w = try initializer(node.inputs[1]), w.dtype == .float32, w.rank == 2 else { continue }
            let biasName = add.inputs[0] == out ? add.inputs[1] : add.inputs[0]
            guard add.inputs.contains(out), biasName != out, let bias = try initializer(biasName), bias.dtype == .float32,
                  bias.count == w.shape[1], bias.shape == [w.shape[1]] || bias.shape == [1, w.shape[1]] else { continue }
            result[i] = (users[0], bias)
        }
        return result
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
