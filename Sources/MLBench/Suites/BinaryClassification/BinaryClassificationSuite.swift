import Foundation
import MLCore

/// `binary-classification`: the benchm-ml comparison, run on MLCore's own estimators.
///
/// For each data size (the first 10K and 100K rows of a seeded shuffle of the airline training split and the whole
/// split; `--full` adds synthetic 1M and 10M; `--quick` only 10K) and each algorithm (logreg, gbdt, mlp):
/// `bench train` runs as a child process (train time and the peak resident memory of that process alone, as it
/// reports them; cheap fits run 3 times and report the median with its spread), scored on the fixed test split (AUC, log-loss, accuracy); then the exported ONNX model runs
/// in MLCore's engine, the path users deploy: single-stream (batch-1 latency percentiles) and offline (samples/s).
/// The null system's per-query overhead is measured once. On more than 500K training rows the MLP runs 10 epochs
/// (compare `epoch_seconds` there).
public struct BinaryClassificationSuite: BenchmarkSuite {
    public var name: String { "binary-classification" }
    public var summary: String {
        "benchm-ml style: logreg, gbdt, mlp on airline 10K/100K/full (--full: synthetic 1M/10M): train time, peak memory, AUC, batch-1 latency and offline samples/s of the exported ONNX model"
    }

    static let algorithms = ["logreg", "gbdt", "mlp"]
    static let seed: UInt64 = 0

    public init() {}

    struct Size {
        var dataset: String
        var rows: Int?
        var syntheticRows: Int?
    }

    /// Fits per case: 3 where a fit takes well under a few seconds (logreg and gbdt up to 1M rows, every fit of the
    /// quick run), else 1.
    /// LoadGen rounds per inference scenario (see ``medianRound(_:)``).
    static let inferenceRounds = 3

    /// Per metric, the median of the rounds' values with their spread; the other fields (parameters, query
    /// counts) from the round that gave the median.
    static func medianRound(_ rounds: [[Report.Result]]) -> [Report.Result] {
        guard let first = rounds.first else { return [] }
        return first.indices.map { i in
            let values = rounds.map { $0[i].value }
            let order = values.indices.sorted { values[$0] < values[$1] }
            var result = rounds[order[order.count / 2]][i]
            result.repeats = RepeatStats(samples: values)
            result.value = result.repeats!.median
            return result
        }
    }

    static func repeats(algorithm: String, rows: Int, quick: Bool) -> Int {
        if quick { return 3 }
        return algorithm != "mlp" && rows <= 1_000_000 ? 3 : 1
    }

    func sizes(_ options: SuiteOptions) -> [Size] {
        if options.quick { return [Size(dataset: "airline-nyc2013", rows: 10_000)] }
        var sizes = [Size(dataset: "airline-nyc2013", rows: 10_000), Size(dataset: "airline-nyc2013", rows: 100_000),
                     Size(dataset: "airline-nyc2013", rows: nil)]
        if options.full {
            // The generator writes N/5 test rows after N - N/5 training rows: N = 1.25M gives 1M training rows.
            sizes += [Size(dataset: "synthetic", rows: nil, syntheticRows: 1_250_000),
                      Size(dataset: "synthetic", rows: nil, syntheticRows: 12_500_000)]
        }
        return sizes
    }

    public func run(into report: inout Report, options: SuiteOptions, progress: (String) -> Void) throws {
        guard let bench = options.benchExecutable ?? ChildProcess.currentExecutable.flatMap({ $0.hasSuffix("/bench") ? $0 : nil }) else {
            throw BenchError("the binary-classification suite trains through the bench executable; run it as `bench --suite binary-classification`")
        }
        let registry = try DatasetRegistry.locate()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-binary-classification-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        for size in sizes(options) {
            progress("preparing \(size.dataset) \(size.rows.map(String.init) ?? "full")")
            let train = try registry.load(size.dataset, split: .train, rows: size.syntheticRows, seed: size.syntheticRows == nil ? nil : 42)
            let test = try registry.load(size.dataset, split: .test, rows: size.syntheticRows, seed: size.syntheticRows == nil ? nil : 42)
            let datasetName = size.syntheticRows.map { "synthetic-\($0 * 4 / 5 / 1_000_000)m" } ?? size.dataset
            let subset = try TrainingSubset.write(train, dataset: datasetName, rows: size.rows, seed: Self.seed, to: work)
            report.addDataset(.init(name: subset.name, rows: subset.rows, sha256: subset.sha256))
            let testFile = URL(fileURLWithPath: test.file)
            let testHash = try SHA256.hex(contentsOfFile: testFile.path)
            report.addDataset(.init(name: "\(datasetName)-test", rows: test.features.shape[0], sha256: testHash))

            for algorithm in Self.algorithms {
                progress("\(subset.name): training \(algorithm)")
                let model = work.appendingPathComponent("\(subset.name)-\(algorithm).onnx")
                let reportFile = work.appendingPathComponent("\(subset.name)-\(algorithm).json")
                var arguments = [
                    "train", "--algorithm", algorithm, "--train", subset.file.path, "--test", testFile.path,
                    "--label", train.labelName, "--seed", String(Self.seed), "--threads", String(options.threads),
                    "--save", model.path, "--report", reportFile.path,
                ]
                // 200 epochs of 1M-10M rows would take hours: the largest sizes time 10 epochs (epoch_seconds is
                // the comparable figure).
                if algorithm == "mlp", subset.rows > 500_000 { arguments += ["--param", "maxEpochs=10"] }
                // Repeat the fit while that is cheap, so that `bench compare` has a spread to weigh differences by.
                let repeats = Self.repeats(algorithm: algorithm, rows: subset.rows, quick: options.quick)
                var runs: [[String: Any]] = []
                for _ in 0..<repeats {
                    let outcome = try ChildProcess.run(bench, arguments)
                    guard outcome.exitStatus == 0 else {
                        throw BenchError("bench train --algorithm \(algorithm) on \(subset.name) failed (exit \(outcome.exitStatus)): \(outcome.standardError)")
                    }
                    runs.append(try JSONSerialization.jsonObject(with: Data(contentsOf: reportFile)) as? [String: Any] ?? [:])
                }
                let system = "mlcore-\(algorithm)"
                let params = ["threads": String(options.threads), "train_rows": String(subset.rows),
                              "test_rows": String(test.features.shape[0])]
                func add(_ name: String, _ samples: [Double], _ unit: String) {
                    guard !samples.isEmpty else { return }
                    let stats = RepeatStats(samples: samples)
                    report.results.append(.init(system: system, name: name, value: stats.median, unit: unit, dataset: subset.name,
                                                params: params, repeats: samples.count > 1 ? stats : nil))
                }
                func samples(_ key: String) -> [Double] { runs.compactMap { $0[key] as? Double } }
                for (key, unit) in [("train_seconds", "s"), ("binning_seconds", "s"), ("predict_seconds", "s")] {
                    add(key, samples(key), unit)
                }
                // Scores are the same in every run (same seed and threads): reported once.
                for (key, unit) in [("auc", "1"), ("logloss", "nats"), ("accuracy", "1")] { add(key, Array(samples(key).prefix(1)), unit) }
                let epochTimes = runs.compactMap { run -> Double? in
                    guard let epochs = run["epochs"] as? Int, epochs > 0, let t = run["train_seconds"] as? Double else { return nil }
                    return t / Double(epochs)
                }
                add("epoch_seconds", epochTimes, "s")
                add("peak_memory", samples("peak_memory_mib").max().map { [$0] } ?? [], "MiB")

                // The exported model in MLCore's engine.
                let session = try InferenceSession(contentsOf: model, options: SessionOptions(threads: options.threads))
                let sut = try ONNXSystem(session: session, samples: test.features, name: system + "-onnx")
                for scenario in [Scenario.singleStream, .offline] {
                    progress("\(subset.name): \(algorithm) \(scenario.rawValue)")
                    // Three rounds, each a full LoadGen run of a third of the time: every figure is the median
                    // round with the rounds' spread, so `bench compare` can tell drift of this machine
                    // (up to 45% between identical runs for single-stream tails here) from a regression.
                    var settings = TestSettings(scenario: scenario, minDuration: (options.quick ? 1 : 5) / Double(Self.inferenceRounds))
                    settings.minQueries = scenario == .offline ? (options.quick ? 3 : 5) : 100
                    settings.maxDuration = options.quick ? 60 : 600
                    var rounds: [[Report.Result]] = []
                    for _ in 0..<Self.inferenceRounds {
                        let result = try LoadGenerator().run(sut, settings: settings)
                        var entries = InferenceBenchmark.results(result, dataset: "\(datasetName)-test", model: "\(subset.name)-\(algorithm).onnx",
                                                                 threads: options.threads)
                        if scenario == .offline { entries = entries.filter { $0.name == "samples_per_second" } }
                        rounds.append(entries)
                        if !result.valid {
                            report.notes.append("\(subset.name) \(algorithm) \(scenario.rawValue) INVALID: " + result.invalidReasons.joined(separator: "; "))
                        }
                    }
                    report.results += Self.medianRound(rounds)
                }
            }
        }
        // The harness's own cost per query.
        var nullSettings = TestSettings(scenario: .singleStream, minDuration: 0.5)
        nullSettings.minQueries = 1000
        report.results.append(try NullSystem.harnessOverhead(settings: nullSettings, sampleCount: 1000))
        report.notes.append("train_seconds is bench train's own figure (the fit, binning or scaling included); peak_memory is the peak resident memory (VmHWM) of the whole bench train process, CSV parsing included")
    }
}
