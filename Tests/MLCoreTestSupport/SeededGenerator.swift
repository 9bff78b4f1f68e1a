/// SplitMix64: a small, fast, seedable generator, so every test draws the same data on every machine.
/// (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014.)
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
