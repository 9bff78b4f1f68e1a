import MLCoreTensor

/// BitwiseAnd, BitwiseOr, BitwiseXor (opset 18, NumPy broadcasting) and BitwiseNot (opset 18) on integer
/// tensors.
///
/// Written over `FixedWidthInteger`: the engine stores int32 and int64 today; the 8-, 16-bit and unsigned
/// types the spec also allows slot in as cases of the dtype switch when the engine stores them.
/// - Complexity: O(output elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__BitwiseAnd.html
struct Bitwise: Operator {
    enum Kind: String, Sendable { case and, or, xor, not }

    let kind: Kind
    let spec: NodeSpec

    init(_ kind: Kind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, spec)
        let b = kind == .not ? nil : try inputs.tensor(1, spec)
        if let b, b.dtype != a.dtype { throw spec.error("input types differ: \(a.dtype) and \(b.dtype)") }
        switch a.dtype {
        case .int32: return [.tensor(try evaluate(Int32.self, a, b, context))]
        case .int64: return [.tensor(try evaluate(Int64.self, a, b, context))]
        default: throw spec.error("element type \(a.dtype) is not supported (integer types)")
        }
    }

    func evaluate<T: FixedWidthInteger & TensorScalar>(_: T.Type, _ a: Tensor, _ b: Tensor?, _ context: RunContext) throws -> Tensor {
        guard let b else { return try mapTensor(a, BitNot<T>(), spec, context) }
        switch kind {
        case .and: return try zipTensors(a, b, BitAnd<T>(), spec, context)
        case .or: return try zipTensors(a, b, BitOr<T>(), spec, context)
        case .xor, .not: return try zipTensors(a, b, BitXor<T>(), spec, context)
        }
    }
}

/// BitShift (opset 11, 28): `X << Y` or `X >> Y` (attribute `direction`, "LEFT" or "RIGHT") with
/// broadcasting. Opset 11 takes unsigned integers; opset 28 adds signed ones, whose right shift is
/// arithmetic. A shift amount that is negative or at least the bit width gives 0, or -1 for a right shift of
/// a negative value (opset 28's rule; for unsigned types it is also what onnxruntime's promoted uint8 and
/// uint16 shifts give).
///
/// The engine stores int32 and int64 (opset 28); the unsigned types become cases of the dtype switch when
/// the engine stores them.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__BitShift.html
struct BitShift: Operator {
    let spec: NodeSpec
    let left: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let direction = try spec.string("direction")
        guard direction == "LEFT" || direction == "RIGHT" else {
            throw spec.error("direction must be LEFT or RIGHT, got '\(direction)'")
        }
        left = direction == "LEFT"
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), y = try inputs.tensor(1, spec)
        guard x.dtype == y.dtype else { throw spec.error("input types differ: \(x.dtype) and \(y.dtype)") }
        switch x.dtype {
        case .int32 where spec.opset >= 28: return [.tensor(try shift(Int32.self, x, y, context))]
        case .int64 where spec.opset >= 28: return [.tensor(try shift(Int64.self, x, y, context))]
        default:
            throw spec.error("element type \(x.dtype) is not supported at opset \(spec.opset) (unsigned integers; signed from opset 28)")
        }
    }

    func shift<T: FixedWidthInteger & TensorScalar>(_: T.Type, _ x: Tensor, _ y: Tensor, _ context: RunContext) throws -> Tensor {
        left ? try zipTensors(x, y, ShiftLeft<T>(), spec, context) : try zipTensors(x, y, ShiftRight<T>(), spec, context)
    }
}

struct BitAnd<T: FixedWidthInteger & TensorScalar>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { a & b }
}
struct BitOr<T: FixedWidthInteger & TensorScalar>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { a | b }
}
struct BitXor<T: FixedWidthInteger & TensorScalar>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { a ^ b }
}
struct BitNot<T: FixedWidthInteger & TensorScalar>: UnaryElementFunction {
    func callAsFunction(_ x: T) -> T { ~x }
}
/// Shifts by an amount outside `0..<bitWidth` give 0 (or -1 shifting a negative value right).
struct ShiftLeft<T: FixedWidthInteger & TensorScalar>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { b < 0 || b >= T.bitWidth ? 0 : a << b }
}
struct ShiftRight<T: FixedWidthInteger & TensorScalar>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { b < 0 || b >= T.bitWidth ? (a < 0 ? ~0 : 0) : a >> b }
}
