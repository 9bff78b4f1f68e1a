/// What one scenario run measured, with its validity verdict and the reasons when invalid.
public struct ScenarioResult: Sendable, Codable {
    public var scenario: Scenario
    public var system: String
    /// Per-query latency in seconds, in issue order.
    public var latencies: [Double]
    public var queries: Int
    public var samples: Int
    /// Wall time of the measured part, seconds.
    public var duration: Double
    public var warmupQueries: Int
    /// Server: the arrival rate found (queries/s); nil for other scenarios.
    public var serverQueriesPerSecond: Double?
    public var valid: Bool
    public var invalidReasons: [String]
    /// Server: the p99 latency bound the run was held to (seconds) and whether the measured p99 stayed under it.
    public var latencyBound: Double?
    public var boundHeld: Bool?
    /// Single- and multi-stream: LoadGen's early-stopping estimate (99% confidence) of the scenario's headline
    /// percentile (``earlyStoppingPercentile``, p90 or p99), seconds; nil when too few queries ran for one.
    public var earlyStoppingEstimate: Double?
    public var earlyStoppingPercentile: Double?
    /// Server: whether the over-bound queries were few enough for the query count (LoadGen's early stopping).
    public var earlyStoppingPassed: Bool?
    /// LoadGen's early-stopping text for the run (its summary log's "Early Stopping Result").
    public var earlyStoppingNote: String?
    /// Server: seconds from the first scheduled arrival to the last one (scheduled rate) and to the last completion
    /// (completed rate).
    public var scheduledSpan: Double?
    public var completedSpan: Double?

    public var samplesPerSecond: Double { duration > 0 ? Double(samples) / duration : 0 }
    /// Server: queries per second as scheduled and as completed (LoadGen: `(n - 1) / span`).
    public var scheduledQueriesPerSecond: Double? { scheduledSpan.map { $0 > 0 ? Double(queries - 1) / $0 : 0 } }
    public var completedQueriesPerSecond: Double? { completedSpan.map { $0 > 0 ? Double(queries - 1) / $0 : 0 } }

    /// Latency percentile `p` in 0...100 (nearest rank on the sorted latencies), seconds.
    public func percentile(_ p: Double) -> Double { Self.percentile(latencies, p) }

    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(values.count)).rounded(.up))
        return select(values, Swift.min(Swift.max(rank, 1), values.count) - 1)
    }

    /// The `k`-th smallest of `values` (0-based) by quickselect: linear time, where sorting a million latencies
    /// for each of a report's percentiles took seconds.
    static func select(_ values: [Double], _ k: Int) -> Double {
        var a = values
        var low = 0, high = a.count - 1
        var rng = SplitMix64(seed: 0x5EED)
        while low < high {
            let pivot = a[low + Int(rng.next() % UInt64(high - low + 1))]
            var i = low, j = high
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return a[k] }
        }
        return a[k]
    }
}
