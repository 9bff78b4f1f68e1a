import Foundation

/// Every input of a model, read from the files `bench predict` and `bench inference` are given: `--feed NAME=FILE`
/// for any input (`.npy` of any rank and supported element type, `.json` arrays of strings) and `--input X.csv`
/// (optionally without its `--label` column) for the first input no `--feed` names.
///
/// Axis 0 of every fed tensor is the sample axis: all inputs must have the same number of samples, and a batch of
/// samples is the same rows of every input. A scalar (rank 0) has no sample axis and goes whole with every batch.
public struct ModelFeeds: Sendable {
    /// One model input and its value.
    public struct Feed: Sendable {
        public var input: String
        public var tensor: Tensor
        /// The file it came from.
        public var file: URL
        /// Whether axis 0 is the sample axis; a scalar (rank 0, e.g. a Loop's step count) is fed whole to
        /// every query instead.
        public var perSample: Bool { tensor.rank >= 1 }
    }

    /// The feeds, in the model's input order.
    public var feeds: [Feed]
    /// The size of axis 0, shared by every feed.
    public var sampleCount: Int
    /// Whether the model fixes the sample axis of an input at 1, so samples are run one at a time.
    public var oneSampleAtATime: Bool

    /// Reads the files for `session`'s inputs.
    ///
    /// - Parameters:
    ///   - csv: a numeric CSV with a header row: its columns, in order, are one `[rows, features]` tensor for the
    ///     first model input that `feeds` does not name (converted to the declared element type when that is an
    ///     integer or float64 type).
    ///   - label: a column of `csv` to drop first (the label of a `bench train` CSV).
    ///   - feeds: `--feed` arguments.
    /// - Throws: ``BenchError`` naming the input, file and sizes at fault: an unknown input, a missing input
    ///   (with how to feed it), a label column that is not there, sample counts that differ.
    public init(session: InferenceSession, csv: URL?, label: String? = nil, feeds: [FeedArgument]) throws {
        let inputs = session.inputs
        let declared = Dictionary(inputs.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        let inputList = inputs.map { "'\($0.name)' (\($0.type.summary))" }.joined(separator: ", ")
        guard !inputs.isEmpty else { throw BenchError("the model has no inputs") }
        if label != nil && csv == nil { throw BenchError("--label names a column of the --input CSV, and no --input was given") }

        var byName: [String: Feed] = [:]
        for f in feeds {
            guard declared[f.input] != nil else {
                throw BenchError("--feed \(f.input)=\(f.file.path): the model has no input '\(f.input)'; its inputs are \(inputList)")
            }
            let tensor = try TensorFile.read(f.file)
            if case .tensor(let declaredType?, _)? = declared[f.input], declaredType != tensor.dtype {
                throw BenchError("--feed \(f.input)=\(f.file.path) holds \(tensor.dtype)\(tensor.shape), the model declares '\(f.input)' as "
                                 + "\(declared[f.input]!.summary): write the file with that element type (numpy: x.astype(...))")
            }
            byName[f.input] = Feed(input: f.input, tensor: tensor, file: f.file)
        }
        if let csv {
            guard let target = inputs.first(where: { byName[$0.name] == nil }) else {
                throw BenchError("--input \(csv.path): every model input is already fed by --feed (\(inputs.map(\.name).joined(separator: ", "))); "
                                 + "drop --input or one of the --feed arguments")
            }
            byName[target.name] = Feed(input: target.name, tensor: try Self.csvTensor(csv, label: label, for: target), file: csv)
        }

        let missing = inputs.filter { byName[$0.name] == nil }
        if !missing.isEmpty {
            let names = missing.map { "'\($0.name)' (\($0.type.summary))" }.joined(separator: ", ")
            let example = missing.map { "--feed \($0.name)=\($0.name)\(Self.isString($0.type) ? ".json" : ".npy")" }.joined(separator: " ")
            let fed = byName.isEmpty ? "nothing is fed"
                : "fed: " + inputs.compactMap { i in byName[i.name].map { "'\(i.name)' from \($0.file.lastPathComponent)" } }.joined(separator: ", ")
            throw BenchError("the model has \(inputs.count) input\(inputs.count == 1 ? "" : "s") (\(inputList)); \(fed); missing: \(names). "
                             + "A CSV (--input) feeds one input only; pass the others as .npy files (.json arrays for strings), "
                             + "axis 0 the samples: \(example)")
        }

        self.feeds = inputs.map { byName[$0.name]! }
        for f in self.feeds {
            if case .tensor(_, let dims?) = declared[f.input], dims.count != f.tensor.rank {
                throw BenchError("input '\(f.input)' from \(f.file.path) has shape \(f.tensor.shape) (rank \(f.tensor.rank)); "
                                 + "the model declares rank \(dims.count): \(declared[f.input]!.summary)")
            }
        }
        var first: Feed?
        for f in self.feeds where f.perSample {
            if let first, first.tensor.shape[0] != f.tensor.shape[0] {
                throw BenchError("inputs disagree on the number of samples (axis 0): '\(first.input)' has \(first.tensor.shape[0]) "
                                 + "(\(first.file.lastPathComponent), shape \(first.tensor.shape)), '\(f.input)' has \(f.tensor.shape[0]) "
                                 + "(\(f.file.lastPathComponent), shape \(f.tensor.shape))")
            }
            if first == nil { first = f }
        }
        sampleCount = first?.tensor.shape[0] ?? 1
        oneSampleAtATime = inputs.contains { info in
            if case .tensor(_, let dims?) = info.type, case .fixed(1)? = dims.first { return true }
            return false
        }
    }

    /// Feeds of given tensors (checked to agree on axis 0), for callers that hold the values already.
    public init(session: InferenceSession, tensors: [String: Tensor]) throws {
        let url = URL(fileURLWithPath: "<memory>")
        feeds = try session.inputs.map { info in
            guard let t = tensors[info.name] else { throw BenchError("input '\(info.name)' (\(info.type.summary)) is missing") }
            return Feed(input: info.name, tensor: t, file: url)
        }
        guard !feeds.isEmpty else { throw BenchError("the model has no inputs") }
        let sliced = feeds.filter(\.perSample)
        guard let first = sliced.first else {
            sampleCount = 1
            oneSampleAtATime = true
            return
        }
        for f in sliced where f.tensor.shape[0] != first.tensor.shape[0] {
            throw BenchError("inputs disagree on the number of samples (axis 0): '\(first.input)' has \(first.tensor.shape[0]), "
                             + "'\(f.input)' has \(f.tensor.shape[0])")
        }
        sampleCount = first.tensor.shape[0]
        oneSampleAtATime = session.inputs.contains { info in
            if case .tensor(_, let dims?) = info.type, case .fixed(1)? = dims.first { return true }
            return false
        }
    }

    /// Samples `range` of every input (views, no copy).
    public func samples(_ range: Range<Int>) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for f in feeds { out[f.input] = f.perSample ? try f.tensor.rows(range) : f.tensor }
        return out
    }

    /// Samples `indices` of every input: a view when they are consecutive, a copy otherwise.
    public func samples(_ indices: [Int]) throws -> [String: Tensor] {
        if let first = indices.first, indices.last == first + indices.count - 1,
           zip(indices, indices.dropFirst()).allSatisfy({ $1 == $0 + 1 }) {
            return try samples(first..<first + indices.count)
        }
        var out: [String: Tensor] = [:]
        for f in feeds { out[f.input] = f.perSample ? try f.tensor.samples(indices) : f.tensor }
        return out
    }

    /// All samples.
    public var all: [String: Tensor] { Dictionary(uniqueKeysWithValues: feeds.map { ($0.input, $0.tensor) }) }

    static func isString(_ type: ONNXType) -> Bool {
        if case .tensor(.string?, _) = type { return true }
        return false
    }

    /// The CSV's columns (without `label`) as the `[rows, features]` tensor `input` declares.
    static func csvTensor(_ url: URL, label: String?, for input: ONNXValueInfo) throws -> Tensor {
        let csv = try NumericCSV(contentsOf: url)
        var x = csv.values
        var columns = csv.columns.count
        if let label {
            guard csv.columns.contains(label) else {
                throw BenchError("--label \(label): \(url.path) has no column '\(label)'; its \(csv.columns.count) columns are "
                                 + csv.columns.joined(separator: ", "))
            }
            x = try csv.split(label: label).features
            columns -= 1
        }
        if case let .tensor(elementType, dims) = input.type {
            if let dims {
                guard dims.count == 2 else {
                    throw ONNXError.invalidInput(name: input.name, reason: "the model expects \(input.type.summary); a CSV feeds [rows, features] "
                                                 + "(use --feed \(input.name)=FILE.npy for other shapes)")
                }
                if case .fixed(let f) = dims[1], f != Int64(columns) {
                    throw ONNXError.invalidInput(name: input.name, reason: "the model expects \(f) features, \(url.path) has \(columns) columns"
                                                 + (label == nil ? (Int64(columns) == f + 1 ? " (drop a label column with --label COLUMN)" : "")
                                                    : " besides the label '\(label!)'"))
                }
            }
            if let elementType, elementType != .float32 { x = try BatchPrediction.convert(x, to: elementType, name: input.name) }
        }
        return x
    }
}
