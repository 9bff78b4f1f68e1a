import MLCoreTensor

/// LabelEncoder: maps strings, int64s or floats to strings, int64s or floats through a table, with a default
/// for keys not in it. Opset 1 (`classes_strings`), 2 (`keys_*`/`values_*`) and 4 (`keys_tensor`/`values_tensor`).
/// Float keys compare by value, and NaN matches NaN (onnxruntime).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_LabelEncoder.html
struct LabelEncoder: Operator {
    enum Column: Sendable {
        case strings([String]), ints([Int64]), floats([Double])
        var count: Int {
            switch self {
            case .strings(let v): return v.count
            case .ints(let v): return v.count
            case .floats(let v): return v.count
            }
        }
    }

    enum Key: Hashable { case string(String), int(Int64), float(UInt64) }

    let spec: NodeSpec
    let table: [Key: Int]
    let values: Column
    let defaultValue: Column  // one element
    /// Integer outputs keep the element type of `values_tensor` (int32 for narrow types the reader widened).
    let intOutput32: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let keys: Column
        if spec.opset < 2 {
            let classes = try spec.strings("classes_strings", default: [])
            // Opset 1: string -> index, or index -> string, chosen by the input type at run time.
            keys = .strings(classes)
            values = .ints((0..<classes.count).map(Int64.init))
            defaultValue = .ints([try spec.int("default_int64", default: -1)])
            table = Dictionary(classes.enumerated().map { (Key.string($0.element), $0.offset) }, uniquingKeysWith: { a, _ in a })
            self.opset1Strings = classes
            self.opset1DefaultString = try spec.string("default_string", default: "_Unused")
            self.intOutput32 = false
            return
        }
        opset1Strings = nil
        opset1DefaultString = ""
        intOutput32 = try spec.tensor("values_tensor")?.dtype == .int32
        keys = try Self.column(spec, prefix: "keys")
        values = try Self.column(spec, prefix: "values")
        guard keys.count == values.count else { throw spec.error("\(keys.count) keys but \(values.count) values") }
        switch values {
        case .strings: defaultValue = .strings([try Self.defaultString(spec)])
        case .ints: defaultValue = .ints([try Self.defaultInt(spec)])
        case .floats: defaultValue = .floats([try Self.defaultFloat(spec)])
        }
        var t: [Key: Int] = [:]
        switch keys {
        case .strings(let k): for (i, v) in k.enumerated() where t[.string(v)] == nil { t[.string(v)] = i }
        case .ints(let k): for (i, v) in k.enumerated() where t[.int(v)] == nil { t[.int(v)] = i }
        case .floats(let k): for (i, v) in k.enumerated() where t[Self.floatKey(v)] == nil { t[Self.floatKey(v)] = i }
        }
        table = t
    }

    let opset1Strings: [String]?
    let opset1DefaultString: String

    static func floatKey(_ v: Double) -> Key { .float(v.isNaN ? Double.nan.bitPattern : (v == 0 ? 0 : v.bitPattern)) }

    static func column(_ spec: NodeSpec, prefix: String) throws -> Column {
        if let t = try spec.tensor("\(prefix)_tensor") {
            switch t.dtype {
            case .string: return .strings(try t.strings())
            case .int64: return .ints(try t.scalars(as: Int64.self))
            case .int32: return .ints(try t.scalars(as: Int32.self).map(Int64.init))
            case .float32: return .floats(try t.scalars(as: Float.self).map(Double.init))
            case .float64: return .floats(try t.scalars(as: Double.self))
            default: throw spec.error("\(prefix)_tensor has unsupported type \(t.dtype)")
            }
        }
        if spec.has("\(prefix)_strings") { return .strings(try spec.strings("\(prefix)_strings")) }
        if spec.has("\(prefix)_int64s") { return .ints(try spec.ints("\(prefix)_int64s")) }
        if spec.has("\(prefix)_floats") { return .floats(try spec.floats("\(prefix)_floats").map(Double.init)) }
        throw spec.error("no \(prefix)_* attribute")
    }

    static func defaultString(_ spec: NodeSpec) throws -> String {
        if let t = try spec.tensor("default_tensor"), t.dtype == .string, let s = try t.strings().first { return s }
        return try spec.string("default_string", default: "_Unused")
    }
    static func defaultInt(_ spec: NodeSpec) throws -> Int64 {
        if let t = try spec.tensor("default_tensor"), t.dtype == .int64, let v = try t.scalars(as: Int64.self).first { return v }
        if let t = try spec.tensor("default_tensor"), t.dtype == .int32, let v = try t.scalars(as: Int32.self).first { return Int64(v) }
        return try spec.int("default_int64", default: -1)
    }
    static func defaultFloat(_ spec: NodeSpec) throws -> Double {
        if let t = try spec.tensor("default_tensor"), t.dtype == .float32, let v = try t.scalars(as: Float.self).first { return Double(v) }
        if let t = try spec.tensor("default_tensor"), t.dtype == .float64, let v = try t.scalars(as: Double.self).first { return v }
        return Double(try spec.float("default_float", default: -0.0))
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        if let classes = opset1Strings, x.dtype == .int64 || x.dtype == .int32 {
            let idx = x.dtype == .int64 ? try x.scalars(as: Int64.self) : try x.scalars(as: Int32.self).map(Int64.init)
            return [.tensor(try Tensor(shape: x.shape, strings: idx.map { $0 >= 0 && $0 < Int64(classes.count) ? classes[Int($0)] : opset1DefaultString }))]
        }
        let lookups: [Int?]
        switch x.dtype {
        case .string: lookups = try x.strings().map { table[.string($0)] }
        case .int64: lookups = try x.scalars(as: Int64.self).map { table[.int($0)] }
        case .int32: lookups = try x.scalars(as: Int32.self).map { table[.int(Int64($0))] }
        case .float32: lookups = try x.scalars(as: Float.self).map { table[Self.floatKey(Double($0))] }
        case .float64: lookups = try x.scalars(as: Double.self).map { table[Self.floatKey($0)] }
        default: throw spec.error("X has unsupported element type \(x.dtype)")
        }
        switch (values, defaultValue) {
        case let (.strings(v), .strings(d)):
            return [.tensor(try Tensor(shape: x.shape, strings: lookups.map { $0.map { v[$0] } ?? d[0] }))]
        case let (.ints(v), .ints(d)):
            let out = lookups.map { $0.map { v[$0] } ?? d[0] }
            if intOutput32 { return [.tensor(try Tensor(shape: x.shape, scalars: out.map { Int32(truncatingIfNeeded: $0) }))] }
            return [.tensor(try Tensor(shape: x.shape, scalars: out))]
        case let (.floats(v), .floats(d)):
            // Float values are float32 unless the keys/values came as a double tensor; onnxruntime's
            // float tables output float32.
            return [.tensor(try Tensor(shape: x.shape, scalars: lookups.map { Float($0.map { v[$0] } ?? d[0]) }))]
        default:
            throw spec.error("inconsistent value and default types")
        }
    }
}

/// ZipMap: `[N, C]` scores to a sequence of N maps from class label to score.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_ZipMap.html
struct ZipMap: Operator {
    let spec: NodeSpec
    let keys: MapSequence.Keys

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let ints = try spec.ints("classlabels_int64s", default: []), strings = try spec.strings("classlabels_strings", default: [])
        guard ints.isEmpty != strings.isEmpty else { throw spec.error("exactly one of classlabels_int64s and classlabels_strings must be given") }
        keys = ints.isEmpty ? .string(strings) : .int64(ints)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.dtype == .float32 else { throw spec.error("X must be float, got \(x.dtype)") }
        let scores: Tensor
        if x.rank == 1 { scores = try x.reshaped([1, x.shape[0]]) } else { scores = x }
        guard scores.rank == 2, scores.shape[1] == keys.count else {
            throw spec.shapeError("X \(x.shape) does not have \(keys.count) columns, one per class label")
        }
        return [.mapSequence(MapSequence(keys: keys, values: scores))]
    }
}
