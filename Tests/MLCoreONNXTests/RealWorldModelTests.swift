import Foundation
import MLCoreData
import MLCoreONNX
import MLCoreTensor
import Testing

/// The small models of the real-world set (Fixtures/realworld, written by scripts/make-realworld-models.py:
/// torch and skl2onnx exports, onnxruntime quantization, float16 conversion, CatBoost's own writer) run in MLCore
/// against onnxruntime's outputs stored beside them. One case per model, so an issue names the model and the
/// error. Every model must load, run and match under ``RealWorldTolerance``.
@Suite struct RealWorldModelTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/realworld")


    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/meta.json").path) }.sorted()
    }

    /// The part of meta.json the test reads.
    struct Meta: Decodable {
        struct Tensor: Decodable {
            var file: String
            var dtype: String
            var shape: [Int]
        }
        var kind: String
        var inputs: [String: Tensor]
        var outputs: [String: Tensor]
        var quantizationSteps: [String: Double]
        /// Outputs that are sequences of maps (ZipMap): their expected .npy is [rows, keys] in this key order.
        var mapKeys: [String: [MapKey]]

        enum CodingKeys: String, CodingKey {
            case kind, inputs, outputs, quantizationSteps = "quantization_steps", mapKeys = "map_keys"
        }
    }

    /// An int64 or string map key as written in meta.json.
    enum MapKey: Decodable, CustomStringConvertible {
        case int(Int64), string(String)

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int64.self) { self = .int(i) } else { self = .string(try c.decode(String.self)) }
        }

        var description: String {
            switch self {
            case .int(let i): return String(i)
            case .string(let s): return s
            }
        }
    }

    @Test("MLCore runs the real-world model like onnxruntime", arguments: cases)
    func matchesOnnxruntime(_ name: String) throws {
        let dir = Self.root.appendingPathComponent(name)
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: dir.appendingPathComponent("meta.json")))
        let session: InferenceSession
        var feeds: [String: Tensor] = [:]
        do {
            session = try InferenceSession(contentsOf: dir.appendingPathComponent("model.onnx"), options: .init(threads: 1))
            for (inputName, input) in meta.inputs {
                feeds[inputName] = try Self.readNpy(dir.appendingPathComponent(input.file), label: "\(name): input \(inputName)")
            }
        } catch {
            // Every model of the set loads: one that stops loading is a failure naming the model and the error.
            Issue.record(Comment(rawValue: "\(name) (\(meta.kind)): does not load: \(error)"))
            return
        }
        let outputs: [String: Value]
        do {
            outputs = try session.run(feeds)
        } catch {
            Issue.record("\(name) (\(meta.kind)): run error: \(error)")
            return
        }
        for (outputName, output) in meta.outputs.sorted(by: { $0.key < $1.key }) {
            let label = "\(name) (\(meta.kind)): output \(outputName)"
            let want = try Self.readNpy(dir.appendingPathComponent(output.file), label: label)
            guard let value = outputs[outputName] else {
                Issue.record("\(label): missing")
                continue
            }
            let got: Tensor
            if let keys = meta.mapKeys[outputName] {
                do {
                    got = try Self.mapColumns(value, keys: keys)
                } catch {
                    Issue.record("\(label): \(error)")
                    continue
                }
            } else if let t = value.tensor {
                got = t
            } else {
                Issue.record("\(label): not a tensor")
                continue
            }
            let rule = RealWorldTolerance.allowed(kind: meta.kind, dtype: want.dtype, step: meta.quantizationSteps[outputName])
            if let problem = try RealWorldTolerance.mismatch(got, want, rule) {
                Issue.record("\(label): \(problem)")
            }
        }
    }

    /// A sequence of maps as the [rows, keys] float32 table the fixture stores, columns in `keys` order.
    static func mapColumns(_ value: Value, keys: [MapKey]) throws -> Tensor {
        guard case .mapSequence(let maps) = value else { throw FixtureError("expected a sequence of maps, got \(value)") }
        let have: [String]
        switch maps.keys {
        case .int64(let k): have = k.map(String.init)
        case .string(let k): have = k
        }
        let column = Dictionary(have.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let values = try maps.values.scalars(as: Float.self)
        var table: [Float] = []
        for r in 0..<maps.count {
            for key in keys {
                guard let c = column[key.description] else { throw FixtureError("map key \(key) missing (keys \(have))") }
                table.append(values[r * have.count + c])
            }
        }
        return try Tensor(shape: Shape([maps.count, keys.count]), scalars: table)
    }

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Reads a fixture `.npy`: MLCoreData's reader, and for NumPy unicode strings (`<U`n, which it does not read)
    /// a decoder of that one layout: n UTF-32LE code units per element, NUL-padded.
    static func readNpy(_ url: URL, label: String) throws -> Tensor {
        do {
            return try Npy.read(contentsOf: url)
        } catch let error as DataError {
            let bytes = try [UInt8](Data(contentsOf: url))
            guard bytes.count > 10, bytes[6] == 1 else { throw error }
            let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            guard 10 + headerLength <= bytes.count,
                  let header = String(bytes: bytes[10..<10 + headerLength], encoding: .ascii),
                  let descr = header.firstMatch(of: /'descr': '<U(\d+)'/), let width = Int(descr.1),
                  let shapeText = header.firstMatch(of: /'shape': \(([0-9, ]*)\)/)
            else { throw error }
            let shape = shapeText.1.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let count = shape.reduce(1, *)
            let start = 10 + headerLength
            guard width > 0, bytes.count - start == count * width * 4 else { throw error }
            var strings: [String] = []
            strings.reserveCapacity(count)
            for e in 0..<count {
                var scalars = String.UnicodeScalarView()
                for c in 0..<width {
                    let o = start + (e * width + c) * 4
                    let code = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                    if code == 0 { break }
                    guard let s = Unicode.Scalar(code) else { throw error }
                    scalars.append(s)
                }
                strings.append(String(scalars))
            }
            return try Tensor(shape: Shape(shape), strings: strings)
        }
    }

    @Test func toleranceRule() throws {
        let f = try Tensor(shape: Shape([3]), scalars: [Float(1), 100, .nan])
        let close = try Tensor(shape: Shape([3]), scalars: [Float(1.0001), 100.1, .nan])
        let far = try Tensor(shape: Shape([3]), scalars: [Float(1.002), 100, .nan])
        let float32 = RealWorldTolerance.allowed(kind: "float32", dtype: .float32, step: nil)
        #expect(try RealWorldTolerance.mismatch(close, f, float32) == nil)
        #expect(try RealWorldTolerance.mismatch(far, f, float32)?.contains("value 0 ") == true)
        #expect(try RealWorldTolerance.mismatch(far, f, RealWorldTolerance.allowed(kind: "float16", dtype: .float32, step: nil)) == nil)
        #expect(try RealWorldTolerance.mismatch(far, f, RealWorldTolerance.allowed(kind: "quantized", dtype: .float32, step: 0.001)) != nil)
        #expect(try RealWorldTolerance.mismatch(far, f, RealWorldTolerance.allowed(kind: "quantized", dtype: .float32, step: 0.005)) == nil)
        let labels = try Tensor(shape: Shape([2]), scalars: [Int64(1), 2])
        #expect(RealWorldTolerance.allowed(kind: "classic", dtype: .int64, step: nil) == nil)
        #expect(try RealWorldTolerance.mismatch(labels, labels, nil) == nil)
        #expect(try RealWorldTolerance.mismatch(try Tensor(shape: Shape([2]), scalars: [Int64(1), 3]), labels, nil) != nil)
        #expect(try RealWorldTolerance.mismatch(try Tensor(shape: Shape([1, 2]), scalars: [Int64(1), 2]), labels, nil) != nil)
        // float16 outputs take the float16 rule whatever the model's kind; uint8 outputs of other kinds are exact.
        let h = try Tensor(shape: Shape([2]), scalars: [Half(1), Half(100)])
        let hClose = try Tensor(shape: Shape([2]), scalars: [Half(1.001), Half(100.5)])
        #expect(try RealWorldTolerance.mismatch(hClose, h, RealWorldTolerance.allowed(kind: "float32", dtype: .float16, step: nil)) == nil)
        #expect(try RealWorldTolerance.mismatch(try Tensor(shape: Shape([2]), scalars: [Half(1), Half(102)]), h,
                                                RealWorldTolerance.allowed(kind: "float16", dtype: .float16, step: nil)) != nil)
        let bytes = try Tensor(shape: Shape([2]), scalars: [UInt8(3), 255])
        #expect(RealWorldTolerance.allowed(kind: "classic", dtype: .uint8, step: nil) == nil)
        #expect(try RealWorldTolerance.mismatch(bytes, bytes, nil) == nil)
        let s = try Tensor(shape: Shape([1]), strings: ["a"])
        #expect(try RealWorldTolerance.mismatch(s, s, nil) == nil)
    }
}

/// The comparison rule of the real-world set; scripts/check-realworld-models.py's `tolerance` is the same rule.
enum RealWorldTolerance {
    /// `(absolute, relative)` such that |got - expected| <= absolute + relative * |expected| passes, or nil for an
    /// exact match:
    /// - integers, booleans, strings, labels: exact, except uint8/int8 outputs of quantized models: |diff| <= 1;
    /// - float16 and bfloat16 outputs, and every float output of float16 models: 1e-3 + 1e-2 |expected|;
    /// - float outputs of quantized models: one quantization step (the scale of the output's DequantizeLinear,
    ///   +1e-6) when there is one, else (dynamic quantization) 1e-3 + 1e-2 |expected|;
    /// - everything else (float32 and classic ML models): 1e-4 + 1e-3 |expected|.
    static func allowed(kind: String, dtype: DType, step: Double?) -> (absolute: Double, relative: Double)? {
        if dtype.isHalfPrecision { return (1e-3, 1e-2) }
        if dtype != .float32 && dtype != .float64 {
            return kind == "quantized" && (dtype == .uint8 || dtype == .int8) ? (1, 0) : nil
        }
        if kind == "float16" { return (1e-3, 1e-2) }
        if kind == "quantized" { return step.map { ($0 + 1e-6, 0) } ?? (1e-3, 1e-2) }
        return (1e-4, 1e-3)
    }

    /// Why `got` does not match `want` under `rule` (nil: exact), or nil when it does. NaN matches only NaN, an
    /// infinity only the same infinity; the worst value relative to its allowance is named.
    static func mismatch(_ got: Tensor, _ want: Tensor, _ rule: (absolute: Double, relative: Double)?) throws -> String? {
        guard got.shape == want.shape else { return "shape \(got.shape), expected \(want.shape)" }
        guard got.dtype == want.dtype else { return "dtype \(got.dtype), expected \(want.dtype)" }
        if want.dtype == .string {
            let g = try got.strings(), w = try want.strings()
            guard let i = g.indices.first(where: { g[$0] != w[$0] }) else { return nil }
            return "value \(i) is \(g[i]), expected \(w[i])"
        }
        let g = try values(got), w = try values(want)
        guard let (absolute, relative) = rule else {
            guard let i = g.indices.first(where: { g[$0] != w[$0] && !(g[$0].isNaN && w[$0].isNaN) }) else { return nil }
            return "value \(i) is \(g[i]), expected \(w[i]) (exact match required)"
        }
        var worst = 0.0, worstIndex = -1, bad = 0
        for (i, (x, e)) in zip(g, w).enumerated() {
            if x == e || x.isNaN && e.isNaN { continue }
            let allowance = absolute + relative * abs(e)
            let d = abs(x - e)
            if d.isFinite && d <= allowance { continue }
            bad += 1
            let score = d.isFinite ? d / allowance : .infinity
            if worstIndex < 0 || score > worst { worst = score; worstIndex = i }
        }
        guard worstIndex >= 0 else { return nil }
        return "\(bad)/\(g.count) values out of tolerance; worst: value \(worstIndex) is \(g[worstIndex]), expected "
            + "\(w[worstIndex]) (|diff| \(abs(g[worstIndex] - w[worstIndex])), allowed \(absolute) + \(relative)|expected|)"
    }

    /// Elements as Double (exact for every float type and for integers up to 2^53).
    static func values(_ t: Tensor) throws -> [Double] {
        if let v = t.widenedFloats() { return v }
        if t.dtype == .uint64 { return try t.scalars(as: UInt64.self).map(Double.init) }
        if let v = t.widenedIntegers() { return v.map(Double.init) }
        throw TensorError.unsupportedDType(operation: "RealWorldTolerance.values", t.dtype)
    }
}
