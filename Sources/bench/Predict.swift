import ArgumentParser
import Foundation
import MLBench

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run an ONNX model on the rows of a CSV file and write one output as CSV.",
        discussion: """
            X.csv has a header row and one numeric column per feature, in order; its rows are fed as one \
            [rows, features] tensor to the model's first input (a model whose batch dimension is fixed at 1 \
            runs row by row). By default the output written is the model's probabilities: the last float \
            tensor output, or the values of a ZipMap output in class order. Columns are named NAME_0, NAME_1, ...
            """)

    @Option(name: .long, help: "The .onnx model.")
    var model: String

    @Option(name: .long, help: "Input CSV (header row, numeric columns).")
    var input: String

    @Option(name: .long, help: "Output CSV (default: stdout).")
    var output: String?

    @Option(name: .long, help: "Which model output to write (default: the probabilities).")
    var outputName: String?

    @Option(name: .long, help: "Threads (default: all cores).")
    var threads: Int?

    func run() throws {
        let threads = useThreads(self.threads)
        let prediction = try BatchPrediction(model: URL(fileURLWithPath: model), input: URL(fileURLWithPath: input),
                                             outputName: outputName, threads: threads)
        let text = prediction.csv
        if let output {
            do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                throw ValidationError("cannot write \(output): \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
