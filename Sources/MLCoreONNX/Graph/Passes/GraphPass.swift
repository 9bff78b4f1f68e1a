/// A graph rewrite: a pure function from a model to a model that computes the same outputs (up to float
/// rounding), run by the planner at load when ``SessionOptions/graphOptimization`` reaches its level.
protocol GraphPass {
    /// The lowest level that runs this pass.
    static var level: GraphOptimizationLevel { get }
    static func apply(_ model: ONNXModel) -> ONNXModel
}

enum GraphPasses {
    /// In order: QDQ groups first (they need the written Conv/Gemm), then batch normalizations folded into
    /// convolutions, then GELU chains into one node, then activation fusions (which read the folded
    /// convolutions and the fused GELUs).
    static var all: [any GraphPass.Type] { [QDQFusion.self, BatchNormFolding.self, GeluFusion.self, ActivationFusion.self] }

    static func apply(_ model: ONNXModel, level: GraphOptimizationLevel) -> ONNXModel {
        var model = model
        for pass in all where pass.level <= level { model = pass.apply(model) }
        return model
    }
}
