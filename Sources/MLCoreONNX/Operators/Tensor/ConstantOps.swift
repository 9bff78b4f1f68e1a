import MLCoreTensor

/// Constant: a tensor held by the node. Opset 1 takes the `value` tensor; opset 12 adds `value_float(s)`,
/// `value_int(s)` and `value_string(s)` (exactly one of them must be set). `sparse_value` (opset 11) is not
/// supported: MLCore has no sparse tensors, and the reader densifies sparse initializers instead.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Constant.html
struct Constant: Operator {
    let value: Tensor

    init(_ spec: NodeSpec) throws {
        var found: [(String, Tensor)] = []
        if let t = try spec.tensor("value") { found.append(("value", t)) }
        if spec.opset >= 12 {
            if spec.has("value_float") { found.append(("value_float", Tensor(scalar: try spec.float("value_float")))) }
            if spec.has("value_floats") {
                let v = try spec.floats("value_floats")
                found.append(("value_floats", try Tensor(shape: [v.count], scalars: v)))
            }
            if spec.has("value_int") { found.append(("value_int", Tensor(scalar: try spec.int("value_int")))) }
            if spec.has("value_ints") {
                let v = try spec.ints("value_ints")
                found.append(("value_ints", try Tensor(shape: [v.count], scalars: v)))
            }
            if spec.has("value_string") { found.append(("value_string", try Tensor(shape: [], strings: [try spec.string("value_string")]))) }
            if spec.has("value_strings") {
                let v = try spec.strings("value_strings")
                found.append(("value_strings", try Tensor(shape: [v.count], strings: v)))
            }
        }
        if spec.has("sparse_value") { throw spec.error("sparse_value is not supported (MLCore has no sparse tensors)") }
        guard found.count == 1 else {
            throw spec.error(found.isEmpty ? "no value attribute is set" : "more than one value attribute is set: \(found.map(\.0))")
        }
        value = found[0].1
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] { [.tensor(value)] }
}

/// ConstantOfShape: a tensor of the shape given by the input (1-D int64), every element `value` (a
/// one-element tensor attribute; float32 0 by default).
/// - Complexity: O(output elements); the size is checked against the session's limit first.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__ConstantOfShape.html
struct ConstantOfShape: Operator {
    let spec: NodeSpec
    let value: Tensor

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let v = try spec.tensor("value") ?? Tensor(scalar: Float(0))
        guard v.count == 1 else { throw spec.error("value must hold one element, got shape \(v.shape)") }
        value = v
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let shape = Shape(try spec.dimensions(spec.integerList(inputs.tensor(0, spec), "shape"), "shape"))
        return [.tensor(try value.dtype.visitLane(FillKernel(value: value, shape: shape, spec: spec, context: context)))]
    }
}

/// A tensor of `shape` with every element equal to the single element of `value`.
struct FillKernel: LaneVisitor {
    let value: Tensor
    let shape: Shape
    let spec: NodeSpec
    let context: RunContext

    func visit<L: Lane>(_: L.Type) throws -> Tensor {
        try L.read(value) { v in
            try L.make(shape, value.dtype, spec, context) { dst in
                if dst.count > 0 { dst.fill(v[0], at: 0, count: dst.count) }
            }
        }
    }
}

/// Shape: the input's dimensions as a 1-D int64 tensor; from opset 15 only those in `start..<end`
/// (negative values count from the end; both clamped to `[0, rank]`).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Shape.html
struct ShapeOp: Operator {
    let spec: NodeSpec
    let start: Int64, end: Int64?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        start = spec.opset >= 15 ? try spec.int("start", default: 0) : 0
        end = spec.opset >= 15 && spec.has("end") ? try spec.int("end") : nil
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let r = Int64(x.rank)
        func clamp(_ v: Int64) -> Int { Int(Swift.min(Swift.max(v < 0 ? v + r : v, 0), r)) }
        let s = clamp(start), e = clamp(end ?? r)
        let dims = s < e ? x.shape.dims[s..<e].map { Int64($0) } : []
        return [.tensor(try Tensor(shape: [dims.count], scalars: dims))]
    }
}

/// Size: the input's element count as an int64 scalar.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Size.html
struct Size: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        [.tensor(Tensor(scalar: Int64(try inputs.tensor(0, spec).count)))]
    }
}

/// Range: `start, start + delta, ...` up to but excluding `limit`, `max(ceil((limit - start) / delta), 0)`
/// elements, for float32, float64, int32 and int64 scalars.
///
/// Element `i` is `start + i * delta` (NumPy's `arange`; onnxruntime accumulates `delta` instead, which
/// drifts by a few ulps on long float ranges). Integer counts are exact; a zero delta is an error.
/// - Complexity: O(output elements); the size is checked against the session's limit first.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Range.html
struct RangeOp: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let start = try inputs.tensor(0, spec), limit = try inputs.tensor(1, spec), delta = try inputs.tensor(2, spec)
        guard start.dtype == limit.dtype, start.dtype == delta.dtype else {
            throw spec.error("start, limit and delta must have one type, got \(start.dtype), \(limit.dtype), \(delta.dtype)")
        }
        for (name, t) in [("start", start), ("limit", limit), ("delta", delta)] where t.count != 1 {
            throw spec.error("\(name) must be a scalar, got shape \(t.shape)")
        }
        switch start.dtype {
        case .float32: return [.tensor(try floating(start, limit, delta, Float.self, context))]
        case .float64: return [.tensor(try floating(start, limit, delta, Double.self, context))]
        case .int32: return [.tensor(try integer(start, limit, delta, Int32.self, context))]
        case .int64: return [.tensor(try integer(start, limit, delta, Int64.self, context))]
        default: throw spec.error("element type \(start.dtype) is not supported")
        }
    }

    func floating<T: BinaryFloatingPoint & TensorScalar>(_ start: Tensor, _ limit: Tensor, _ delta: Tensor, _: T.Type,
                                                         _ context: RunContext) throws -> Tensor {
        let s = try start.scalars(as: T.self)[0], l = try limit.scalars(as: T.self)[0], d = try delta.scalars(as: T.self)[0]
        guard d != 0 else { throw spec.error("delta is 0") }
        let exact = (Double(l - s) / Double(d)).rounded(.up)
        guard exact.isFinite else { throw spec.error("range \(s)..<\(l) step \(d) has no finite length") }
        let count = try checkedCount(Swift.max(exact, 0), context, T.self)
        var out = try context.makeTensor([count], T.dtype, node: spec.name)
        try out.withUnsafeMutableBufferPointer(as: T.self) { p in
            for i in 0..<count { p[i] = s + T(i) * d }
        }
        return out
    }

    func integer<T: FixedWidthInteger & TensorScalar>(_ start: Tensor, _ limit: Tensor, _ delta: Tensor, _: T.Type,
                                                      _ context: RunContext) throws -> Tensor {
        let s = Int64(try start.scalars(as: T.self)[0]), l = Int64(try limit.scalars(as: T.self)[0])
        let d = Int64(try delta.scalars(as: T.self)[0])
        guard d != 0 else { throw spec.error("delta is 0") }
        let (diff, overflow) = l.subtractingReportingOverflow(s)
        var count: UInt64 = 0
        if overflow {
            count = .max  // the distance exceeds Int64: far over any size limit
        } else if diff != 0, (diff > 0) == (d > 0) {
            // ceil(|diff| / |d|) in unsigned arithmetic (|Int64.min| fits in UInt64).
            count = (diff.magnitude - 1) / d.magnitude + 1
        }
        let n = try checkedCount(Double(count), context, T.self)
        var out = try context.makeTensor([n], T.dtype, node: spec.name)
        try out.withUnsafeMutableBufferPointer(as: T.self) { p in
            // Every element lies between start and limit, so it fits in T.
            var v = s
            for i in 0..<n {
                p[i] = T(truncatingIfNeeded: v)
                v = v &+ d
            }
        }
        return out
    }

    /// The element count as Int, after the size limit (checked in floating point, so no count overflows).
    func checkedCount<T: TensorScalar>(_ count: Double, _ context: RunContext, _: T.Type) throws -> Int {
        let bytes = count * Double(T.dtype.byteWidth ?? 1)
        guard bytes <= Double(context.maxTensorBytes) else {
            throw ONNXError.limitExceeded(what: "node '\(spec.name)': Range output bytes",
                                          value: bytes >= Double(Int.max) ? Int.max : Int(bytes), limit: context.maxTensorBytes)
        }
        return Int(count)
    }
}
