import Foundation
import MLCore

/// `onnx-conformance`: ONNX's backend node tests through MLCore's engine (see ``ConformanceRunner``).
///
/// Runs from the repository root: it writes the cases with `scripts/generate-onnx-node-tests.sh` into
/// `.build-onnx-node-tests` (which needs the pinned Python environment `.venv-peers`, made by
/// `scripts/setup-peers.sh`), runs them, records the counts as results and writes the per-case report next to the
/// suite's (`results/onnx-conformance-cases-<UTC time>.json`). Without `.venv-peers` the suite records a note
/// and no results.
public struct ConformanceSuite: BenchmarkSuite {
    public var name: String { "onnx-conformance" }
    public var summary: String { "ONNX backend node tests (about 1,900 cases): passed / failed / unsupported, and the pass rate of cases using only required operators" }

    /// The repository root; the current directory by default.
    public var root: URL

    public init(root: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        self.root = root
    }

    public func run(into report: inout Report, options: SuiteOptions, progress: (String) -> Void) throws {
        let python = root.appendingPathComponent(".venv-peers/bin/python")
        let script = root.appendingPathComponent("scripts/generate-onnx-node-tests.sh")
        guard FileManager.default.isExecutableFile(atPath: python.path),
              FileManager.default.fileExists(atPath: script.path) else {
            report.notes.append("skipped: pinned Python environment not found (\(python.path); run scripts/setup-peers.sh "
                                + "from the repository root)")
            return
        }
        let cases = root.appendingPathComponent(".build-onnx-node-tests")
        progress("writing ONNX node tests with scripts/generate-onnx-node-tests.sh")
        try generate(script: script, into: cases)

        let runner = ConformanceRunner(directory: cases, options: SessionOptions(threads: options.threads))
        let result = try runner.run { i, n, name in progress("[\(i)/\(n)] \(name)") }
        let params = ["rtol": String(result.rtol), "atol": String(result.atol), "threads": String(result.threads)]
        func add(_ name: String, _ value: Double, _ unit: String) {
            report.results.append(.init(system: "mlcore", name: name, value: value, unit: unit, params: params))
        }
        add("cases_total", Double(result.total), "cases")
        add("cases_passed", Double(result.passed), "cases")
        add("cases_failed", Double(result.failed), "cases")
        add("cases_unsupported", Double(result.unsupported), "cases")
        add("required_ops_cases", Double(result.requiredOpsCases), "cases")
        add("required_ops_passed", Double(result.requiredOpsPassed), "cases")
        add("required_ops_pass_rate", result.requiredOpsPassRate, "fraction")
        let detail = "results/onnx-conformance-cases-\(result.utcTime.replacingOccurrences(of: ":", with: "")).json"
        try result.write(to: root.appendingPathComponent(detail).path)
        report.notes.append("per-case results (reason, seconds, operators) and per-operator counts: \(detail)")
        report.notes.append("slowest cases (s, 1 run each): "
                            + result.slowest.prefix(5).map { "\($0.name) " + String(format: "%.2f", $0.seconds) }
                                .joined(separator: ", "))
    }

    /// Runs the generator script; its progress goes to our stderr.
    func generate(script: URL, into folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", script.path, folder.path]
        process.currentDirectoryURL = root
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ConformanceError.generator("scripts/generate-onnx-node-tests.sh exited with status \(process.terminationStatus)")
        }
    }
}
