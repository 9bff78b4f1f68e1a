import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// Focused cases for the Math family and the SVM / vectorizer operators of ai.onnx.ml. The wide coverage is
/// the `mathml-*` parity fixtures (scripts/fixtures/make_mathml_fixtures.py, onnxruntime's outputs) and the
/// ONNX node tests; these cover what those cannot: map inputs, the RBF kernel's GEMM form against its
/// reference loop, and inputs that would be undefined behaviour in onnxruntime.
@Suite struct MathMLOperatorTests {
    static let context = RunContext(threads: 1, maxTensorBytes: 1 << 30)

    /// One operator built from a node at `opset`, run on `inputs` directly (maps cannot be fed to a session).
    static func run(_ op: String, domain: String = "", opset: Int64, _ inputs: [Value?],
                    _ attributes: [String: ONNXAttribute] = [:]) throws -> [Value] {
        let node = ONNXNode(name: "\(op.lowercased())0", opType: op, domain: domain,
                            inputs: inputs.indices.map { "x\($0)" }, outputs: ["y0", "y1"], attributes: attributes)
        let spec = NodeSpec(node: node, opset: opset, constantInputs: [], options: .init(threads: 1))
        guard let entry = OperatorRegistry.standard.resolve(domain: domain, opType: op, opset: opset) else {
            throw ONNXError.unsupportedModel(operators: [UnsupportedOperator(domain: domain, opType: op, opset: opset, nodes: [node.name])],
                                             elementTypes: [])
        }
        return try entry.factory(spec).run(inputs, context)
    }

    static func floats(_ v: Value) throws -> [Float] { try #require(v.tensor).scalars(as: Float.self) }

    // MARK: - DictVectorizer

    @Test func dictVectorizerPipelineMatchesOnnxruntime() throws {
        // skl2onnx's DictVectorizer -> LinearRegressor for make_pipeline(DictVectorizer(sparse=False),
        // LinearRegression()) fitted in make_mathml_fixtures.py (coefficients printed there). onnxruntime 1.32
        // on {"c": 2, "a": -1.5, "zz": 9} gives [[5.5]] (pasted from the script's output).
        let keys = try Tensor(shape: [3], strings: ["c", "a", "zz"])
        let values = try Tensor(shape: [3], scalars: [Float(2), -1.5, 9])
        let row = try Self.run("DictVectorizer", domain: "ai.onnx.ml", opset: 1, [.map(keys: keys, values: values)],
                               ["string_vocabulary": .strings(["a", "b", "c"])])[0]
        #expect(try Self.floats(row) == [-1.5, 0, 2], "vectorized row, vocabulary [a, b, c]")
        #expect(row.tensor?.shape == [1, 3])
        let y = try Self.run("LinearRegressor", domain: "ai.onnx.ml", opset: 1, [row],
                             ["coefficients": .floats([-1.4444444444444442, -1.4999999999999998, -1.055555555555556]),
                              "intercepts": .floats([5.444444444444445])])[0]
        let got = try Self.floats(y)
        #expect(got.count == 1 && abs(got[0] - 5.5) <= 1e-5, "pipeline output \(got), onnxruntime 5.5")
    }

    @Test func dictVectorizerIntKeysKeepValueTypeAndRepeatVocabularyWords() throws {
        let keys = try Tensor(shape: [3], scalars: [Int64(7), -1, 3])
        let doubles = try Tensor(shape: [3], scalars: [0.25, 8.5, -3.0])
        let vocabulary: [String: ONNXAttribute] = ["int64_vocabulary": .ints([3, 4, 7, 3])]
        let d = try Self.run("DictVectorizer", domain: "ai.onnx.ml", opset: 1, [.map(keys: keys, values: doubles)], vocabulary)[0]
        #expect(try #require(d.tensor).scalars(as: Double.self) == [-3, 0, 0.25, -3], "double values, vocabulary [3, 4, 7, 3]")
        let strings = try Tensor(shape: [3], strings: ["seven", "minus one", "three"])
        let s = try Self.run("DictVectorizer", domain: "ai.onnx.ml", opset: 1, [.map(keys: keys, values: strings)], vocabulary)[0]
        #expect(try #require(s.tensor).strings() == ["three", "", "seven", "three"], "string values: absent words are empty")
        #expect(throws: ONNXError.self, "string keys against an int64 vocabulary") {
            try Self.run("DictVectorizer", domain: "ai.onnx.ml", opset: 1,
                         [.map(keys: Tensor(shape: [1], strings: ["a"]), values: Tensor(shape: [1], scalars: [Float(1)]))], vocabulary)
        }
    }

    // MARK: - SVM kernels

    /// The RBF kernel on GEMM (`|x|^2 + |s|^2 - 2 x.s`) against onnxruntime's loop over differences.
    @Test(arguments: [(1, 1, 1), (5, 7, 3), (17, 33, 10), (64, 40, 31)])
    func rbfKernelOnGEMMMatchesTheDifferenceLoop(_ shape: (n: Int, v: Int, f: Int)) throws {
        let seed = UInt64(shape.n * 1000 + shape.v * 10 + shape.f)
        let x = randomFloats(shape.n * shape.f, seed: seed, in: -2...2), s = randomFloats(shape.v * shape.f, seed: seed + 1, in: -2...2)
        let gamma: Float = 0.3
        let node = ONNXNode(name: "svm0", opType: "SVMRegressor", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["y"],
                            attributes: ["kernel_type": .string("RBF"), "kernel_params": .floats([gamma, 0, 3])])
        let spec = NodeSpec(node: node, opset: 1, constantInputs: [], options: .init(threads: 1))
        let k = try SVMKernel(spec).matrix(try Tensor(shape: [shape.n, shape.f], scalars: x),
                                           try Tensor(shape: [shape.v, shape.f], scalars: s), bias: 0, spec, Self.context)
        let got = try k.scalars(as: Float.self)
        var worst: Float = 0
        for i in 0..<shape.n {
            for j in 0..<shape.v {
                var d: Float = 0
                for t in 0..<shape.f { let e = x[i * shape.f + t] - s[j * shape.f + t]; d += e * e }
                worst = max(worst, abs(got[i * shape.v + j] - Foundation.exp(-gamma * d)))
            }
        }
        // Cancellation in the expanded form: a few float ulps of |x|^2 + |s|^2, times gamma.
        #expect(worst <= 1e-5 * Float(shape.f), "n \(shape.n) v \(shape.v) f \(shape.f): max |diff| \(worst)")
    }

    @Test func multiclassProbabilityOfConsistentPairsRecoversTheClassProbabilities() {
        // Pairwise r[i][j] = p_i / (p_i + p_j) of p = [0.5, 0.3, 0.2] is consistent: the coupling returns p.
        let p: [Float] = [0.5, 0.3, 0.2]
        var r = [Float](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 where i != j { r[i * 3 + j] = p[i] / (p[i] + p[j]) } }
        let got = SVMClassifier.multiclassProbability(3, r)
        #expect(zip(got, p).allSatisfy { abs($0 - $1) <= 5e-3 }, "got \(got), expected \(p)")
    }

    // MARK: - Math edge cases

    @Test func modOfZeroDivisorAndMinByMinusOneIsZeroNotATrap() throws {
        let a = try Tensor(shape: [3], scalars: [Int32.min, 7, -7]), b = try Tensor(shape: [3], scalars: [Int32(-1), 0, 0])
        for fmod: Int64 in [0, 1] {
            let y = try Self.run("Mod", opset: 13, [.tensor(a), .tensor(b)], ["fmod": .int(fmod)])[0]
            #expect(try #require(y.tensor).scalars(as: Int32.self) == [0, 0, 0], "fmod \(fmod)")
        }
    }

    @Test func floatModWithFmodZeroNeedsOpset28() throws {
        let a = try Tensor(shape: [2], scalars: [Float(-3), 3]), b = try Tensor(shape: [2], scalars: [Float(2), -2])
        #expect(throws: ONNXError.self, "opset 13 rejects float fmod 0, as onnxruntime does") {
            try Self.run("Mod", opset: 13, [.tensor(a), .tensor(b)])
        }
        let y = try Self.run("Mod", opset: 28, [.tensor(a), .tensor(b)])[0]
        #expect(try Self.floats(y) == [1, -1], "Python's -3 % 2 and 3 % -2")
    }

    @Test func derivedReductionsWithNoopAndEmptyAxesReturnTheInput() throws {
        let x = try Tensor(shape: [2, 2], scalars: [Float(-1), 2, -3, 4])
        for op in ["ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceProd", "ReduceLogSumExp"] {
            let y = try Self.run(op, opset: 18, [.tensor(x), .tensor(try Tensor(shape: [0], scalars: [Int64]()))],
                                 ["noop_with_empty_axes": .int(1)])[0]
            #expect(try Self.floats(y) == [-1, 2, -3, 4], "\(op) with noop_with_empty_axes")
        }
    }

    @Test func bitShiftOutOfRangeAmountsFollowOpset28() throws {
        let x = try Tensor(shape: [4], scalars: [Int64(-8), 8, -8, 8]), y = try Tensor(shape: [4], scalars: [Int64(64), 64, -1, 70])
        let right = try Self.run("BitShift", opset: 28, [.tensor(x), .tensor(y)], ["direction": .string("RIGHT")])[0]
        #expect(try #require(right.tensor).scalars(as: Int64.self) == [-1, 0, -1, 0])
        let left = try Self.run("BitShift", opset: 28, [.tensor(x), .tensor(y)], ["direction": .string("LEFT")])[0]
        #expect(try #require(left.tensor).scalars(as: Int64.self) == [0, 0, 0, 0])
        #expect(throws: ONNXError.self, "signed inputs need opset 28") {
            try Self.run("BitShift", opset: 11, [.tensor(x), .tensor(y)], ["direction": .string("LEFT")])
        }
    }
}
