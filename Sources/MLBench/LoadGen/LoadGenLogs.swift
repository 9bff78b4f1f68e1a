import Foundation
import MLCore

/// MLPerf LoadGen's two log files for one scenario run, written beside the JSON report (`--loadgen-logs DIR`):
/// `mlperf_log_summary.txt` (LoadGen's `key : value` summary) and `mlperf_log_detail.txt` (`:::MLLOG` JSON lines
/// with LoadGen's keys: `effective_*` settings, `result_*` figures, `early_stopping_*`), so that tools that read
/// LoadGen output read ours. Latencies are integer nanoseconds, as LoadGen writes them.
public enum LoadGenLogs {
    /// LoadGen's names of the scenarios.
    static func name(_ s: Scenario) -> String {
        switch s {
        case .singleStream: "SingleStream"
        case .multiStream: "MultiStream"
        case .server: "Server"
        case .offline: "Offline"
        }
    }

    /// The percentiles LoadGen lists in its summary.
    static let percentiles: [Double] = [50, 90, 95, 97, 99, 99.9]

    static func ns(_ seconds: Double) -> Int64 { seconds.isFinite ? Int64((seconds * 1e9).rounded()) : -1 }

    /// LoadGen's `DoubleToString`: two decimals.
    static func decimal(_ v: Double) -> String { String(format: "%.2f", v) }

    /// Writes both files into `directory` (created when missing); returns their paths.
    @discardableResult
    public static func write(_ r: ScenarioResult, settings: TestSettings, sutName: String, to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let summary = directory.appendingPathComponent("mlperf_log_summary.txt")
        let detail = directory.appendingPathComponent("mlperf_log_detail.txt")
        try Data(summaryText(r, settings: settings, sutName: sutName).utf8).write(to: summary, options: .atomic)
        try Data(detailText(r, settings: settings).utf8).write(to: detail, options: .atomic)
        return [summary, detail]
    }

    static func headlinePercentile(_ s: Scenario) -> Double { s == .singleStream ? 90 : 99 }

    static func minDurationMet(_ r: ScenarioResult, _ s: TestSettings) -> Bool { r.duration >= s.minDuration }
    static func minQueriesMet(_ r: ScenarioResult, _ s: TestSettings) -> Bool { r.queries >= s.minQueries }
    static func earlyStoppingMet(_ r: ScenarioResult) -> Bool {
        switch r.scenario {
        case .server: r.earlyStoppingPassed ?? false
        case .singleStream, .multiStream: r.earlyStoppingEstimate != nil
        case .offline: true
        }
    }

    /// `mlperf_log_summary.txt`.
    static func summaryText(_ r: ScenarioResult, settings s: TestSettings, sutName: String) -> String {
        var lines = ["================================================", "MLPerf Results Summary",
                     "================================================",
                     "SUT name : \(sutName)", "Scenario : \(name(r.scenario))", "Mode     : PerformanceOnly"]
        switch r.scenario {
        case .singleStream, .multiStream:
            let p = headlinePercentile(r.scenario)
            lines.append("\(Int(p))th percentile latency (ns) : \(ns(r.percentile(p)))")
        case .server:
            lines.append("Scheduled samples per second : \(decimal((r.scheduledQueriesPerSecond ?? 0) * Double(s.samplesPerQuery)))")
        case .offline:
            lines.append("Samples per second: \(decimal(r.samplesPerSecond))")
        }
        lines.append("Result is : \(r.valid ? "VALID" : "INVALID")")
        if r.scenario == .server { lines.append("  Performance constraints satisfied : \((r.boundHeld ?? false) ? "Yes" : "NO")") }
        lines.append("  Min duration satisfied : \(minDurationMet(r, s) ? "Yes" : "NO")")
        lines.append("  Min queries satisfied : \(minQueriesMet(r, s) ? "Yes" : "NO")")
        lines.append("  Early stopping satisfied: \(earlyStoppingMet(r) ? "Yes" : "NO")")
        if !r.valid {
            lines.append("Recommendations:")
            for reason in r.invalidReasons { lines.append(" * \(reason)") }
        }
        if r.scenario != .offline {
            lines.append("Early Stopping Result:")
            if let estimate = r.earlyStoppingEstimate, let p = r.earlyStoppingPercentile {
                lines.append(" * Processed \(r.queries) queries.")
                lines.append(" * Early stopping \(Int(p * 100))th percentile estimate: \(ns(estimate))")
            } else if let note = r.earlyStoppingNote {
                lines.append(" * \(note)")
            }
        }
        lines += ["", "================================================", "Additional Stats",
                  "================================================"]
        let latencies = r.latencies
        let mean = latencies.isEmpty ? .nan : latencies.reduce(0, +) / Double(latencies.count)
        switch r.scenario {
        case .singleStream:
            let withOverhead = r.duration > 0 ? Double(max(r.queries - 1, 0)) / r.duration : 0
            lines.append("QPS w/ loadgen overhead         : \(decimal(withOverhead))")
            lines.append("QPS w/o loadgen overhead        : \(decimal(mean > 0 ? 1 / mean : 0))")
            lines.append("")
        case .server:
            lines.append("Completed samples per second    : \(decimal((r.completedQueriesPerSecond ?? 0) * Double(s.samplesPerQuery)))")
            lines.append("")
        case .multiStream:
            lines.append("Per-query latency:  ")
        case .offline:
            break
        }
        lines.append("Min latency (ns)                : \(ns(latencies.min() ?? .nan))")
        lines.append("Max latency (ns)                : \(ns(latencies.max() ?? .nan))")
        lines.append("Mean latency (ns)               : \(ns(mean))")
        for p in percentiles {
            lines.append("\(decimal(p)) percentile latency (ns)   : \(ns(r.percentile(p)))")
        }
        lines += ["", "================================================", "Test Parameters Used",
                  "================================================"]
        lines.append("samples_per_query : \(s.samplesPerQuery)")
        lines.append("target_qps : \(decimal(r.serverQueriesPerSecond ?? 0))")
        lines.append("target_latency (ns): \(s.scenario == .server ? ns(s.latencyBound) : 0)")
        lines.append("max_async_queries : 1")
        lines.append("min_duration (ms): \(Int64((s.minDuration * 1e3).rounded()))")
        lines.append("max_duration (ms): \(Int64((s.maxDuration * 1e3).rounded()))")
        lines.append("min_query_count : \(s.minQueries)")
        lines.append("max_query_count : 0")
        lines.append("qsl_rng_seed : \(s.seed)")
        lines.append("sample_index_rng_seed : \(s.seed)")
        lines.append("schedule_rng_seed : \(s.seed)")
        lines.append("accuracy_log_rng_seed : 0")
        lines.append("accuracy_log_probability : 0")
        lines.append("accuracy_log_sampling_target : 0")
        lines.append("print_timestamps : 0")
        lines.append("performance_issue_unique : 0")
        lines.append("performance_issue_same : 0")
        lines.append("performance_issue_same_index : 0")
        lines.append("performance_sample_count : \(r.samples)")
        lines += ["", "No warnings encountered during test.", "", r.valid ? "No errors encountered during test." : "1 ERROR encountered. See detailed log.", ""]
        return lines.joined(separator: "\n")
    }

    /// `mlperf_log_detail.txt`: one `:::MLLOG {json}` line per key.
    static func detailText(_ r: ScenarioResult, settings s: TestSettings) -> String {
        var entries: [(String, Any)] = [
            ("loadgen_version", "MLCore LoadGen (\(MLCoreBuild.version)), keys of mlcommons/inference loadgen"),
            ("effective_scenario", name(r.scenario)),
            ("effective_test_mode", "PerformanceOnly"),
            ("effective_samples_per_query", s.samplesPerQuery),
            ("effective_target_qps", r.serverQueriesPerSecond ?? 0),
            ("effective_target_latency_ns", s.scenario == .server ? ns(s.latencyBound) : 0),
            ("effective_target_latency_percentile", s.scenario == .server ? 0.99 : headlinePercentile(s.scenario) / 100),
            ("effective_max_async_queries", 1),
            ("effective_min_duration_ms", Int64((s.minDuration * 1e3).rounded())),
            ("effective_max_duration_ms", Int64((s.maxDuration * 1e3).rounded())),
            ("effective_min_query_count", s.minQueries),
            ("effective_max_query_count", 0),
            ("effective_schedule_rng_seed", s.seed),
            ("effective_performance_sample_count", r.samples),
            ("result_validity", r.valid ? "VALID" : "INVALID"),
        ]
        if r.scenario == .server { entries.append(("result_perf_constraints_met", r.boundHeld ?? false)) }
        entries.append(("result_min_duration_met", minDurationMet(r, s)))
        entries.append(("result_min_queries_met", minQueriesMet(r, s)))
        entries.append(("early_stopping_met", earlyStoppingMet(r)))
        if !r.valid { entries.append(("result_invalid_reason", r.invalidReasons.joined(separator: " "))) }
        entries.append(("early_stopping_result", r.earlyStoppingNote ?? ""))
        entries.append(("result_query_count", r.queries))
        let latencies = r.latencies
        let mean = latencies.isEmpty ? .nan : latencies.reduce(0, +) / Double(latencies.count)
        switch r.scenario {
        case .singleStream:
            entries.append(("result_qps_with_loadgen_overhead", r.duration > 0 ? Double(max(r.queries - 1, 0)) / r.duration : 0))
            entries.append(("result_qps_without_loadgen_overhead", mean > 0 ? 1 / mean : 0))
            entries.append(("early_stopping_latency_ss", r.earlyStoppingEstimate.map(ns) ?? 0))
        case .multiStream:
            entries.append(("early_stopping_latency_ms", r.earlyStoppingEstimate.map(ns) ?? 0))
        case .server:
            entries.append(("result_overlatency_query_count", latencies.filter { $0 > s.latencyBound }.count))
            entries.append(("result_scheduled_samples_per_sec", (r.scheduledQueriesPerSecond ?? 0) * Double(s.samplesPerQuery)))
            entries.append(("result_completed_samples_per_sec", (r.completedQueriesPerSecond ?? 0) * Double(s.samplesPerQuery)))
        case .offline:
            entries.append(("result_samples_per_second", r.samplesPerSecond))
        }
        entries.append(("result_min_latency_ns", ns(latencies.min() ?? .nan)))
        entries.append(("result_max_latency_ns", ns(latencies.max() ?? .nan)))
        entries.append(("result_mean_latency_ns", ns(mean)))
        for p in percentiles { entries.append(("result_\(decimal(p))_percentile_latency_ns", ns(r.percentile(p)))) }
        let pid = Int(ProcessInfo.processInfo.processIdentifier)
        var lines: [String] = []
        for (i, (key, value)) in entries.enumerated() {
            let record: [String: Any] = [
                "key": key, "value": value, "time_ms": Double(i) * 0.001, "namespace": "mlperf::logging",
                "event_type": "POINT_IN_TIME",
                "metadata": ["is_error": key == "result_invalid_reason", "is_warning": false, "file": "LoadGenLogs.swift",
                             "line_no": 0, "pid": pid, "tid": 0] as [String: Any],
            ]
            let data = (try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            lines.append(":::MLLOG " + String(decoding: data, as: UTF8.self))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
