import Foundation


/// LoadGen's early-stopping statistics (MLPerf Inference `loadgen/early_stopping.cc`, `results.cc`): how far a
/// measured percentile can be trusted from the number of queries run, at 99% confidence.
///
/// A run of `n` queries in which `t` exceed a latency `L` supports "the `p`-th percentile is at most `L`" with
/// confidence `c` when `n - t >= h`, the fewest under-latency queries for which `t` or fewer over-latency ones
/// would happen with probability at most `1 - c` if the true percentile were above `L` (a one-sided binomial
/// test). The single- and multi-stream estimate is the latency that the largest such `t` allows: the `t`-th
/// highest; the server run passes when its over-bound queries are few enough for its query count.
public enum EarlyStopping {
    public static let confidence = 0.99

    /// The probability of `t` or fewer over-latency queries among `h + t` when each is under-latency with
    /// probability `p`: the binomial CDF, its terms by the ratio of consecutive ones (`O(t)` multiplications, no
    /// transcendental per term), rescaled to stay in range.
    static func odds(h: Int, t: Int, p: Double) -> Double {
        let n = h + t
        let q = 1 - p
        // Term x = C(n, x) q^x p^(n-x); term 0 is p^n, kept as its logarithm while the sum runs in scaled units.
        let logFirst = Double(n) * log(p)
        var term = 1.0, sum = 1.0, logScale = 0.0
        let big = 1e250, logBig = log(1e250)
        if t > 0 {
            for x in 0..<t {
                term *= Double(n - x) / Double(x + 1) * q / p
                sum += term
                if sum > big { term /= big; sum /= big; logScale += logBig }
            }
        }
        let logOdds = log(sum) + logScale + logFirst
        return logOdds >= 0 ? 1 : exp(logOdds)
    }

    /// The fewest under-latency queries `h` for which `odds(h, t, p) < 1 - confidence`.
    static func minPassing(t: Int, p: Double, confidence: Double = confidence) -> Int {
        // Start near the answer (about t * p / (1 - p) under-latency queries), then double until it passes.
        var high = max(1, Int((log(1 - confidence) / log(p)).rounded(.up)), Int(Double(t + 1) * p / (1 - p) * 1.2))
        while odds(h: high, t: t, p: p) >= 1 - confidence { high *= 2 }
        var low = 1
        while low < high {
            let mid = (low + high) / 2
            if odds(h: mid, t: t, p: p) < 1 - confidence { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// The single- and multi-stream estimate of percentile `p` (0...1) from `latencies` (any order): the `t`-th
    /// highest latency for the largest `t >= 1` with `minPassing(t) + t <= n`, as LoadGen computes it; nil when
    /// there are fewer than `minPassing(1) + 1` queries (`requiredQueries(p:)`).
    public static func percentileEstimate(_ latencies: [Double], p: Double) -> Double? {
        let n = latencies.count
        guard n >= requiredQueries(p: p) else { return nil }
        // minPassing(t) + t grows with t: the largest t that fits, by bisection, first bracketed around the
        // normal approximation (about n (1 - p) - 2.33 sd over-latency queries) so large runs stay cheap.
        var low = 1, high = n
        let sd = (Double(n) * p * (1 - p)).squareRoot()
        let guess = Double(n) * (1 - p) - 2.33 * sd
        let lowGuess = Int(guess - 4 * sd - 10), highGuess = Int(guess + 4 * sd + 10)
        if lowGuess > low && minPassing(t: lowGuess, p: p) + lowGuess <= n { low = lowGuess }
        if highGuess < high && highGuess > low && minPassing(t: highGuess, p: p) + highGuess > n { high = highGuess - 1 }
        while low < high {
            let mid = (low + high + 1) / 2
            if minPassing(t: mid, p: p) + mid <= n { low = mid } else { high = mid - 1 }
        }
        return latencies.sorted()[n - low]
    }

    /// Queries needed before a percentile-`p` estimate exists (LoadGen: `minPassing(1) + 1`; 64 for p90, 662 for p99).
    public static func requiredQueries(p: Double) -> Int { minPassing(t: 1, p: p) + 1 }

    /// The server run's verdict: whether the queries over `bound` are few enough, at percentile `p`, for the number
    /// of queries run; `missing` is how many more under-bound queries a pass would need.
    public static func serverPasses(_ latencies: [Double], bound: Double, p: Double = 0.99) -> (passed: Bool, overBound: Int, missing: Int) {
        let t = latencies.filter { $0 > bound }.count
        let h = minPassing(t: t, p: p)
        let missing = h + t - latencies.count
        return (missing <= 0, t, max(0, missing))
    }
}
