/// Limited-memory BFGS for a smooth unconstrained objective (Nocedal & Wright, Algorithm 7.4 and 7.5),
/// with a backtracking Armijo line search.
///
/// Stops, like scipy's L-BFGS-B as scikit-learn calls it, when `max |g| <= gradientTolerance`, when the relative
/// decrease of `f` falls to `functionTolerance`, or after `maxIterations` steps.
/// - Complexity: per iteration O(memory * parameters) besides the objective's own cost.
struct LBFGS {
    var memory: Int = 10
    var maxIterations: Int = 100
    var gradientTolerance: Double = 1e-4
    /// scipy's `ftol` as scikit-learn sets it: `64 * machine epsilon`.
    var functionTolerance: Double = 64 * Double.ulpOfOne
    var maxLineSearchSteps: Int = 50

    struct Result {
        var theta: [Double]
        var loss: Double
        var iterations: Int
        var converged: Bool
    }

    /// Minimizes `objective` from `theta`. `afterIteration(iteration, theta, loss)` returns `true` to stop early.
    func minimize(_ theta0: [Double], objective: ([Double]) throws -> (loss: Double, gradient: [Double]),
                  afterIteration: (Int, [Double], Double) throws -> Bool) throws -> Result {
        var theta = theta0
        var (f, g) = try objective(theta)
        let n = theta.count
        var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
        if maxAbs(g) <= gradientTolerance { return Result(theta: theta, loss: f, iterations: 0, converged: true) }
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            // Two-loop recursion: direction = -H g.
            var q = g
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for i in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alphas[i] = rhoHistory[i] * dot(sHistory[i], q)
                axpy(-alphas[i], yHistory[i], &q)
            }
            if let last = sHistory.indices.last {
                let gamma = dot(sHistory[last], yHistory[last]) / dot(yHistory[last], yHistory[last])
                for i in 0..<n { q[i] *= gamma }
            }
            for i in 0..<sHistory.count {
                let beta = rhoHistory[i] * dot(yHistory[i], q)
                axpy(alphas[i] - beta, sHistory[i], &q)
            }
            var direction = q.map { -$0 }
            var slope = dot(g, direction)
            if !(slope < 0) {
                // Not a descent direction (lost curvature): restart from steepest descent.
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                direction = g.map { -$0 }
                slope = dot(g, direction)
            }
            // The first step has no curvature information: scale it to unit length.
            var step = sHistory.isEmpty ? min(1, 1 / max(norm(g), 1e-12)) : 1.0
            var accepted: (theta: [Double], f: Double, g: [Double])?
            for _ in 0..<maxLineSearchSteps {
                var candidate = theta
                axpy(step, direction, &candidate)
                let (fc, gc) = try objective(candidate)
                if fc.isFinite && fc <= f + 1e-4 * step * slope {
                    accepted = (candidate, fc, gc)
                    break
                }
                step *= 0.5
            }
            guard let next = accepted else { break }
            var s = next.theta, yv = next.g
            for i in 0..<n { s[i] -= theta[i]; yv[i] -= g[i] }
            let sy = dot(s, yv)
            if sy > 1e-10 * max(dot(yv, yv), Double.leastNormalMagnitude) {
                if sHistory.count == memory { sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst() }
                sHistory.append(s); yHistory.append(yv); rhoHistory.append(1 / sy)
            }
            let previous = f
            theta = next.theta; f = next.f; g = next.g
            if try afterIteration(iteration, theta, f) {
                return Result(theta: theta, loss: f, iterations: iteration, converged: false)
            }
            if maxAbs(g) <= gradientTolerance { return Result(theta: theta, loss: f, iterations: iteration, converged: true) }
            if (previous - f) / max(abs(previous), abs(f), 1) <= functionTolerance {
                return Result(theta: theta, loss: f, iterations: iteration, converged: true)
            }
        }
        return Result(theta: theta, loss: f, iterations: iteration, converged: maxAbs(g) <= gradientTolerance)
    }
}

@inline(__always) func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}

@inline(__always) func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    for i in x.indices { y[i] += alpha * x[i] }
}

@inline(__always) func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

@inline(__always) func maxAbs(_ a: [Double]) -> Double { a.reduce(0) { max($0, abs($1)) } }
