import ArgumentParser
import Foundation
import MLBench

struct ONNXConformance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onnx-conformance",
        abstract: "Run ONNX's backend node tests (scripts/generate-onnx-node-tests.sh) through MLCore's engine.",
        discussion: """
            Every case folder under DIR (model.onnx, test_data_set_*/input_<i>.pb, output_<i>.pb) is loaded and run; \
            outputs are compared with numpy.testing.assert_allclose semantics (rtol 1e-3, atol 1e-7; exact for \
            integers, booleans and strings). Prints totals, the pass rate of cases whose operators are all in \
            MLCore's required list, the slowest cases and a per-operator table; writes every case to the JSON report. \
            Progress (one line per case, naming it) goes to stderr.
            """)

    @Argument(help: "The folder of case folders (default output of scripts/generate-onnx-node-tests.sh: .build-onnx-node-tests).")
    var directory: String

    @Option(name: .long, help: "Report path (default: results/onnx-conformance-<UTC time>.json).")
    var report: String?

    @Option(name: .long, help: "Run only cases whose folder name contains this substring.")
    var filter: String?

    @Option(name: .long, help: "Threads per run (default: all cores).")
    var threads: Int?

    func run() throws {
        let threads = useThreads(self.threads)
        let runner = ConformanceRunner(directory: URL(fileURLWithPath: directory), filter: filter,
                                       options: SessionOptions(threads: threads))
        let interactive = isatty(STDERR_FILENO) != 0
        let result = try runner.run { i, n, name in
            // One line per case, written before it runs: if an operator crashes the process, the last line names it.
            FileHandle.standardError.write(Data(((interactive ? "\u{1B}[2K\r" : "") + "[\(i)/\(n)] \(name)"
                                                 + (interactive ? "" : "\n")).utf8))
        }
        if interactive { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) }
        let path = try result.write(to: report)
        print(ConformanceSummary.render(result))
        print("report written to \(path)")
    }
}
