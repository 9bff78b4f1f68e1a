import MLCoreKernels
import MLCoreTensor

/// TreeEnsemble (ai.onnx.ml 5): nodes and leaves in separate lists, splits as a tensor, set membership.
/// Converted at load into the same flattened ensemble as the older operators; output type follows X.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_TreeEnsemble.html
enum TreeEnsembleV5 {
    static func make(_ spec: NodeSpec) throws -> TreeEnsembleRegressor {
        let featureIds = try spec.ints("nodes_featureids")
        let trueIds = try spec.ints("nodes_truenodeids"), falseIds = try spec.ints("nodes_falsenodeids")
        let trueLeafs = try spec.ints("nodes_trueleafs"), falseLeafs = try spec.ints("nodes_falseleafs")
        let roots = try spec.ints("tree_roots")
        let leafTargets = try spec.ints("leaf_targetids")
        guard let modeTensor = try spec.tensor("nodes_modes") else { throw spec.error("missing attribute 'nodes_modes'") }
        guard let splitTensor = try spec.tensor("nodes_splits") else { throw spec.error("missing attribute 'nodes_splits'") }
        guard let leafTensor = try spec.tensor("leaf_weights") else { throw spec.error("missing attribute 'leaf_weights'") }
        let modes = try integers(modeTensor, "nodes_modes", spec)
        let splits = try doubles(splitTensor, "nodes_splits", spec)
        let leafWeights = try doubles(leafTensor, "leaf_weights", spec)
        let missing = try spec.ints("nodes_missing_value_tracks_true", default: [])
        let members = try spec.tensor("membership_values").map { try doubles($0, "membership_values", spec) } ?? []
        let n = featureIds.count
        for (name, count) in [("nodes_truenodeids", trueIds.count), ("nodes_falsenodeids", falseIds.count), ("nodes_trueleafs", trueLeafs.count),
                              ("nodes_falseleafs", falseLeafs.count), ("nodes_modes", modes.count), ("nodes_splits", splits.count)] where count != n {
            throw spec.error("attribute '\(name)' has \(count) entries, 'nodes_featureids' has \(n)")
        }
        guard missing.isEmpty || missing.count == n else { throw spec.error("nodes_missing_value_tracks_true has \(missing.count) entries, expected \(n)") }
        guard leafTargets.count == leafWeights.count else { throw spec.error("leaf_targetids and leaf_weights differ in length") }

        // Member sets: the values of each BRANCH_MEMBER node in order, separated by NaN.
        var sets: [[Double]] = [[]]
        for v in members { if v.isNaN { sets.append([]) } else { sets[sets.count - 1].append(v) } }
        var nextSet = 0

        // Assign every node and leaf to the tree that reaches it; ids: nodes 0..<n, leaves n + index.
        var treeOfNode = [Int64](repeating: -1, count: n), treeOfLeaf = [Int64](repeating: -1, count: leafTargets.count)
        for (t, root) in roots.enumerated() {
            guard root >= 0, root < Int64(n) else { throw spec.error("tree_roots[\(t)] = \(root) is not a node index") }
            var stack = [Int(root)]
            while let i = stack.popLast() {
                guard treeOfNode[i] == -1 else { throw spec.error("node \(i) is reached twice (a cycle or shared between trees)") }
                treeOfNode[i] = Int64(t)
                for (child, isLeaf) in [(trueIds[i], trueLeafs[i]), (falseIds[i], falseLeafs[i])] {
                    if isLeaf != 0 {
                        guard child >= 0, child < Int64(leafTargets.count) else { throw spec.error("node \(i) points to leaf \(child), which does not exist") }
                        guard treeOfLeaf[Int(child)] == -1 else { throw spec.error("leaf \(child) is reached twice") }
                        treeOfLeaf[Int(child)] = Int64(t)
                    } else {
                        guard child >= 0, child < Int64(n) else { throw spec.error("node \(i) points to node \(child), which does not exist") }
                        stack.append(Int(child))
                    }
                }
            }
        }
        var nodes: [TreeNodeSpec] = []
        for i in 0..<n where treeOfNode[i] >= 0 {
            let mode: TreeEnsemble.Mode
            switch modes[i] {
            case 0: mode = .lessOrEqual
            case 1: mode = .less
            case 2: mode = .greaterOrEqual
            case 3: mode = .greater
            case 4: mode = .equal
            case 5: mode = .notEqual
            case 6: mode = .member
            default: throw spec.error("node \(i) has unknown mode \(modes[i])")
            }
            var set: [Double] = []
            if mode == .member {
                guard nextSet < sets.count else { throw spec.error("membership_values has fewer sets than BRANCH_MEMBER nodes") }
                set = sets[nextSet]
                nextSet += 1
            }
            let id = Int64(i)
            nodes.append(TreeNodeSpec(treeId: treeOfNode[i], nodeId: id, mode: mode, feature: featureIds[i], threshold: splits[i],
                                      trueNodeId: trueLeafs[i] != 0 ? Int64(n) + trueIds[i] : trueIds[i],
                                      falseNodeId: falseLeafs[i] != 0 ? Int64(n) + falseIds[i] : falseIds[i],
                                      missingTracksTrue: missing.isEmpty ? false : missing[i] != 0, members: set))
        }
        var weights: [TreeLeafWeight] = []
        for j in 0..<leafTargets.count where treeOfLeaf[j] >= 0 {
            nodes.append(TreeNodeSpec(treeId: treeOfLeaf[j], nodeId: Int64(n + j), mode: nil))
            weights.append(TreeLeafWeight(treeId: treeOfLeaf[j], nodeId: Int64(n + j), target: leafTargets[j], weight: leafWeights[j]))
        }
        let targets = Int(try spec.int("n_targets"))
        guard targets >= 1, targets <= 1 << 20 else { throw spec.error("n_targets \(targets) is invalid") }
        let aggregation: TreeAggregation
        switch try spec.int("aggregate_function", default: 1) {
        case 0: aggregation = .average
        case 1: aggregation = .sum
        case 2: aggregation = .min
        case 3: aggregation = .max
        case let other: throw spec.error("unknown aggregate_function \(other)")
        }
        let ensemble: TreeEnsemble
        do {
            ensemble = try TreeEnsemble(nodes: nodes, weights: weights, targetCount: targets,
                                        maxTrees: spec.options.maxTrees, maxDepth: spec.options.maxTreeDepth)
        } catch let e as TreeEnsembleError {
            throw spec.error(e.message)
        }
        return TreeEnsembleRegressor(spec: spec, ensemble: ensemble, aggregation: aggregation,
                                     transform: try PostTransform(code: try spec.int("post_transform", default: 0), spec),
                                     baseValues: [], outputFloat64: splitTensor.dtype == .float64)
    }

    static func doubles(_ t: Tensor, _ name: String, _ spec: NodeSpec) throws -> [Double] {
        guard let values = t.widenedFloats() else {
            throw spec.error("attribute '\(name)' must be a floating-point tensor, got \(t.dtype)")
        }
        return values
    }

    static func integers(_ t: Tensor, _ name: String, _ spec: NodeSpec) throws -> [Int64] {
        guard t.dtype.isInteger, let values = t.widenedIntegers() else {
            throw spec.error("attribute '\(name)' must be an integer tensor, got \(t.dtype)")
        }
        return values
    }
}
