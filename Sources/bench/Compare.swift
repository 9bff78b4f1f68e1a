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
            figures. Reports from different machines print as a hardware table and never fail; reports from \
            different build configurations are refused. With several new reports (runs of the same build), each \
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

    func run() throws {
        let (comparison, merged) = ReportComparison.compare(
            basePath: base, newPaths: new, maxRegression: maxRegression, maxAccuracyDrop: maxAccuracyDrop,
            informational: Set(informational.flatMap { $0.split(separator: ",").map(String.init) }))
        if let mergedOut, let merged { try ReportWriter.write(merged, to: mergedOut) }
        print(comparison.table())
        switch comparison.outcome {
        case .ok: print("no regression")
        case .regression: print("REGRESSION")
        case .unusable: FileHandle.standardError.write(Data("unusable input: \(comparison.messages.joined(separator: "; "))\n".utf8))
        }
        throw ExitCode(comparison.outcome.rawValue)
    }
}
