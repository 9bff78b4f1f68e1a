/// Drives a ``SystemUnderTest`` through a scenario under ``TestSettings`` and scores the run.
///
/// Timing uses only the injected ``BenchClock``. Warm-up queries run first and are excluded from the
/// figures (their count is reported). A run is VALID only when it met its minimum duration and query count
/// and, for latency scenarios, its p99 stayed under the bound; otherwise the reasons say what failed.
public struct LoadGenerator {
    public var clock: BenchClock

    public init(clock: BenchClock = SystemClock()) { self.clock = clock }

    public func run(_ sut: SystemUnderTest, settings: TestSettings) throws -> ScenarioResult {
        precondition(sut.sampleCount > 0, "the sample library is empty")
        try sut.loadSamples(Array(0..<sut.sampleCount))
        switch settings.scenario {
        case .singleStream, .multiStream: return try backToBack(sut, settings)
        case .offline: return try offline(sut, settings)
        case .server: return try serverSearch(sut, settings)
        }
    }

    /// Queries of `samplesPerQuery` consecutive samples (wrapping), cycling through the library.
    func query(_ i: Int, _ sut: SystemUnderTest, _ settings: TestSettings) -> [Int] {
        let n = sut.sampleCount, k = settings.samplesPerQuery
        return (0..<k).map { (i * k + $0) % n }
    }

    func backToBack(_ sut: SystemUnderTest, _ settings: TestSettings) throws -> ScenarioResult {
        for w in 0..<settings.warmupQueries { try sut.issue(query(w, sut, settings)) }
        var latencies: [Double] = []
        let start = clock.now()
        var i = 0
        while latencies.count < settings.minQueries || clock.now() - start < settings.minDuration {
            let q = query(i, sut, settings)
            let t0 = clock.now()
            try sut.issue(q)
            latencies.append(clock.now() - t0)
            i += 1
        }
        let duration = clock.now() - start
        return score(settings, sut, latencies: latencies, samples: latencies.count * settings.samplesPerQuery,
                     duration: duration, checkLatency: true)
    }

    func offline(_ sut: SystemUnderTest, _ settings: TestSettings) throws -> ScenarioResult {
        let all = Array(0..<sut.sampleCount)
        for _ in 0..<settings.warmupQueries { try sut.issue(all) }
        var latencies: [Double] = []
        let start = clock.now()
        while latencies.count < settings.minQueries || clock.now() - start < settings.minDuration {
            let t0 = clock.now()
            try sut.issue(all)
            latencies.append(clock.now() - t0)
        }
        return score(settings, sut, latencies: latencies, samples: latencies.count * all.count,
                     duration: clock.now() - start, checkLatency: false)
    }

    /// One server run at `rate` queries/s: Poisson arrivals served first come, first served by one worker;
    /// a query's latency runs from its arrival to its completion, so queueing counts.
    func server(_ sut: SystemUnderTest, _ settings: TestSettings, rate: Double) throws -> ScenarioResult {
        var rng = SplitMix64(seed: settings.seed)
        for w in 0..<settings.warmupQueries { try sut.issue(query(w, sut, settings)) }
        var latencies: [Double] = []
        let start = clock.now()
        var arrival = start
        var i = 0
        while latencies.count < settings.minQueries || arrival - start < settings.minDuration {
            arrival += rng.exponential(rate: rate)
            if clock.now() < arrival { clock.wait(until: arrival) }
            try sut.issue(query(i, sut, settings))
            latencies.append(clock.now() - arrival)
            i += 1
        }
        var result = score(settings, sut, latencies: latencies, samples: latencies.count * settings.samplesPerQuery,
                           duration: clock.now() - start, checkLatency: true)
        result.serverQueriesPerSecond = rate
        return result
    }

    /// Finds the highest Poisson rate whose p99 latency stays under the bound: doubling from the rate a
    /// single stream sustains at half load, then bisection (8 steps), each step a full server run.
    func serverSearch(_ sut: SystemUnderTest, _ settings: TestSettings) throws -> ScenarioResult {
        var probe = settings
        probe.minDuration = Swift.min(settings.minDuration, 1)
        probe.minQueries = Swift.min(settings.minQueries, 50)
        let single = try backToBack(sut, TestSettings(scenario: .singleStream, minDuration: probe.minDuration,
                                                       minQueries: probe.minQueries, samplesPerQuery: settings.samplesPerQuery,
                                                       warmupQueries: 1))
        let mean = single.latencies.reduce(0, +) / Double(Swift.max(single.latencies.count, 1))
        var low = 0.0, high = 0.5 / Swift.max(mean, 1e-9)
        var best: ScenarioResult? = nil
        let searchStart = clock.now()
        func budgetLeft() -> Bool { settings.serverSearchSeconds.map { clock.now() - searchStart < $0 } ?? true }
        // Grow until the bound breaks (at most 20 doublings).
        for _ in 0..<20 where budgetLeft() {
            let r = try server(sut, probe, rate: high)
            if r.percentile(99) <= settings.latencyBound { low = high; best = r; high *= 2 } else { break }
        }
        for _ in 0..<8 where high > low && budgetLeft() {
            let mid = (low + high) / 2
            let r = try server(sut, probe, rate: mid)
            if r.percentile(99) <= settings.latencyBound { low = mid; best = r } else { high = mid }
        }
        // Confirm the found rate with the full run rules. A longer run sees more of the Poisson tail than the short
        // probes did: when it breaks the bound, confirm again at 80% of the rate (at most 2 more runs), as a
        // submitter lowers the target rate of an invalid MLPerf run.
        var final = try server(sut, settings, rate: Swift.max(low, 1e-3))
        for _ in 0..<2 where best != nil && !final.valid {
            low *= 0.8
            final = try server(sut, settings, rate: Swift.max(low, 1e-3))
        }
        if best == nil {
            final.valid = false
            final.invalidReasons.append("no rate met the latency bound of \(settings.latencyBound * 1e3) ms")
        }
        return final
    }

    func score(_ settings: TestSettings, _ sut: SystemUnderTest, latencies: [Double], samples: Int, duration: Double,
               checkLatency: Bool) -> ScenarioResult {
        var reasons: [String] = []
        if duration < settings.minDuration { reasons.append("ran \(duration) s, below the minimum duration of \(settings.minDuration) s") }
        if latencies.count < settings.minQueries { reasons.append("issued \(latencies.count) queries, below the minimum of \(settings.minQueries)") }
        let p99 = ScenarioResult.percentile(latencies, 99)
        if checkLatency && settings.scenario == .server && !(p99 <= settings.latencyBound) {
            reasons.append("p99 latency \(p99 * 1e3) ms exceeds the bound of \(settings.latencyBound * 1e3) ms")
        }
        return ScenarioResult(scenario: settings.scenario, system: sut.name, latencies: latencies, queries: latencies.count,
                              samples: samples, duration: duration, warmupQueries: settings.warmupQueries,
                              serverQueriesPerSecond: nil, valid: reasons.isEmpty, invalidReasons: reasons)
    }
}

extension SplitMix64 {
    /// Uniform in (0, 1].
    mutating func unit() -> Double { (Double(next() >> 11) + 1) / 9_007_199_254_740_992 }
    /// An exponential inter-arrival time for `rate` events per second.
    mutating func exponential(rate: Double) -> Double { -log(unit()) / rate }
}

#if canImport(Glibc)
import Glibc
#endif
