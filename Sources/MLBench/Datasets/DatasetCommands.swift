import Foundation
import MLCoreData

/// The logic behind `bench datasets`: listing, building with checksum comparison, verifying and describing.
/// Every function returns the text to print; `bench` only parses arguments.
public enum DatasetCommands {
    /// One line per dataset: name, kind, task, rows, features, licence, and whether its files are built.
    public static func list(_ registry: DatasetRegistry) -> String {
        var rows = [["name", "kind", "task", "train/test rows", "features", "license", "status"]]
        for e in registry.manifest.datasets {
            let rowsText: String
            let status: String
            switch e.kind {
            case .generator:
                let recorded = (e.variants ?? []).map { "\($0.rows)" }.joined(separator: ", ")
                rowsText = "any (recorded: \(recorded))"
                status = "--rows N --seed S"
            case .committed, .recipe:
                let files = e.files ?? []
                rowsText = files.map { String($0.rows) }.joined(separator: "/")
                let dir = e.kind == .committed ? registry.root.appendingPathComponent(e.directory ?? e.name)
                                               : registry.defaultOutputDirectory(e, rows: 0, seed: 0)
                let present = files.allSatisfy { FileManager.default.fileExists(atPath: dir.appendingPathComponent($0.path).path) }
                status = e.kind == .committed ? "committed" : (present ? "built" : "not built")
            }
            rows.append([e.name, e.kind.rawValue, e.task, rowsText, String(e.features.count), e.source.license, status])
        }
        return table(rows) + "manifest: \(registry.root.appendingPathComponent("manifest.json").path)\n"
    }

    /// Builds a dataset; the text lists every file with its SHA-256 and its comparison with the manifest.
    /// - Returns: the text, and whether every recorded checksum matched.
    public static func build(_ registry: DatasetRegistry, _ request: DatasetRegistry.BuildRequest,
                             progress: (String) -> Void = { _ in }) throws -> (text: String, consistent: Bool) {
        let report = try registry.build(request, progress: progress)
        var text = "built \(report.name) in \(String(format: "%.2f", report.seconds)) s into \(report.directory.path)\n"
        for note in report.notes { text += "  \(note)\n" }
        for check in report.files {
            let w = check.written
            text += "  \(w.name): \(w.rows) rows, \(w.bytes) bytes\n    sha256 \(w.sha256)  "
            switch check.matches {
            case true?: text += "matches the manifest\n"
            case false?:
                text += "DIFFERS from the manifest (sha256 \(check.expected!.sha256), \(check.expected!.rows) rows)\n"
            case nil: text += "(no checksum recorded in the manifest for this size and seed)\n"
            }
        }
        return (text, report.consistent)
    }

    /// Verifies the built (or committed) files of a dataset against the manifest.
    public static func verify(_ registry: DatasetRegistry, name: String, rows: Int?, seed: UInt64?) throws -> String {
        let entry = try registry.entry(name)
        let (r, s) = registry.generatorParameters(entry, rows: rows, seed: seed)
        guard let expected = registry.expectedFiles(entry, rows: r, seed: s) else {
            throw DataError(.invalidRequest, file: name, reason: "the manifest records no checksums for \(r) rows, seed \(s)")
        }
        let dir = entry.kind == .committed ? registry.root.appendingPathComponent(entry.directory ?? entry.name)
                                           : registry.defaultOutputDirectory(entry, rows: r, seed: s)
        var text = ""
        for file in expected {
            let path = dir.appendingPathComponent(file.path).path
            try registry.verify(path, expected: file)
            text += "\(path): sha256 \(file.sha256) OK\n"
        }
        return text
    }

    /// The column-type report of any CSV file.
    public static func describe(csv path: String) throws -> String {
        try CSVTable(contentsOf: URL(fileURLWithPath: path)).reportText
    }

    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
