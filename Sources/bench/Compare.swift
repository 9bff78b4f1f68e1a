import ArgumentParser
import Foundation
import MLBench

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two reports: exit 1 on a regression, 2 on unusable input, 0 otherwise.",
        discussion: """
            A difference counts as a regression only when it exceeds both --max-regression (relative, for speed) \
            or --max-accuracy-drop (absolute, for AUC/accuracy/log-loss) and the measured spread of the two \
            figures. Figures match on identity only (suite, system, data set, scenario, metric, model, threads, \
            sizes); when fewer than half of the base's figures match, the compare is unusable (exit 2) and says \
            what differs. Percentiles above p99 and times under 1 us are shown but not gated (--gate-tails gates \
            the tails). Reports from different machines are a hardware table, not a gate: exit 2 unless \
            --across-machines. Reports from different build configurations are refused. The last line is always \
            "N compared, R regressed, I improved, U unmatched". With several new reports (runs of the same build), each \
            figure is the best of them, which sees past a machine whose speed drifts between processes; \
            --merged-out writes that merge (a baseline made the same way).
            """)

    @Argument(help: "The base report (JSON).") var base: String
    @Argument(help: "The new report (JSON); several: each figure is the best of them.") var new: [String]
    @Option(name: .long, help: "Largest tolerated relative slowdown (default 0.05).") var maxRegression: Double = 0.05
    @Option(name: .long, help: "Largest tolerated accuracy drop (default 0.002).") var maxAccuracyDrop: Double = 0.002
    @Option(name: .long, parsing: .upToNextOption,
            help: "Metric names shown but never gated (e.g. latency_p99 on a machine whose tails drift).")
    var informational: [String] = []
    @Option(name: .long, help: "Write the best-of merge of the new reports to this path.") var mergedOut: String?
    @Flag(name: .long, help: "Gate percentiles above p99 (latency_p999) too.") var gateTails = false
    @Flag(name: .long, help: "Reports from different machines: print the hardware table and exit 0.") var acrossMachines = false

    func run() throws {
        let (comparison, merged) = ReportComparison.compare(
            basePath: base, newPaths: new, maxRegression: maxRegression, maxAccuracyDrop: maxAccuracyDrop,
            informational: Set(informational.flatMap { $0.split(separator: ",").map(String.init) }),
            gateTails: gateTails, acrossMachines: acrossMachines)
        if let mergedOut, let merged { try ReportWriter.write(merged, to: mergedOut) }
        print(comparison.table())
        switch comparison.outcome {
        case .ok: print("no regression")
        case .regression: print("REGRESSION")
        case .unusable:
            let reasons = comparison.messages.filter { !$0.hasPrefix("only in the") }
            FileHandle.standardError.write(Data(("unusable comparison:\n" + reasons.map { "  " + $0 }.joined(separator: "\n") + "\n").utf8))
        }
        print(comparison.summary)
        throw ExitCode(comparison.outcome.rawValue)
    }
}
