import Foundation
import MLCoreTensor

extension ActivationKind {
    /// The function in Double with Foundation's math library: the truth for Float32 (rounded once) and the
    /// Float64 implementation.
    func reference(_ x: Double) -> Double {
        switch self {
        case .relu: return (x > 0 || x.isNaN) ? x : 0
        case .sigmoid:
            // exp(x) / (1 + exp(x)) below 0 keeps tiny results exact instead of 1 / (1 + huge).
            let z = Foundation.exp(-Swift.abs(x))
            return (x < 0 ? z : 1) / (1 + z)
        case .tanh: return Foundation.tanh(x)
        case .exp: return Foundation.exp(x)
        case .log: return Foundation.log(x)
        case .erf: return Foundation.erf(x)
        }
    }
}

extension Activation {
    static func activationReference<T: BinaryFloatingPoint & TensorScalar>(
        _ kind: ActivationKind, source: Tensor?, _ out: inout Tensor, as: T.Type
    ) throws {
        let input = try source.map { try $0.scalars(as: T.self) }
        try out.withUnsafeMutableBufferPointer(as: T.self) { y in
            for i in 0..<y.count {
                y[i] = T(kind.reference(Double(input?[i] ?? y[i])))
            }
        }
    }
}
