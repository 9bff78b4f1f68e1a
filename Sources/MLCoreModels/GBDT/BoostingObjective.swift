import Foundation

/// The loss a GBDT minimises: its starting score, gradients and hessians per row, and the loss itself.
enum BoostingObjective: Sendable, Hashable {
    /// Log-loss on one raw score per row (the logit of the second class).
    case binary
    /// Softmax cross-entropy on one raw score per class.
    case multiclass(Int)
    /// Squared error on one raw score per row.
    case regressionL2

    /// Raw scores per row.
    var scoresPerRow: Int {
        if case .multiclass(let k) = self { return k }
        return 1
    }

    /// The constant score boosting starts from (LightGBM's `boost_from_average`): the log-odds of the weighted
    /// positive rate, the log of each class's weighted rate, or the weighted mean target.
    func initialScores(targets y: [Double], weights w: [Double]?) -> [Double] {
        let total = w?.reduce(0, +) ?? Double(y.count)
        switch self {
        case .binary:
            var positive = 0.0
            for i in y.indices where y[i] == 1 { positive += w?[i] ?? 1 }
            let p = Swift.min(Swift.max(positive / total, 1e-15), 1 - 1e-15)
            return [Foundation.log(p / (1 - p))]
        case .multiclass(let k):
            var counts = [Double](repeating: 0, count: k)
            for i in y.indices { counts[Int(y[i])] += w?[i] ?? 1 }
            return counts.map { Foundation.log(Swift.max($0 / total, 1e-15)) }
        case .regressionL2:
            var sum = 0.0
            for i in y.indices { sum += y[i] * (w?[i] ?? 1) }
            return [sum / total]
        }
    }

    /// Gradients and hessians of the loss at `scores` (`[rows * scoresPerRow]`) for the rows `range`, weighted,
    /// written as (gradient, hessian) pairs: score column `c`, row `i` at `pairs[2 * (c * rows + i)]`.
    func gradients(scores: UnsafePointer<Double>, targets y: UnsafePointer<Double>, weights w: UnsafePointer<Double>?,
                   rows: Int, range: Range<Int>, into pairs: UnsafeMutablePointer<Float>) {
        switch self {
        case .binary:
            for i in range {
                let p = 1 / (1 + Foundation.exp(-scores[i]))
                let wi = w?[i] ?? 1
                pairs[2 * i] = Float((p - y[i]) * wi)
                pairs[2 * i + 1] = Float(Swift.max(p * (1 - p), 1e-16) * wi)
            }
        case .multiclass(let k):
            // LightGBM's hessian factor k / (k - 1) (the softmax's redundant degree of freedom).
            let factor = Double(k) / Double(k - 1)
            var p = [Double](repeating: 0, count: k)
            for i in range {
                softmax(scores + i * k, k: k, into: &p)
                let wi = w?[i] ?? 1
                let label = Int(y[i])
                for c in 0..<k {
                    let q = p[c]
                    let slot = 2 * (c * rows + i)
                    pairs[slot] = Float((q - (c == label ? 1 : 0)) * wi)
                    pairs[slot + 1] = Float(Swift.max(factor * q * (1 - q), 1e-16) * wi)
                }
            }
        case .regressionL2:
            for i in range {
                let wi = w?[i] ?? 1
                pairs[2 * i] = Float((scores[i] - y[i]) * wi)
                pairs[2 * i + 1] = Float(wi)
            }
        }
    }

    /// The weighted mean loss: log-loss for classification, mean squared error for regression.
    func loss(scores: [Double], targets y: [Double], weights w: [Double]?) -> Double {
        let n = y.count
        var sum = 0.0, total = 0.0
        switch self {
        case .binary:
            for i in 0..<n {
                let s = scores[i], wi = w?[i] ?? 1
                // log(1 + e^-s) for y = 1, log(1 + e^s) for y = 0, computed without overflow.
                let z = y[i] == 1 ? -s : s
                sum += wi * (Swift.max(z, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(z))))
                total += wi
            }
        case .multiclass(let k):
            for i in 0..<n {
                var m = -Double.infinity
                for c in 0..<k { m = Swift.max(m, scores[i * k + c]) }
                var e = 0.0
                for c in 0..<k { e += Foundation.exp(scores[i * k + c] - m) }
                let wi = w?[i] ?? 1
                sum += wi * (m + Foundation.log(e) - scores[i * k + Int(y[i])])
                total += wi
            }
        case .regressionL2:
            for i in 0..<n {
                let d = scores[i] - y[i], wi = w?[i] ?? 1
                sum += wi * d * d
                total += wi
            }
        }
        return total > 0 ? sum / total : 0
    }
}

/// Softmax of the `k` scores at `row` into `p`.
@inline(__always)
func softmax(_ row: UnsafePointer<Double>, k: Int, into p: inout [Double]) {
    var m = -Double.infinity
    for c in 0..<k { m = Swift.max(m, row[c]) }
    var sum = 0.0
    for c in 0..<k {
        p[c] = Foundation.exp(row[c] - m)
        sum += p[c]
    }
    for c in 0..<k { p[c] /= sum }
}
