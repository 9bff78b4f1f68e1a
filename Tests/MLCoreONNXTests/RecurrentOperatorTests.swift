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
}
