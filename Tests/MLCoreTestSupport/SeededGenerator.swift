import MLCoreTensor

/// Uniform floats in `-1...1` (or the given range), reproducible from `seed`.
public func randomFloats(_ count: Int, seed: UInt64, in range: ClosedRange<Float> = -1...1) -> [Float] {
    var g = SplitMix64(seed: seed)
    return (0..<count).map { _ in Float.random(in: range, using: &g) }
}

/// Uniform doubles in `-1...1` (or the given range), reproducible from `seed`.
public func randomDoubles(_ count: Int, seed: UInt64, in range: ClosedRange<Double> = -1...1) -> [Double] {
    var g = SplitMix64(seed: seed)
    return (0..<count).map { _ in Double.random(in: range, using: &g) }
}
