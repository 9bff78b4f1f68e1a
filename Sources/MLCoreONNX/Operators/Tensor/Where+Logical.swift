import MLCoreTensor

/// Where: `condition ? x : y` elementwise, the three inputs broadcast together (NumPy rules); x and y have one
/// type, any MLCore type including string.
/// - Complexity: O(output elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Where.html
struct Where: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let c = try inputs.tensor(0, spec), x = try inputs.tensor(1, spec), y = try inputs.tensor(2, spec)
        guard c.dtype == .bool else { throw spec.error("condition must be bool, got \(c.dtype)") }
        guard x.dtype == y.dtype else { throw spec.error("X has type \(x.dtype), Y has \(y.dtype)") }
        func select<T: TensorScalar>(_: T.Type) throws -> Tensor {
            try zip3Tensors(c, x, y, Select<T>(), spec, context)
        }
        switch x.dtype {
        case .float32: return [.tensor(try select(Float.self))]
        case .float64: return [.tensor(try select(Double.self))]
        case .int32: return [.tensor(try select(Int32.self))]
        case .int64: return [.tensor(try select(Int64.self))]
        case .bool: return [.tensor(try select(Bool.self))]
        case .int8: return [.tensor(try select(Int8.self))]
        case .uint8: return [.tensor(try select(UInt8.self))]
        case .int16: return [.tensor(try select(Int16.self))]
        case .uint16: return [.tensor(try select(UInt16.self))]
        case .uint32: return [.tensor(try select(UInt32.self))]
        case .uint64: return [.tensor(try select(UInt64.self))]
        case .float16: return [.tensor(try select(Half.self))]
        case .bfloat16: return [.tensor(try select(BFloat16.self))]
        case .string:
            let plan = try BroadcastPlan([c.shape, x.shape, y.shape], node: spec)
            let cond = try c.scalars(as: Bool.self), xs = try x.strings(), ys = try y.strings()
            let out = try String.make(plan.outShape, .string, spec, context) { dst in
                plan.forEachRow { o, offs, n, st in
                    var ic = offs[0], ix = offs[1], iy = offs[2]
                    for j in 0..<n {
                        dst[o + j] = cond[ic] ? xs[ix] : ys[iy]
                        ic += st[0]
                        ix += st[1]
                        iy += st[2]
                    }
                }
            }
            return [.tensor(out)]
        }
    }
}

/// Equal, Less, LessOrEqual, Greater, GreaterOrEqual: elementwise comparison to a bool tensor under NumPy
/// broadcasting, for float32, float64, int32, int64, bool (Equal) and string (Equal, opset 19).
/// Floats compare as IEEE (NaN is unequal to everything, NaN == NaN is false).
///
/// Before opset 7 the operators broadcast only with `broadcast=1`, and then B may be aligned to A at `axis`
/// rather than at the trailing axes; that legacy form is honoured.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Equal.html
struct Comparison: Operator {
    enum Kind: String { case equal, less, lessOrEqual, greater, greaterOrEqual }

    let kind: Kind
    let spec: NodeSpec
    let legacy: LegacyBroadcast

    init(_ kind: Kind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
        legacy = try LegacyBroadcast(spec)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let (a, b) = try legacy.align(inputs.tensor(0, spec), inputs.tensor(1, spec), spec)
        guard a.dtype == b.dtype else { throw spec.error("input types differ: \(a.dtype) and \(b.dtype)") }
        switch a.dtype {
        case .float32: return [.tensor(try compare(a, b, Float.self, context))]
        case .float64: return [.tensor(try compare(a, b, Double.self, context))]
        case .int32: return [.tensor(try compare(a, b, Int32.self, context))]
        case .int64: return [.tensor(try compare(a, b, Int64.self, context))]
        case .bool where kind == .equal:
            return [.tensor(try zipTensors(a, b, IsEqual<Bool>(), spec, context))]
        case .string where kind == .equal:
            let plan = try BroadcastPlan([a.shape, b.shape], node: spec)
            let xs = try a.strings(), ys = try b.strings()
            var out = try context.makeTensor(plan.outShape, .bool, node: spec.name)
            try out.withUnsafeMutableBufferPointer(as: Bool.self) { dst in
                plan.forEachRow { o, offs, n, st in
                    var ia = offs[0], ib = offs[1]
                    for j in 0..<n {
                        dst[o + j] = xs[ia] == ys[ib]
                        ia += st[0]
                        ib += st[1]
                    }
                }
            }
            return [.tensor(out)]
        default:
            throw spec.error("element type \(a.dtype) is not supported")
        }
    }

    func compare<T: ONNXNumeric>(_ a: Tensor, _ b: Tensor, _: T.Type, _ context: RunContext) throws -> Tensor {
        switch kind {
        case .equal: return try zipTensors(a, b, IsEqual<T>(), spec, context)
        case .less: return try zipTensors(a, b, IsLess<T>(), spec, context)
        case .lessOrEqual: return try zipTensors(a, b, IsLessOrEqual<T>(), spec, context)
        case .greater: return try zipTensors(a, b, IsGreater<T>(), spec, context)
        case .greaterOrEqual: return try zipTensors(a, b, IsGreaterOrEqual<T>(), spec, context)
        }
    }
}

/// And, Or, Xor on bool tensors under NumPy broadcasting (legacy `broadcast`/`axis` before opset 7).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__And.html
struct LogicalBinary: Operator {
    enum Kind: String { case and, or, xor }

    let kind: Kind
    let spec: NodeSpec
    let legacy: LegacyBroadcast

    init(_ kind: Kind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
        legacy = try LegacyBroadcast(spec)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let (a, b) = try legacy.align(inputs.tensor(0, spec), inputs.tensor(1, spec), spec)
        guard a.dtype == .bool, b.dtype == .bool else { throw spec.error("inputs must be bool, got \(a.dtype) and \(b.dtype)") }
        switch kind {
        case .and: return [.tensor(try zipTensors(a, b, LogicalAnd(), spec, context))]
        case .or: return [.tensor(try zipTensors(a, b, LogicalOr(), spec, context))]
        case .xor: return [.tensor(try zipTensors(a, b, LogicalXor(), spec, context))]
        }
    }
}

/// Not: elementwise negation of a bool tensor.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Not.html
struct Not: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.dtype == .bool else { throw spec.error("input must be bool, got \(x.dtype)") }
        return [.tensor(try mapTensor(x, LogicalNot(), spec, context))]
    }
}

/// The `broadcast` and `axis` attributes of binary operators before opset 7: with `broadcast=1` and an
/// `axis`, B's dimensions line up with A's starting at `axis` (B gets trailing 1s, then NumPy rules apply).
struct LegacyBroadcast: Sendable {
    let axis: Int64?

    init(_ spec: NodeSpec) throws {
        if spec.opset < 7, try spec.int("broadcast", default: 0) != 0, spec.has("axis") {
            axis = try spec.int("axis")
        } else {
            axis = nil
        }
    }

    func align(_ a: Tensor, _ b: Tensor, _ spec: NodeSpec) throws -> (Tensor, Tensor) {
        guard let axis else { return (a, b) }
        let start = axis < 0 ? axis + Int64(a.rank) : axis
        guard start >= 0, start + Int64(b.rank) <= Int64(a.rank) else {
            throw spec.shapeError("B \(b.shape) does not fit A \(a.shape) at axis \(axis)")
        }
        let trailing = a.rank - Int(start) - b.rank
        return (a, try b.viewed(as: Shape(b.shape.dims + [Int](repeating: 1, count: trailing)), spec))
    }
}
