import MLCoreKernels
import MLCoreTensor

/// Reads the node and leaf attributes of TreeEnsembleClassifier / TreeEnsembleRegressor (ai.onnx.ml 1-3)
/// into MLCore's tree description, checking that the parallel lists agree in length.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_TreeEnsembleClassifier.html
struct TreeEnsembleAttributes {
    var nodes: [TreeNodeSpec]
    var weights: [TreeLeafWeight]
    var baseValues: [Double]

    /// - Parameter prefix: `"class"` (classifier) or `"target"` (regressor).
    init(_ spec: NodeSpec, prefix: String) throws {
        let treeIds = try spec.ints("nodes_treeids")
        let nodeIds = try spec.ints("nodes_nodeids")
        let features = try spec.ints("nodes_featureids")
        let modes = try spec.strings("nodes_modes")
        let trueIds = try spec.ints("nodes_truenodeids")
        let falseIds = try spec.ints("nodes_falsenodeids")
        guard let values = try spec.doubles("nodes_values", tensorName: "nodes_values_as_tensor") else {
            throw spec.error("missing attribute 'nodes_values'")
        }
        let missing = try spec.ints("nodes_missing_value_tracks_true", default: [])
        let n = treeIds.count
        for (name, count) in [("nodes_nodeids", nodeIds.count), ("nodes_featureids", features.count), ("nodes_modes", modes.count),
                              ("nodes_truenodeids", trueIds.count), ("nodes_falsenodeids", falseIds.count), ("nodes_values", values.count)]
        where count != n {
            throw spec.error("attribute '\(name)' has \(count) entries, 'nodes_treeids' has \(n)")
        }
        guard missing.isEmpty || missing.count == n else {
            throw spec.error("attribute 'nodes_missing_value_tracks_true' has \(missing.count) entries, 'nodes_treeids' has \(n)")
        }
        nodes = try (0..<n).map { i in
            let mode: TreeEnsemble.Mode?
            switch modes[i] {
            case "BRANCH_LEQ": mode = .lessOrEqual
            case "BRANCH_LT": mode = .less
            case "BRANCH_GTE": mode = .greaterOrEqual
            case "BRANCH_GT": mode = .greater
            case "BRANCH_EQ": mode = .equal
            case "BRANCH_NEQ": mode = .notEqual
            case "LEAF": mode = nil
            default: throw spec.error("node \(nodeIds[i]) of tree \(treeIds[i]) has unknown mode '\(modes[i])'")
            }
            return TreeNodeSpec(treeId: treeIds[i], nodeId: nodeIds[i], mode: mode, feature: features[i], threshold: values[i],
                                trueNodeId: trueIds[i], falseNodeId: falseIds[i], missingTracksTrue: missing.isEmpty ? false : missing[i] != 0)
        }

        let wTrees = try spec.ints("\(prefix)_treeids", default: [])
        let wNodes = try spec.ints("\(prefix)_nodeids", default: [])
        let wIds = try spec.ints("\(prefix)_ids", default: [])
        let w = try spec.doubles("\(prefix)_weights", tensorName: "\(prefix)_weights_as_tensor") ?? []
        guard wNodes.count == wTrees.count, wIds.count == wTrees.count, w.count == wTrees.count else {
            throw spec.error("the \(prefix)_treeids/nodeids/ids/weights attributes differ in length (\(wTrees.count), \(wNodes.count), \(wIds.count), \(w.count))")
        }
        weights = (0..<wTrees.count).map { TreeLeafWeight(treeId: wTrees[$0], nodeId: wNodes[$0], target: wIds[$0], weight: w[$0]) }
        baseValues = try spec.doubles("base_values", tensorName: "base_values_as_tensor") ?? []
    }
}

extension TreeEnsemble {
    /// Builds with the session's limits, turning a rejection into an error that names the node.
    init(_ a: TreeEnsembleAttributes, targetCount: Int, _ spec: NodeSpec) throws {
        do {
            try self.init(nodes: a.nodes, weights: a.weights, targetCount: targetCount,
                          maxTrees: spec.options.maxTrees, maxDepth: spec.options.maxTreeDepth)
        } catch let e as TreeEnsembleError {
            throw spec.error(e.message)
        }
    }
}

/// Feeds rows of X (float32, float64, int64 or int32; `[N, F]` or `[F]`) to the ensemble as Double and
/// returns the raw scores, after checking that every feature a tree reads exists.
func treeScores(_ ensemble: TreeEnsemble, _ x: Tensor, aggregation: TreeAggregation, _ spec: NodeSpec,
                _ context: RunContext) throws -> (rows: Int, scores: TreeScores) {
    guard x.rank == 1 || x.rank == 2 else { throw spec.shapeError("X must be [N, F] or [F], got \(x.shape)") }
    let rows = x.rank == 1 ? 1 : x.shape[0]
    let width = x.rank == 1 ? x.shape[0] : x.shape[1]
    guard width >= ensemble.featureCount else {
        throw spec.shapeError("X has \(width) features, the trees read feature index \(ensemble.featureCount - 1)")
    }
    if width == 0 && rows > 0 {
        // Only single-leaf trees read no feature, so X may have no columns; the walkers read one element per row
        // (their precondition), so such rows get one column of zeros that no tree looks at.
        return try treeScores(ensemble, Tensor(zeros: [rows, 1], dtype: x.dtype), aggregation: aggregation, spec, context)
    }
    let stride = Swift.max(width, 1)
    if x.dtype == .float32 && ensemble.acceptsFloatRows {
        let scores = try x.withUnsafeBufferPointer(as: Float.self) {
            ensemble.scores(floatFeatures: $0, rows: rows, featureStride: stride, aggregation: aggregation, threads: context.threads)
        }
        return (rows, scores)
    }
    var doubles = [Double](repeating: 0, count: x.count)
    switch x.dtype {
    case .float32: try x.withUnsafeBufferPointer(as: Float.self) { p in for i in 0..<p.count { doubles[i] = Double(p[i]) } }
    case .float64: try x.withUnsafeBufferPointer(as: Double.self) { p in for i in 0..<p.count { doubles[i] = p[i] } }
    case .int64: try x.withUnsafeBufferPointer(as: Int64.self) { p in for i in 0..<p.count { doubles[i] = Double(p[i]) } }
    case .int32: try x.withUnsafeBufferPointer(as: Int32.self) { p in for i in 0..<p.count { doubles[i] = Double(p[i]) } }
    default: throw spec.error("X has element type \(x.dtype); tree ensembles take float, double, int64 or int32")
    }
    let scores = doubles.withUnsafeBufferPointer {
        ensemble.scores(features: $0, rows: rows, featureStride: stride, aggregation: aggregation, threads: context.threads)
    }
    return (rows, scores)
}
