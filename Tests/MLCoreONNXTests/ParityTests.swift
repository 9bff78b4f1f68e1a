import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// Every model under Fixtures/parity (written by scripts/fixtures/make_parity_fixtures.py with scikit-learn,
/// XGBoost, LightGBM and onnx.helper) against onnxruntime's outputs stored beside it. No Python at test time.
@Suite struct ParityTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/parity")

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/expected.json").path) }.sorted()
    }

    struct Expected: Decodable {
        var inputs: [String: Value]
        var outputs: [String: Value]
    }

    /// A tensor or ZipMap output as stored by the fixture script.
    struct Value: Decodable {
        var dtype: String
        var shape: [Int]
        var data: [JSONScalar]
        var keyType: String?
        var keys: [JSONScalar]?

        enum CodingKeys: String, CodingKey { case dtype, shape, data, keys, keyType = "key_type" }
    }

    /// A JSON number, string, bool or null (NaN is written as null or "NaN").
    enum JSONScalar: Decodable {
        case number(Double), integer(Int64), string(String), bool(Bool)

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .number(.nan) } else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int64.self) { self = .integer(i) }
            else if let d = try? c.decode(Double.self) { self = .number(d) } else {
                let s = try c.decode(String.self)
                switch s {
                case "NaN", "nan": self = .number(.nan)
                case "Infinity", "inf": self = .number(.infinity)
                case "-Infinity", "-inf": self = .number(-.infinity)
                default: self = .string(s)
                }
            }
        }

        var double: Double {
            switch self {
            case .number(let d): return d
            case .integer(let i): return Double(i)
            case .bool(let b): return b ? 1 : 0
            case .string(let s): return Double(s) ?? .nan
            }
        }
        var int64: Int64 {
            switch self {
            case .integer(let i): return i
            default: let d = double; return d.isFinite && abs(d) < 9.2e18 ? Int64(d) : 0
            }
        }
        var string: String {
            switch self {
            case .string(let s): return s
            case .number(let d): return String(d)
            case .integer(let i): return String(i)
            case .bool(let b): return String(b)
            }
        }
    }

    static let castSpec = NodeSpec(node: ONNXNode(name: "fixture", opType: "Cast", domain: "", inputs: [], outputs: [], attributes: [:]),
                                   opset: 21, constantInputs: [], options: .init(threads: 1))
    static let castContext = RunContext(threads: 1, maxTensorBytes: .max)

    static func tensor(_ v: Value) throws -> Tensor {
        let shape = Shape(v.shape)
        let narrow: [String: DType] = ["int8": .int8, "uint8": .uint8, "int16": .int16, "uint16": .uint16, "uint32": .uint32,
                                       "uint64": .uint64, "float16": .float16, "bfloat16": .bfloat16]
        if let target = narrow[v.dtype] {
            let wide = target.isFloatingPoint ? try Tensor(shape: shape, scalars: v.data.map { Float($0.double) })
                                              : try Tensor(shape: shape, scalars: v.data.map(\.int64))
            return try Cast.convert(wide, to: target, castSpec, castContext)
        }
        switch v.dtype {
        case "float32": return try Tensor(shape: shape, scalars: v.data.map { Float($0.double) })
        case "float64": return try Tensor(shape: shape, scalars: v.data.map { $0.double })
        case "int64": return try Tensor(shape: shape, scalars: v.data.map(\.int64))
        case "int32": return try Tensor(shape: shape, scalars: v.data.map { Int32(truncatingIfNeeded: $0.int64) })
        case "bool": return try Tensor(shape: shape, scalars: v.data.map { $0.double != 0 })
        case "string": return try Tensor(shape: shape, strings: v.data.map(\.string))
        default: throw TensorError.unsupportedDType(operation: "fixture \(v.dtype)", .string)
        }
    }

    @Test("MLCore matches onnxruntime", arguments: cases)
    func matchesOnnxruntime(_ name: String) throws {
        let dir = Self.root.appendingPathComponent(name)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        let session = try InferenceSession(contentsOf: dir.appendingPathComponent("model.onnx"), options: .init(threads: 1))
        var feeds: [String: Tensor] = [:]
        for (k, v) in expected.inputs { feeds[k] = try Self.tensor(v) }
        let outputs = try session.run(feeds)
        for (outputName, want) in expected.outputs.sorted(by: { $0.key < $1.key }) {
            let got = try #require(outputs[outputName], "\(name): output \(outputName) missing")
            if want.dtype == "seq_map" {
                guard case .mapSequence(let maps) = got else { Issue.record("\(name): \(outputName) should be a map sequence"); continue }
                let keys: [String]
                switch maps.keys {
                case .int64(let k): keys = k.map(String.init)
                case .string(let k): keys = k
                }
                // Maps are unordered: compare key by key (onnxruntime returns string keys sorted).
                let wantKeys = (want.keys ?? []).map(\.string)
                #expect(Set(keys) == Set(wantKeys) && keys.count == wantKeys.count, "\(name): \(outputName) keys \(keys) vs \(wantKeys)")
                let values = try maps.values.scalars(as: Float.self).map(Double.init)
                let column = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
                var reordered: [Double] = []
                for r in 0..<maps.count {
                    for key in wantKeys { reordered.append(column[key].map { values[r * keys.count + $0] } ?? .nan) }
                }
                Self.compare(reordered, want.data.map(\.double), absolute: 1e-5, relative: 0, "\(name): \(outputName)")
                continue
            }
            let t = try #require(got.tensor, "\(name): \(outputName) should be a tensor")
            #expect(t.shape.dims == want.shape || t.count == want.shape.reduce(1, *), "\(name): \(outputName) shape \(t.shape) vs \(want.shape)")
            switch t.dtype {
            case .float32, .float64:
                let values = t.dtype == .float32 ? try t.scalars(as: Float.self).map(Double.init) : try t.scalars(as: Double.self)
                // Probabilities to 1e-5 absolute; unbounded outputs (regression, raw scores) to 1e-4 relative.
                Self.compare(values, want.data.map(\.double), absolute: 1e-5, relative: 1e-4, "\(name): \(outputName)")
            case .int64:
                #expect(try t.scalars(as: Int64.self) == want.data.map(\.int64), "\(name): \(outputName)")
            case .int32:
                #expect(try t.scalars(as: Int32.self) == want.data.map { Int32(truncatingIfNeeded: $0.int64) }, "\(name): \(outputName)")
            case .bool:
                #expect(try t.scalars(as: Bool.self) == want.data.map { $0.double != 0 }, "\(name): \(outputName)")
            case .string:
                #expect(try t.strings() == want.data.map(\.string), "\(name): \(outputName)")
            case .int8, .uint8, .int16, .uint16, .uint32, .uint64:
                // Exact, compared as int64 (the fixtures write integers in decimal; uint64 above 2^63 wraps alike).
                let wide = try Cast.convert(t, to: .int64, Self.castSpec, Self.castContext).scalars(as: Int64.self)
                #expect(wide == want.data.map(\.int64), "\(name): \(outputName)")
            case .float16, .bfloat16:
                // Narrow floats: one unit in their last place (float16: 2^-10 relative; bfloat16: 2^-7).
                let wide = try Cast.convert(t, to: .float64, Self.castSpec, Self.castContext).scalars(as: Double.self)
                Self.compare(wide, want.data.map(\.double), absolute: 1e-3, relative: t.dtype == .float16 ? 1e-3 : 8e-3, "\(name): \(outputName)")
            }
        }
    }

    /// Passes when each value is within `absolute`, or within `relative` of the expected magnitude; see ``mismatch``.
    static func compare(_ got: [Double], _ want: [Double], absolute: Double, relative: Double, _ label: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        if let problem = mismatch(got, want, absolute: absolute, relative: relative) {
            Issue.record("\(label): \(problem)", sourceLocation: sourceLocation)
        }
    }

    /// Why `got` does not match `want`, or nil when it does: the lengths differ, or a value is off by more than both
    /// `absolute` and `relative` times the expected magnitude (the worst such value is named). NaN matches only NaN
    /// (NaN against a number, or a number against NaN, is a mismatch) and an infinity only the same infinity.
    static func mismatch(_ got: [Double], _ want: [Double], absolute: Double, relative: Double) -> String? {
        guard got.count == want.count else { return "\(got.count) values, expected \(want.count)" }
        var worst = -1.0, worstIndex = -1
        for (i, (g, w)) in zip(got, want).enumerated() {
            if g.isNaN && w.isNaN || g == w { continue }
            // One side NaN, or different infinities: the difference is NaN or infinite; rank it above any finite one.
            let d = abs(g - w)
            let ok = d.isFinite && (d <= absolute || d <= relative * abs(w))
            if !ok && !(d <= worst) { worst = d.isNaN ? .infinity : d; worstIndex = i }
        }
        guard worstIndex >= 0 else { return nil }
        return "value \(worstIndex) is \(got[worstIndex]), expected \(want[worstIndex]) (|diff| \(abs(got[worstIndex] - want[worstIndex])))"
    }

    @Test func comparisonFailsWhenExactlyOneSideIsNaN() {
        // Independent of any fixture: the cases are decided by the rule in the doc comment.
        #expect(Self.mismatch([1, .nan, 3], [1, .nan, 3], absolute: 1e-5, relative: 1e-4) == nil)
        #expect(Self.mismatch([1, .nan], [1, 2], absolute: 1e-5, relative: 1e-4) != nil)
        #expect(Self.mismatch([1, 2], [1, .nan], absolute: 1e-5, relative: 1e-4) != nil)
        #expect(Self.mismatch([.nan], [0], absolute: .infinity, relative: .infinity) != nil)
        #expect(Self.mismatch([.infinity, -.infinity], [.infinity, -.infinity], absolute: 1e-5, relative: 0) == nil)
        #expect(Self.mismatch([.infinity], [-.infinity], absolute: 1e-5, relative: 0) != nil)
        #expect(Self.mismatch([.infinity], [1e300], absolute: 1e-5, relative: 1e-4) != nil)
        #expect(Self.mismatch([1.000001], [1], absolute: 1e-5, relative: 0) == nil)
        #expect(Self.mismatch([100.005], [100], absolute: 1e-5, relative: 1e-4) == nil)
        #expect(Self.mismatch([100.02], [100], absolute: 1e-5, relative: 1e-4) != nil)
        #expect(Self.mismatch([1, 2], [1], absolute: 1, relative: 1) != nil)
        // The worst value is named, and a NaN counts as worse than any finite difference.
        #expect(Self.mismatch([0, .nan, 5], [0, 1, 1], absolute: 1e-5, relative: 0)?.hasPrefix("value 1 ") == true)
    }
}
