import Foundation
import MLCore

/// `bench predict`: runs an ONNX model on every sample of its inputs and keeps every output.
///
/// Inputs come from ``ModelFeeds`` (`--feed NAME=FILE` and a CSV for the first input not fed). All samples go in one
/// run; a model that fixes the sample axis of an input at 1 runs sample by sample, and its outputs are joined along
/// axis 0. The outputs can then be written as one CSV table (``csv(outputName:)``: the model's probabilities unless
/// `outputName` picks another: the last output that is a float tensor or a ZipMap map sequence) or as one file per
/// output (``writeOutputs(to:)``).
public struct BatchPrediction {
    /// The model's output names, in declared order.
    public var outputNames: [String]
    /// Every output, over all samples.
    public var outputs: [String: Value]
    /// The name the default CSV output is written under.
    let defaultOutputName: String

    /// Runs `session` on `feeds`.
    public init(session: InferenceSession, feeds: ModelFeeds) throws {
        outputNames = session.outputs.map(\.name)
        defaultOutputName = Self.defaultOutputName(session: session)
        if feeds.oneSampleAtATime && feeds.sampleCount != 1 {
            var runs: [[String: Value]] = []
            for i in 0..<feeds.sampleCount { runs.append(try session.run(try feeds.samples(i..<i + 1))) }
            outputs = [:]
            for name in outputNames where !runs.isEmpty {
                outputs[name] = try Self.join(runs.map { $0[name]! }, name: name)
            }
        } else {
            outputs = try session.run(feeds.all)
        }
    }

    /// Reads the model and a numeric CSV for its first input, and runs it (the original `bench predict`).
    public init(model: URL, input: URL, outputName: String? = nil, threads: Int) throws {
        let session = try InferenceSession(contentsOf: model, options: SessionOptions(threads: threads))
        try self.init(session: session, feeds: ModelFeeds(session: session, csv: input, feeds: []))
    }

    /// One output as CSV text: a header line `NAME_0,NAME_1,...`, then one line per sample (floats with 9
    /// significant digits, enough to round-trip float32).
    /// - Parameter outputName: the output to write; `nil` picks the probabilities (see the type's summary).
    public func csv(outputName: String?) throws -> String {
        let value = try pick(outputName)
        let name = outputName ?? defaultOutputName
        let rows = try Self.table(value, name: name)
        let width = rows.first?.count ?? 0
        var s = (0..<width).map { "\(name)_\($0)" }.joined(separator: ",") + "\n"
        s.reserveCapacity(rows.count * (width * 14 + 1))
        for r in rows { s += r.joined(separator: ",") + "\n" }
        return s
    }

    static func convert(_ x: Tensor, to dtype: DType, name: String) throws -> Tensor {
        let v = try x.scalars(as: Float.self)
        switch dtype {
        case .float64: return try Tensor(shape: x.shape, scalars: v.map(Double.init))
        case .int64: return try Tensor(shape: x.shape, scalars: v.map { $0.isFinite ? Int64($0) : 0 })
        case .int32: return try Tensor(shape: x.shape, scalars: v.map { $0.isFinite ? Int32(clamping: Int64($0)) : 0 })
        case .float16: return try Tensor(shape: x.shape, scalars: v.map { Half($0) })
        case .bfloat16: return try Tensor(shape: x.shape, scalars: v.map { BFloat16($0) })
        default:
            throw ONNXError.invalidInput(name: name, reason: "input type \(dtype) cannot be fed from a numeric CSV; use --feed \(name)=FILE.npy")
        }
    }

    static func isProbabilityLike(_ v: Value) -> Bool {
        switch v {
        case .mapSequence: return true
        case .tensor(let t): return t.dtype.isFloatingPoint
        default: return false
        }
    }

    static func defaultOutputName(session: InferenceSession) -> String {
        session.outputs.last { info in
            switch info.type {
            case .sequence: return true
            case let .tensor(t, _): return t?.isFloatingPoint ?? false
            default: return false
            }
        }?.name ?? session.outputs.last?.name ?? "output"
    }

    func pick(_ name: String?) throws -> Value {
        if let name {
            guard let v = outputs[name] else {
                throw ONNXError.invalidInput(name: name, reason: "no such output; outputs are \(outputNames)")
            }
            return v
        }
        for name in outputNames.reversed() {
            if let v = outputs[name], Self.isProbabilityLike(v) { return v }
        }
        throw ONNXError.invalidGraph(reason: "the model has no float tensor or ZipMap output; choose one with --output-name (outputs: \(outputNames))")
    }

    /// Per-sample runs' values of one output, joined along axis 0.
    static func join(_ parts: [Value], name: String) throws -> Value {
        let tensors = parts.compactMap(\.tensor)
        if tensors.count == parts.count {
            return .tensor(try Tensor.concatenatingSamples(tensors, name: name))
        }
        var maps: [MapSequence] = []
        for case .mapSequence(let m) in parts { maps.append(m) }
        if maps.count == parts.count, let first = maps.first, maps.allSatisfy({ $0.keys == first.keys }) {
            return .mapSequence(MapSequence(keys: first.keys, values: try Tensor.concatenatingSamples(maps.map(\.values), name: name)))
        }
        throw BenchError("output '\(name)' is not a tensor or a map sequence with the same keys in every run, so the "
                         + "sample-by-sample runs this model needs (its sample axis is fixed at 1) cannot be joined")
    }

    /// A tensor or map-sequence value as rows of printed cells: one row per sample (axis 0).
    static func table(_ value: Value, name: String) throws -> [[String]] {
        let t: Tensor
        switch value {
        case .mapSequence(let maps): t = maps.values
        case .tensor(let tensor): t = tensor
        default: throw BenchError("output '\(name)' is not a tensor or a ZipMap output, so it has no CSV form; write it with --output-dir")
        }
        let rows = t.rank == 0 ? 1 : t.shape[0]
        let width = rows == 0 ? 0 : t.count / rows
        let cells = try cells(t)
        return (0..<rows).map { Array(cells[$0 * width..<($0 + 1) * width]) }
    }

    /// Every element printed: floats as ``format(_:)``, booleans as 0/1, integers and strings as they are.
    static func cells(_ t: Tensor) throws -> [String] {
        switch t.dtype {
        case .string: return try t.strings()
        case .bool: return try t.scalars(as: Bool.self).map { $0 ? "1" : "0" }
        default:
            // Every float type (float16 and bfloat16 included) prints through Double, exactly.
            if let floats = t.widenedFloats() { return floats.map(format) }
            guard let scalar = NpyHeader.scalarType(of: t.dtype) else { throw BenchError("\(t.dtype) outputs cannot be printed") }
            func print<T: TensorScalar>(_: T.Type) throws -> [String] {
                try t.scalars(as: T.self).map { v in
                    if let f = v as? any BinaryFloatingPoint { return format(Double(f)) }
                    return "\(v)"
                }
            }
            return try print(scalar)
        }
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return String(format: "%.9g", v)
    }
}
