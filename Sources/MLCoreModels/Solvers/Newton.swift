import CLAPACKE
import MLCoreKernels
import MLCoreTensor

/// Newton's method for binary logistic regression: each step solves `H d = g` with a Cholesky factorization
/// (LAPACKE `dposv`), `H = X^T D X / n + lambda I` built on our GEMM. Worth it for few features, where the
/// `O(features^2 * rows)` Hessian is cheap and Newton converges in a handful of steps (scikit-learn's
/// `newton-cholesky` makes the same trade).
struct BinaryNewton {
    var maxIterations: Int = 100
    var gradientTolerance: Double = 1e-4
    var functionTolerance: Double = 64 * Double.ulpOfOne

    func minimize(_ objective: LogisticObjective, from theta0: [Double],
                  afterIteration: (Int, [Double], Double) throws -> Bool) throws -> LBFGS.Result {
        precondition(objective.targets == 1, "Newton runs binary problems only (the caller checks)")
        let n = objective.rows, f = objective.features, m = f + 1
        var theta = theta0
        var (loss, g) = try objective.evaluate(theta)
        if maxAbs(g) <= gradientTolerance { return .init(theta: theta, loss: loss, iterations: 0, converged: true) }
        let xs = try objective.x.withUnsafeBufferPointer(as: Float.self) { $0.map(Double.init) }
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            let z = try objective.scores(theta, x: objective.x)
            var weighted = [Double](repeating: 0, count: n * f)
            var d = [Double](repeating: 0, count: n)
            for r in 0..<n {
                let p = sigmoid(z[r])
                d[r] = p * (1 - p)
                let root = d[r].squareRoot()
                for j in 0..<f { weighted[r * f + j] = xs[r * f + j] * root }
            }
            let xd = try Tensor(shape: [n, f], scalars: weighted)
            let hww = try GEMM.multiply(xd, xd, transposeA: true, alpha: 1 / Double(n), options: objective.options)
                .scalars(as: Double.self)
            var h = [Double](repeating: 0, count: m * m)
            for i in 0..<f {
                for j in 0..<f { h[i * m + j] = hww[i * f + j] }
                h[i * m + i] += objective.lambda
            }
            if objective.fitIntercept {
                var hbb = 0.0
                for r in 0..<n { hbb += d[r] }
                for j in 0..<f {
                    var s = 0.0
                    for r in 0..<n { s += xs[r * f + j] * d[r] }
                    h[j * m + f] = s / Double(n)
                    h[f * m + j] = s / Double(n)
                }
                h[f * m + f] = hbb / Double(n)
            } else {
                h[f * m + f] = 1
            }
            guard var direction = solve(h, g, size: m) else { break }
            for i in 0..<m { direction[i] = -direction[i] }
            let slope = dot(g, direction)
            guard slope < 0 else { break }
            var step = 1.0
            var accepted: ([Double], Double, [Double])?
            for _ in 0..<50 {
                var candidate = theta
                axpy(step, direction, &candidate)
                let (fc, gc) = try objective.evaluate(candidate)
                if fc.isFinite && fc <= loss + 1e-4 * step * slope { accepted = (candidate, fc, gc); break }
                step *= 0.5
            }
            guard let next = accepted else { break }
            let previous = loss
            (theta, loss, g) = next
            if try afterIteration(iteration, theta, loss) {
                return .init(theta: theta, loss: loss, iterations: iteration, converged: false)
            }
            if maxAbs(g) <= gradientTolerance { return .init(theta: theta, loss: loss, iterations: iteration, converged: true) }
            if (previous - loss) / max(abs(previous), abs(loss), 1) <= functionTolerance {
                return .init(theta: theta, loss: loss, iterations: iteration, converged: true)
            }
        }
        return .init(theta: theta, loss: loss, iterations: iteration, converged: maxAbs(g) <= gradientTolerance)
    }

    /// Solves `h x = g` for symmetric positive definite `h` (row-major `size x size`); when the Cholesky
    /// factorization fails (a singular Hessian: separable data with a tiny penalty), retries with a small ridge.
    func solve(_ h: [Double], _ g: [Double], size: Int) -> [Double]? {
        var trace = 0.0
        for i in 0..<size { trace += h[i * size + i] }
        for ridge in [0, 1e-10, 1e-6, 1e-3] {
            var a = h, b = g
            for i in 0..<size { a[i * size + i] += ridge * max(trace / Double(size), 1e-12) }
            let info = a.withUnsafeMutableBufferPointer { ap in
                b.withUnsafeMutableBufferPointer { bp in
                    LAPACKE_dposv(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(size), 1,
                                  ap.baseAddress, Int32(size), bp.baseAddress, 1)
                }
            }
            if info == 0 && b.allSatisfy(\.isFinite) { return b }
        }
        return nil
    }
}
