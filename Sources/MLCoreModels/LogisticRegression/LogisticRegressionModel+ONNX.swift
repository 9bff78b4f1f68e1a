import Foundation

extension LogisticRegressionModel: ONNXExportable {
    /// The model as an ONNX graph: one `LinearClassifier` (ai.onnx.ml opset 1) on input `X` (float `[N, F]`)
    /// with outputs `label` (int64 `[N]`) and `probabilities` (float `[N, classes]`, no ZipMap).
    ///
    /// A binary model has one coefficient row and `post_transform = LOGISTIC`: onnxruntime (and MLCore's engine)
    /// apply the logistic function to the single score and expand it to `[1 - p, p]` because there are two class
    /// labels, the layout skl2onnx writes. Multinomial models have a row per class and `SOFTMAX`. The
    /// standardization was folded into the coefficients at fit time, so no Scaler node is needed.
    /// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_LinearClassifier.html
    public func onnxBytes() -> [UInt8] {
        var writer = ONNXModelWriter(opsets: [("", 17), ("ai.onnx.ml", 1)], graphName: "mlcore_logistic_regression")
        writer.docString = "MLCore LogisticRegression: \(classes.count) classes, \(featureCount) features"
        writer.nodes = [.init(
            opType: "LinearClassifier", domain: "ai.onnx.ml", name: "linear_classifier",
            inputs: ["X"], outputs: ["label", "probabilities"],
            attributes: [
                ("coefficients", .floats(coefficients.map { Float($0) })),
                ("intercepts", .floats(intercepts.map { Float($0) })),
                ("classlabels_ints", .ints(classes.map { Int64($0) })),
                ("multi_class", .int(0)),
                ("post_transform", .string(targets == 1 ? "LOGISTIC" : "SOFTMAX")),
            ])]
        writer.setClassifierInterface(featureCount: featureCount, classes: classes.count)
        return writer.serialized()
    }
}
