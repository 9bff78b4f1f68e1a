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
            different build configurations are refused.
            """)

    @Argument(help: "The base report (JSON).") var base: String
    @Argument(help: "The new report (JSON).") var new: String
    @Option(name: .long, help: "Largest tolerated relative slowdown (default 0.05).") var maxRegression: Double = 0.05
    @Option(name: .long, help: "Largest tolerated accuracy drop (default 0.002).") var maxAccuracyDrop: Double = 0.002

    func run() throws {
        let comparison = ReportComparison.compare(basePath: base, newPath: new, maxRegression: maxRegression,
                                                  maxAccuracyDrop: maxAccuracyDrop)
        print(comparison.table())
        switch comparison.outcome {
        case .ok: print("no regression")
        case .regression: print("REGRESSION")
        case .unusable: FileHandle.standardError.write(Data("unusable input: \(comparison.messages.joined(separator: "; "))\n".utf8))
        }
        throw ExitCode(comparison.outcome.rawValue)
    }
}
