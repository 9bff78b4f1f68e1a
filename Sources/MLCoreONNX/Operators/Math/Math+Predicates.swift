import MLCoreTensor

/// IsNaN (opset 9, 13, 20) and IsInf (opset 10, 20): a bool tensor of the input's shape.
///
/// IsInf's `detect_positive` and `detect_negative` (default 1) choose which infinities count. The later
/// versions only add element types (bfloat16 in 13, the float8 types in 20); float32 and float64 run here,
/// and a type the engine does not store throws naming the node.
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__IsNaN.html, https://onnx.ai/onnx/operators/onnx__IsInf.html
struct FloatPredicate: Operator {
    enum Kind: Sendable { case isNaN, isInf }

    let kind: Kind
    let spec: NodeSpec
    let detectPositive: Bool
    let detectNegative: Bool

    init(_ kind: Kind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
        detectPositive = kind == .isInf ? try spec.int("detect_positive", default: 1) != 0 : false
        detectNegative = kind == .isInf ? try spec.int("detect_negative", default: 1) != 0 : false
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        switch x.dtype {
        case .float32: return [.tensor(try evaluate(Float.self, x, context))]
        case .float64: return [.tensor(try evaluate(Double.self, x, context))]
        default: throw spec.error("element type \(x.dtype) is not supported (float32, float64)")
        }
    }

    func evaluate<T: BinaryFloatingPoint & TensorScalar>(_: T.Type, _ x: Tensor, _ context: RunContext) throws -> Tensor {
        switch kind {
        case .isNaN: return try mapTensor(x, IsNaNFunction<T>(), spec, context)
        case .isInf: return try mapTensor(x, IsInfFunction<T>(positive: detectPositive, negative: detectNegative), spec, context)
        }
    }
}

struct IsNaNFunction<T: BinaryFloatingPoint & TensorScalar>: UnaryElementFunction {
    func callAsFunction(_ x: T) -> Bool { x.isNaN }
}

struct IsInfFunction<T: BinaryFloatingPoint & TensorScalar>: UnaryElementFunction {
    let positive: Bool
    let negative: Bool
    func callAsFunction(_ x: T) -> Bool { (positive && x == .infinity) || (negative && x == -.infinity) }
}
