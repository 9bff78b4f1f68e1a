import MLCoreTensor

/// Runs an arithmetic or comparison operator on 8-, 16- and 32/64-bit unsigned integer tensors by computing in
/// int64: narrow integer inputs are widened, the operator runs, and its int64 outputs are cut back to the input
/// type (keeping the low bits, as C++ arithmetic on those types does in onnxruntime). Booleans and other types
/// pass through. Only the operators in ``wrappedOperators`` are wrapped (their kernels exist for int32/int64;
/// none has an int64 output that is not a value of the input type, so ArgMax and TopK are not among them):
/// the wrapper checks the input types on each run and costs one type test per input when none is narrow.
struct NarrowIntegerAdapter: Operator {
    let wrapped: any Operator
    let spec: NodeSpec

    /// Element-wise arithmetic, comparisons and the clipping/selection operators whose int32/int64 kernels give
    /// the narrow types' results after widening (wrap-around on overflow included).
    static let wrappedOperators: Set<String> = [
        "Add", "Sub", "Mul", "Div", "Mod", "Neg", "Abs", "Sign", "Min", "Max", "Sum", "Mean", "Clip",
        "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Equal", "Pow",
        "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceMean", "ReduceSumSquare", "ReduceL1",
        "CumSum",
    ]

    static func isNarrow(_ t: DType) -> Bool {
        switch t {
        case .int8, .uint8, .int16, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        var narrow: DType?
        var args = inputs
        for i in inputs.indices {
            guard case .tensor(let t)? = inputs[i], Self.isNarrow(t.dtype) else { continue }
            if narrow == nil { narrow = t.dtype }
            args[i] = .tensor(try Cast.convert(t, to: .int64, spec, context))
        }
        guard let narrow else { return try wrapped.run(inputs, context) }
        return try wrapped.run(args, context).map { value in
            guard case .tensor(let t) = value, t.dtype == .int64 else { return value }
            return .tensor(try Cast.convert(t, to: narrow, spec, context))
        }
    }
}
