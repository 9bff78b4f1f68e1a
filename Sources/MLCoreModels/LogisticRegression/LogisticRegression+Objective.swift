import Dispatch
import Foundation
import MLCoreKernels
import MLCoreTensor

/// The penalized mean log-loss that logistic regression minimizes, and its gradient, on our GEMM.
///
/// `f(W, b) = (1/n) * sum_i loss(x_i W^T + b, y_i) + (lambda/2) * |W|^2` with `lambda = 1 / (C * n)`: scikit-learn's
/// objective divided by `C * n` (same minimizer), which keeps the gradient's scale independent of `n` so that one
/// tolerance (`max |g| <= tol`, scipy's `pgtol` as scikit-learn passes it) means the same on every data size.
/// Binary problems use one target (the logit of class 1), multinomial ones a row per class. The intercept is not
/// penalized. Parameters are packed as `W` (`[targets, features]`, row-major) then `b` (`[targets]`).
///
/// The design matrix and the two products per evaluation are float32 (scores `x W^T`, gradient `x^T R`, both
/// GEMV for a binary model: OpenBLAS `sgemv` through ``GEMM``, no packing), the loss and the parameters float64.
/// Measured on 75,000 x 28 rows (`scripts/peers/logreg_peers.py`, synthetic): float64 `dgemm` spent most of
/// each evaluation packing `x`, and the fit ran 2.1x scikit-learn's time; the float32 rounding (about 1e-7
/// relative in the scores) is far below the default tolerance of 1e-4 on the gradient.
struct LogisticObjective {
    /// `[rows, features]` float32.
    let x: Tensor
    let y: [Int]
    let rows: Int
    let features: Int
    let targets: Int
    let lambda: Double
    let fitIntercept: Bool
    let options: KernelOptions

    var parameterCount: Int { targets * features + targets }

    /// `[rows, targets]` raw scores `x W^T + b`.
    func scores(_ theta: [Double], x: Tensor) throws -> [Double] {
        let w = try Tensor(shape: [targets, features], scalars: theta[0..<(targets * features)].map { Float($0) })
        var z = try GEMM.multiply(x, w, transposeB: true, options: options).withUnsafeBufferPointer(as: Float.self) {
            $0.map(Double.init)
        }
        let b = targets * features
        if fitIntercept {
            let n = x.shape[0]
            for r in 0..<n { for t in 0..<targets { z[r * targets + t] += theta[b + t] } }
        }
        return z
    }

    /// The objective and its gradient at `theta`.
    func evaluate(_ theta: [Double]) throws -> (loss: Double, gradient: [Double]) {
        let z = try scores(theta, x: x)
        var residual = [Double](repeating: 0, count: rows * targets)
        // Rows are split into one block per thread; block sums are added in block order, so the result depends
        // only on the thread count (as the GEMM's does).
        let blocks = rows >= 16_384 ? min(options.threads, rows / 8_192) : 1
        var partial = [Double](repeating: 0, count: blocks)
        z.withUnsafeBufferPointer { zp in
            residual.withUnsafeMutableBufferPointer { rp in
                partial.withUnsafeMutableBufferPointer { pp in
                    let (zb, rb, pb) = (SendablePointer(zp.baseAddress!), SendableMutablePointer(rp.baseAddress!),
                                        SendableMutablePointer(pp.baseAddress!))
                    let y = self.y, targets = self.targets, rows = self.rows
                    DispatchQueue.concurrentPerform(iterations: blocks) { block in
                        let range = (rows * block / blocks)..<(rows * (block + 1) / blocks)
                        pb.pointer[block] = LogisticObjective.lossAndResidual(z: zb.pointer, y: y, targets: targets,
                                                                              rows: range, residual: rb.pointer)
                    }
                }
            }
        }
        var loss = 0.0
        for p in partial { loss += p }
        let invN = 1 / Double(rows)
        loss *= invN
        let r = try Tensor(shape: [rows, targets], scalars: residual.map { Float($0) })
        // x^T R is [features, targets] (a GEMV for one target); the parameters are [targets, features].
        let xtr = try GEMM.multiply(x, r, transposeA: true, alpha: invN, options: options).scalars(as: Float.self)
        var gradient = [Double](repeating: 0, count: targets * features)
        for t in 0..<targets { for j in 0..<features { gradient[t * features + j] = Double(xtr[j * targets + t]) } }
        var penalty = 0.0
        for i in 0..<(targets * features) {
            penalty += theta[i] * theta[i]
            gradient[i] += lambda * theta[i]
        }
        loss += 0.5 * lambda * penalty
        var interceptGradient = [Double](repeating: 0, count: targets)
        if fitIntercept {
            for row in 0..<rows { for t in 0..<targets { interceptGradient[t] += residual[row * targets + t] } }
            for t in 0..<targets { interceptGradient[t] *= invN }
        }
        gradient.append(contentsOf: interceptGradient)
        return (loss, gradient)
    }

    /// The summed log-loss of `rows`, writing each row's residual `p - onehot(y)`.
    static func lossAndResidual(z: UnsafePointer<Double>, y: [Int], targets: Int, rows: Range<Int>,
                                residual: UnsafeMutablePointer<Double>) -> Double {
        var loss = 0.0
        if targets == 1 {
            for r in rows {
                let s = z[r], label = Double(y[r])
                // One exp per row: e = exp(-|s|) gives both log(1 + exp(s)) = max(s, 0) + log(1 + e) and the
                // logistic function. log(1 + e) instead of log1p: the absolute error stays below 1e-16 and glibc's
                // log is the faster of the two (measured: log1p was 6% of a 100,000-row fit's profile).
                let e = exp(-abs(s))
                loss += max(s, 0) + log(1 + e) - label * s
                let p = s >= 0 ? 1 / (1 + e) : e / (1 + e)
                residual[r] = p - label
            }
            return loss
        }
        for r in rows {
            let row = r * targets
            var m = -Double.infinity
            for t in 0..<targets { m = max(m, z[row + t]) }
            var sum = 0.0
            for t in 0..<targets {
                let e = exp(z[row + t] - m)
                residual[row + t] = e
                sum += e
            }
            loss += m + log(sum) - z[row + y[r]]
            let inv = 1 / sum
            for t in 0..<targets { residual[row + t] *= inv }
            residual[row + y[r]] -= 1
        }
        return loss
    }

    /// Mean log-loss (no penalty) of `theta` on other rows, for validation.
    func validationLoss(_ theta: [Double], x: Tensor, y: [Int]) throws -> Double {
        let p = LogisticObjective.probabilities(try scores(theta, x: x), targets: targets)
        let classes = targets == 1 ? 2 : targets
        return try Metrics.logLoss(labels: y, probabilities: p, classes: classes)
    }

    /// `[rows, classes]` probabilities from raw scores: `[1 - s(z), s(z)]` for one target, softmax otherwise.
    static func probabilities(_ z: [Double], targets: Int) -> [Double] {
        if targets == 1 {
            var p = [Double](repeating: 0, count: z.count * 2)
            for (r, s) in z.enumerated() {
                let q = sigmoid(s)
                p[2 * r] = 1 - q
                p[2 * r + 1] = q
            }
            return p
        }
        var p = z
        for start in stride(from: 0, to: z.count, by: targets) {
            var m = -Double.infinity
            for t in 0..<targets { m = max(m, z[start + t]) }
            var sum = 0.0
            for t in 0..<targets {
                p[start + t] = exp(z[start + t] - m)
                sum += p[start + t]
            }
            for t in 0..<targets { p[start + t] /= sum }
        }
        return p
    }
}

/// Raw pointers handed to the row blocks of `evaluate`, each of which touches only its own rows.
struct SendablePointer<T>: @unchecked Sendable { let pointer: UnsafePointer<T>; init(_ p: UnsafePointer<T>) { pointer = p } }
struct SendableMutablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { pointer = p }
}

@inline(__always)
func sigmoid(_ z: Double) -> Double {
    z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
}
