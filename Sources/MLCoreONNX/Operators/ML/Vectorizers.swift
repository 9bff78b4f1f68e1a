import MLCoreTensor

/// CategoryMapper (ai.onnx.ml 1): strings to int64 through `cats_strings[i] -> cats_int64s[i]`, or int64 to
/// strings the other way; unmatched values give `default_int64` (-1) or `default_string` ("_Unused").
/// A category listed twice maps to its last pairing, as onnxruntime builds its tables.
/// - Complexity: O(elements) expected (hash lookups).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_CategoryMapper.html
struct CategoryMapper: Operator {
    let spec: NodeSpec
    let toInt: [String: Int64]
    let toString: [Int64: String]
    let defaultInt: Int64
    let defaultString: String

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let strings = try spec.strings("cats_strings"), ints = try spec.ints("cats_int64s")
        guard strings.count == ints.count else {
            throw spec.error("cats_strings has \(strings.count) entries, cats_int64s \(ints.count)")
        }
        var toInt: [String: Int64] = [:], toString: [Int64: String] = [:]
        for (s, i) in zip(strings, ints) {
            toInt[s] = i
            toString[i] = s
        }
        self.toInt = toInt
        self.toString = toString
        defaultInt = try spec.int("default_int64", default: -1)
        defaultString = try spec.string("default_string", default: "_Unused")
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        switch x.dtype {
        case .string:
            let values = try x.strings().map { toInt[$0] ?? defaultInt }
            return [.tensor(try Tensor(shape: x.shape, scalars: values))]
        case .int64:
            let values = try x.scalars(as: Int64.self).map { toString[$0] ?? defaultString }
            return [.tensor(try Tensor(shape: x.shape, strings: values))]
        default:
            throw spec.error("input element type \(x.dtype) is not supported (string or int64)")
        }
    }
}

/// FeatureVectorizer (ai.onnx.ml 1): concatenates its inputs' rows into `[N, sum(inputdimensions)]` float32.
/// Input `i` fills `inputdimensions[i]` columns from the first values of each of its rows (extra values are
/// dropped, missing ones stay 0); a 1-D input is one row. N comes from the first input, as in onnxruntime;
/// an input with more rows than that is an error (onnxruntime would write past its output).
/// - Complexity: O(N * sum(inputdimensions)).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_FeatureVectorizer.html
struct FeatureVectorizer: Operator {
    let spec: NodeSpec
    let dimensions: [Int]
    let total: Int

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let dims = try spec.ints("inputdimensions", default: [])
        guard dims.allSatisfy({ $0 >= 0 && $0 < Int64(Int32.max) }) else { throw spec.error("inputdimensions has a negative or huge entry") }
        dimensions = dims.map { Int($0) }
        total = dimensions.reduce(0, +)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        guard inputs.count == dimensions.count else {
            throw spec.error("\(inputs.count) inputs for \(dimensions.count) inputdimensions values")
        }
        let first = try inputs.tensor(0, spec)
        let n = first.rank == 1 ? 1 : (first.rank == 0 ? 1 : first.shape[0])
        var out = try context.makeTensor([n, total], .float32, node: spec.name)
        var offset = 0
        for (index, width) in dimensions.enumerated() {
            let t = try inputs.tensor(index, spec)
            let values: [Float]
            switch t.dtype {
            case .float32: values = try t.scalars(as: Float.self)
            case .float64: values = try t.scalars(as: Double.self).map { Float($0) }
            case .int64: values = try t.scalars(as: Int64.self).map { Float($0) }
            case .int32: values = try t.scalars(as: Int32.self).map { Float($0) }
            default: throw spec.error("input \(index) has element type \(t.dtype); expected float, double, int64 or int32")
            }
            let rows = t.rank <= 1 ? 1 : t.shape[0]
            let rowSize = t.rank <= 1 ? t.count : (rows == 0 ? 0 : t.count / rows)
            guard rows <= n else { throw spec.shapeError("input \(index) has \(rows) rows, the first input \(n)") }
            let stride = Swift.min(rowSize, width)
            try out.withUnsafeMutableBufferPointer(as: Float.self) { p in
                for r in 0..<rows {
                    for j in 0..<stride { p[r * total + offset + j] = values[r * rowSize + j] }
                }
            }
            offset += width
        }
        return [.tensor(out)]
    }
}

/// DictVectorizer (ai.onnx.ml 1): a map (string or int64 keys) to a `[1, V]` row that follows the vocabulary
/// (`string_vocabulary` or `int64_vocabulary`): entry `j` is the map's value for vocabulary word `j`, or zero
/// (an empty string for string values) when the map lacks it. Values keep their element type. A repeated
/// vocabulary word repeats its value, as in onnxruntime.
/// - Complexity: O(map size + V) expected.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_DictVectorizer.html
struct DictVectorizer: Operator {
    let spec: NodeSpec
    let stringVocabulary: [String]?
    let intVocabulary: [Int64]?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let s = try spec.strings("string_vocabulary", default: []), i = try spec.ints("int64_vocabulary", default: [])
        guard s.isEmpty != i.isEmpty else { throw spec.error("exactly one of string_vocabulary and int64_vocabulary must be given") }
        stringVocabulary = s.isEmpty ? nil : s
        intVocabulary = i.isEmpty ? nil : i
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        guard inputs.count > 0, case .map(let keys, let values)? = inputs[0] else { throw spec.error("input 0 must be a map") }
        guard keys.count == values.count else { throw spec.error("the map has \(keys.count) keys and \(values.count) values") }
        // The position of each vocabulary word's value in the map (nil: absent).
        let positions: [Int?]
        switch keys.dtype {
        case .string:
            guard let vocabulary = stringVocabulary else { throw spec.error("string keys need string_vocabulary") }
            var index: [String: Int] = [:]
            for (k, key) in try keys.strings().enumerated() { index[key] = k }
            positions = vocabulary.map { index[$0] }
        case .int64:
            guard let vocabulary = intVocabulary else { throw spec.error("int64 keys need int64_vocabulary") }
            var index: [Int64: Int] = [:]
            for (k, key) in try keys.scalars(as: Int64.self).enumerated() { index[key] = k }
            positions = vocabulary.map { index[$0] }
        default:
            throw spec.error("map keys of type \(keys.dtype) are not supported (string or int64)")
        }
        return [.tensor(try values.dtype.visitLane(Gather(values: values, positions: positions, spec: spec, context: context)))]
    }

    /// Copies the values at `positions` into a `[1, V]` row of the values' type (zero where nil).
    private struct Gather: LaneVisitor {
        let values: Tensor
        let positions: [Int?]
        let spec: NodeSpec
        let context: RunContext

        func visit<L: Lane>(_ lane: L.Type) throws -> Tensor {
            try L.read(values) { src in
                try L.make([1, positions.count], values.dtype, spec, context) { dst in
                    for (j, position) in positions.enumerated() { if let position { dst[j] = src[position] } }
                }
            }
        }
    }
}
