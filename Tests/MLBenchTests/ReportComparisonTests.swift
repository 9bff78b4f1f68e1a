import Foundation
@testable import MLBench
import Testing

/// `bench compare` on committed report fixtures: a real quick kernels report and the same report edited to be
/// 20% slower (`Fixtures/kernels-20pct-slower.json`, every GFLOPS figure and its spread times 0.8).
@Suite struct ReportComparisonTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static var base: String { fixtures.appendingPathComponent("kernels-base.json").path }
    static var slower: String { fixtures.appendingPathComponent("kernels-20pct-slower.json").path }

    @Test func aReportComparedWithItselfPasses() {
        let c = ReportComparison.compare(basePath: Self.base, newPath: Self.base, maxRegression: 0.05, maxAccuracyDrop: 0.002)
        #expect(c.outcome == .ok, "\(c.table())")
        #expect(c.rows.count >= 20 && c.rows.allSatisfy { $0.ratio == 1 })
    }

    @Test func twentyPercentSlowerIsARegression() {
        let c = ReportComparison.compare(basePath: Self.base, newPath: Self.slower, maxRegression: 0.05, maxAccuracyDrop: 0.002)
        #expect(c.outcome == .regression, "\(c.table())")
        // Only the throughput figures whose spread is below 20% regress; the reference path's cv is tiny.
        #expect(c.rows.filter(\.regressed).allSatisfy { $0.key.contains("gemm") })
        #expect(c.rows.contains { $0.regressed && $0.key.contains("mlcore-reference") })
        // The other way round it is faster: no regression.
        let back = ReportComparison.compare(basePath: Self.slower, newPath: Self.base, maxRegression: 0.05, maxAccuracyDrop: 0.002)
        #expect(back.outcome == .ok)
    }

    @Test func spreadAbsorbsNoisyDifferences() throws {
        var b = try Report.decode(Data(contentsOf: URL(fileURLWithPath: Self.base)))
        b.results = [.init(system: "s", name: "gemm_gflops", value: 100, unit: "GFLOPS", repeats: RepeatStats(samples: [70, 100, 130]))]
        var n = b
        n.results[0].value = 85  // 15% worse, but the figures' spread is 2 x cv = 60%
        #expect(ReportComparison(base: b, new: n).outcome == .ok)
        n.results[0].repeats = nil
        b.results[0].repeats = nil
        #expect(ReportComparison(base: b, new: n).outcome == .regression)
    }

    @Test func theHarnessCheckIsShownButNotGated() throws {
        var b = try Report.decode(Data(contentsOf: URL(fileURLWithPath: Self.base)))
        b.results = [.init(system: "null", name: "harness_overhead_p50", value: 0.04, unit: "us"),
                     .init(system: "s", name: "latency_p50", value: 2, unit: "us")]
        var n = b
        n.results[0].value = 0.05  // one clock tick: 25% "worse"
        let c = ReportComparison(base: b, new: n)
        #expect(c.outcome == .ok && c.rows[0].note.contains("not gated"), "\(c.table())")
        n.results[1].value = 3
        #expect(ReportComparison(base: b, new: n).outcome == .regression, "MLCore's own figures still gate")
        // Named metrics can be made informational (`bench compare --informational NAME,...`).
        let relaxed = ReportComparison(base: b, new: n, informational: ["latency_p50"])
        #expect(relaxed.outcome == .ok && relaxed.rows[1].note.contains("informational"), "\(relaxed.table())")
    }

    @Test func bestOfSeveralRunsTakesEachFiguresBestRun() throws {
        var a = try Report.decode(Data(contentsOf: URL(fileURLWithPath: Self.base)))
        a.results = [.init(system: "s", name: "latency_p50", value: 7.2, unit: "us", params: ["queries": "9"]),
                     .init(system: "s", name: "samples_per_second", value: 100, unit: "samples/s"),
                     .init(system: "s", name: "auc", value: 0.75, unit: "1")]
        var b = a, c = a
        b.results[0].value = 12.2; b.results[1].value = 140; b.results[2].value = 0.9
        c.results[0].value = 7.4; c.results[0].params["queries"] = "5"; c.results[1].value = 90
        let merged = try #require(Report.bestOf([b, a, c]))
        #expect(merged.results.map(\.value) == [7.2, 140, 0.9], "lowest latency, highest throughput, accuracy from the first")
        #expect(merged.results[0].params["queries"] == "9", "the whole result of the best run is kept")
        #expect(Report.bestOf([]) == nil && Report.bestOf([a])?.results.map(\.value) == a.results.map(\.value))
        // A slow run among fast ones no longer fails the gate; all runs slow still does.
        var slow = a
        slow.results[0].value = 12.2
        #expect(ReportComparison(base: a, new: try #require(Report.bestOf([slow, a]))).outcome == .ok)
        #expect(ReportComparison(base: a, new: try #require(Report.bestOf([slow, slow]))).outcome == .regression)
    }

    @Test func directionAndAccuracyRules() throws {
        var b = try Report.decode(Data(contentsOf: URL(fileURLWithPath: Self.base)))
        b.results = [.init(system: "s", name: "latency_p90", value: 100, unit: "us"),
                     .init(system: "s", name: "auc", value: 0.800, unit: "auc")]
        var n = b
        n.results[0].value = 90   // lower latency is better
        n.results[1].value = 0.799  // within the 0.002 accuracy drop
        #expect(ReportComparison(base: b, new: n).outcome == .ok)
        n.results[0].value = 120
        #expect(ReportComparison(base: b, new: n).outcome == .regression)
        n.results[0].value = 100
        n.results[1].value = 0.790
        #expect(ReportComparison(base: b, new: n).outcome == .regression)
    }

    @Test func unusableInputAndConfigurationMismatch() throws {
        let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-report-\(UUID()).json")
        try Data("{\"schema\": 1".utf8).write(to: garbage)
        defer { try? FileManager.default.removeItem(at: garbage) }
        #expect(ReportComparison.compare(basePath: Self.base, newPath: garbage.path, maxRegression: 0.05, maxAccuracyDrop: 0.002).outcome == .unusable)
        #expect(ReportComparison.compare(basePath: "/nonexistent.json", newPath: Self.base, maxRegression: 0.05, maxAccuracyDrop: 0.002).outcome == .unusable)

        let b = try Report.decode(Data(contentsOf: URL(fileURLWithPath: Self.base)))
        var debug = b
        debug.environment.buildConfiguration = "debug"
        #expect(ReportComparison(base: b, new: debug).outcome == .unusable)

        var otherMachine = b
        otherMachine.environment.fingerprint = "0123456789abcdef"
        for i in otherMachine.results.indices { otherMachine.results[i].value *= 0.5 }
        let refused = ReportComparison(base: b, new: otherMachine)
        #expect(refused.crossMachine && refused.outcome == .unusable && refused.rows.isEmpty,
                 "different machines are not a gate: a compare across them cannot pass by accident")
        #expect(refused.messages.joined().contains("--across-machines"))
        let hw = ReportComparison(base: b, new: otherMachine, acrossMachines: true)
        #expect(hw.crossMachine && hw.outcome == .ok && !hw.rows.isEmpty && !hw.rows.contains(where: \.regressed),
                "asked for, different machines compare as a hardware table, never a gate")
    }

    /// The case from the issue: a `--threads 1` report against a `--threads 2` report of the same machine
    /// matches no figure (threads identify a case) and must not say "no regression".
    @Test func otherThreadsMatchNothingAndAreUnusable() throws {
        let b = try Report.decode(Data(contentsOf: URL(fileURLWithPath: BinaryClassificationReportTests.base)))
        #expect(b.threads == 2, "the fixture is a 2-thread run")
        var one = b
        one.threads = 1
        for i in one.results.indices where one.results[i].params["threads"] != nil { one.results[i].params["threads"] = "1" }
        let c = ReportComparison(base: b, new: one)
        #expect(c.outcome == .unusable, "\(c.table())")
        #expect(c.messages.contains { $0.hasPrefix("different threads: base 2, new 1") }, "\(c.messages.filter { !$0.hasPrefix("only") })")
        #expect(c.summary.hasSuffix("unmatched") && c.summary.hasPrefix("\(c.rows.count) compared, 0 regressed"))
        #expect(c.unmatched > 0 && 2 * c.rows.count < b.results.count)
    }

    @Test func summaryCountsComparedRegressedImprovedUnmatched() throws {
        var b = try Report.decode(Data(contentsOf: URL(fileURLWithPath: Self.base)))
        b.results = [.init(system: "s", name: "latency_p50", value: 100, unit: "us"),
                     .init(system: "s", name: "latency_p90", value: 100, unit: "us"),
                     .init(system: "s", name: "samples_per_second", value: 100, unit: "samples/s"),
                     .init(system: "s", name: "only_base", value: 1, unit: "us")]
        var n = b
        n.results[0].value = 130           // regressed
        n.results[1].value = 70            // improved
        n.results[2].value = 101           // unchanged
        n.results[3].name = "only_new"     // one unmatched on each side
        let c = ReportComparison(base: b, new: n)
        #expect(c.outcome == .regression)
        #expect(c.summary == "3 compared, 1 regressed, 1 improved, 2 unmatched", "\(c.summary)")
    }

    @Test func tailsAndSubMicrosecondFiguresAreInformational() throws {
        var b = try Report.decode(Data(contentsOf: URL(fileURLWithPath: Self.base)))
        b.results = [.init(system: "s", name: "latency_p999", value: 100, unit: "us"),
                     .init(system: "s", name: "latency_p50", value: 0.4, unit: "us"),
                     .init(system: "s", name: "latency_p99", value: 100, unit: "us")]
        var n = b
        n.results[0].value = 150
        n.results[1].value = 0.6
        let c = ReportComparison(base: b, new: n)
        #expect(c.outcome == .ok, "\(c.table())")
        #expect(c.rows[0].note.contains("tail") && c.rows[1].note.contains("floor"))
        #expect(ReportComparison(base: b, new: n, gateTails: true).outcome == .regression, "asked for, tails gate")
        n.results[2].value = 150
        #expect(ReportComparison(base: b, new: n).outcome == .regression, "p99 itself still gates")
        #expect(!ReportComparison.isTailPercentile("latency_p99") && ReportComparison.isTailPercentile("latency_p999")
                && !ReportComparison.isTailPercentile("latency_p90"))
        // Single-stream's headline is p90 (LoadGen): p95 and p99 there are tails; multi-stream and server gate p99.
        #expect(ReportComparison.isTailPercentile("latency_p99", scenario: "single-stream")
                && ReportComparison.isTailPercentile("latency_p95", scenario: "single-stream")
                && !ReportComparison.isTailPercentile("latency_p90", scenario: "single-stream")
                && !ReportComparison.isTailPercentile("latency_p99", scenario: "server")
                && !ReportComparison.isTailPercentile("latency_p90_early_stopping", scenario: "single-stream"))
    }

    @Test func reportsRoundTripThroughCodable() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.base))
        let report = try Report.decode(data)
        let again = try Report.decode(try report.jsonData())
        #expect(again.results.count == report.results.count && again.environment == report.environment && again.runId == report.runId)
    }
}

/// The gate on the main job's report: a real `bench --suite binary-classification --quick` report and the same
/// report made 20% slower by `scripts/fixtures/make_slower_report.py` (times x 1.2, rates / 1.2, scores kept).
@Suite struct BinaryClassificationReportTests {
    static var base: String { ReportComparisonTests.fixtures.appendingPathComponent("binary-classification-base.json").path }
    static var slower: String { ReportComparisonTests.fixtures.appendingPathComponent("binary-classification-20pct-slower.json").path }

    @Test func inferenceFiguresAreTheMedianRoundWithItsSpread() throws {
        func round(_ p50: Double, _ rate: Double, queries: Int) -> [Report.Result] {
            [.init(system: "s", name: "latency_p50", value: p50, unit: "us", params: ["queries": String(queries)]),
             .init(system: "s", name: "samples_per_second", value: rate, unit: "samples/s", params: ["queries": String(queries)])]
        }
        let merged = BinaryClassificationSuite.medianRound([round(3, 10, queries: 1), round(1, 30, queries: 2), round(2, 20, queries: 3)])
        #expect(merged.map(\.name) == ["latency_p50", "samples_per_second"])
        #expect(merged[0].value == 2 && merged[0].repeats?.min == 1 && merged[0].repeats?.max == 3 && merged[0].repeats?.repeats == 3)
        #expect(merged[0].params["queries"] == "3", "parameters come from the median round")
        #expect(merged[1].value == 20 && merged[1].params["queries"] == "3")
        // A noisy figure now carries a spread, so a comparison can weigh it.
        #expect(ReportComparison.spread(merged[0]) > 0.5)
    }

    @Test func theReportHasEveryAlgorithmsFigures() throws {
        let report = try Report.decode(Data(contentsOf: URL(fileURLWithPath: Self.base)))
        #expect(report.suite == "binary-classification" && report.quick)
        for algorithm in ["logreg", "gbdt", "mlp"] {
            for name in ["train_seconds", "auc", "logloss", "accuracy", "peak_memory"] {
                #expect(report.results.contains { $0.system == "mlcore-\(algorithm)" && $0.name == name }, "\(algorithm) \(name)")
            }
            let onnx = report.results.filter { $0.system == "mlcore-\(algorithm)-onnx" }
            #expect(onnx.contains { $0.scenario == "single-stream" && $0.name == "latency_p90" }, "\(algorithm) latency")
            #expect(onnx.contains { $0.scenario == "offline" && $0.name == "samples_per_second" }, "\(algorithm) throughput")
            #expect(onnx.allSatisfy { $0.params["valid"] == "VALID" })
        }
        #expect(report.results.contains { $0.system == "null" && $0.name == "harness_overhead_p50" })
        #expect(report.datasets.contains { $0.name == "airline-nyc2013-10k-seed0" && $0.rows == 10_000 && $0.sha256.count == 64 })
    }

    @Test func comparedWithItselfPassesAndTwentyPercentSlowerFails() {
        let same = ReportComparison.compare(basePath: Self.base, newPath: Self.base, maxRegression: 0.05, maxAccuracyDrop: 0.002)
        #expect(same.outcome == .ok, "\(same.table())")
        let slower = ReportComparison.compare(basePath: Self.base, newPath: Self.slower, maxRegression: 0.05, maxAccuracyDrop: 0.002)
        #expect(slower.outcome == .regression)
        // Scores did not change, so none of them regresses; every time and rate does.
        let scores: Set<Substring> = ["auc", "logloss", "accuracy", "peak_memory"]
        #expect(slower.rows.filter(\.regressed).allSatisfy { $0.key.split(separator: " ").allSatisfy { !scores.contains($0) } })
        #expect(slower.rows.contains { $0.regressed && $0.key.contains("train_seconds") })
        #expect(slower.rows.contains { $0.regressed && $0.key.contains("samples_per_second") })
    }
}

/// The child-process runner and the memory figures the suite reports.
@Suite struct ChildProcessTests {
    @Test func exitStatusAndStandardError() throws {
        let outcome = try ChildProcess.run("/bin/sh", ["-c", "echo oops >&2; exit 3"])
        #expect(outcome.exitStatus == 3)
        #expect(outcome.standardError == "oops\n")
        #expect(throws: BenchError.self) { try ChildProcess.run("/nonexistent/program", []) }
    }

    @Test func residentMemoryFigures() throws {
        // Other tests run in parallel and allocate and free: read the current size first (the high-water mark read
        // after it can only be larger).
        let current = try #require(ResidentMemory.currentBytes), peak = try #require(ResidentMemory.peakBytes)
        #expect(current > 1_000_000 && peak >= current)
        // Touching 64 MiB puts the high-water mark above 64 MiB (in bytes: a unit slip to KiB would fail).
        let block = UnsafeMutableRawPointer.allocate(byteCount: 64 << 20, alignment: 4096)
        defer { block.deallocate() }
        block.initializeMemory(as: UInt8.self, repeating: 1, count: 64 << 20)
        let after = try #require(ResidentMemory.peakBytes)
        #expect(after >= 64 << 20 && after >= peak, "peak \(after), before \(peak)")
    }
}
