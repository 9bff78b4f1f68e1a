import MLCore

/// A BERT-base-shaped encoder as torch's exporter spells it at opset 17: word embeddings by Gather, plus
/// position and token-type embeddings, LayerNormalization; then `layers` post-norm blocks of multi-head
/// self-attention (MatMul + bias for Q, K, V; Reshape/Transpose to heads; MatMul, scale, additive mask
/// `(1 - mask) * -10000`, Softmax, MatMul; output projection, residual Add, LayerNormalization) and a GELU
/// feed-forward (`0.5·x·(1 + erf(x/√2))`, residual Add, LayerNormalization).
/// Inputs `input_ids` and `attention_mask`, int64 [N, sequence]; output `last_hidden_state` [N, sequence, hidden].
package struct BERTConfiguration: Sendable, Hashable {
    package var layers: Int
    package var hidden: Int
    package var heads: Int
    package var feedForward: Int
    package var vocabulary: Int
    package var sequence: Int

    /// BERT-base at sequence 128 (110M parameters, about 11 GMAC per sequence).
    package static let bertBase = BERTConfiguration(layers: 12, hidden: 768, heads: 12, feedForward: 3072, vocabulary: 30522, sequence: 128)
    /// A tiny configuration for tests.
    package static let tiny = BERTConfiguration(layers: 2, hidden: 32, heads: 4, feedForward: 64, vocabulary: 100, sequence: 16)

    package func build(seed: UInt64) -> ONNXModelWriter {
        precondition(hidden % heads == 0, "hidden \(hidden) is not a multiple of heads \(heads)")
        var g = ONNXGraphBuilder(graphName: "bert_encoder", seed: seed)
        let n = ONNXModelWriter.Dimension.param("N"), s = ONNXModelWriter.Dimension.value(Int64(sequence))
        g.input("input_ids", elementType: 7, [n, s])
        g.input("attention_mask", elementType: 7, [n, s])
        let headSize = hidden / heads

        func layerNorm(_ g: inout ONNXGraphBuilder, _ x: String) -> String {
            let gamma = g.uniform("ln_gamma", [hidden], bound: 0.1, center: 1)
            let beta = g.uniform("ln_beta", [hidden], bound: 0.05)
            return g.node("LayerNormalization", [x, gamma, beta], [("axis", .int(-1)), ("epsilon", .float(1e-12))])
        }
        func linear(_ g: inout ONNXGraphBuilder, _ x: String, _ inputs: Int, _ outputs: Int) -> String {
            let w = g.heWeight("w", [inputs, outputs], fanIn: inputs, scale: 0.5)
            let b = g.uniform("b", [outputs], bound: 0.05)
            return g.node("Add", [g.node("MatMul", [x, w]), b])
        }

        // Embeddings: position ids are 0..<sequence and token types all 0, so those tables are added whole.
        let words = g.uniform("word_embeddings", [vocabulary, hidden], bound: 0.05)
        var x = g.node("Gather", [words, "input_ids"], [("axis", .int(0))])
        x = g.node("Add", [x, g.uniform("position_embeddings", [sequence, hidden], bound: 0.05)])
        x = g.node("Add", [x, g.uniform("token_type_embedding", [hidden], bound: 0.05)])
        x = layerNorm(&g, x)

        // The additive mask [N, 1, 1, sequence]: 0 where attended, -10000 where masked.
        let one = g.constant("one", [], [1]), half = g.constant("half", [], [0.5])
        let maskFloat = g.node("Cast", ["attention_mask"], [("to", .int(1))])
        let inverted = g.node("Sub", [one, maskFloat])
        let additive = g.node("Mul", [inverted, g.constant("mask_value", [], [-10000])])
        let mask = g.node("Unsqueeze", [additive, g.int64s("mask_axes", [2], [1, 2])])
        let headShape = g.int64s("head_shape", [4], [0, 0, Int64(heads), Int64(headSize)])
        let mergedShape = g.int64s("merged_shape", [3], [0, 0, Int64(hidden)])
        let scale = g.constant("attention_scale", [], [1 / Float(headSize).squareRoot()])
        let sqrtHalf = g.constant("sqrt_half", [], [Float(0.5).squareRoot()])

        for _ in 0..<layers {
            func splitHeads(_ g: inout ONNXGraphBuilder, _ perm: [Int64]) -> String {
                let projected = linear(&g, x, hidden, hidden)
                return g.node("Transpose", [g.node("Reshape", [projected, headShape])], [("perm", .ints(perm))])
            }
            let q = splitHeads(&g, [0, 2, 1, 3]), k = splitHeads(&g, [0, 2, 3, 1]), v = splitHeads(&g, [0, 2, 1, 3])
            var scores = g.node("Mul", [g.node("MatMul", [q, k]), scale])
            scores = g.node("Add", [scores, mask])
            let probabilities = g.node("Softmax", [scores], [("axis", .int(-1))])
            var context = g.node("MatMul", [probabilities, v])
            context = g.node("Reshape", [g.node("Transpose", [context], [("perm", .ints([0, 2, 1, 3]))]), mergedShape])
            x = layerNorm(&g, g.node("Add", [linear(&g, context, hidden, hidden), x]))

            let up = linear(&g, x, hidden, feedForward)
            let erf = g.node("Erf", [g.node("Mul", [up, sqrtHalf])])
            let gelu = g.node("Mul", [g.node("Mul", [up, half]), g.node("Add", [erf, one])])
            x = layerNorm(&g, g.node("Add", [linear(&g, gelu, feedForward, hidden), x]))
        }
        g.output(x, as: "last_hidden_state", [n, s, .value(Int64(hidden))])
        return g.writer
    }
}
