import ArgumentParser
import Foundation
import MLBench

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on a CSV file, score it on a test CSV, and optionally save it as ONNX.",
        discussion: """
            Both CSVs have a header row; every column except --label is a float feature (the same columns in both \
            files). Labels are class numbers: 0/1 for binary, more integer classes make it multiclass (AUC is then \
            the macro one-vs-rest mean). The test file is never used for training or early stopping; with \
            --validation-fraction F, a seeded random F of the training rows is held out for early stopping. \
            The report is one flat JSON object (algorithm, rows, test_rows, features, auc, accuracy, logloss, \
            train_seconds, predict_seconds, params, ...).

            \(TrainingAlgorithm.parameterHelp)
            """)

    @Option(name: .long, help: "logreg | gbdt | mlp") var algorithm: String
    @Option(name: .long, help: "Training CSV.") var train: String
    @Option(name: .long, help: "Test CSV (scored only).") var test: String
    @Option(name: .long, help: "The label column's name.") var label: String
    @Option(name: .long, help: "Write the trained model to this .onnx file.") var save: String?
    @Option(name: .long, help: "Write the JSON report to this file.") var report: String?
    @Option(name: .long, help: "Seed for every random choice.") var seed: UInt64 = 0
    @Option(name: .long, help: "Threads (default: all cores).") var threads: Int?
    @Option(name: .long, help: "A hyper-parameter, name=value (repeatable; names and defaults below).") var param: [String] = []
    @Option(name: .long, help: "Fraction of the training rows held out for early stopping (default 0: none).")
    var validationFraction: Double = 0

    func run() throws {
        let threads = useThreads(self.threads)
        let run = try TrainingRun(.init(
            algorithm: algorithm, train: URL(fileURLWithPath: train), test: URL(fileURLWithPath: test), label: label,
            save: save.map { URL(fileURLWithPath: $0) }, report: report.map { URL(fileURLWithPath: $0) },
            seed: seed, threads: threads, params: param, validationFraction: validationFraction))
        print(run.table)
    }
}
