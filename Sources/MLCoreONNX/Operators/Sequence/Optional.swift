import MLCoreTensor

/// Optional: wraps its input (a tensor or a sequence) in an optional; without an input, an empty optional of the
/// `type` attribute, which is then required.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Optional.html
struct OptionalConstruct: Operator {
    let spec: NodeSpec

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let hasInput = spec.node.inputs.contains { !$0.isEmpty }
        switch spec.node.attributes["type"] {
        case .type(.tensor)?, .type(.sequence)?: break
        case .type(let t)?: throw spec.error("attribute 'type' must be a tensor or sequence type, got \(t.summary)")
        case nil: if !hasInput { throw spec.error("without an input, the attribute 'type' is required") }
        default: throw spec.error("attribute 'type' must be a type")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        switch inputs.first ?? nil {
        case nil: return [.optional(nil)]
        case let value? where value.isTensorOrSequence: return [.optional(value)]
        case _?: throw spec.error("input 0 must be a tensor or a sequence of tensors")
        }
    }
}

/// OptionalHasElement: whether the optional input holds a value, as a bool scalar. From opset 18 the input may
/// be omitted (false) or be a tensor or sequence (true).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__OptionalHasElement.html
struct OptionalHasElement: Operator {
    let spec: NodeSpec

    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let has: Bool
        switch inputs.first ?? nil {
        case .optional(let v)?: has = v != nil
        case nil where spec.opset >= 18: has = false
        case let value? where spec.opset >= 18 && value.isTensorOrSequence: has = true
        case nil: throw spec.error("input 0 is missing (opset \(spec.opset) requires it; opset 18 allows omitting it)")
        case _?: throw spec.error("input 0 must be an optional\(spec.opset >= 18 ? ", a tensor or a sequence" : " (opset 18 also takes tensors and sequences)")")
        }
        return [.tensor(Tensor(scalar: has))]
    }
}

/// OptionalGetElement: the value an optional input holds (an empty optional is an error). From opset 18 a tensor
/// or sequence input passes through.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__OptionalGetElement.html
struct OptionalGetElement: Operator {
    let spec: NodeSpec

    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        switch inputs.first ?? nil {
        case .optional(let v?)?: return [v]
        case .optional(nil)?: throw spec.error("the optional input is empty")
        case let value? where spec.opset >= 18 && value.isTensorOrSequence: return [value]
        case nil: throw spec.error("input 0 is missing")
        case _?: throw spec.error("input 0 must be an optional\(spec.opset >= 18 ? ", a tensor or a sequence" : " (opset 18 also takes tensors and sequences)")")
        }
    }
}

extension Value {
    /// A tensor or a sequence of tensors: what an optional may hold.
    var isTensorOrSequence: Bool {
        switch self {
        case .tensor, .sequence: return true
        default: return false
        }
    }
}
