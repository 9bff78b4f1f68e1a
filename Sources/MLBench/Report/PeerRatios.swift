/// Every MLCore figure's ratio to the best peer measured on the same case in the same run.
///
/// A peer is any system that is not MLCore's (`mlcore...`) nor the harness's `null`. Figures match on name,
/// data set, scenario and identifying parameters; the best peer is the one with the best value in the figure's
/// direction. The ratio is written so that above 1 means MLCore is better: peer / MLCore for times and
/// latencies, MLCore / peer for rates and scores.
public enum PeerRatios {
    /// The metric name of a ratio result; its params name the `metric` and the `best_peer`.
    public static let metricName = "vs_best_peer"

    public static func isMLCore(_ system: String) -> Bool { system.hasPrefix("mlcore") }

    /// The ratio results for `results` (existing ratio results are ignored and not repeated).
    public static func ratios(_ results: [Report.Result]) -> [Report.Result] {
        let figures = results.filter { $0.name != metricName }
        func key(_ r: Report.Result) -> String {
            ([r.name, r.dataset ?? "-", r.scenario ?? "-"] + ReportComparison.identityParams(r)).joined(separator: " ")
        }
        var peers: [String: [Report.Result]] = [:]
        for r in figures where !isMLCore(r.system) && r.system != NullSystem.systemName && r.value.isFinite {
            peers[key(r), default: []].append(r)
        }
        var out: [Report.Result] = []
        for r in figures where isMLCore(r.system) && r.value.isFinite && r.value > 0 {
            guard let candidates = peers[key(r)], !candidates.isEmpty else { continue }
            let higher = ReportComparison.higherIsBetter(name: r.name, unit: r.unit)
            let best = candidates.max { higher ? $0.value < $1.value : $0.value > $1.value }!
            guard best.value > 0 else { continue }
            var params = r.params
            params["metric"] = r.name
            params["best_peer"] = best.system
            out.append(.init(system: r.system, name: metricName, value: higher ? r.value / best.value : best.value / r.value,
                             unit: "x", dataset: r.dataset, scenario: r.scenario, params: params))
        }
        return out
    }
}
