import MLCoreTensor

/// If: runs `then_branch` or `else_branch` on the values of the outer scope, by a one-element condition.
///
/// Both branches are planned once at load; the chosen one runs with the node's captured values.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__If.html
struct If: Operator {
    let spec: NodeSpec
    let thenBranch: Subgraph
    let elseBranch: Subgraph

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        thenBranch = try Subgraph(spec, attribute: "then_branch")
        elseBranch = try Subgraph(spec, attribute: "else_branch")
        guard thenBranch.inputCount == 0, elseBranch.inputCount == 0 else {
            throw spec.error("If branches take no inputs")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let condition = try spec.declared(inputs).tensor(0, spec)
        let branch = try spec.condition(condition, "cond") ? thenBranch : elseBranch
        return try branch.run([], captured: spec.captured(inputs), context, spec)
    }
}

extension NodeSpec {
    /// The truth of a one-element condition tensor (bool, or a number that is non-zero).
    func condition(_ t: Tensor, _ what: String) throws -> Bool {
        guard t.count == 1 else { throw error("\(what) must hold one element, got shape \(t.shape)") }
        if t.dtype == .bool { return try t.scalars(as: Bool.self)[0] }
        if let v = t.widenedIntegers() { return v[0] != 0 }
        if let v = t.widenedFloats() { return v[0] != 0 }
        throw error("\(what) must be bool, got \(t.dtype)")
    }

    /// Tensors of one shape and type stacked along a new axis `axis` (`[n] + shape` for axis 0).
    func stack(_ parts: [Tensor], axis: Int, _ context: RunContext, what: String) throws -> Tensor {
        guard let first = parts.first else { throw error("\(what): nothing to stack") }
        let unsqueezed = try parts.enumerated().map { i, t -> Tensor in
            guard t.shape == first.shape, t.dtype == first.dtype else {
                throw shapeError("\(what): iteration \(i) gives \(t.dtype)\(t.shape), iteration 0 gave \(first.dtype)\(first.shape)")
            }
            var dims = t.shape.dims
            dims.insert(1, at: axis)
            return try t.viewed(as: Shape(dims), self)
        }
        if unsqueezed.count == 1 { return unsqueezed[0] }
        return try Concat.concatenate(unsqueezed, axis: Int64(axis), self, context)
    }
}
