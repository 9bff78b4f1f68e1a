import Foundation
import MLCore

/// `bench train`: fit one algorithm on a training CSV, score it on a test CSV, optionally save the model as ONNX
/// and write a flat JSON report. The test file is never used for fitting or early stopping; early stopping uses
/// `validationFraction` of the training rows (a seeded random choice).
public struct TrainingRun {
    public struct Options: Sendable {
        public var algorithm: String
        public var train: URL
        public var test: URL
        public var label: String
        public var save: URL?
        public var report: URL?
        public var seed: UInt64
        public var threads: Int
        /// `name=value` strings as given to `--param`.
        public var params: [String]
        public var validationFraction: Double

        public init(algorithm: String, train: URL, test: URL, label: String, save: URL?, report: URL?, seed: UInt64,
                    threads: Int, params: [String], validationFraction: Double) {
            self.algorithm = algorithm
            self.train = train
            self.test = test
            self.label = label
            self.save = save
            self.report = report
            self.seed = seed
            self.threads = threads
            self.params = params
            self.validationFraction = validationFraction
        }
    }

    /// The report's fields (a flat JSON object; `params` holds the hyper-parameters as name: value).
    public var fields: [String: Any]
    /// The JSON text of ``fields``.
    public var json: String
    /// A short table for stdout.
    public var table: String

    /// The run as a suite report (``Report``, suite `train`) in JSON object form: one result per figure, system
    /// `mlcore-<algorithm>`, dataset the training file's name, params naming threads, rows and hyper-parameters.
    static func suiteReport(fields: [String: Any], algorithm: TrainingAlgorithm, train: URL, threads: Int,
                            hasAUC: Bool) throws -> [String: Any] {
        var report = Report(suite: "train", quick: false, threads: threads)
        var params: [String: String] = ["threads": String(threads)]
        for key in ["rows", "validation_rows", "test_rows", "features", "classes", "seed"] {
            if let v = fields[key] { params[key] = "\(v)" }
        }
        for (name, value) in fields["params"] as? [String: Any] ?? [:] { params["param_" + name] = "\(value)" }
        let figures: [(String, String)] = [("train_seconds", "s"), ("predict_seconds", "s"), ("auc", "fraction"),
                                           ("accuracy", "fraction"), ("logloss", "nats"), ("peak_memory_mib", "MiB")]
        for (name, unit) in figures {
            guard let value = fields[name] as? Double, name != "auc" || hasAUC else { continue }
            report.results.append(.init(system: "mlcore-\(algorithm.rawValue)", name: name == "peak_memory_mib" ? "peak_memory" : name,
                                        value: value, unit: unit, dataset: train.lastPathComponent, params: params))
        }
        let object = try JSONSerialization.jsonObject(with: report.jsonData())
        return object as? [String: Any] ?? [:]
    }

    public init(_ options: Options) throws {
        guard let algorithm = TrainingAlgorithm(rawValue: options.algorithm) else {
            throw TrainingError("unknown algorithm '\(options.algorithm)'; use one of \(TrainingAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard options.validationFraction >= 0, options.validationFraction < 1 else {
            throw TrainingError("--validation-fraction must be in [0, 1), got \(options.validationFraction)")
        }
        let pairs = try options.params.map { text -> (String, String) in
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                throw TrainingError("--param '\(text)': expected name=value")
            }
            return (String(text[..<eq]), String(text[text.index(after: eq)...]))
        }
        let threads = max(1, options.threads)
        BLAS.setThreads(threads)

        let train = try LabeledCSV(url: options.train, label: options.label)
        let test = try LabeledCSV(url: options.test, label: options.label)
        guard test.featureNames == train.featureNames else {
            let common = min(test.featureNames.count, train.featureNames.count)
            let i = (0..<common).first { test.featureNames[$0] != train.featureNames[$0] } ?? common
            let detail = i < common
                ? "feature \(i + 1) is '\(test.featureNames[i])' here and '\(train.featureNames[i])' in \(train.file)"
                : "\(test.featureNames.count) feature columns here, \(train.featureNames.count) in \(train.file)"
            throw CSVError(file: test.file, line: 1, column: i + 1, reason: "the header does not match the training file: \(detail)")
        }

        // Hold out the validation rows (seeded shuffle), if asked.
        var fitX = train.features, fitY = train.labels
        var validation: ValidationSet?
        if options.validationFraction > 0 {
            let n = train.rows, held = Int((Double(n) * options.validationFraction).rounded())
            guard held >= 1, held < n else {
                throw TrainingError("--validation-fraction \(options.validationFraction) of \(n) rows leaves \(held) validation rows")
            }
            var order = Array(0..<n)
            var g = SplitMix64(seed: options.seed)
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(g.next() % UInt64(i + 1))) }
            func take(_ rows: ArraySlice<Int>) throws -> (Tensor, Tensor) {
                let f = train.features.shape[1]
                let x = try train.features.scalars(as: Float.self), y = try train.labels.scalars(as: Float.self)
                var xs = [Float](), ys = [Float]()
                xs.reserveCapacity(rows.count * f)
                for r in rows.sorted() { xs.append(contentsOf: x[(r * f)..<((r + 1) * f)]); ys.append(y[r]) }
                return (try Tensor(shape: [rows.count, f], scalars: xs), try Tensor(shape: [rows.count], scalars: ys))
            }
            let (vx, vy) = try take(order[..<held])
            (fitX, fitY) = try take(order[held...])
            validation = ValidationSet(features: vx, labels: vy)
        }

        let trainStart = monotonicSeconds()
        let model: TrainedClassifier
        var params: [String: Any]
        do {
            (model, params) = try algorithm.fit(params: pairs, features: fitX, labels: fitY, validation: validation,
                                                seed: options.seed, threads: threads)
        } catch let error as ModelError {
            throw TrainingError("\(train.file): \(error)")
        }
        let trainSeconds = monotonicSeconds() - trainStart

        // Test labels must be classes the model knows.
        let testY = try test.labels.scalars(as: Float.self)
        var classIndex: [Int: Int] = [:]
        for (i, c) in model.classes.enumerated() { classIndex[c] = i }
        var y = [Int]()
        y.reserveCapacity(testY.count)
        for (r, v) in testY.enumerated() {
            guard let i = classIndex[Int(v)] else {
                throw CSVError(file: test.file, line: try dataLine(options.test, row: r), column: test.labelColumn + 1,
                               reason: "class \(Int(v)) does not occur in the training file (classes \(model.classes.map(String.init).joined(separator: ", ")))")
            }
            y.append(i)
        }

        let predictStart = monotonicSeconds()
        let p = try model.probabilities(test.features)
        let predictSeconds = monotonicSeconds() - predictStart
        let k = model.classes.count
        let auc = try? Metrics.rocAUC(labels: y, probabilities: p, classes: k)
        let accuracy = try Metrics.accuracy(labels: y, predicted: Metrics.argmax(probabilities: p, classes: k))
        let logLoss = try Metrics.logLoss(labels: y, probabilities: p, classes: k)

        if let save = options.save { try model.save(to: save) }

        params["validationFraction"] = options.validationFraction
        var fields: [String: Any] = [
            "algorithm": algorithm.rawValue,
            "rows": fitX.shape[0],
            "validation_rows": validation?.features.shape[0] ?? 0,
            "test_rows": test.rows,
            "features": train.featureNames.count,
            "classes": k,
            "auc": auc.map { $0 as Any } ?? NSNull(),
            "accuracy": accuracy,
            "logloss": logLoss,
            "train_seconds": trainSeconds,
            "predict_seconds": predictSeconds,
            "params": params,
            "seed": options.seed,
            "threads": threads,
            "train_file": options.train.path,
            "test_file": options.test.path,
            "model_file": options.save.map { $0.path as Any } ?? NSNull(),
            "build": Environment.buildConfiguration,
        ]
        fields.merge(model.reportFields) { ours, _ in ours }
        if let peak = ResidentMemory.peakBytes { fields["peak_memory_mib"] = Double(peak) / 1_048_576 }
        self.fields = fields
        // The flat fields on top of the suite report schema (suite `train`), which `bench compare` reads.
        var document = try Self.suiteReport(fields: fields, algorithm: algorithm, train: options.train, threads: threads,
                                            hasAUC: auc != nil)
        document.merge(fields) { _, flat in flat }
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        json = String(decoding: data, as: UTF8.self) + "\n"
        if let report = options.report {
            do { try Data(json.utf8).write(to: report, options: .atomic) } catch {
                throw TrainingError("cannot write the report \(report.path): \(error.localizedDescription)")
            }
        }

        let rows: [(String, String)] = [
            ("algorithm", "\(algorithm.rawValue) (\(model.summary))"),
            ("rows", "\(fitX.shape[0]) train, \(validation?.features.shape[0] ?? 0) validation, \(test.rows) test; \(train.featureNames.count) features, \(k) classes"),
            ("auc", auc.map { String(format: "%.6f", $0) } ?? "n/a (a class is missing from the test file)"),
            ("accuracy", String(format: "%.6f", accuracy)),
            ("logloss", String(format: "%.6f", logLoss)),
            ("train_seconds", String(format: "%.6f s (one fit, %d threads, %@ build)", trainSeconds, threads, Environment.buildConfiguration)),
            ("predict_seconds", String(format: "%.6f s (%d test rows, one pass)", predictSeconds, test.rows)),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        table = rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}
