/// How much the planner rewrites a graph when a session loads it, as onnxruntime's optimization levels.
///
/// Every rewrite keeps the model's outputs (up to float rounding: a folded batch normalization or a fused
/// activation rounds once where the written graph rounds per node); `bench inspect --optimized` prints the plan.
public enum GraphOptimizationLevel: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// Run the graph as written: no folding, no fusion.
    case none
    /// Constant folding (nodes whose inputs are all constants run once at load), batch normalizations folded
    /// into the convolution before them, QDQ groups run as the integer operators they stand for.
    case basic
    /// `basic`, then operator fusions: Conv (+ residual Add) + activation as one `FusedConv`, Gemm + activation as
    /// one `FusedGemm`, MatMul + bias Add as one GEMM.
    case all

    public var description: String { rawValue }

    public static func < (a: Self, b: Self) -> Bool {
        let order: [Self] = [.none, .basic, .all]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}
