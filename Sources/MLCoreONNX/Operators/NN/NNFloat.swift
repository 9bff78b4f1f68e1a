import Foundation
import MLCoreTensor

/// The floating-point element types the NN operators compute in (float32, float64), with the few libm
/// functions they call per element where MLCore has no vector kernel.
protocol NNFloat: TensorScalar, BinaryFloatingPoint, SIMDScalar, Codable {
    static func power(_ base: Self, _ exponent: Self) -> Self
    init(_ value: Double)
}

extension Float: NNFloat {
    static func power(_ base: Float, _ exponent: Float) -> Float { Foundation.pow(base, exponent) }
}

extension Double: NNFloat {
    static func power(_ base: Double, _ exponent: Double) -> Double { Foundation.pow(base, exponent) }
}

/// The product of `dims`, or an error naming the node when it overflows `Int`. Tensors with a zero dimension
/// may have other dimensions whose product does not fit, so operators multiply subsets of dimensions with this.
func nnProduct<S: Sequence>(_ dims: S, _ spec: NodeSpec) throws -> Int where S.Element == Int {
    var product = 1
    for d in dims {
        let (p, overflow) = product.multipliedReportingOverflow(by: d)
        guard !overflow else { throw spec.shapeError("the product of dimensions \(Array(dims)) overflows") }
        product = p
    }
    return product
}

extension Tensor {
    /// The elements widened to Double, for small parameter tensors (scales, means) of any float type.
    func nnDoubles() throws -> [Double] {
        switch dtype {
        case .float32: return try scalars(as: Float.self).map(Double.init)
        case .float64: return try scalars(as: Double.self)
        default: throw TensorError.unsupportedDType(operation: "float parameter", dtype)
        }
    }
}

/// Contiguous-row statistics with vector accumulators (a plain loop cannot be vectorized: float addition
/// is not reassociated by the compiler).
enum RowStatistics {
    /// The mean and the (biased) variance of `n` contiguous values, in two passes.
    @inline(__always)
    static func meanVariance<T: NNFloat>(_ p: UnsafePointer<T>, _ n: Int) -> (mean: T, variance: T) {
        if n == 0 { return (.nan, .nan) }
        let raw = UnsafeRawPointer(p)
        let stride = MemoryLayout<T>.stride
        var acc = SIMD8<T>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            acc += raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<T>.self)
            i += 8
        }
        var sum = acc.sum()
        while i < n { sum += p[i]; i += 1 }
        let mean = sum / T(n)

        var acc2 = SIMD8<T>(repeating: 0)
        let m8 = SIMD8<T>(repeating: mean)
        i = 0
        while i + 8 <= n {
            let d = raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<T>.self) - m8
            acc2 += d * d
            i += 8
        }
        var squares = acc2.sum()
        while i < n { let d = p[i] - mean; squares += d * d; i += 1 }
        return (mean, squares / T(n))
    }
}

/// Unaligned 8-lane loads and stores for the NN loops the compiler does not vectorize by itself (it cannot
/// prove that an output row and the input rows it reads do not overlap).
enum NNVector {
    @inline(__always)
    static func load<T: NNFloat>(_ p: UnsafePointer<T>) -> SIMD8<T> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
    }

    @inline(__always)
    static func store<T: NNFloat>(_ v: SIMD8<T>, _ p: UnsafeMutablePointer<T>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<T>.self)
    }
}
