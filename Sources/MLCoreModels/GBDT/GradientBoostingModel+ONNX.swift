import Foundation

extension GradientBoostingModel: ONNXExportable {
    /// The model as an ONNX graph on input `X` (float `[N, F]`): one `TreeEnsembleClassifier` (ai.onnx.ml opset 1)
    /// with outputs `label` (int64 `[N]`) and `probabilities` (float `[N, classes]`, no ZipMap), or one
    /// `TreeEnsembleRegressor` with output `variable` (float `[N, 1]`).
    ///
    /// Branches are `BRANCH_LEQ` on float32 bin bounds with `nodes_missing_value_tracks_true` set where the split
    /// sends NaN left. A binary model has one score (every weight on class id 0) and `post_transform = LOGISTIC`,
    /// which onnxruntime expands to `[1 - p, p]`: the layout onnxmltools writes for LightGBM. Multiclass models
    /// have a score per class and `SOFTMAX`. The starting score is folded into the first round's leaves.
    /// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_TreeEnsembleClassifier.html
    public func onnxBytes() -> [UInt8] {
        var writer = ONNXModelWriter(opsets: [("", 17), ("ai.onnx.ml", 1)], graphName: "mlcore_gbdt")
        writer.docString = "MLCore GradientBoosting (\(problem.rawValue)): \(treeCount) trees, \(featureCount) features"
        var nodeAttributes: [(String, ONNXModelWriter.Attribute)] = [
            ("nodes_treeids", .ints(nodeSpecs.map(\.treeId))),
            ("nodes_nodeids", .ints(nodeSpecs.map(\.nodeId))),
            ("nodes_featureids", .ints(nodeSpecs.map { $0.mode == nil ? 0 : $0.feature })),
            ("nodes_modes", .strings(nodeSpecs.map { $0.mode == nil ? "LEAF" : "BRANCH_LEQ" })),
            ("nodes_values", .floats(nodeSpecs.map { Float($0.threshold) })),
            ("nodes_truenodeids", .ints(nodeSpecs.map { $0.mode == nil ? 0 : $0.trueNodeId })),
            ("nodes_falsenodeids", .ints(nodeSpecs.map { $0.mode == nil ? 0 : $0.falseNodeId })),
            ("nodes_missing_value_tracks_true", .ints(nodeSpecs.map { $0.missingTracksTrue ? 1 : 0 })),
        ]
        let input = ONNXModelWriter.ValueInfo(name: "X", elementType: 1, shape: [.param("N"), .value(Int64(featureCount))])
        if case .regressionL2 = objective {
            nodeAttributes += [
                ("n_targets", .int(1)),
                ("target_treeids", .ints(leafWeights.map(\.treeId))),
                ("target_nodeids", .ints(leafWeights.map(\.nodeId))),
                ("target_ids", .ints(leafWeights.map(\.target))),
                ("target_weights", .floats(leafWeights.map { Float($0.weight) })),
                ("post_transform", .string("NONE")),
            ]
            writer.nodes = [.init(opType: "TreeEnsembleRegressor", domain: "ai.onnx.ml", name: "tree_ensemble",
                                  inputs: ["X"], outputs: ["variable"], attributes: nodeAttributes)]
            writer.inputs = [input]
            writer.outputs = [.init(name: "variable", elementType: 1, shape: [.param("N"), .value(1)])]
            return writer.serialized()
        }
        nodeAttributes += [
            ("class_treeids", .ints(leafWeights.map(\.treeId))),
            ("class_nodeids", .ints(leafWeights.map(\.nodeId))),
            ("class_ids", .ints(leafWeights.map(\.target))),
            ("class_weights", .floats(leafWeights.map { Float($0.weight) })),
            ("classlabels_int64s", .ints(classes.map { Int64($0) })),
            ("post_transform", .string(classes.count == 2 ? "LOGISTIC" : "SOFTMAX")),
        ]
        writer.nodes = [.init(opType: "TreeEnsembleClassifier", domain: "ai.onnx.ml", name: "tree_ensemble",
                              inputs: ["X"], outputs: ["label", "probabilities"], attributes: nodeAttributes)]
        writer.setClassifierInterface(featureCount: featureCount, classes: classes.count)
        return writer.serialized()
    }
}
