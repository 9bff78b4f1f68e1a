import ArgumentParser
import Foundation
import MLBench

struct RunSuite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a suite (the default: `bench --suite NAME`).")

    @Option(name: .long, help: "The suite to run (see `bench suites`).")
    var suite: String

    @Flag(name: .long, help: "Short run: at most 3 minutes on 2 cores.")
    var quick = false

    @Flag(name: .long, help: "Add the largest data sizes (binary-classification: synthetic 1M and 10M rows).")
    var full = false

    @Flag(name: .long, help: "Run onnxruntime beside MLCore (image-classification, language) through the pinned Python environment (.venv-peers or MLCORE_PEERS_PYTHON); without it, a note.")
    var peers = false

    @Option(name: .long, help: "Threads for MLCore's kernels and OpenBLAS (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "Report path (default: results/<suite>-<UTC time>.json).")
    var out: String?

    func run() throws {
        guard let chosen = Suites.named(suite) else {
            throw ValidationError("unknown suite '\(suite)'; known: \(Suites.all.map(\.name).joined(separator: ", "))")
        }
        let threads = useThreads(self.threads)
        var report = Report(suite: chosen.name, quick: quick, threads: threads)
        let interactive = isatty(STDERR_FILENO) != 0
        try chosen.run(into: &report, options: SuiteOptions(quick: quick, threads: threads, full: full, peers: peers)) { message in
            if interactive { FileHandle.standardError.write(Data(("\u{1B}[2K\r" + message).utf8)) }
        }
        if interactive { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) }
        let path = try ReportWriter.write(report, to: out)
        print(ConsoleTable.render(report))
        print("report written to \(path)")
    }
}
