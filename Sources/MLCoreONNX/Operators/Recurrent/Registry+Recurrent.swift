extension OperatorRegistry {
    /// Registration lines of the Recurrent family (LSTM, GRU, RNN), one per operator (and per semantic version).
    static func registerRecurrentOperators(_ r: inout OperatorRegistry) {
        _ = r
    }
}
