import MLCoreKernels

/// Tolerances of the element-wise, activation and reduction kernels (Float32 wide path against the reference,
/// which computes in Double and rounds once). `u` below is the unit roundoff, `Float.ulpOfOne / 2`.
extension Tolerance {
    /// add, sub, mul, div: one IEEE operation per element on every path and level, so results are identical.
    public static let arithmeticUlps = 0

    /// Largest distance, in ulps of Float, between a wide activation and the correctly rounded reference.
    /// Measured maxima against the exact value over dense sweeps of the whole float range (all three levels):
    /// exp 1.01, log 0.83, tanh 1.30, sigmoid 2.40, erf 1.53 ulps; rounding the reference adds up to half an
    /// ulp, so the integer distance stays within these bounds. relu is exact.
    public static func activationUlps(_ kind: ActivationKind) -> Int {
        switch kind {
        case .relu: return 0
        case .exp, .log, .tanh: return 2
        case .sigmoid, .erf: return 3
        }
    }

    /// Absolute error of a Float32 sum of `length` terms whose magnitudes add to `absSum`: the worst case of
    /// recursive summation, `(length - 1) u absSum`, covers the wide kernels' orders (interleaved partial sums
    /// and a tree have shorter chains); one more `u` for rounding the Double reference.
    public static func sumFloat(length: Int, absSum: Float) -> Float {
        Float(Swift.max(length, 1) + 1) * (Float.ulpOfOne / 2) * absSum
    }

    /// Relative error of a Float32 softmax output over a slice of `length` whose elements lie within `spread`
    /// of its maximum: `x - max` is rounded to Float before `exp` (absolute error `spread u`, which `exp` turns
    /// into a relative error of the same size); the sum of exponentials (positive terms, relative error at most
    /// `(length - 1) u`); exp itself (2 ulps), the reciprocal and the product (1 ulp each); a small margin.
    public static func softmaxFloat(length: Int, spread: Float) -> Float {
        (Float(Swift.max(length, 1) + 12) + spread) * (Float.ulpOfOne / 2)
    }

    /// Absolute error of a Float32 log-softmax output `x - max - log(sum)`: the relative error of the sum
    /// (see ``softmaxFloat(length:spread:)``) plus a few roundings of the terms, whose size is `magnitude`
    /// (the largest of |x - max| and |log(sum)| in the slice).
    public static func logSoftmaxFloat(length: Int, magnitude: Float) -> Float {
        softmaxFloat(length: length, spread: 0) + 4 * Float.ulpOfOne * Swift.max(magnitude, 1)
    }
}
