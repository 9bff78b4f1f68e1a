/// Several runs of one suite on one machine, folded into one report of each figure's best run: the fastest
/// time, the highest throughput, the lowest latency. On a machine whose speed drifts between processes (this
/// one: the same build's batch-1 p50 7.2 us in one run, 12.2 us in the next), the best of a few runs is
/// what the code can do; `bench compare BASE NEW NEW NEW` compares it, `scripts/bench-gate.sh` uses it.
extension Report {
    /// The first report with every figure replaced by the best of that figure over `reports` (matched as
    /// ``ReportComparison`` matches them). Accuracy figures are the same in every run and are kept from the
    /// first. Returns nil for an empty list.
    public static func bestOf(_ reports: [Report]) -> Report? {
        guard var merged = reports.first else { return nil }
        guard reports.count > 1 else { return merged }
        var best: [String: Result] = [:]
        for report in reports {
            for r in report.results {
                let key = ReportComparison.key(report.suite, r)
                guard let current = best[key] else { best[key] = r; continue }
                if ReportComparison.isAccuracy(r.name) { continue }
                let higher = ReportComparison.higherIsBetter(name: r.name, unit: r.unit)
                if higher ? r.value > current.value : r.value < current.value { best[key] = r }
            }
        }
        merged.results = merged.results.map { best[ReportComparison.key(merged.suite, $0)] ?? $0 }
        merged.notes.append("best of \(reports.count) runs per figure (bench compare with several new reports)")
        return merged
    }
}
