import Foundation

/// Renders a report's results as a readable table for stdout.
public enum ConsoleTable {
    public static func render(_ report: Report) -> String {
        var lines: [String] = []
        let env = report.environment
        lines.append("suite \(report.suite)\(report.quick ? " (quick)" : "")  build \(env.buildConfiguration)  threads \(report.threads)")
        lines.append("cpu \(env.cpuModel)  cores \(env.cores)  wide path \(env.isa.widePath)  fingerprint \(env.fingerprint)")
        lines.append("blas \(env.blas.library) core \(env.blas.core)  OPENBLAS_CORETYPE \(env.blas.coreTypeOverride ?? "(unset)")")
        for note in report.notes { lines.append("note: \(note)") }
        let header = ["system", "metric", "params", "value", "unit", "spread (min..max, n, cv)"]
        var rows: [[String]] = [header]
        for r in report.results {
            let params = r.params.keys.sorted().map { "\($0)=\(r.params[$0]!)" }.joined(separator: " ")
            let spread = r.repeats.map {
                String(format: "%.4g..%.4g, n=%d, cv=%.1f%%", $0.min, $0.max, $0.repeats, $0.cv * 100)
            } ?? ""
            rows.append([r.system, r.name, params, String(format: "%.4g", r.value), r.unit, spread])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        for (i, row) in rows.enumerated() {
            lines.append(row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  "))
            if i == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        return lines.joined(separator: "\n")
    }
}
