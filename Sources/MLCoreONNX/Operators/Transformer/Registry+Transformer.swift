extension OperatorRegistry {
    /// Registration lines of the Transformer family (Einsum, Attention, RMSNormalization, RotaryEmbedding, gathers and scatters, Trilu, CumSum, NonZero, OneHot), one per operator (and per semantic version).
    static func registerTransformerOperators(_ r: inout OperatorRegistry) {
        let onnx = ""

        // Einsum.swift
        r.add(onnx, "Einsum", since: 12) { try Einsum($0) }
        r.add(onnx, "Einsum", since: 28) { try Einsum($0) }                         // more element types

        // GatherElements+ScatterElements.swift
        r.add(onnx, "GatherElements", since: 11) { try GatherElements($0) }
        r.add(onnx, "GatherElements", since: 13) { try GatherElements($0) }         // bfloat16
        r.add(onnx, "ScatterElements", since: 11) { try ScatterElements($0) }
        r.add(onnx, "ScatterElements", since: 13) { try ScatterElements($0) }       // bfloat16
        r.add(onnx, "ScatterElements", since: 16) { try ScatterElements($0) }       // reduction add, mul
        r.add(onnx, "ScatterElements", since: 18) { try ScatterElements($0) }       // reduction max, min
        r.add(onnx, "Scatter", since: 9) { try ScatterElements($0) }
        r.add(onnx, "Scatter", since: 11) { try ScatterElements($0) }               // negative indices

        // GatherND+ScatterND.swift
        r.add(onnx, "GatherND", since: 11) { try GatherND($0) }
        r.add(onnx, "GatherND", since: 12) { try GatherND($0) }                     // batch_dims
        r.add(onnx, "GatherND", since: 13) { try GatherND($0) }                     // bfloat16
        r.add(onnx, "ScatterND", since: 11) { try ScatterND($0) }
        r.add(onnx, "ScatterND", since: 13) { try ScatterND($0) }                   // bfloat16
        r.add(onnx, "ScatterND", since: 16) { try ScatterND($0) }                   // reduction add, mul
        r.add(onnx, "ScatterND", since: 18) { try ScatterND($0) }                   // reduction max, min

        // Trilu+CumSum.swift
        r.add(onnx, "Trilu", since: 14) { try Trilu($0) }
        r.add(onnx, "CumSum", since: 11) { try CumSum($0) }
        r.add(onnx, "CumSum", since: 14) { try CumSum($0) }                         // float16, bfloat16

        // NonZero+OneHot.swift
        r.add(onnx, "NonZero", since: 9) { try NonZeroOp($0) }
        r.add(onnx, "NonZero", since: 13) { try NonZeroOp($0) }                       // bfloat16
        r.add(onnx, "OneHot", since: 9) { try OneHot($0) }
        r.add(onnx, "OneHot", since: 11) { try OneHot($0) }                         // negative indices and axis
        r.add(onnx, "OneHot", since: 28) { try OneHot($0) }                         // more index types

        // Attention.swift
        r.add(onnx, "Attention", since: 23) { try Attention($0) }
        r.add(onnx, "Attention", since: 24) { try Attention($0) }                   // nonpad_kv_seqlen
        r.add(onnx, "Attention", since: 25) { try Attention($0) }                   // left/right_window_size

        // RMSNormalization+RotaryEmbedding.swift
        r.add(onnx, "RMSNormalization", since: 23) { try RMSNormalization($0) }
        r.add(onnx, "RotaryEmbedding", since: 23) { try RotaryEmbedding($0) }
    }
}
