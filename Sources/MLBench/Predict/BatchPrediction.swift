import Foundation
import MLCore

/// `bench predict`: runs an ONNX model on the rows of a numeric CSV and returns one output as a table.
///
/// The CSV's columns are fed in order as one `[rows, features]` tensor to the model's first input (converted
/// to the declared element type when that is not float32); a model whose batch dimension is fixed at 1 runs
/// row by row. The output is the model's probabilities unless `outputName` picks another: the last output
/// that is a float tensor or a ZipMap map sequence.
public struct BatchPrediction {
    /// Column names: `<output>_0`, `<output>_1`, ...
    public var header: [String]
    /// One row of values per input row.
    public var rows: [[String]]

    public init(model: URL, input: URL, outputName: String? = nil, threads: Int) throws {
        let session = try InferenceSession(contentsOf: model, options: SessionOptions(threads: threads))
        guard let first = session.inputs.first else { throw ONNXError.invalidGraph(reason: "the model has no inputs") }
        let csv = try NumericCSV(contentsOf: input)
        var x = csv.values
        var rowByRow = false
        if case let .tensor(elementType, dims) = first.type {
            if let dims {
                guard dims.count == 2 else {
                    throw ONNXError.invalidInput(name: first.name, reason: "the model expects \(first.type.summary); bench predict feeds [rows, features]")
                }
                if case .fixed(let f) = dims[1], f != Int64(csv.columns.count) {
                    throw ONNXError.invalidInput(name: first.name, reason: "the model expects \(f) features, \(input.path) has \(csv.columns.count) columns")
                }
                if case .fixed(1) = dims[0] { rowByRow = true }
            }
            if let elementType, elementType != .float32 { x = try Self.convert(x, to: elementType, name: first.name) }
        }

        var outputs: [Value] = []
        if rowByRow {
            for r in 0..<x.shape[0] {
                let result = try session.run([first.name: try x.rows(r..<r + 1)])
                outputs.append(try Self.pick(result, session: session, name: outputName))
            }
        } else {
            outputs = [try Self.pick(try session.run([first.name: x]), session: session, name: outputName)]
        }
        let name = outputName ?? Self.defaultOutputName(session: session, sample: outputs.first)
        var table: [[String]] = []
        for value in outputs { table += try Self.table(value) }
        let width = table.first?.count ?? 0
        header = (0..<width).map { "\(name)_\($0)" }
        rows = table
    }

    /// CSV text: header line, then one line per row.
    public var csv: String {
        var s = header.joined(separator: ",") + "\n"
        s.reserveCapacity(rows.count * (header.count * 14 + 1))
        for r in rows { s += r.joined(separator: ",") + "\n" }
        return s
    }

    static func convert(_ x: Tensor, to dtype: DType, name: String) throws -> Tensor {
        let v = try x.scalars(as: Float.self)
        switch dtype {
        case .float64: return try Tensor(shape: x.shape, scalars: v.map(Double.init))
        case .int64: return try Tensor(shape: x.shape, scalars: v.map { $0.isFinite ? Int64($0) : 0 })
        case .int32: return try Tensor(shape: x.shape, scalars: v.map { $0.isFinite ? Int32(clamping: Int64($0)) : 0 })
        default: throw ONNXError.invalidInput(name: name, reason: "input type \(dtype) cannot be fed from a numeric CSV")
        }
    }

    static func isProbabilityLike(_ v: Value) -> Bool {
        switch v {
        case .mapSequence: return true
        case .tensor(let t): return t.dtype == .float32 || t.dtype == .float64
        case .sequence, .map, .optional: return false
        }
    }

    static func defaultOutputName(session: InferenceSession, sample: Value?) -> String {
        session.outputs.last { info in
            switch info.type {
            case .sequence: return true
            case let .tensor(t, _): return t == .float32 || t == .float64
            default: return false
            }
        }?.name ?? session.outputs.last?.name ?? "output"
    }

    static func pick(_ result: [String: Value], session: InferenceSession, name: String?) throws -> Value {
        if let name {
            guard let v = result[name] else {
                throw ONNXError.invalidInput(name: name, reason: "no such output; outputs are \(session.outputs.map(\.name))")
            }
            return v
        }
        for info in session.outputs.reversed() {
            if let v = result[info.name], isProbabilityLike(v) { return v }
        }
        throw ONNXError.invalidGraph(reason: "the model has no float tensor or ZipMap output; choose one with --output-name (outputs: \(session.outputs.map(\.name)))")
    }

    /// A value as rows of printed cells (floats with 9 significant digits, enough to round-trip float32).
    static func table(_ value: Value) throws -> [[String]] {
        let t: Tensor
        switch value {
        case .mapSequence(let maps): t = maps.values
        case .tensor(let tensor): t = tensor
        case .sequence, .map, .optional:
            throw ONNXError.invalidGraph(reason: "bench predict prints tensors and map sequences; this output is a sequence, map or optional")
        }
        let rows = t.rank == 0 ? 1 : t.shape[0]
        let width = rows == 0 ? 0 : t.count / rows
        let cells: [String]
        switch t.dtype {
        case .float32: cells = try t.scalars(as: Float.self).map { format(Double($0)) }
        case .float64: cells = try t.scalars(as: Double.self).map { format($0) }
        case .int64: cells = try t.scalars(as: Int64.self).map(String.init)
        case .int32: cells = try t.scalars(as: Int32.self).map(String.init)
        case .bool: cells = try t.scalars(as: Bool.self).map { $0 ? "1" : "0" }
        case .string: cells = try t.strings()
        }
        return (0..<rows).map { Array(cells[$0 * width..<($0 + 1) * width]) }
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return String(format: "%.9g", v)
    }
}
