/// Summary of repeated timings of one quantity: every figure a report prints carries its spread.
public struct RepeatStats: Codable, Sendable, Hashable {
    public var repeats: Int
    public var min: Double
    public var median: Double
    public var max: Double
    /// Coefficient of variation (standard deviation / mean) of the samples.
    public var cv: Double

    public init(samples: [Double]) {
        let s = samples.sorted()
        repeats = s.count
        min = s.first ?? .nan
        max = s.last ?? .nan
        if s.isEmpty {
            median = .nan
        } else if s.count % 2 == 1 {
            median = s[s.count / 2]
        } else {
            median = (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        let mean = s.reduce(0, +) / Double(Swift.max(s.count, 1))
        let variance = s.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(Swift.max(s.count - 1, 1))
        cv = mean == 0 ? 0 : variance.squareRoot() / mean
    }

    init(repeats: Int, min: Double, median: Double, max: Double, cv: Double) {
        self.repeats = repeats
        self.min = min
        self.median = median
        self.max = max
        self.cv = cv
    }

    /// The same statistics of `f(x)` for a decreasing `f` such as a rate from a time: min and max swap.
    public func mapDecreasing(_ f: (Double) -> Double) -> RepeatStats {
        RepeatStats(repeats: repeats, min: f(max), median: f(median), max: f(min), cv: cv)
    }
}
