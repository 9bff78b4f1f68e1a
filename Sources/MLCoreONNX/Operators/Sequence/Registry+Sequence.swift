extension OperatorRegistry {
    /// Registration lines of the Sequence family (Sequence* operators, SplitToSequence, ConcatFromSequence,
    /// Optional*), one per operator (and per semantic version).
    static func registerSequenceOperators(_ r: inout OperatorRegistry) {
        let onnx = ""
        // SequenceOps.swift
        r.add(onnx, "SequenceConstruct", since: 11) { try SequenceConstruct($0) }
        r.add(onnx, "SequenceEmpty", since: 11) { try SequenceEmpty($0) }
        r.add(onnx, "SequenceAt", since: 11) { try SequenceAt($0) }
        r.add(onnx, "SequenceInsert", since: 11) { try SequenceInsert($0) }
        r.add(onnx, "SequenceErase", since: 11) { try SequenceErase($0) }
        r.add(onnx, "SequenceLength", since: 11) { try SequenceLength($0) }
        // SplitToSequence.swift
        r.add(onnx, "SplitToSequence", since: 11) { try SplitToSequence($0) }
        r.add(onnx, "SplitToSequence", since: 24) { try SplitToSequence($0) }  // more element types
        r.add(onnx, "ConcatFromSequence", since: 11) { try ConcatFromSequence($0) }
        // Optional.swift
        r.add(onnx, "Optional", since: 15) { try OptionalConstruct($0) }
        r.add(onnx, "Optional", since: 28) { try OptionalConstruct($0) }            // more element types
        r.add(onnx, "OptionalHasElement", since: 15) { try OptionalHasElement($0) }
        r.add(onnx, "OptionalHasElement", since: 18) { try OptionalHasElement($0) }  // optional input; tensors, sequences
        r.add(onnx, "OptionalHasElement", since: 28) { try OptionalHasElement($0) }  // more element types
        r.add(onnx, "OptionalGetElement", since: 15) { try OptionalGetElement($0) }
        r.add(onnx, "OptionalGetElement", since: 18) { try OptionalGetElement($0) }  // tensors, sequences pass through
        r.add(onnx, "OptionalGetElement", since: 28) { try OptionalGetElement($0) }  // more element types
    }
}
