// The `bench` command line: argument parsing only; every piece of logic lives in MLBench.
import ArgumentParser
import Foundation
import MLBench

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "MLCore's benchmark harness: standardized suites written as JSON reports.",
        subcommands: [RunSuite.self, ListSuites.self],
        defaultSubcommand: RunSuite.self)
}

struct RunSuite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a suite (the default: `bench --suite NAME`).")

    @Option(name: .long, help: "The suite to run (see `bench suites`).")
    var suite: String

    @Flag(name: .long, help: "Short run: at most 3 minutes on 2 cores.")
    var quick = false

    @Option(name: .long, help: "Threads for MLCore's kernels and OpenBLAS (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "Report path (default: results/<suite>-<UTC time>.json).")
    var out: String?

    func run() throws {
        guard let chosen = Suites.named(suite) else {
            throw ValidationError("unknown suite '\(suite)'; known: \(Suites.all.map(\.name).joined(separator: ", "))")
        }
        let threads = max(1, self.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        BLAS.setThreads(threads)
        var report = Report(suite: chosen.name, quick: quick, threads: threads)
        let interactive = isatty(STDERR_FILENO) != 0
        try chosen.run(into: &report, options: SuiteOptions(quick: quick, threads: threads)) { message in
            if interactive { FileHandle.standardError.write(Data(("\u{1B}[2K\r" + message).utf8)) }
        }
        if interactive { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) }
        let path = try ReportWriter.write(report, to: out)
        print(ConsoleTable.render(report))
        print("report written to \(path)")
    }
}

struct ListSuites: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "suites", abstract: "List the suites.")

    func run() {
        for suite in Suites.all { print("\(suite.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(suite.summary)") }
    }
}
