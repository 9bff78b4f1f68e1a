import Foundation
import MLCore

/// Runs ONNX's backend node tests (the folders `scripts/generate-onnx-node-tests.sh` writes) through MLCore's
/// engine and compares every output with ONNX's expected one.
///
/// A case folder holds `model.onnx` and `test_data_set_<k>/` folders of `input_<i>.pb` / `output_<i>.pb`
/// (serialized `TensorProto`s, or `SequenceProto` / `OptionalProto` for values declared as sequences or optionals). Input `i` is fed to the model's `i`-th declared graph input and output `i` is
/// compared with its `i`-th graph output (the files' own names may be empty), with ``ConformanceComparison``.
///
/// Each case runs inside its own `do/catch`: an error ends that case only. Errors are classified by
/// ``classify(_:)``: missing support (operator, element type, attribute kind, map values,
/// anything an operator reports as "not supported") is ``ConformanceStatus/unsupported``, the rest is
/// ``ConformanceStatus/failed``. A case cannot be timed out in-process; the report lists the slowest ones.
/// - SeeAlso: [ONNX backend test data](https://github.com/onnx/onnx/tree/main/onnx/backend/test/data/node)
public struct ConformanceRunner: Sendable {
    /// The folder of case folders.
    public var directory: URL
    /// Only cases whose folder name contains this substring run; `nil` runs all.
    public var filter: String?
    public var comparison: ConformanceComparison
    public var options: SessionOptions

    public init(directory: URL, filter: String? = nil, comparison: ConformanceComparison = .init(),
                options: SessionOptions = .init()) {
        self.directory = directory
        self.filter = filter
        self.comparison = comparison
        self.options = options
    }

    /// The case folders to run, sorted by name: sub-folders holding a `model.onnx` that match ``filter``.
    /// - Throws: when ``directory`` cannot be listed.
    public func caseNames() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return names.filter { name in
            guard filter.map({ name.contains($0) }) ?? true else { return false }
            return FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).appendingPathComponent("model.onnx").path)
        }.sorted()
    }

    /// Runs every case and returns the report.
    /// - Parameter progress: called before each case with its 1-based position, the case count and its name,
    ///   so that if an operator crashes the process, the last progress line names the case.
    /// - Throws: only when ``directory`` cannot be listed; case errors are recorded in the report.
    public func run(progress: (Int, Int, String) -> Void = { _, _, _ in }) throws -> ConformanceReport {
        let names = try caseNames()
        var report = ConformanceReport(directory: directory.path, filter: filter, comparison: comparison,
                                       threads: options.threads)
        for (i, name) in names.enumerated() {
            progress(i + 1, names.count, name)
            report.add(runCase(named: name))
        }
        return report
    }

    /// Runs one case folder; never throws.
    public func runCase(named name: String) -> ConformanceCaseResult {
        let folder = directory.appendingPathComponent(name)
        let start = monotonicSeconds()
        var opTypes: [String] = []
        func result(_ status: ConformanceStatus, _ reason: String = "", _ group: String = "") -> ConformanceCaseResult {
            ConformanceCaseResult(name: name, status: status, reason: reason, group: group,
                                  seconds: monotonicSeconds() - start, opTypes: opTypes)
        }
        do {
            let model = try ONNXReader.read(contentsOf: folder.appendingPathComponent("model.onnx"), limits: options.readLimits)
            opTypes = Self.opTypes(of: model.graph).sorted()
            if let (value, type) = Self.unreadableValue(model.graph) {
                return result(.unsupported, "graph value '\(value)' has type \(type.summary); the harness reads tensors, "
                              + "sequences of tensors and optionals of those (map values are not supported)",
                              "map / non-tensor sequence values not supported")
            }
            let session = try InferenceSession(model: model, options: options)
            let dataSets = try Self.dataSetFolders(in: folder)
            guard !dataSets.isEmpty else { return result(.failed, "no test_data_set_* folder", "no test data") }
            for dataSet in dataSets {
                if let mismatch = try runDataSet(dataSet, session: session) {
                    return result(.failed, "\(dataSet.lastPathComponent): \(mismatch.reason)", mismatch.group(opTypes))
                }
            }
            return result(.passed)
        } catch {
            let (status, group) = Self.classify(error)
            return result(status, "\(error)", group)
        }
    }

    /// What was wrong with an output, and the kind of wrong for grouping.
    struct Mismatch {
        enum Kind: String {
            case values = "wrong output values"
            case shape = "wrong output shape"
            case elementType = "wrong output element type"
            case other = "wrong output"
        }
        var reason: String
        var kind: Kind

        /// `Op: kind` for a single-operator model, `kind` for others (expanded functions use many operators).
        func group(_ opTypes: [String]) -> String {
            opTypes.count == 1 ? "\(opTypes[0]): \(kind.rawValue)" : kind.rawValue
        }
    }

    /// Reads one data set, runs it and compares every expected output; `nil` when all match.
    func runDataSet(_ folder: URL, session: InferenceSession) throws -> Mismatch? {
        let inputFiles = try Self.numberedFiles("input", in: folder)
        let outputFiles = try Self.numberedFiles("output", in: folder)
        guard inputFiles.count <= session.inputs.count else {
            throw ConformanceError.dataSet("\(folder.lastPathComponent) has \(inputFiles.count) inputs, the model "
                                           + "declares \(session.inputs.count)")
        }
        guard outputFiles.count <= session.outputs.count else {
            throw ConformanceError.dataSet("\(folder.lastPathComponent) has \(outputFiles.count) outputs, the model "
                                           + "declares \(session.outputs.count)")
        }
        var feeds: [String: Value] = [:]
        for (i, file) in inputFiles.enumerated() {
            feeds[session.inputs[i].name] = try readValue(file, type: session.inputs[i].type)
        }
        // Expected outputs are read before the run, so an unreadable one (an unsupported element type) is
        // reported as such rather than hidden behind a run error.
        let expected = try outputFiles.enumerated().map { i, file in try readValue(file, type: session.outputs[i].type) }
        let outputs = try session.run(values: feeds)
        for (i, want) in expected.enumerated() {
            let name = session.outputs[i].name
            guard let value = outputs[name] else {
                return Mismatch(reason: "output \(i) '\(name)' was not returned", kind: .other)
            }
            if let mismatch = mismatch(value, want, what: "output \(i) '\(name)'") { return mismatch }
        }
        return nil
    }

    /// A test-data file as a value of the declared type: a `TensorProto` for tensors (and undeclared types), a
    /// `SequenceProto` or `OptionalProto` for sequences and optionals.
    func readValue(_ file: URL, type: ONNXType) throws -> Value {
        switch type {
        case .sequence, .optional: return try ONNXReader.readValue(contentsOf: file, type: type, limits: options.readLimits)
        default: return .tensor(try ONNXReader.readTensor(contentsOf: file, limits: options.readLimits))
        }
    }

    /// How `got` differs from `want`: tensors with ``ConformanceComparison``, sequences element by element,
    /// optionals by presence and then their value; `nil` when they match.
    func mismatch(_ got: Value, _ want: Value, what: String) -> Mismatch? {
        switch (got, want) {
        case let (.tensor(a), .tensor(b)):
            guard let difference = comparison.mismatch(actual: a, expected: b) else { return nil }
            let kind: Mismatch.Kind = a.shape != b.shape ? .shape : a.dtype != b.dtype ? .elementType : .values
            return Mismatch(reason: "\(what): \(difference)", kind: kind)
        case let (.sequence(a), .sequence(b)):
            guard a.elementType == b.elementType else {
                return Mismatch(reason: "\(what): a sequence of \(a.elementType), expected \(b.elementType)", kind: .elementType)
            }
            guard a.tensors.count == b.tensors.count else {
                return Mismatch(reason: "\(what): a sequence of \(a.tensors.count) tensors, expected \(b.tensors.count)", kind: .shape)
            }
            for (k, (x, y)) in zip(a.tensors, b.tensors).enumerated() {
                if let m = mismatch(.tensor(x), .tensor(y), what: "\(what)[\(k)]") { return m }
            }
            return nil
        case (.optional(nil), .optional(nil)):
            return nil
        case let (.optional(a?), .optional(b?)):
            return mismatch(a, b, what: "\(what) (optional)")
        case (.optional(let a), .optional):
            return Mismatch(reason: "\(what): an optional \(a == nil ? "without" : "with") a value, expected the other", kind: .other)
        default:
            return Mismatch(reason: "\(what): \(Self.kind(got)), expected \(Self.kind(want))", kind: .other)
        }
    }

    static func kind(_ value: Value) -> String {
        switch value {
        case .tensor: return "a tensor"
        case .sequence: return "a sequence"
        case .optional: return "an optional"
        case .map: return "a map"
        case .mapSequence: return "a map sequence"
        }
    }

    // MARK: - Helpers

    /// `(status, group)` for an error that ended a case.
    ///
    /// Unsupported: ``ONNXError/unsupportedModel(operators:elementTypes:)``,
    /// ``ONNXError/unsupportedElementType(tensor:code:)``, ``TensorError/unsupportedDType(operation:_:)``, and any
    /// error whose message says "not supported" or "unsupported" (attribute kinds, modes, element types an
    /// operator does not implement, training mode). Everything else failed.
    public static func classify(_ error: any Error) -> (ConformanceStatus, String) {
        let message = "\(error)"
        let saysUnsupported = message.localizedCaseInsensitiveContains("not supported")
            || message.localizedCaseInsensitiveContains("unsupported")
        let status: ConformanceStatus = saysUnsupported ? .unsupported : .failed
        switch error {
        case let ONNXError.unsupportedModel(operators, elementTypes):
            if let op = operators.first {
                return (.unsupported, "operator \(op.domain.isEmpty ? "" : op.domain + "::")\(op.opType) not implemented")
            }
            return (.unsupported, "value type \(elementTypes.first?.type ?? "?") not supported")
        case let ONNXError.unsupportedElementType(_, code):
            return (.unsupported, "element type \(dataTypeName(code)) not supported")
        case let TensorError.unsupportedDType(operation, dtype):
            return (.unsupported, "\(operation): element type \(dtype) not supported")
        case let ONNXError.invalidNode(_, opType, reason):
            return (status, "\(opType): \(reason)")
        case let ONNXError.shapeMismatch(_, opType, reason):
            return (status, "\(opType): shape mismatch: \(reason)")
        case ONNXError.malformedModel(_, let reason):
            return (status, "malformed: \(reason)")
        case ONNXError.unreadableFile:
            return (status, "unreadable file")
        case let ConformanceError.dataSet(reason):
            return (status, reason)
        default:
            return (status, message)
        }
    }

    /// ONNX's name for a `TensorProto.DataType` code, including the codes newer than ``ONNXError/dataTypeName(_:)``
    /// knows (onnx 1.18+).
    static func dataTypeName(_ code: Int32) -> String {
        let newer: [Int32: String] = [24: "FLOAT8E8M0", 25: "UINT2", 26: "INT2"]
        let name = ONNXError.dataTypeName(code)
        return name == "unknown" ? newer[code] ?? "code \(code)" : name
    }

    /// Every operator type in `graph` and its subgraphs: `Add` for `ai.onnx`, `domain::Op` otherwise.
    public static func opTypes(of graph: ONNXGraph) -> Set<String> {
        var result: Set<String> = []
        var pending = [graph]
        while let g = pending.popLast() {
            for node in g.nodes {
                result.insert(node.domain.isEmpty ? node.opType : "\(node.domain)::\(node.opType)")
                for attribute in node.attributes.values {
                    switch attribute {
                    case .graph(let sub): pending.append(sub)
                    case .graphs(let subs): pending.append(contentsOf: subs)
                    default: break
                    }
                }
            }
        }
        return result
    }

    /// The first graph input or output whose declared type the harness cannot read test data for: anything but
    /// a tensor, a sequence of tensors, or an optional of either.
    static func unreadableValue(_ graph: ONNXGraph) -> (String, ONNXType)? {
        func readable(_ type: ONNXType) -> Bool {
            switch type {
            case .tensor, .sequence(.tensor): return true
            case .optional(let inner): return readable(inner)
            default: return false
            }
        }
        for info in graph.inputs + graph.outputs where !readable(info.type) {
            return (info.name, info.type)
        }
        return nil
    }

    static func dataSetFolders(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("test_data_set_") }
            .sorted { (Int($0.dropFirst(14)) ?? Int.max, $0) < (Int($1.dropFirst(14)) ?? Int.max, $1) }
            .map { folder.appendingPathComponent($0) }
    }

    /// `<prefix>_0.pb`, `<prefix>_1.pb`, ... up to the first missing number.
    static func numberedFiles(_ prefix: String, in folder: URL) throws -> [URL] {
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        var files: [URL] = []
        while present.contains("\(prefix)_\(files.count).pb") {
            files.append(folder.appendingPathComponent("\(prefix)_\(files.count).pb"))
        }
        let all = present.filter { $0.hasPrefix(prefix + "_") && $0.hasSuffix(".pb") }.count
        guard all == files.count else {
            throw ConformanceError.dataSet("\(folder.lastPathComponent): \(prefix) files are not numbered 0..<\(all)")
        }
        return files
    }
}

/// Errors of the conformance harness itself (not of the engine).
public enum ConformanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A case folder or data set does not have the expected layout.
    case dataSet(String)
    /// Writing the cases failed.
    case generator(String)

    public var description: String {
        switch self {
        case .dataSet(let reason), .generator(let reason): return reason
        }
    }
}
