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
        let deadline = clock.now() + settings.maxDuration
        try sut.loadSamples(Array(0..<sut.sampleCount))
        switch settings.scenario {
        case .singleStream, .multiStream: return try backToBack(sut, settings, deadline: deadline)
        case .offline: return try offline(sut, settings, deadline: deadline)
        case .server: return try serverSearch(sut, settings, deadline: deadline)
        }
    }

    /// Queries of `samplesPerQuery` consecutive samples (wrapping), cycling through the library.
    func query(_ i: Int, _ sut: SystemUnderTest, _ settings: TestSettings) -> [Int] {
        let n = sut.sampleCount, k = settings.samplesPerQuery
        return (0..<k).map { (i * k + $0) % n }
    }

    /// The reason a run that reached the scenario's bound gives, when it stopped before its minimums.
    func maxDurationReason(_ settings: TestSettings) -> String {
        String(format: "stopped at the --max-duration bound of %.4g s before meeting the minimum duration and query count", settings.maxDuration)
    }

    func backToBack(_ sut: SystemUnderTest, _ settings: TestSettings, deadline: Double = .infinity) throws -> ScenarioResult {
        for w in 0..<settings.warmupQueries where clock.now() < deadline { try sut.issue(query(w, sut, settings)) }
        var latencies: [Double] = []
        let start = clock.now()
        var i = 0
        var stopped = false
        while latencies.count < settings.minQueries || clock.now() - start < settings.minDuration {
            if clock.now() >= deadline { stopped = true; break }
            let q = query(i, sut, settings)
            let t0 = clock.now()
            try sut.issue(q)
            latencies.append(clock.now() - t0)
            i += 1
        }
        let duration = clock.now() - start
        var result = score(settings, sut, latencies: latencies, samples: latencies.count * settings.samplesPerQuery,
                           duration: duration, checkLatency: true)
        if stopped { result.invalidate(maxDurationReason(settings)) }
        // LoadGen's headline percentiles: p90 single-stream, p99 multi-stream (not for the harness's null system).
        guard sut.name != NullSystem.systemName else { return result }
        let p = settings.scenario == .multiStream ? 0.99 : 0.90
        result.earlyStoppingPercentile = p
        result.earlyStoppingEstimate = EarlyStopping.percentileEstimate(latencies, p: p)
        result.earlyStoppingNote = result.earlyStoppingEstimate == nil
            ? "Only processed \(latencies.count) queries; need at least \(EarlyStopping.requiredQueries(p: p)) for the \(Int(p * 100))th percentile estimate."
            : "Processed \(latencies.count) queries; early stopping \(Int(p * 100))th percentile estimate (99% confidence)."
        return result
    }

    func offline(_ sut: SystemUnderTest, _ settings: TestSettings, deadline: Double = .infinity) throws -> ScenarioResult {
        let all = Array(0..<sut.sampleCount)
        for _ in 0..<settings.warmupQueries where clock.now() < deadline { try sut.issue(all) }
        var latencies: [Double] = []
        let start = clock.now()
        var stopped = false
        while latencies.count < settings.minQueries || clock.now() - start < settings.minDuration {
            if clock.now() >= deadline { stopped = true; break }
            let t0 = clock.now()
            try sut.issue(all)
            latencies.append(clock.now() - t0)
        }
        var result = score(settings, sut, latencies: latencies, samples: latencies.count * all.count,
                           duration: clock.now() - start, checkLatency: false)
        if stopped { result.invalidate(maxDurationReason(settings)) }
        return result
    }

    /// One server run at `rate` queries/s: Poisson arrivals served first come, first served by one worker;
    /// a query's latency runs from its arrival to its completion, so queueing counts. Stops at `deadline`.
    /// `earlyStopping: false` (the search's probes) skips the early-stopping verdict.
    func server(_ sut: SystemUnderTest, _ settings: TestSettings, rate: Double, deadline: Double = .infinity,
                earlyStopping: Bool = true) throws -> ScenarioResult {
        var rng = SplitMix64(seed: settings.seed)
        for w in 0..<settings.warmupQueries where clock.now() < deadline { try sut.issue(query(w, sut, settings)) }
        var latencies: [Double] = []
        let start = clock.now()
        var arrival = start, firstArrival = start, lastArrival = start, lastDone = start
        var i = 0
        var stopped = false
        while latencies.count < settings.minQueries || arrival - start < settings.minDuration {
            let next = arrival + rng.exponential(rate: rate)
            if next >= deadline || clock.now() >= deadline { stopped = true; break }
            arrival = next
            if clock.now() < arrival { clock.wait(until: arrival) }
            try sut.issue(query(i, sut, settings))
            lastDone = clock.now()
            latencies.append(lastDone - arrival)
            if i == 0 { firstArrival = arrival }
            lastArrival = arrival
            i += 1
        }
        var result = score(settings, sut, latencies: latencies, samples: latencies.count * settings.samplesPerQuery,
                           duration: clock.now() - start, checkLatency: true)
        if stopped { result.invalidate(maxDurationReason(settings)) }
        result.serverQueriesPerSecond = rate
        result.latencyBound = settings.latencyBound
        let p99 = result.percentile(99)
        result.boundHeld = p99 <= settings.latencyBound
        // LoadGen measures both spans from the first query's scheduled time.
        result.scheduledSpan = lastArrival - firstArrival
        result.completedSpan = lastDone - firstArrival
        if earlyStopping { result.addServerEarlyStopping() }
        if !result.keptUp, let scheduled = result.scheduledQueriesPerSecond, let completed = result.completedQueriesPerSecond {
            result.invalidate(String(format: "completed %.4g queries/s of the %.4g scheduled: the system fell behind the arrivals", completed, scheduled))
        }
        return result
    }

    /// Seconds a server run at `rate` is expected to take under `settings`: its warm-up at the measured mean
    /// latency, then the longer of the minimum duration and the time the minimum query count takes to arrive.
    func expectedServerSeconds(rate: Double, _ settings: TestSettings, meanLatency: Double) -> Double {
        Double(settings.warmupQueries) * meanLatency + Swift.max(settings.minDuration, Double(settings.minQueries) / rate) + meanLatency
    }

    /// Finds the highest Poisson rate whose p99 latency stays under the bound: doubling from the rate a
    /// single stream sustains at half load, then bisection (8 steps), each step a full server run; then a
    /// confirming run at the found rate with the full run rules. No run is scheduled that could not finish
    /// before `deadline` (`maxDuration`); what the bound cut short is an INVALID reason.
    func serverSearch(_ sut: SystemUnderTest, _ settings: TestSettings, deadline: Double = .infinity) throws -> ScenarioResult {
        var probe = settings
        probe.minDuration = Swift.min(settings.minDuration, 1)
        probe.minQueries = Swift.min(settings.minQueries, 50)
        let single = try backToBack(sut, TestSettings(scenario: .singleStream, minDuration: probe.minDuration,
                                                       minQueries: probe.minQueries, samplesPerQuery: settings.samplesPerQuery,
                                                       warmupQueries: 1),
                                    deadline: deadline)
        let mean = single.latencies.reduce(0, +) / Double(Swift.max(single.latencies.count, 1))
        var low = 0.0, high = 0.5 / Swift.max(mean, 1e-9)
        var best: ScenarioResult? = nil, slowest: ScenarioResult? = nil
        let searchStart = clock.now()
        func budgetLeft() -> Bool { settings.serverSearchSeconds.map { clock.now() - searchStart < $0 } ?? true }
        func fits(_ rate: Double, _ s: TestSettings) -> Bool {
            clock.now() + expectedServerSeconds(rate: rate, s, meanLatency: mean) <= deadline
        }
        // Grow until the bound breaks (at most 20 doublings).
        for _ in 0..<20 where budgetLeft() && fits(high, probe) {
            let r = try server(sut, probe, rate: high, deadline: deadline, earlyStopping: false)
            if slowest == nil { slowest = r }
            if r.percentile(99) <= settings.latencyBound && r.keptUp { low = high; best = r; high *= 2 } else { break }
        }
        for _ in 0..<8 where high > low && budgetLeft() {
            let mid = (low + high) / 2
            guard fits(mid, probe) else { break }
            let r = try server(sut, probe, rate: mid, deadline: deadline, earlyStopping: false)
            if r.percentile(99) <= settings.latencyBound && r.keptUp { low = mid; best = r } else { high = mid }
        }
        guard best != nil else {
            // No rate met the bound: report the lowest rate tried (or the single stream), never a run at a rate
            // so low that it could not end.
            var final = slowest ?? single
            final.scenario = .server
            final.latencyBound = settings.latencyBound
            final.boundHeld = false
            if final.earlyStoppingPassed == nil { final.addServerEarlyStopping() }
            final.invalidate(String(format: "no arrival rate met the p99 latency bound of %.4g ms (the lowest tried, %.4g queries/s, had p99 %.4g ms; a single stream's mean latency is %.4g ms)",
                                    settings.latencyBound * 1e3, slowest?.serverQueriesPerSecond ?? 0,
                                    (slowest ?? single).percentile(99) * 1e3, mean * 1e3))
            return final
        }
        // Confirm the found rate with the full run rules. A longer run sees more of the Poisson tail than the short
        // probes did: when it breaks the bound, confirm again at 80% of the rate (at most 2 more runs), as a
        // submitter lowers the target rate of an invalid MLPerf run.
        guard fits(low, settings) else {
            var final = best!
            final.addServerEarlyStopping()
            final.invalidate(String(format: "the confirming run at %.4g queries/s would need about %.4g s, beyond what is left of the --max-duration bound of %.4g s; figures are from the search's %d-query probe",
                                    low, expectedServerSeconds(rate: low, settings, meanLatency: mean), settings.maxDuration, final.queries))
            return final
        }
        var final = try server(sut, settings, rate: low, deadline: deadline)
        for _ in 0..<2 where !final.valid && fits(low * 0.8, settings) {
            low *= 0.8
            final = try server(sut, settings, rate: low, deadline: deadline)
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

extension ScenarioResult {
    /// Marks the run INVALID with `reason` (once).
    mutating func invalidate(_ reason: String) {
        valid = false
        if !invalidReasons.contains(reason) { invalidReasons.append(reason) }
    }

    /// The server run's early-stopping verdict (LoadGen's: the over-bound queries few enough for the count).
    mutating func addServerEarlyStopping() {
        let verdict = EarlyStopping.serverPasses(latencies, bound: latencyBound ?? .infinity)
        earlyStoppingPassed = verdict.passed
        earlyStoppingNote = verdict.passed
            ? "Run successful: \(verdict.overBound) of \(latencies.count) queries over the bound."
            : "Run unsuccessful: \(verdict.overBound) of \(latencies.count) queries over the bound; would need at least \(verdict.missing) more queries, every one under the bound."
    }

    /// Whether a server run completed queries at 90% or more of the rate they were scheduled (true for other
    /// scenarios and runs of one query).
    var keptUp: Bool {
        guard queries > 1, let scheduled = scheduledQueriesPerSecond, let completed = completedQueriesPerSecond else { return true }
        return completed >= 0.9 * scheduled
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
