import Foundation

/// `bench compare`: matches the results of two reports and decides whether the new one regressed.
///
/// Results match on identity only: suite, system, dataset, scenario, metric and identifying parameters (model,
/// threads, sizes); run-dependent parameters such as query counts are ignored. A difference is a regression
/// only when it exceeds both the threshold and the measured spread of the two figures. A comparison that matched
/// fewer than half of the base's figures is unusable, with the reason (other threads, machine, build, suite
/// version) one line each: a compare cannot pass because nothing was compared. Tail percentiles above p99 and
/// time figures under ``timeFloorMicroseconds`` are shown but not gated unless asked for. Reports from different
/// machines (fingerprints) are a hardware table, never a gate (unusable unless `acrossMachines`); reports from
/// different build configurations are refused.
public struct ReportComparison {
    public enum Outcome: Int32, Sendable {
        case ok = 0
        case regression = 1
        case unusable = 2
    }

    public struct Row: Sendable {
        public var key: String
        public var unit: String
        public var base: Double
        public var new: Double
        /// new / base.
        public var ratio: Double { base == 0 ? .nan : new / base }
        public var higherIsBetter: Bool
        public var regressed: Bool
        public var note: String
    }

    public var rows: [Row]
    public var outcome: Outcome
    public var messages: [String]
    /// True when the reports come from different machines: the table compares hardware.
    public var crossMachine: Bool
    /// Figures better than the base beyond the threshold and their spread.
    public var improved: Int
    /// Figures of either report that the other does not have.
    public var unmatched: Int

    /// "N compared, R regressed, I improved, U unmatched": the last line of every `bench compare`.
    public var summary: String {
        "\(rows.count) compared, \(rows.filter(\.regressed).count) regressed, \(improved) improved, \(unmatched) unmatched"
    }

    /// Time figures (latencies, per-query costs) below this many microseconds in both reports are shown but not
    /// gated: at that scale a clock read, a cache miss or a timer interrupt moves them by tens of percent.
    public static let timeFloorMicroseconds = 1.0

    /// Parameters that vary from run to run and do not identify a case.
    static let volatileParams: Set<String> = ["queries", "samples", "warmup_queries", "valid", "invalid_reasons", "server_queries_per_second",
                                              "latency_bound_ms", "bound_held", "early_stopping", "best_peer"]

    /// - Parameters:
    ///   - informational: metric names that are shown but never gated.
    ///   - gateTails: gate percentiles above p99 (`latency_p999`) too.
    ///   - acrossMachines: reports from different machines give a hardware table (outcome ok) instead of unusable.
    public init(base: Report, new: Report, maxRegression: Double = 0.05, maxAccuracyDrop: Double = 0.002,
                informational: Set<String> = [], gateTails: Bool = false, acrossMachines: Bool = false) {
        rows = []
        messages = []
        improved = 0
        unmatched = 0
        crossMachine = base.environment.fingerprint != new.environment.fingerprint
        if crossMachine && !acrossMachines {
            outcome = .unusable
            messages.append("different machines (fingerprint \(base.environment.fingerprint), \(base.environment.cpuModel); "
                            + "\(new.environment.fingerprint), \(new.environment.cpuModel)): their figures compare hardware, not code; "
                            + "--across-machines prints that table, scripts/bench-gate.sh --base REF gates on one machine")
            return
        }
        guard base.environment.buildConfiguration == new.environment.buildConfiguration else {
            outcome = .unusable
            messages.append("refusing to compare a \(base.environment.buildConfiguration) build with a \(new.environment.buildConfiguration) build: their figures are not comparable")
            return
        }
        guard base.suite == new.suite else {
            outcome = .unusable
            messages.append("the reports are of different suites (\(base.suite), \(new.suite))")
            return
        }
        var baseByKey: [String: Report.Result] = [:]
        for r in base.results { baseByKey[Self.key(base.suite, r)] = r }
        var matched = 0
        for r in new.results {
            let key = Self.key(new.suite, r)
            guard let b = baseByKey.removeValue(forKey: key) else {
                messages.append("only in the new report: \(key)")
                unmatched += 1
                continue
            }
            matched += 1
            let higher = Self.higherIsBetter(name: r.name, unit: r.unit)
            var regressed = false
            var note = ""
            if !crossMachine {
                if r.system == NullSystem.systemName {
                    // The load generator's own cost per query (tens of ns, read at the clock's 10 ns
                    // resolution): a check of the harness shown beside the figures, not a figure of MLCore.
                    note = "harness check, not gated"
                } else if r.name == PeerRatios.metricName {
                    note = "ratio to a peer, not gated"
                } else if informational.contains(r.name) {
                    note = "informational, not gated"
                } else if !gateTails && Self.isTailPercentile(r.name, scenario: r.scenario) {
                    note = "tail above the headline percentile, not gated (--gate-tails)"
                } else if let floor = Self.timeFloor(unit: r.unit), b.value < floor && r.value < floor {
                    note = String(format: "under the %.3g %@ floor, not gated", floor, r.unit)
                } else if Self.isAccuracy(r.name) {
                    let drop = higher ? b.value - r.value : r.value - b.value
                    regressed = drop > maxAccuracyDrop
                    if regressed { note = String(format: "accuracy worse by %.4g (> %.4g)", drop, maxAccuracyDrop) }
                } else if b.value > 0, r.value.isFinite {
                    let worse = higher ? (b.value - r.value) / b.value : (r.value - b.value) / b.value
                    let spread = Self.spread(b) + Self.spread(r)
                    regressed = worse > maxRegression && worse > spread
                    if -worse > maxRegression && -worse > spread {
                        improved += 1
                        note = String(format: "%.1f%% better", -worse * 100)
                    }
                    if regressed {
                        note = String(format: "%.1f%% worse (threshold %.1f%%, spread %.1f%%)", worse * 100, maxRegression * 100, spread * 100)
                    } else if worse > maxRegression {
                        note = String(format: "%.1f%% worse but within the measured spread %.1f%%", worse * 100, spread * 100)
                    }
                }
            }
            rows.append(Row(key: key, unit: r.unit, base: b.value, new: r.value, higherIsBetter: higher, regressed: regressed, note: note))
        }
        for key in baseByKey.keys.sorted() { messages.append("only in the base report: \(key)") }
        unmatched += baseByKey.count
        if matched == 0 || 2 * matched < base.results.count {
            outcome = .unusable
            messages.append("only \(matched) of the base report's \(base.results.count) figures have a match in the new report:")
            messages += Self.mismatchReasons(base, new)
        } else {
            outcome = rows.contains(where: \.regressed) ? .regression : .ok
        }
    }

    /// Decodes two report files; a file that cannot be read or decoded gives an `.unusable` comparison.
    public static func compare(basePath: String, newPath: String, maxRegression: Double, maxAccuracyDrop: Double,
                               informational: Set<String> = [], gateTails: Bool = false,
                               acrossMachines: Bool = false) -> ReportComparison {
        compare(basePath: basePath, newPaths: [newPath], maxRegression: maxRegression, maxAccuracyDrop: maxAccuracyDrop,
                informational: informational, gateTails: gateTails, acrossMachines: acrossMachines).comparison
    }

    /// Compares the base report with the best-of merge (``Report/bestOf(_:)``) of one or more new reports,
    /// and returns the merge too.
    public static func compare(basePath: String, newPaths: [String], maxRegression: Double, maxAccuracyDrop: Double,
                               informational: Set<String> = [], gateTails: Bool = false,
                               acrossMachines: Bool = false) -> (comparison: ReportComparison, merged: Report?) {
        func load(_ path: String) -> Result<Report, Error> {
            Result { try Report.decode(try Data(contentsOf: URL(fileURLWithPath: path))) }
        }
        let base: Report
        switch load(basePath) {
        case .success(let b): base = b
        case .failure(let e): return (ReportComparison(unusable: "cannot read \(basePath) as a report: \(e)"), nil)
        }
        var news: [Report] = []
        for path in newPaths {
            switch load(path) {
            case .success(let n): news.append(n)
            case .failure(let e): return (ReportComparison(unusable: "cannot read \(path) as a report: \(e)"), nil)
            }
        }
        guard let merged = Report.bestOf(news) else { return (ReportComparison(unusable: "no new report given"), nil) }
        return (ReportComparison(base: base, new: merged, maxRegression: maxRegression, maxAccuracyDrop: maxAccuracyDrop,
                                 informational: informational, gateTails: gateTails, acrossMachines: acrossMachines), merged)
    }

    init(unusable message: String) {
        rows = []
        outcome = .unusable
        messages = [message]
        crossMachine = false
        improved = 0
        unmatched = 0
    }

    /// Why two reports share few figures, one line each (what differs between the runs).
    static func mismatchReasons(_ base: Report, _ new: Report) -> [String] {
        var reasons: [String] = []
        func threads(_ r: Report) -> String {
            let fromResults = Set(r.results.compactMap { $0.params["threads"] }).sorted()
            return fromResults.isEmpty ? "\(r.threads)" : fromResults.joined(separator: ",")
        }
        if base.threads != new.threads || threads(base) != threads(new) {
            reasons.append("different threads: base \(threads(base)), new \(threads(new))")
        }
        if base.environment.fingerprint != new.environment.fingerprint {
            reasons.append("different machines: base \(base.environment.cpuModel), new \(new.environment.cpuModel)")
        }
        if base.environment.buildConfiguration != new.environment.buildConfiguration {
            reasons.append("different builds: base \(base.environment.buildConfiguration), new \(new.environment.buildConfiguration)")
        }
        if base.quick != new.quick {
            reasons.append("different run lengths: base \(base.quick ? "--quick" : "full"), new \(new.quick ? "--quick" : "full")")
        }
        if base.schema != new.schema || base.mlcoreVersion != new.mlcoreVersion {
            reasons.append("different suite versions: base schema \(base.schema) MLCore \(base.mlcoreVersion ?? "unrecorded"), "
                           + "new schema \(new.schema) MLCore \(new.mlcoreVersion ?? "unrecorded")")
        }
        let baseSystems = Set(base.results.map(\.system)), newSystems = Set(new.results.map(\.system))
        if baseSystems != newSystems {
            reasons.append("different systems: only in base \(baseSystems.subtracting(newSystems).sorted()), only in new \(newSystems.subtracting(baseSystems).sorted())")
        }
        let baseData = Set(base.results.compactMap(\.dataset)), newData = Set(new.results.compactMap(\.dataset))
        if baseData != newData {
            reasons.append("different data sets: only in base \(baseData.subtracting(newData).sorted()), only in new \(newData.subtracting(baseData).sorted())")
        }
        if reasons.isEmpty { reasons.append("the same runs measured different cases (parameters differ; see the unmatched lines)") }
        return reasons
    }

    /// Percentiles above the scenario's headline percentile (LoadGen's: p90 for single-stream, p99 for multi-stream
    /// and server; p99 elsewhere): a handful of queries decide them. Measured: 24 quick-suite runs of one build in
    /// best-of-three groups (`scripts/gate-error-rates.sh`, docs/bench-gate-error-rates.md) gave 9 false alarms in
    /// 56 A/A comparisons, every one a single-stream p99 of a 3-10 us model, with only p99.9 informational.
    static func isTailPercentile(_ name: String, scenario: String? = nil) -> Bool {
        guard let range = name.range(of: "_p", options: .backwards) else { return false }
        let digits = name[range.upperBound...]
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let whole = Double(digits) else { return false }
        // p999 is 99.9, p95 is 95, p50 is 50.
        let percentile = digits.count >= 3 ? whole / pow(10, Double(digits.count - 2)) : whole
        let headline: Double = scenario == Scenario.singleStream.rawValue ? 90 : 99
        return percentile > headline
    }

    /// The floor of ``timeFloorMicroseconds`` in `unit`, or nil for units that are not times.
    static func timeFloor(unit: String) -> Double? {
        switch unit {
        case "us": timeFloorMicroseconds
        case "ms": timeFloorMicroseconds / 1e3
        case "s", "seconds": timeFloorMicroseconds / 1e6
        case "ns": timeFloorMicroseconds * 1e3
        default: nil
        }
    }

    static func key(_ suite: String, _ r: Report.Result) -> String {
        ([suite, r.system, r.dataset ?? "-", r.scenario ?? "-", r.name] + identityParams(r)).joined(separator: " ")
    }

    /// The parameters that identify a result's case (`name=value`, sorted; run-varying ones left out).
    static func identityParams(_ r: Report.Result) -> [String] {
        r.params.keys.filter { !volatileParams.contains($0) }.sorted().map { "\($0)=\(r.params[$0]!)" }
    }

    /// Latencies, times and losses are better when lower; throughput, scores and fractions when higher.
    static func higherIsBetter(name: String, unit: String) -> Bool {
        let lowerUnits: Set<String> = ["us", "ms", "s", "seconds", "bytes", "MiB"]
        if lowerUnits.contains(unit) { return false }
        let lowerNames = ["latency", "seconds", "logloss", "rmse", "memory", "overhead"]
        return !lowerNames.contains { name.contains($0) }
    }

    static func isAccuracy(_ name: String) -> Bool {
        ["auc", "accuracy", "logloss", "rmse"].contains { name.contains($0) }
    }

    /// Relative spread of a figure: twice its coefficient of variation when measured repeatedly, else 0.
    static func spread(_ r: Report.Result) -> Double {
        guard let rep = r.repeats, rep.repeats > 1, rep.cv.isFinite else { return 0 }
        return 2 * rep.cv
    }

    /// A side-by-side table.
    public func table() -> String {
        var lines: [String] = []
        if crossMachine { lines.append("different machines (fingerprints differ): hardware comparison, no regression gate") }
        let header = ["case", "base", "new", "ratio", "unit", "verdict"]
        var cells = [header]
        for r in rows {
            let verdict = r.regressed ? "REGRESSION " + r.note : (r.note.isEmpty ? "ok" : r.note)
            cells.append([r.key, String(format: "%.4g", r.base), String(format: "%.4g", r.new), String(format: "%.3f", r.ratio), r.unit, verdict])
        }
        let widths = header.indices.map { c in cells.map { $0[c].count }.max() ?? 0 }
        for row in cells {
            lines.append(row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        lines += messages
        return lines.joined(separator: "\n")
    }
}
