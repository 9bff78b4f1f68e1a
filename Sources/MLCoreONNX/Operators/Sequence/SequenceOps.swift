import MLCoreTensor

// Tensors are copy-on-write values, so building, reading and editing sequences shares element buffers instead of
// copying them (onnxruntime copies every element); a later in-place write to a shared buffer copies it first.

/// SequenceConstruct: a sequence of its inputs (at least one), which must share their element type.
/// - Complexity: O(inputs).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__SequenceConstruct.html
struct SequenceConstruct: Operator {
    let spec: NodeSpec

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        if spec.node.inputs.isEmpty { throw spec.error("SequenceConstruct needs at least one input") }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let tensors = try inputs.indices.map { try inputs.tensor($0, spec) }
        guard let first = tensors.first else { throw spec.error("SequenceConstruct needs at least one input") }
        for (i, t) in tensors.enumerated() where t.dtype != first.dtype {
            throw spec.error("input \(i) has type \(t.dtype), input 0 has \(first.dtype): a sequence holds one element type")
        }
        return [.sequence(TensorSequence(elementType: first.dtype, tensors: tensors))]
    }
}

/// SequenceEmpty: an empty sequence of the element type `dtype` (default float).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__SequenceEmpty.html
struct SequenceEmpty: Operator {
    let elementType: DType

    init(_ spec: NodeSpec) throws {
        elementType = try spec.elementType(onnxCode: try spec.int("dtype", default: 1), "dtype")
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        [.sequence(TensorSequence(elementType: elementType, tensors: []))]
    }
}

/// SequenceAt: the tensor at `position` (negative counts from the end; out of range is an error).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__SequenceAt.html
struct SequenceAt: Operator {
    let spec: NodeSpec

    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let s = try inputs.sequence(0, spec)
        let p = try spec.sequencePosition(try inputs.tensor(1, spec), count: s.tensors.count, allowEnd: false)
        return [.tensor(s.tensors[p])]
    }
}

/// SequenceInsert: the sequence with `tensor` inserted before `position` (in `-n...n`; default: appended).
/// The tensor's element type must be the sequence's.
/// - Complexity: O(sequence length).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__SequenceInsert.html
struct SequenceInsert: Operator {
    let spec: NodeSpec

    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        var s = try inputs.sequence(0, spec)
        let t = try inputs.tensor(1, spec)
        guard t.dtype == s.elementType else {
            throw spec.error("the tensor has type \(t.dtype), the sequence holds \(s.elementType)")
        }
        let p = try inputs.optionalTensor(2, spec).map {
            try spec.sequencePosition($0, count: s.tensors.count, allowEnd: true)
        } ?? s.tensors.count
        try context.checkSequenceLength(s.tensors.count + 1, spec)
        s.tensors.insert(t, at: p)
        return [.sequence(s)]
    }
}

/// SequenceErase: the sequence without the tensor at `position` (in `-n..<n`; default: the last one).
/// Erasing from an empty sequence is an error.
/// - Complexity: O(sequence length).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__SequenceErase.html
struct SequenceErase: Operator {
    let spec: NodeSpec

    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        var s = try inputs.sequence(0, spec)
        guard !s.tensors.isEmpty else { throw spec.error("cannot erase from an empty sequence") }
        let p = try inputs.optionalTensor(1, spec).map {
            try spec.sequencePosition($0, count: s.tensors.count, allowEnd: false)
        } ?? s.tensors.count - 1
        s.tensors.remove(at: p)
        return [.sequence(s)]
    }
}

/// SequenceLength: the number of tensors in the sequence, as an int64 scalar.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__SequenceLength.html
struct SequenceLength: Operator {
    let spec: NodeSpec

    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        [.tensor(Tensor(scalar: Int64(try inputs.sequence(0, spec).tensors.count)))]
    }
}
