import Foundation
import MLCoreKernels
import MLCoreTensor

/// The kernel of SVMClassifier and SVMRegressor (`kernel_type`, `kernel_params = [gamma, coef0, degree]`)
/// applied between every input row and every support vector, on GEMM.
///
/// LINEAR `x.s + c`, POLY `(gamma x.s + coef0)^degree`, SIGMOID `tanh(gamma x.s + coef0)` are one GEMM and an
/// element-wise step, as onnxruntime computes them. RBF `exp(-gamma |x - s|^2)` is computed as
/// `|x|^2 + |s|^2 - 2 x.s` on the same GEMM (onnxruntime loops over the differences; the two agree to float
/// rounding), clamped at 0 where cancellation would make a distance negative.
struct SVMKernel: Sendable {
    enum Kind: String, Sendable { case linear = "LINEAR", poly = "POLY", rbf = "RBF", sigmoid = "SIGMOID" }

    var kind: Kind
    let gamma: Float
    let coef0: Float
    let degree: Float

    init(_ spec: NodeSpec) throws {
        let name = try spec.string("kernel_type", default: "LINEAR")
        guard let k = Kind(rawValue: name) else { throw spec.error("unknown kernel_type '\(name)'") }
        kind = k
        let params = try spec.floats("kernel_params", default: [])
        guard params.isEmpty || params.count >= 3 else {
            throw spec.error("kernel_params must hold [gamma, coef0, degree], got \(params.count) values")
        }
        (gamma, coef0, degree) = params.isEmpty ? (0, 0, 0) : (params[0], params[1], params[2])
    }

    /// `K[i, j] = kernel(rows[i], vectors[j])` as a `[N, V]` float32 tensor; LINEAR adds `bias` (onnxruntime's
    /// `rho[0]` in its liblinear mode, 0 otherwise).
    /// - Complexity: O(N * V * F) in the GEMM, O(N * V) around it.
    func matrix(_ rows: Tensor, _ vectors: Tensor, bias: Float, _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
        let n = rows.shape[0], v = vectors.shape[0], f = rows.shape[1]
        var k = try context.makeTensor([n, v], .float32, node: spec.name)
        let options = context.kernelOptions
        do {
            switch kind {
            case .linear, .poly, .sigmoid:
                let c = kind == .linear ? bias : coef0
                if c != 0 { try k.withUnsafeMutableBufferPointer(as: Float.self) { $0.update(repeating: c) } }
                try GEMM.multiply(rows, vectors, into: &k, transposeB: true, alpha: Double(kind == .linear ? 1 : gamma),
                                  beta: c != 0 ? 1 : 0, options: options)
            case .rbf:
                let rowNorms = try squaredNorms(rows, count: n, features: f)
                let vectorNorms = try squaredNorms(vectors, count: v, features: f)
                try k.withUnsafeMutableBufferPointer(as: Float.self) { p in
                    for i in 0..<n { for j in 0..<v { p[i * v + j] = rowNorms[i] + vectorNorms[j] } }
                }
                try GEMM.multiply(rows, vectors, into: &k, transposeB: true, alpha: -2, beta: 1, options: options)
            }
        } catch let error as TensorError {
            throw spec.shapeError("\(error)")
        }
        try k.withUnsafeMutableBufferPointer(as: Float.self) { p in
            switch kind {
            case .linear: break
            case .poly:
                if degree == 2 {
                    for i in 0..<p.count { p[i] = p[i] * p[i] }
                } else if degree == 3 {
                    for i in 0..<p.count { p[i] = p[i] * p[i] * p[i] }
                } else {
                    for i in 0..<p.count { p[i] = Foundation.pow(p[i], degree) }
                }
            case .sigmoid:
                for i in 0..<p.count { p[i] = Foundation.tanh(p[i]) }
            case .rbf:
                for i in 0..<p.count { p[i] = Foundation.exp(-gamma * Swift.max(p[i], 0)) }
            }
        }
        return k
    }

    private func squaredNorms(_ t: Tensor, count: Int, features: Int) throws -> [Float] {
        try t.withUnsafeBufferPointer(as: Float.self) { p in
            (0..<count).map { r in
                var s: Float = 0
                for j in 0..<features { s += p[r * features + j] * p[r * features + j] }
                return s
            }
        }
    }
}
