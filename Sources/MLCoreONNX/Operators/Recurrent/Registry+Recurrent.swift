extension OperatorRegistry {
    /// Registration lines of the Recurrent family (LSTM, GRU, RNN), one per operator (and per semantic version).
    static func registerRecurrentOperators(_ r: inout OperatorRegistry) {
        let onnx = ""
        // LSTM.swift
        r.add(onnx, "LSTM", since: 1) { try LSTM($0) }
        r.add(onnx, "LSTM", since: 7) { try LSTM($0) }      // output_sequence attribute dropped
        r.add(onnx, "LSTM", since: 14) { try LSTM($0) }     // layout
        // GRU.swift
        r.add(onnx, "GRU", since: 1) { try GRU($0) }
        r.add(onnx, "GRU", since: 3) { try GRU($0) }        // linear_before_reset
        r.add(onnx, "GRU", since: 7) { try GRU($0) }        // output_sequence attribute dropped
        r.add(onnx, "GRU", since: 14) { try GRU($0) }       // layout
        // RNN.swift
        r.add(onnx, "RNN", since: 1) { try RNN($0) }
        r.add(onnx, "RNN", since: 7) { try RNN($0) }        // output_sequence attribute dropped
        r.add(onnx, "RNN", since: 14) { try RNN($0) }       // layout
    }
}
