import MLCoreTensor

/// Runs a float32 operator on float16 / bfloat16 values, as onnxruntime's CPU provider does for most
/// operators (it inserts Cast nodes around those without half-precision kernels): half tensor inputs are
/// widened to float32, the wrapped operator runs, and its float32 outputs are narrowed back to the half type
/// when any input was half (rounded to nearest even). Other inputs and outputs pass through unchanged.
///
/// Built by the ``Planner`` only for models that hold half-precision values (see
/// ``ONNXModel/holdsHalfPrecision``), around every operator not in ``Planner/handlesHalfPrecision``.
/// Constant half inputs (initializers, folded constants) are widened once at load: the wrapped operator's
/// factory saw the widened values, and ``widenedConstants`` hands the same values to every run.
struct HalfPrecisionAdapter: Operator {
    let wrapped: any Operator
    let spec: NodeSpec
    /// float32 copies of the node's constant half inputs, by input index (nil: not a constant half input).
    let widenedConstants: [Tensor?]
    /// The half type of the first constant half input: the outputs' type even when every run-time input is
    /// float32 (e.g. Mul(x: float16 input, w: float16 initializer) always has one half input).
    let constantHalfType: DType?

    /// Wraps the operator `factory` builds, handing it `spec` with constant half inputs widened.
    /// - Parameters:
    ///   - widen: the float32 copy of a constant half input, by input index (the planner caches these per
    ///     value so a weight shared by many nodes is widened once); nil keeps the input as it is.
    init(_ spec: NodeSpec, factory: OperatorRegistry.Factory, widen: (Int, Tensor) throws -> Tensor?) throws {
        var widened = [Tensor?](repeating: nil, count: spec.constantInputs.count)
        var halfType: DType?
        var factorySpec = spec
        for (i, constant) in spec.constantInputs.enumerated() {
            guard let constant, constant.dtype.isHalfPrecision, let w = try widen(i, constant) else { continue }
            widened[i] = w
            factorySpec.constantInputs[i] = w
            if halfType == nil { halfType = constant.dtype }
        }
        self.wrapped = try factory(factorySpec)
        self.spec = spec
        self.widenedConstants = widened
        self.constantHalfType = halfType
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        var halfType = constantHalfType
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
        return try outputs.map { value in
            guard case .tensor(let t) = value, t.dtype == .float32 else { return value }
            return .tensor(try narrowHalf(t, to: halfType, spec, context))
        }
    }
}
