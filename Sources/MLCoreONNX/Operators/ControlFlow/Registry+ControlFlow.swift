extension OperatorRegistry {
    /// Registration lines of the ControlFlow family (If, Loop, Scan), one per operator (and per semantic version).
    /// Later versions of each only widen the value types, which the subgraph machinery handles alike.
    static func registerControlFlowOperators(_ r: inout OperatorRegistry) {
        r.add("", "If", since: 1) { try If($0) }
        r.add("", "Loop", since: 1) { try Loop($0) }
        r.add("", "Scan", since: 9) { try Scan($0) }
    }
}
