import Foundation
import MLCoreTensor

extension Reduction {
    /// The reference: each slice in Double with Foundation's `exp` and `log`, rounded once at the end.
    static func softmaxReference<T: BinaryFloatingPoint & TensorScalar>(
        _ kind: SoftmaxKind, _ x: Tensor, _ g: AxisGeometry, _ out: inout Tensor, as: T.Type
    ) throws {
        let input = try x.scalars(as: T.self)
        try out.withUnsafeMutableBufferPointer(as: T.self) { y in
            var slice = [Double](repeating: 0, count: g.length)
            for o in 0..<g.outer {
                for i in 0..<g.inner {
                    let index = { (k: Int) in (o * g.length + k) * g.inner + i }
                    for k in 0..<g.length { slice[k] = Double(input[index(k)]) }
                    // The maximum with NaN winning, as the kernels define it.
                    var m = -Double.infinity
                    for v in slice where v.isNaN || v > m {
                        m = v
                        if v.isNaN { break }
                    }
                    var s = 0.0
                    for v in slice { s += Foundation.exp(v - m) }
                    for k in 0..<g.length {
                        let d = slice[k] - m
                        y[index(k)] = T(kind == .softmax ? Foundation.exp(d) / s : d - Foundation.log(s))
                    }
                }
            }
        }
    }
}
