import MLCoreTensor

/// Runs a float32 operator on float16 / bfloat16 values, as onnxruntime's CPU provider does for most
/// operators: half tensor inputs are widened to float32, the wrapped operator runs, and its float32 outputs
/// are narrowed back to the half type (rounded to nearest even) when any input was half. Other inputs and
/// outputs pass through unchanged.
///
/// onnxruntime inserts a Cast to float before and a Cast to float16 after each such node, then removes each
/// Cast-to-float16 / Cast-to-float pair between two of them, so a chain of wrapped nodes computes in float32
/// throughout and rounds only where a value leaves the chain. The planner mirrors that (see
/// ``HalfPrecisionPlan``): an output read only by other adapters stays float32 (``keepWideOutputs``), and
/// those readers know its half type from the plan (``halfType``), so they narrow their own outputs alike. Rounding after every node instead
/// drifts by up to 3.5x the 1e-3 + 1e-2|expected| tolerance on MobileNetV2 float16 (measured against
/// onnxruntime 1.32.0: 379 of 2,000 logits out; with float32 between nodes, none).
///
/// Constant half inputs (initializers, folded constants) are widened once at load: the wrapped operator's
/// factory saw the widened values, and ``widenedConstants`` hands the same values to every run.
struct HalfPrecisionAdapter: Operator {
    let wrapped: any Operator
    let spec: NodeSpec
    /// float32 copies of the node's constant half inputs, by input index (nil: not a constant half input).
    let widenedConstants: [Tensor?]
    /// The half type the node computes in, when the planner knows it from the model (declared types,
    /// initializers, Casts); otherwise the type of the first half input seen at run time.
    let halfType: DType?
    /// Outputs left float32 because every reader is an adapter that knows them as half values (see ``halfType``).
    let keepWideOutputs: [Bool]

    /// Wraps the operator `factory` builds, handing it `spec` with constant half inputs widened.
    /// - Parameters:
    ///   - widen: the float32 copy of a constant half input, by input index (the planner caches these per
    ///     value so a weight shared by many nodes is widened once); nil keeps the input as it is.
    init(_ spec: NodeSpec, factory: OperatorRegistry.Factory, halfType: DType?, keepWideOutputs: [Bool],
         widen: (Int, Tensor) throws -> Tensor?) throws {
        var widened = [Tensor?](repeating: nil, count: spec.constantInputs.count)
        var constantType: DType?
        var factorySpec = spec
        for (i, constant) in spec.constantInputs.enumerated() {
            guard let constant, constant.dtype.isHalfPrecision, let w = try widen(i, constant) else { continue }
            widened[i] = w
            factorySpec.constantInputs[i] = w
            if constantType == nil { constantType = constant.dtype }
        }
        self.wrapped = try factory(factorySpec)
        self.spec = spec
        self.widenedConstants = widened
        self.halfType = halfType ?? constantType
        self.keepWideOutputs = keepWideOutputs
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        var halfType = halfType
        var args = inputs
        for i in inputs.indices {
            if i < widenedConstants.count, let w = widenedConstants[i] {
                args[i] = .tensor(w)
            } else if case .tensor(let t)? = inputs[i], t.dtype.isHalfPrecision {
                if halfType == nil { halfType = t.dtype }
                args[i] = .tensor(try widenHalf(t, spec, context))
            }
        }
        // No half input this run (a float32 branch of a mixed-precision model): nothing to convert.
        guard let halfType else { return try wrapped.run(inputs, context) }
        let outputs = try wrapped.run(args, context)
        return try outputs.enumerated().map { i, value in
            guard case .tensor(let t) = value, t.dtype == .float32, !(i < keepWideOutputs.count && keepWideOutputs[i]) else { return value }
            return .tensor(try narrowHalf(t, to: halfType, spec, context))
        }
    }
}
