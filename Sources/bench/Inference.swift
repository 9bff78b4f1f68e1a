import ArgumentParser
import Foundation
import MLBench

struct Inference: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference",
        abstract: "Run one MLPerf-style scenario on an ONNX model with MLCore's engine.",
        discussion: """
            single-stream: one sample per query, back to back (headline p90). multi-stream: 8 samples per query \
            (headline p99). server: Poisson arrivals, searching the highest rate whose p99 stays under \
            --latency-bound. offline: all samples in one query (samples/s). Results are VALID only when the \
            minimum duration and query count were met (and, for server, the latency bound held).
            Samples are slices along axis 0 of the inputs: --input X.csv (optionally without its --label column) \
            feeds the first input no --feed names; --feed NAME=FILE (split at the first '=') feeds any input from a \
            .npy file (any rank) or a .json array of strings. All inputs must agree on axis 0, and a query of k \
            samples feeds rows [i, i+k) of every input (wrapping around the end).
            """)

    @Option(name: .long, help: "The .onnx model.") var model: String
    @Option(name: .long, help: "Samples: CSV with a header row and one numeric column per feature, for the first input not fed by --feed.") var input: String?
    @Option(name: .long, help: "A column of the --input CSV to drop before feeding (e.g. a label column).") var label: String?
    @Option(name: .long, help: ArgumentHelp("Feed input NAME from FILE (.npy, or .json for strings); repeatable.", valueName: "NAME=FILE")) var feed: [String] = []
    @Option(name: .long, help: "single-stream | multi-stream | server | offline") var scenario: String = "single-stream"
    @Option(name: .long, help: "Threads (default: all cores).") var threads: Int?
    @Option(name: .long, help: "Minimum measured duration in seconds (default 10; --quick: 2).") var minDuration: Double?
    @Option(name: .long, help: "Minimum query count (default 100).") var minQueries: Int = 100
    @Option(name: .long, help: "Latency bound for server, in ms (default 10).") var latencyBound: Double = 10
    @Option(name: .long, help: "Untimed warm-up queries before measuring (default 10; offline: 1).") var warmupQueries: Int?
    @Option(name: .long, help: "Report path (default: results/inference-<UTC time>.json).") var report: String?
    @Flag(name: .long, help: "Short run (2 s minimum duration).") var quick = false
    @Option(name: .long, help: "Bound on the whole scenario in seconds, server search included (default 60 with --quick, 600 otherwise); a run that reaches it ends INVALID with the reason.")
    var maxDuration: Double?
    @Flag(name: .long, help: "Run onnxruntime on the same model, samples and scenario (pinned Python environment: scripts/setup-peers.sh or MLCORE_PEERS_PYTHON); every MLCore figure gets its ratio to it.")
    var peers = false
    @Option(name: .long, help: "Write LoadGen's mlperf_log_summary.txt and mlperf_log_detail.txt for MLCore's run into this directory.")
    var loadgenLogs: String?

    func validate() throws {
        if input == nil && feed.isEmpty { throw ValidationError("give the model's inputs: --input X.csv and/or --feed NAME=FILE") }
    }

    func run() throws {
        guard let scenario = Scenario(rawValue: scenario) else {
            throw ValidationError("unknown scenario '\(self.scenario)'; use single-stream, multi-stream, server or offline")
        }
        let threads = useThreads(self.threads)
        var settings = TestSettings(scenario: scenario, minDuration: minDuration ?? (quick ? 2 : 10), minQueries: minQueries,
                                    latencyBound: latencyBound / 1000)
        settings.maxDuration = maxDuration ?? (quick ? 60 : 600)
        guard settings.maxDuration > 0, settings.maxDuration.isFinite else {
            throw ValidationError("--max-duration must be a positive number of seconds, got \(settings.maxDuration)")
        }
        guard latencyBound > 0, latencyBound.isFinite else { throw ValidationError("--latency-bound must be a positive number of ms, got \(latencyBound)") }
        if let warmupQueries {
            guard warmupQueries >= 0 else { throw ValidationError("--warmup-queries must be 0 or more, got \(warmupQueries)") }
            settings.warmupQueries = warmupQueries
        }
        var out = Report(suite: "inference", quick: quick, threads: threads)
        var benchmark = InferenceBenchmark(model: URL(fileURLWithPath: model), input: input.map { URL(fileURLWithPath: $0) },
                                           label: label, feeds: try FeedArgument.parse(feed), settings: settings, threads: threads)
        benchmark.peers = peers
        benchmark.loadgenLogs = loadgenLogs.map { URL(fileURLWithPath: $0) }
        let result = try benchmark.run(into: &out)
        if !result.valid { out.notes.append("INVALID: " + result.invalidReasons.joined(separator: "; ")) }
        let path = try ReportWriter.write(out, to: report)
        print(ConsoleTable.render(out))
        for line in InferenceBenchmark.verdictLines(result) { print(line) }
        if let loadgenLogs { print("LoadGen logs written to \(loadgenLogs)/mlperf_log_summary.txt and mlperf_log_detail.txt") }
        print("report written to \(path)")
    }
}
