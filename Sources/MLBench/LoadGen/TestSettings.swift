/// The four MLPerf Inference scenarios.
public enum Scenario: String, Sendable, CaseIterable, Codable {
    /// One sample per query, the next issued when the previous completes; headline p90 latency.
    case singleStream = "single-stream"
    /// `samplesPerQuery` (8) samples per query, back to back; headline p99 latency.
    case multiStream = "multi-stream"
    /// Poisson arrivals; the highest rate whose p99 latency stays under the bound.
    case server
    /// All samples in one query; headline throughput.
    case offline
}

/// Run rules of one scenario run (LoadGen's `TestSettings`).
public struct TestSettings: Sendable {
    public var scenario: Scenario
    /// The run continues until both minimums are met.
    public var minDuration: Double
    public var minQueries: Int
    /// Server (and the validity of every latency scenario): p99 must stay under this, in seconds.
    public var latencyBound: Double
    public var samplesPerQuery: Int
    /// Untimed queries before measurement, counted in the result.
    public var warmupQueries: Int
    /// Seed of the sample order and of the Poisson arrivals.
    public var seed: UInt64
    /// Server: a time budget for the rate search (seconds, on the load generator's clock); once spent, the search
    /// stops doubling or bisecting and confirms the best rate found so far. `nil`: the full search (up to 20
    /// doublings and 8 bisection steps, each a run of up to a second and 50 queries).
    public var serverSearchSeconds: Double?
    /// The bound on the whole scenario (warm-up, server search and confirming run included), seconds: a run that
    /// reaches it stops and is INVALID with the reason, and the server search schedules no run that cannot
    /// finish before it. (`bench`: `--max-duration`, 60 s with `--quick`, 600 s otherwise.)
    public var maxDuration: Double

    public init(scenario: Scenario, minDuration: Double = 10, minQueries: Int = 100, latencyBound: Double = 0.010,
                samplesPerQuery: Int? = nil, warmupQueries: Int = 10, seed: UInt64 = 42, serverSearchSeconds: Double? = nil,
                maxDuration: Double = 600) {
        self.scenario = scenario
        self.minDuration = minDuration
        // Offline is one big query: LoadGen's minimum for it is one query.
        self.minQueries = scenario == .offline ? 1 : minQueries
        self.latencyBound = latencyBound
        self.samplesPerQuery = samplesPerQuery ?? (scenario == .multiStream ? 8 : 1)
        self.warmupQueries = scenario == .offline ? 1 : warmupQueries
        self.seed = seed
        self.serverSearchSeconds = serverSearchSeconds
        self.maxDuration = maxDuration
    }
}
