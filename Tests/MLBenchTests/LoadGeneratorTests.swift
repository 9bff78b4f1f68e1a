@testable import MLBench
import Testing

/// Scenario logic against a fake system whose latency is known, on a manual clock: no real sleeps, so these
/// tests cannot flake on a loaded machine.
@Suite struct LoadGeneratorTests {
    /// Answers each query after `latency(i)` seconds of simulated time.
    final class FakeSystem: SystemUnderTest {
        let name = "fake"
        let sampleCount: Int
        let clock: ManualClock
        let latency: (Int) -> Double
        var issued: [[Int]] = []
        var loaded = 0

        init(samples: Int, clock: ManualClock, latency: @escaping (Int) -> Double) {
            sampleCount = samples
            self.clock = clock
            self.latency = latency
        }
        func loadSamples(_ indices: [Int]) { loaded += indices.count }
        func issue(_ query: [Int]) {
            clock.advance(by: latency(issued.count))
            issued.append(query)
        }
    }

    @Test func singleStreamPercentilesAreExact() throws {
        // Latencies 1..100 ms in order (after 10 warm-up queries, which must not count).
        let clock = ManualClock()
        let sut = FakeSystem(samples: 7, clock: clock) { i in i < 10 ? 1.0 : Double(i - 9) * 1e-3 }
        let r = try LoadGenerator(clock: clock).run(sut, settings: TestSettings(scenario: .singleStream, minDuration: 0, minQueries: 100))
        #expect(r.queries == 100 && r.warmupQueries == 10 && sut.issued.count == 110)
        #expect(sut.loaded == 7, "samples are loaded once, untimed")
        #expect(abs(r.percentile(50) - 0.050) < 1e-12)
        #expect(abs(r.percentile(90) - 0.090) < 1e-12)
        #expect(abs(r.percentile(99) - 0.099) < 1e-12)
        #expect(abs(r.percentile(99.9) - 0.100) < 1e-12)
        #expect(abs(r.samplesPerSecond - 100 / 5.05) < 1e-9)  // 100 samples in 5.05 s
        #expect(r.valid)
        #expect(sut.issued.allSatisfy { $0.count == 1 })
    }

    @Test func multiStreamSendsEightSamplesPerQuery() throws {
        let clock = ManualClock()
        let sut = FakeSystem(samples: 20, clock: clock) { _ in 0.002 }
        let r = try LoadGenerator(clock: clock).run(sut, settings: TestSettings(scenario: .multiStream, minDuration: 1, minQueries: 10))
        #expect(sut.issued.dropFirst(10).allSatisfy { $0.count == 8 })
        #expect(r.samples == r.queries * 8)
        #expect(abs(r.percentile(99) - 0.002) < 1e-12)
        #expect(r.queries == 500 || r.queries == 501, "1 s of 2 ms queries (the last may round over): \(r.queries)")
    }

    @Test func offlineIsOneQueryOfAllSamples() throws {
        let clock = ManualClock()
        let sut = FakeSystem(samples: 1000, clock: clock) { _ in 0.5 }
        let r = try LoadGenerator(clock: clock).run(sut, settings: TestSettings(scenario: .offline, minDuration: 2, minQueries: 100))
        #expect(sut.issued.allSatisfy { $0.count == 1000 })
        #expect(r.queries == 4 && r.warmupQueries == 1, "offline needs one query; 2 s of 0.5 s queries")
        #expect(abs(r.samplesPerSecond - 2000) < 1e-9)
        #expect(r.valid)
    }

    @Test func validityRulesNameWhatFailed() throws {
        let clock = ManualClock()
        let sut = FakeSystem(samples: 3, clock: clock) { _ in 0.001 }
        let gen = LoadGenerator(clock: clock)
        let r = try gen.run(sut, settings: TestSettings(scenario: .singleStream, minDuration: 1, minQueries: 10))
        #expect(r.valid && r.queries >= 1000)
        // A scored run that fell short of both minimums is INVALID with both reasons.
        let short = gen.score(TestSettings(scenario: .server, minDuration: 10, minQueries: 100, latencyBound: 0.0005), sut,
                              latencies: [0.001, 0.002], samples: 2, duration: 0.003, checkLatency: true)
        #expect(!short.valid)
        #expect(short.invalidReasons.count == 3, "\(short.invalidReasons)")
        #expect(short.invalidReasons.contains { $0.contains("minimum duration") })
        #expect(short.invalidReasons.contains { $0.contains("minimum of 100") })
        #expect(short.invalidReasons.contains { $0.contains("exceeds the bound") })
    }

    @Test func poissonArrivalsHaveTheRequestedRate() throws {
        // A system with no latency: queries are issued exactly at their arrival times.
        let clock = ManualClock()
        let sut = FakeSystem(samples: 5, clock: clock) { _ in 0 }
        let gen = LoadGenerator(clock: clock)
        let settings = TestSettings(scenario: .server, minDuration: 100, minQueries: 10, warmupQueries: 0)
        let r = try gen.server(sut, settings, rate: 200)
        // 100 s at 200/s: about 20,000 queries; Poisson count sd = sqrt(20000) = 141, so 3% is > 4 sd.
        let rate = Double(r.queries) / r.duration
        #expect(abs(rate - 200) / 200 < 0.03, "measured \(rate)/s")
        #expect(r.latencies.allSatisfy { $0 == 0 })
    }

    @Test func serverSearchFindsTheHighestRateUnderTheBound() throws {
        // Service time 1 ms, one worker (M/D/1); bound 5 ms. The found rate must meet the bound and a rate
        // 25% higher must not (within the search's resolution).
        let clock = ManualClock()
        let sut = FakeSystem(samples: 5, clock: clock) { _ in 0.001 }
        let gen = LoadGenerator(clock: clock)
        let settings = TestSettings(scenario: .server, minDuration: 20, minQueries: 200, latencyBound: 0.005)
        let r = try gen.run(sut, settings: settings)
        let rate = try #require(r.serverQueriesPerSecond)
        #expect(r.percentile(99) <= 0.005 * 1.1, "p99 \(r.percentile(99)) at \(rate)/s")
        #expect(rate > 300 && rate < 1000, "an M/D/1 queue with 1 ms service meets p99 <= 5 ms at roughly 600-800/s; found \(rate)")
        let faster = try gen.server(sut, settings, rate: rate * 1.25)
        #expect(faster.percentile(99) > 0.005 * 0.9, "25% above the found rate, p99 is \(faster.percentile(99))")
    }

    /// The case from the issue: a bound no rate can meet must end the search (INVALID, with the bound and the
    /// rate tried), never schedule a confirming run at a rate so low that 100 queries take days.
    @Test func anUnmeetableServerBoundEndsWithinMaxDuration() throws {
        let clock = ManualClock()
        let sut = FakeSystem(samples: 5, clock: clock) { _ in 0.001 }
        let settings = TestSettings(scenario: .server, minDuration: 2, minQueries: 100, latencyBound: 0.0001, maxDuration: 90)
        let r = try LoadGenerator(clock: clock).run(sut, settings: settings)
        #expect(clock.now() <= 90, "the scenario took \(clock.now()) s of its 90 s bound")
        #expect(!r.valid && r.invalidReasons.contains { $0.contains("no arrival rate met the p99 latency bound of 0.1 ms") }, "\(r.invalidReasons)")
        #expect(r.latencyBound == 0.0001 && r.boundHeld == false)
    }

    @Test func everyScenarioStopsAtMaxDuration() throws {
        for scenario in [Scenario.singleStream, .multiStream, .offline, .server] {
            let clock = ManualClock()
            let sut = FakeSystem(samples: 5, clock: clock) { _ in 1.0 }  // 1 s a query
            let settings = TestSettings(scenario: scenario, minDuration: 600, minQueries: 1000, latencyBound: 100, maxDuration: 30)
            let r = try LoadGenerator(clock: clock).run(sut, settings: settings)
            // A query already running finishes; nothing new starts after the bound.
            #expect(clock.now() <= 31, "\(scenario): \(clock.now()) s")
            #expect(!r.valid && r.invalidReasons.contains { $0.contains("--max-duration") }, "\(scenario): \(r.invalidReasons)")
        }
    }

    @Test func serverResultStatesBoundRatesAndEarlyStopping() throws {
        let clock = ManualClock()
        let sut = FakeSystem(samples: 5, clock: clock) { _ in 0.001 }
        let settings = TestSettings(scenario: .server, minDuration: 20, minQueries: 200, latencyBound: 0.005)
        let r = try LoadGenerator(clock: clock).server(sut, settings, rate: 200)
        #expect(r.latencyBound == 0.005 && r.boundHeld == true && r.earlyStoppingPassed == true)
        let scheduled = try #require(r.scheduledQueriesPerSecond), completed = try #require(r.completedQueriesPerSecond)
        #expect(abs(scheduled - 200) / 200 < 0.1 && abs(completed - scheduled) / scheduled < 0.01, "\(scheduled) \(completed)")
        // Past the system's capacity (1,000/s) the queue grows: completions fall behind the arrivals.
        let overloaded = try LoadGenerator(clock: clock).server(sut, TestSettings(scenario: .server, minDuration: 5, minQueries: 200, latencyBound: 10), rate: 2000)
        #expect(!overloaded.valid && overloaded.invalidReasons.contains { $0.contains("fell behind") }, "\(overloaded.invalidReasons)")
    }

    /// LoadGen's early-stopping figures, computed by hand from its definition (one-sided binomial test at 99%).
    @Test func earlyStoppingMatchesLoadGen() throws {
        // p90, t = 1: 0.9^h (0.9 + 0.1 (h + 1)) < 0.01 first at h = 63 (h = 62 gives 0.0105): 64 queries.
        #expect(EarlyStopping.minPassing(t: 1, p: 0.9) == 63 && EarlyStopping.requiredQueries(p: 0.9) == 64)
        #expect(EarlyStopping.percentileEstimate(Array(repeating: 1.0, count: 63), p: 0.9) == nil)
        // With exactly 64 queries only t = 1 fits: the estimate is the highest latency.
        let ramp = (1...64).map(Double.init)
        #expect(EarlyStopping.percentileEstimate(ramp.shuffled(), p: 0.9) == 64)
        // Server, p99, no query over the bound: 0.99^h < 0.01 first at h = 459 (0.99^458 = 0.01004).
        let under = 0.001
        #expect(EarlyStopping.serverPasses(Array(repeating: under, count: 458), bound: 0.002).passed == false)
        #expect(EarlyStopping.serverPasses(Array(repeating: under, count: 459), bound: 0.002).passed == true)
        // Many queries: the estimate is a little above the plain percentile and never below it.
        let many = (1...10_000).map(Double.init)
        let estimate = try #require(EarlyStopping.percentileEstimate(many, p: 0.9))
        #expect(estimate >= 9_000 && estimate <= 9_100, "\(estimate)")
    }

    @Test func loadGenLogsCarryLoadGenKeys() throws {
        let clock = ManualClock()
        let sut = FakeSystem(samples: 5, clock: clock) { i in Double(i % 10 + 1) * 1e-3 }
        let settings = TestSettings(scenario: .singleStream, minDuration: 1, minQueries: 100)
        let r = try LoadGenerator(clock: clock).run(sut, settings: settings)
        let summary = LoadGenLogs.summaryText(r, settings: settings, sutName: "fake")
        for line in ["Scenario : SingleStream", "90th percentile latency (ns) : \(LoadGenLogs.ns(r.percentile(90)))",
                     "Result is : VALID", "  Min duration satisfied : Yes", "Early Stopping Result:", "min_query_count : 100"] {
            #expect(summary.contains(line), "missing \(line)")
        }
        let detail = LoadGenLogs.detailText(r, settings: settings).split(separator: "\n")
        #expect(detail.allSatisfy { $0.hasPrefix(":::MLLOG {") })
        for key in ["effective_scenario", "result_validity", "result_90.00_percentile_latency_ns", "early_stopping_latency_ss",
                    "result_qps_with_loadgen_overhead", "result_min_duration_met"] {
            #expect(detail.contains { $0.contains("\"key\":\"\(key)\"") }, "missing \(key)")
        }
    }

    @Test func nullSystemMeasuresHarnessOverhead() throws {
        let r = try LoadGenerator(clock: SystemClock()).run(NullSystem(sampleCount: 10),
                                                            settings: TestSettings(scenario: .singleStream, minDuration: 0.05, minQueries: 100))
        #expect(r.queries >= 100 && r.percentile(50) < 1e-3)
    }
}
