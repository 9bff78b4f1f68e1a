/// Named tolerances, one per kernel family, so a loosened bound is visible in review.
public enum Tolerance {
    /// GEMM in Float32: each output sums `k` products of values in `-1...1`; blocked and fused (FMA)
    /// summation orders differ from the reference by a few ulps of the partial sums, growing like sqrt(k)
    /// in practice and like k in the worst case. We use the worst-case bound with a small constant.
    public static func gemmFloat(k: Int) -> Float { Float(max(k, 1)) * 4 * Float.ulpOfOne }
    /// GEMM in Float64, same reasoning.
    public static func gemmDouble(k: Int) -> Double { Double(max(k, 1)) * 4 * Double.ulpOfOne }
}

/// The largest absolute difference between two equally long sequences (infinity if lengths differ,
/// and infinity where exactly one side is NaN).
public func maxAbsDiff<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> T {
    guard a.count == b.count else { return .infinity }
    var m: T = 0
    for (x, y) in zip(a, b) {
        if x.isNaN && y.isNaN { continue }
        if x.isNaN != y.isNaN { return .infinity }
        if x == y { continue }  // equal infinities
        m = max(m, abs(x - y))
    }
    return m
}
