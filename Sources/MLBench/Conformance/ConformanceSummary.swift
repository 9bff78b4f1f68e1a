import Foundation

/// Renders a ``ConformanceReport`` for stdout: totals, the required-ops pass rate, the slowest cases, and a
/// per-operator table.
public enum ConformanceSummary {
    public static func render(_ report: ConformanceReport) -> String {
        var lines: [String] = []
        lines.append("onnx-conformance  \(report.directory)\(report.filter.map { "  filter '\($0)'" } ?? "")  "
                     + "build \(report.buildConfiguration)  threads \(report.threads)  rtol \(report.rtol)  atol \(report.atol)")
        lines.append("cases: \(report.total) total, \(report.passed) passed, \(report.failed) failed, "
                     + "\(report.unsupported) unsupported (\(percent(report.passed, report.total)) passed)")
        lines.append("required-ops cases (every operator in MLCore's required list): \(report.requiredOpsPassed) of "
                     + "\(report.requiredOpsCases) passed (\(percent(report.requiredOpsPassed, report.requiredOpsCases)))")

        lines.append("")
        lines.append("slowest cases (wall time of load + every data set, s; 1 run each):")
        for slow in report.slowest {
            lines.append("  " + String(format: "%8.3f", slow.seconds) + "  " + slow.name)
        }

        lines.append("")
        var rows = [["operator", "cases", "passed", "failed", "unsupported", "required"]]
        for op in report.perOperator.keys.sorted() {
            let c = report.perOperator[op]!
            rows.append([op, String(c.cases), String(c.passed), String(c.failed), String(c.unsupported),
                         RequiredOperators.aiOnnx.contains(op) ? "yes" : ""])
        }
        lines.append(contentsOf: table(rows))
        return lines.joined(separator: "\n")
    }

    /// `n / total` as a percentage with one decimal, `-` when `total` is 0.
    public static func percent(_ n: Int, _ total: Int) -> String {
        total == 0 ? "-" : String(format: "%.1f%%", 100 * Double(n) / Double(total))
    }

    static func table(_ rows: [[String]]) -> [String] {
        guard let header = rows.first else { return [] }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        var lines: [String] = []
        for (i, row) in rows.enumerated() {
            lines.append(row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  "))
            if i == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        return lines
    }
}
