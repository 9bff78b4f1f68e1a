// The `bench` command line: argument parsing only; every piece of logic lives in MLBench.
import ArgumentParser
import Foundation
import MLBench

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "MLCore's benchmark harness: standardized suites written as JSON reports.",
        // The commit is read (a `git` process) only when --version is asked for.
        version: CommandLine.arguments.contains("--version") ? Bench.versionText : "",
        subcommands: [RunSuite.self, ListSuites.self, Predict.self, Inference.self, Inspect.self, ONNXConformance.self, Compare.self, Datasets.self, Train.self],
        defaultSubcommand: RunSuite.self)

    /// `bench --version`: MLCore's version, the git commit of the working directory and the build configuration.
    static var versionText: String {
        "bench (MLCore) \(Report.currentMLCoreVersion), commit \(Report.currentGitCommit() ?? "unknown (not run inside a git checkout)"), \(Environment.buildConfiguration) build"
    }
}

struct ListSuites: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "suites", abstract: "List the suites.")

    func run() {
        for suite in Suites.all { print("\(suite.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(suite.summary)") }
    }
}
