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
        let hw = ReportComparison(base: b, new: otherMachine)
        #expect(hw.crossMachine && hw.outcome == .ok, "different machines compare as a hardware table, never a gate")
    }

    @Test func reportsRoundTripThroughCodable() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.base))
        let report = try Report.decode(data)
        let again = try Report.decode(try report.jsonData())
        #expect(again.results.count == report.results.count && again.environment == report.environment && again.runId == report.runId)
    }
}
