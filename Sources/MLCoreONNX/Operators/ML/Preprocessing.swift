import Foundation
import MLCoreTensor

/// Any numeric X as Double values, with its shape.
func numericValues(_ x: Tensor, _ spec: NodeSpec) throws -> [Double] {
    switch x.dtype {
    case .float32: return try x.scalars(as: Float.self).map(Double.init)
    case .float64: return try x.scalars(as: Double.self)
    case .int64: return try x.scalars(as: Int64.self).map(Double.init)
    case .int32: return try x.scalars(as: Int32.self).map(Double.init)
    default: throw spec.error("X has element type \(x.dtype); expected a numeric type")
    }
}

/// The length of X's last axis (1 for a scalar).
func lastAxis(_ x: Tensor) -> Int { x.rank == 0 ? 1 : x.shape[x.rank - 1] }

/// Scaler: Y = (X - offset) * scale, per feature (lists of length 1 broadcast).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_Scaler.html
struct Scaler: Operator {
    let spec: NodeSpec
    let offset: [Float], scale: [Float]

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        offset = try spec.floats("offset", default: [0])
        scale = try spec.floats("scale", default: [1])
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let f = lastAxis(x)
        for (name, list) in [("offset", offset), ("scale", scale)] where list.count != 1 && list.count != f {
            throw spec.shapeError("\(name) has \(list.count) values, X has \(f) features")
        }
        let v = try numericValues(x, spec)
        var y = [Float](repeating: 0, count: v.count)
        for i in v.indices {
            let j = f == 0 ? 0 : i % f
            let o = offset.count == 1 ? offset[0] : offset[j], s = scale.count == 1 ? scale[0] : scale[j]
            y[i] = (Float(v[i]) - o) * s
        }
        return [.tensor(try Tensor(shape: x.shape, scalars: y))]
    }
}

/// Normalizer: each row divided by its MAX, L1 or L2 norm (rows left as they are when the norm is 0).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_Normalizer.html
struct Normalizer: Operator {
    enum Norm: String { case max = "MAX", l1 = "L1", l2 = "L2" }
    let spec: NodeSpec
    let norm: Norm

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let name = try spec.string("norm", default: "MAX")
        guard let n = Norm(rawValue: name) else { throw spec.error("unknown norm '\(name)'") }
        norm = n
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.rank == 1 || x.rank == 2 else { throw spec.shapeError("X must be [N, F] or [F], got \(x.shape)") }
        let v = try numericValues(x, spec)
        let f = lastAxis(x)
        var y = v.map { Float($0) }
        let rows = f == 0 ? 0 : v.count / f
        for r in 0..<rows {
            let row = y[r * f..<(r + 1) * f]
            let d: Float
            switch norm {
            case .max: d = row.max() ?? 0
            case .l1: d = row.reduce(0) { $0 + Swift.abs($1) }
            case .l2: d = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            }
            if d != 0 { for i in r * f..<(r + 1) * f { y[i] /= d } }
        }
        return [.tensor(try Tensor(shape: x.shape, scalars: y))]
    }
}

/// Binarizer: 1 where X > threshold, else 0, in X's type.
struct Binarizer: Operator {
    let spec: NodeSpec
    let threshold: Double

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        threshold = Double(try spec.float("threshold", default: 0))
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let t = threshold
        switch x.dtype {
        case .float32: return [.tensor(try mapElements(x, Float.self, Float.self, spec, context) { Double($0) > t ? 1 : 0 })]
        case .float64: return [.tensor(try mapElements(x, Double.self, Double.self, spec, context) { $0 > t ? 1 : 0 })]
        case .int64: return [.tensor(try mapElements(x, Int64.self, Int64.self, spec, context) { Double($0) > t ? 1 : 0 })]
        case .int32: return [.tensor(try mapElements(x, Int32.self, Int32.self, spec, context) { Double($0) > t ? 1 : 0 })]
        default: throw spec.error("X has element type \(x.dtype)")
        }
    }
}

/// Imputer: replaces `replaced_value` (NaN by default for floats) with per-feature imputed values.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_Imputer.html
struct Imputer: Operator {
    let spec: NodeSpec
    let floatValues: [Float], replacedFloat: Float
    let intValues: [Int64], replacedInt: Int64

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        floatValues = try spec.floats("imputed_value_floats", default: [])
        replacedFloat = try spec.float("replaced_value_float", default: 0)
        intValues = try spec.ints("imputed_value_int64s", default: [])
        replacedInt = try spec.int("replaced_value_int64", default: 0)
        guard floatValues.isEmpty != intValues.isEmpty else {
            throw spec.error("exactly one of imputed_value_floats and imputed_value_int64s must be given")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let f = lastAxis(x)
        switch x.dtype {
        case .float32, .float64:
            guard !floatValues.isEmpty else { throw spec.error("float input needs imputed_value_floats") }
            guard floatValues.count == 1 || floatValues.count == f else { throw spec.shapeError("\(floatValues.count) imputed values for \(f) features") }
            let replaceNaN = replacedFloat.isNaN
            func impute<T: BinaryFloatingPoint & TensorScalar>(_: T.Type) throws -> Tensor {
                var i = 0
                return try mapElements(x, T.self, T.self, spec, context) { v in
                    defer { i += 1 }
                    let hit = replaceNaN ? v.isNaN : v == T(replacedFloat)
                    return hit ? T(floatValues.count == 1 ? floatValues[0] : floatValues[i % f]) : v
                }
            }
            return [.tensor(x.dtype == .float32 ? try impute(Float.self) : try impute(Double.self))]
        case .int64, .int32:
            guard !intValues.isEmpty else { throw spec.error("integer input needs imputed_value_int64s") }
            guard intValues.count == 1 || intValues.count == f else { throw spec.shapeError("\(intValues.count) imputed values for \(f) features") }
            var i = 0
            let v = try numericValues(x, spec).map { d -> Int64 in
                defer { i += 1 }
                return Int64(d) == replacedInt ? (intValues.count == 1 ? intValues[0] : intValues[i % f]) : Int64(d)
            }
            return [.tensor(try Tensor(shape: x.shape, scalars: v))]
        default:
            throw spec.error("X has element type \(x.dtype)")
        }
    }
}

/// ArrayFeatureExtractor: selects indices along the last axis (a 1-D X gives a `[1, k]` result, as in
/// onnxruntime). An index outside the axis is an error naming it.
struct ArrayFeatureExtractor: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), y = try inputs.tensor(1, spec)
        guard x.rank >= 1 else { throw spec.shapeError("X must have rank >= 1") }
        let indices: [Int64]
        switch y.dtype {
        case .int64: indices = try y.scalars(as: Int64.self)
        case .int32: indices = try y.scalars(as: Int32.self).map(Int64.init)
        default: throw spec.error("indices must be int64")
        }
        let f = lastAxis(x)
        for i in indices where i < 0 || i >= Int64(f) { throw spec.error("index \(i) is outside the last axis of X \(x.shape)") }
        let outer = f == 0 ? 0 : x.count / f
        let outShape: Shape = x.rank == 1 ? [1, indices.count] : Shape(Array(x.shape.dims.dropLast()) + [indices.count])
        // Read in place (no copy of X): for a classifier's label lookup X is the class list, every call.
        func gather<T: TensorScalar>(_: T.Type) throws -> Tensor {
            var out = try context.makeTensor(outShape, T.dtype, node: spec.name)
            try x.withUnsafeBufferPointer(as: T.self) { v in
                try out.withUnsafeMutableBufferPointer(as: T.self) { o in
                    var k = 0
                    for r in 0..<outer { for i in indices { o[k] = v[r * f + Int(i)]; k += 1 } }
                }
            }
            return out
        }
        switch x.dtype {
        case .float32: return [.tensor(try gather(Float.self))]
        case .float64: return [.tensor(try gather(Double.self))]
        case .int64: return [.tensor(try gather(Int64.self))]
        case .int32: return [.tensor(try gather(Int32.self))]
        case .bool: return [.tensor(try gather(Bool.self))]
        case .int8: return [.tensor(try gather(Int8.self))]
        case .uint8: return [.tensor(try gather(UInt8.self))]
        case .int16: return [.tensor(try gather(Int16.self))]
        case .uint16: return [.tensor(try gather(UInt16.self))]
        case .uint32: return [.tensor(try gather(UInt32.self))]
        case .uint64: return [.tensor(try gather(UInt64.self))]
        case .float16: return [.tensor(try gather(Half.self))]
        case .bfloat16: return [.tensor(try gather(BFloat16.self))]
        case .string:
            let v = try x.strings()
            var out: [String] = []
            for r in 0..<outer { for i in indices { out.append(v[r * f + Int(i)]) } }
            return [.tensor(try Tensor(shape: outShape, strings: out))]
        }
    }
}

/// OneHotEncoder: each value becomes a row of `[categories]` floats with a 1 at its category; an unknown
/// value gives zeros, or an error when `zeros` is 0.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_OneHotEncoder.html
struct OneHotEncoder: Operator {
    let spec: NodeSpec
    let intIndex: [Int64: Int], stringIndex: [String: Int]
    let count: Int
    let zeros: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let ints = try spec.ints("cats_int64s", default: []), strings = try spec.strings("cats_strings", default: [])
        guard ints.isEmpty != strings.isEmpty else { throw spec.error("exactly one of cats_int64s and cats_strings must be given") }
        var ii: [Int64: Int] = [:], si: [String: Int] = [:]
        for (k, v) in ints.enumerated() where ii[v] == nil { ii[v] = k }
        for (k, v) in strings.enumerated() where si[v] == nil { si[v] = k }
        intIndex = ii
        stringIndex = si
        count = ints.count + strings.count
        zeros = try spec.int("zeros", default: 1) != 0
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let positions: [Int?]
        if x.dtype == .string {
            positions = try x.strings().map { stringIndex[$0] }
        } else {
            positions = try numericValues(x, spec).map { $0.isFinite ? intIndex[Int64($0)] : nil }
        }
        var out = try context.makeTensor(Shape(x.shape.dims + [count]), .float32, node: spec.name)
        try out.withUnsafeMutableBufferPointer(as: Float.self) { p in
            for (i, pos) in positions.enumerated() {
                if let pos { p[i * count + pos] = 1 } else if !zeros {
                    throw spec.error("value at position \(i) is not a known category and zeros = 0")
                }
            }
        }
        return [.tensor(out)]
    }
}
