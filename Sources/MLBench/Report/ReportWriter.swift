import Foundation

/// Writes a report to `--out` or to `results/<suite>-<UTC time>.json`.
public enum ReportWriter {
    /// Writes `report` and returns the path written.
    @discardableResult
    public static func write(_ report: Report, to path: String?) throws -> String {
        let target = path ?? "results/" + report.defaultFileName
        let url = URL(fileURLWithPath: target)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try report.jsonData().write(to: url, options: .atomic)
        return target
    }
}
