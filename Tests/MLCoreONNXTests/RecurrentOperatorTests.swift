import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// LSTM, GRU and RNN: the checks a model or input can fail, and properties across paths. The numbers themselves
/// are checked against onnxruntime by the `recurrent-*` parity fixtures (scripts/fixtures/make_recurrent_fixtures.py).
@Suite struct RecurrentOperatorTests {
    static let gates = ["LSTM": 4, "GRU": 3, "RNN": 1]

    /// X `[seq, batch, input]`, W, R for `op` with one direction, from the NN tests' deterministic pattern.
    static func inputs(_ op: String, seq: Int = 4, batch: Int = 2, input: Int = 3, hidden: Int = 3,
                       dtype: DType = .float32) -> [Tensor?] {
        let g = gates[op]!
        return [NNOperatorTests.pattern([seq, batch, input], dtype: dtype),
                NNOperatorTests.weights([1, g * hidden, input], dtype: dtype),
                NNOperatorTests.pattern([1, g * hidden, hidden], 3, 2, 11, 16, 0.3, dtype: dtype)]
    }

    static func expectError(_ label: String, naming node: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(label): no error")
        } catch {
            #expect("\(error)".contains(node), "\(label): error does not name node \(node): \(error)")
        }
    }

    @Test("bad shapes and attributes throw errors naming the node", arguments: ["LSTM", "GRU", "RNN"])
    func badModelsThrow(_ op: String) throws {
        let node = "\(op.lowercased())0"
        let hidden: [String: ONNXAttribute] = ["hidden_size": .int(3)]
        var wrongW = Self.inputs(op)
        wrongW[1] = NNOperatorTests.weights([1, 2, 3])
        Self.expectError("\(op) W shape", naming: node) { _ = try NNOperatorTests.run(op, wrongW, hidden) }
        Self.expectError("\(op) hidden_size vs R", naming: node) {
            _ = try NNOperatorTests.run(op, Self.inputs(op), ["hidden_size": .int(4)])
        }
        Self.expectError("\(op) direction", naming: node) {
            _ = try NNOperatorTests.run(op, Self.inputs(op), ["hidden_size": .int(3), "direction": .string("sideways")])
        }
        Self.expectError("\(op) activation", naming: node) {
            let count = ["LSTM": 3, "GRU": 2, "RNN": 1][op]!
            _ = try NNOperatorTests.run(op, Self.inputs(op),
                                        ["hidden_size": .int(3), "activations": .strings(Array(repeating: "Swish", count: count))])
        }
        Self.expectError("\(op) layout", naming: node) {
            _ = try NNOperatorTests.run(op, Self.inputs(op), ["hidden_size": .int(3), "layout": .int(2)])
        }
        var longLength = Self.inputs(op)
        longLength += [nil, try Tensor(shape: [2], scalars: [Int32(5), 1])]
        Self.expectError("\(op) sequence_lens > seq_length", naming: node) { _ = try NNOperatorTests.run(op, longLength, hidden) }
        var badInitial = Self.inputs(op)
        badInitial += [nil, nil, NNOperatorTests.pattern([1, 3, 3])]
        Self.expectError("\(op) initial_h shape", naming: node) { _ = try NNOperatorTests.run(op, badInitial, hidden) }
        var ints = Self.inputs(op)
        ints[0] = try Tensor(shape: [4, 2, 3], scalars: [Int64](repeating: 1, count: 24))
        Self.expectError("\(op) int64 X", naming: node) { _ = try NNOperatorTests.run(op, ints, hidden) }
        if op != "RNN" {
            Self.expectError("\(op) clip <= 0", naming: node) {
                _ = try NNOperatorTests.run(op, Self.inputs(op), ["hidden_size": .int(3), "clip": .float(0)])
            }
        }
    }

    @Test("float64 agrees with float32, hidden_size comes from R when absent, threads do not change results",
          arguments: ["LSTM", "GRU", "RNN"])
    func pathsAgree(_ op: String) throws {
        let attrs: [String: ONNXAttribute] = ["hidden_size": .int(3), "direction": .string("bidirectional")]
        func bidirectional(_ dtype: DType) -> [Tensor?] {
            let g = Self.gates[op]!
            return [NNOperatorTests.pattern([4, 2, 3], dtype: dtype), NNOperatorTests.weights([2, g * 3, 3], dtype: dtype),
                    NNOperatorTests.pattern([2, g * 3, 3], 3, 2, 11, 16, 0.3, dtype: dtype)]
        }
        let outputs = op == "LSTM" ? 3 : 2
        let f32 = try NNOperatorTests.run(op, bidirectional(.float32), attrs, outputs: outputs, constants: [1, 2])
        let f64 = try NNOperatorTests.run(op, bidirectional(.float64), attrs, outputs: outputs, constants: [1, 2])
        var inferred = attrs
        inferred["hidden_size"] = nil
        let noHidden = try NNOperatorTests.run(op, bidirectional(.float32), inferred, outputs: outputs)
        let threaded = try NNOperatorTests.run(op, bidirectional(.float32), attrs, outputs: outputs, options: .init(threads: 2))
        for i in 0..<outputs {
            let a = try f32[i].scalars(as: Float.self), b = try f64[i].scalars(as: Double.self)
            let worst = zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst <= 1e-5, "\(op) output \(i): float32 vs float64 differ by \(worst)")
            #expect(try noHidden[i].scalars(as: Float.self) == a, "\(op) output \(i): inferred hidden_size")
            #expect(try threaded[i].scalars(as: Float.self) == a, "\(op) output \(i): 2 threads")
        }
    }

    /// The float32 standard LSTM cell runs in one fused C loop per direction (LSTM+Fused.swift); float64 runs the
    /// general per-step loop (checked against onnxruntime by the parity fixtures). They must agree on shapes that
    /// reach every branch of the fused kernel: batch blocks of 4 plus 1-3 left over, gate widths with and
    /// without a tail past the 32-column blocks, rows that finish early (sequence_lens, including 0), both layouts,
    /// and initial states.
    @Test("fused float32 LSTM agrees with the general loop", arguments: [(1, 16), (5, 13), (9, 40), (4, 3)])
    func fusedLSTMAgrees(_ batch: Int, _ hidden: Int) throws {
        let seq = 6, input = 5
        for layout in [0, 1] {
            for withLengths in [false, true] {
                func inputs(_ dtype: DType) throws -> [Tensor?] {
                    let xShape: Shape = layout == 1 ? [batch, seq, input] : [seq, batch, input]
                    let stateShape: Shape = layout == 1 ? [batch, 2, hidden] : [2, batch, hidden]
                    var t: [Tensor?] = [NNOperatorTests.pattern(xShape, dtype: dtype),
                                        NNOperatorTests.pattern([2, 4 * hidden, input], 5, 1, 13, 8, 0.75, dtype: dtype),
                                        NNOperatorTests.pattern([2, 4 * hidden, hidden], 3, 2, 11, 16, 0.3, dtype: dtype),
                                        NNOperatorTests.pattern([2, 8 * hidden], 3, 1, 5, 8, 0.25, dtype: dtype)]
                    let lengths = (0..<batch).map { Int32(withLengths ? ($0 * 5 + 2) % (seq + 1) : seq) }
                    t.append(try Tensor(shape: [batch], scalars: lengths))
                    t.append(NNOperatorTests.pattern(stateShape, 5, 2, 9, 9, 0.5, dtype: dtype))
                    t.append(NNOperatorTests.pattern(stateShape, 7, 1, 11, 10, 0.5, dtype: dtype))
                    return t
                }
                let attrs: [String: ONNXAttribute] = ["hidden_size": .int(Int64(hidden)), "direction": .string("bidirectional"),
                                                      "layout": .int(Int64(layout))]
                let label = "batch \(batch) hidden \(hidden) layout \(layout) lengths \(withLengths)"
                let fused = try NNOperatorTests.run("LSTM", try inputs(.float32), attrs, outputs: 3, constants: [1, 2, 3])
                let general = try NNOperatorTests.run("LSTM", try inputs(.float64), attrs, outputs: 3, constants: [1, 2, 3])
                for i in 0..<3 {
                    let a = try fused[i].scalars(as: Float.self), b = try general[i].scalars(as: Double.self)
                    #expect(a.count == b.count, "\(label) output \(i): sizes")
                    let worst = zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
                    #expect(worst <= 1e-5, "\(label) output \(i): fused float32 vs float64 differ by \(worst)")
                }
            }
        }
    }
}
