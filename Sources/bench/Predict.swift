import ArgumentParser
import Foundation
import MLBench

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run an ONNX model on files of samples and write its outputs as CSV and/or one file per output.",
        discussion: """
            Inputs: --input X.csv (a header row, one numeric column per feature, in order) is fed as one \
            [rows, features] tensor to the first model input no --feed names; --label COLUMN drops that column \
            first, so the CSV bench train takes works here. --feed NAME=FILE feeds any input from a .npy file (any \
            rank, element type \(NpyHeader.elementTypes.map { "\($0.dtype)" }.joined(separator: ", "))) or a .json file (a nested array of strings); \
            it splits at the first '=', so the path may contain '='. --input and --feed combine. Axis 0 of every \
            input is the sample axis and all inputs must agree on it; every input must be fed (the error lists the \
            missing ones). All samples run as one batch; a model whose sample axis is fixed at 1 runs sample by \
            sample and the outputs are joined along axis 0.
            Outputs: --output (or stdout, when --output-dir is not given) gets one output as CSV, by default the \
            model's probabilities: the last float tensor output, or the values of a ZipMap output in class order; \
            columns are named NAME_0, NAME_1, ... --output-dir DIR writes every output as DIR/<output name>.npy \
            (string outputs as .json arrays, ZipMap outputs as their dense [rows, classes] float32 matrix); in file \
            names '/', '\\' and control characters become '_'.
            """)

    @Option(name: .long, help: "The .onnx model.")
    var model: String

    @Option(name: .long, help: "Input CSV (header row, numeric columns) for the first input not fed by --feed.")
    var input: String?

    @Option(name: .long, help: "A column of the --input CSV to drop before feeding (e.g. the label column of a training CSV).")
    var label: String?

    @Option(name: .long, help: ArgumentHelp("Feed input NAME from FILE (.npy, or .json for strings); repeatable.", valueName: "NAME=FILE"))
    var feed: [String] = []

    @Option(name: .long, help: "Output CSV (default: stdout unless --output-dir is given).")
    var output: String?

    @Option(name: .long, help: "Which model output to write as CSV (default: the probabilities).")
    var outputName: String?

    @Option(name: .long, help: "Write every output to this directory as <output name>.npy (.json for strings).")
    var outputDir: String?

    @Option(name: .long, help: "Threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if input == nil && feed.isEmpty { throw ValidationError("give the model's inputs: --input X.csv and/or --feed NAME=FILE") }
    }

    func run() throws {
        let threads = useThreads(self.threads)
        let session = try InferenceSession(contentsOf: URL(fileURLWithPath: model), options: SessionOptions(threads: threads))
        let feeds = try ModelFeeds(session: session, csv: input.map { URL(fileURLWithPath: $0) }, label: label,
                                   feeds: FeedArgument.parse(feed))
        let prediction = try BatchPrediction(session: session, feeds: feeds)
        if let outputDir {
            for w in try prediction.writeOutputs(to: URL(fileURLWithPath: outputDir)) {
                let file = w.file.path.isEmpty ? "(nothing written)" : w.file.path
                FileHandle.standardError.write(Data("\(w.output): \(w.summary) -> \(file)\n".utf8))
            }
        }
        guard output != nil || outputDir == nil else { return }
        let text = try prediction.csv(outputName: outputName)
        if let output {
            do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                throw ValidationError("cannot write \(output): \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
