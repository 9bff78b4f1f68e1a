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

    public var samplesPerSecond: Double { duration > 0 ? Double(samples) / duration : 0 }

    /// Latency percentile `p` in 0...100 (nearest rank on the sorted latencies), seconds.
    public func percentile(_ p: Double) -> Double { Self.percentile(latencies, p) }

    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }
}
