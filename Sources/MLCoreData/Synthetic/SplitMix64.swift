/// SplitMix64, the generator behind MLCore's synthetic data: a 64-bit counter advanced by the golden-ratio
/// increment `0x9E3779B97F4A7C15`, then mixed by two xor-shift-multiply rounds (constants from Stafford's "Mix13").
///
/// Integer arithmetic only (wrapping adds and multiplies, shifts, xors), so every machine and compiler produces the
/// same sequence for the same seed. First outputs for seed 0: `0xE220A8397B1DCDAF`, `0x6E789E6AA1B965F4`,
/// `0x06C45D188009454F` (as in the reference C code, `splitmix64.c` by S. Vigna, public domain).
/// - SeeAlso: G. L. Steele, D. Lea, C. H. Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
///   https://prng.di.unimi.it/splitmix64.c
///
/// `package` so that MLCoreModels draws its random choices (weight initialization, shuffles) from the same generator.
package struct SplitMix64: Sendable {
    package private(set) var state: UInt64

    package init(seed: UInt64) { state = seed }

    @inline(__always)
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<n` (`n` at most 2^32), from the top 32 bits by multiply-shift (Lemire), whose bias
    /// is below `n / 2^32`, far below anything the generated data could show.
    @inline(__always)
    package mutating func below(_ n: UInt64) -> Int64 {
        Int64(truncatingIfNeeded: ((next() >> 32) &* n) >> 32)
    }
}
