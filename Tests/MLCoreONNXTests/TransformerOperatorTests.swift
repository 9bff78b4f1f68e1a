import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// Transformer-family operators on single-node models: errors that name the node, Einsum's GEMM paths against a
/// brute-force Einsum written here (every label assignment enumerated), results independent of the thread count,
/// and the scatter reductions' NaN rule measured on onnxruntime 1.32. Value parity with onnxruntime is in
/// ParityTests (Fixtures/parity/transformer-*, scripts/fixtures/make_transformer_fixtures.py).
@Suite struct TransformerOperatorTests {
    static func run(_ op: String, _ inputs: [Tensor], _ attributes: [String: ONNXAttribute], _ opset: Int64, _ outputs: Int,
                    _ constants: Set<Int>, _ options: SessionOptions) throws -> [Tensor] {
        try NNOperatorTests.run(op, inputs, attributes, opset: opset, outputs: outputs, constants: constants, options: options)
    }

    static func expectError(_ note: String, containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: () throws -> Void) {
        TensorOperatorTests.expectError(note, containing: fragments, sourceLocation: sourceLocation, body)
    }

    /// Reproducible values in -1...1 (a 64-bit LCG), rounded to multiples of 1/8 so products and short sums are exact.
    static func values(_ shape: Shape, seed: UInt64) -> Tensor {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        let n = shape.dims.reduce(1, *)
        let v = (0..<n).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int((state >> 33) % 17) - 8) / 8
        }
        return try! Tensor(shape: shape, scalars: v)
    }

    static func floats(_ t: Tensor) -> [Double] { NNOperatorTests.doubles(t) }

    // MARK: - Errors name the node

    @Test func outOfRangeIndicesThrowNamingTheNode() {
        let data = Self.values([3, 4], seed: 1)
        let bad = try! Tensor(shape: [1, 2], scalars: [0, 4] as [Int64])
        Self.expectError("GatherElements", containing: ["gatherelements0", "index 4", "axis 1"]) {
            _ = try Self.run("GatherElements", [data, bad], ["axis": .int(1)], 13, 1, [], .init(threads: 1))
        }
        Self.expectError("GatherND", containing: ["gathernd0", "index -4"]) {
            _ = try Self.run("GatherND", [data, try Tensor(shape: [1, 1], scalars: [-4] as [Int64])], [:], 13, 1, [], .init(threads: 1))
        }
        Self.expectError("ScatterElements", containing: ["scatterelements0", "index 4"]) {
            _ = try Self.run("ScatterElements", [data, bad, Self.values([1, 2], seed: 2)], ["axis": .int(1)], 18, 1, [], .init(threads: 1))
        }
        Self.expectError("ScatterND", containing: ["scatternd0", "index 3"]) {
            _ = try Self.run("ScatterND", [data, try Tensor(shape: [1, 1], scalars: [3] as [Int64]), Self.values([1, 4], seed: 3)],
                             [:], 18, 1, [], .init(threads: 1))
        }
        Self.expectError("RotaryEmbedding position", containing: ["rotaryembedding0", "position id 9"]) {
            let x = Self.values([1, 1, 2, 4], seed: 4), cache = Self.values([3, 2], seed: 5)
            _ = try Self.run("RotaryEmbedding", [x, cache, cache, try Tensor(shape: [1, 2], scalars: [0, 9] as [Int64])],
                             [:], 23, 1, [], .init(threads: 1))
        }
        Self.expectError("OneHot depth", containing: ["onehot0", "depth"]) {
            _ = try Self.run("OneHot", [try Tensor(shape: [2], scalars: [0, 1] as [Int64]), Tensor(scalar: Int64(0)),
                                        try Tensor(shape: [2], scalars: [0, 1] as [Float])], [:], 11, 1, [], .init(threads: 1))
        }
        Self.expectError("ScatterElements max at opset 16", containing: ["scatterelements0", "opset 18"]) {
            _ = try Self.run("ScatterElements", [data, try Tensor(shape: [1, 1], scalars: [0] as [Int64]), Self.values([1, 1], seed: 2)],
                             ["reduction": .string("max")], 16, 1, [], .init(threads: 1))
        }
    }

    @Test func badEquationsThrowNamingTheNode() {
        let a = Self.values([2, 3], seed: 1), b = Self.values([3, 4], seed: 2)
        let cases: [(String, [Tensor], [String])] = [
            ("ij,jk->ik1", [a, b], ["einsum0", "invalid character '1'"]),
            ("ij->", [a, b], ["einsum0", "1 input terms for 2 inputs"]),
            ("ij,jk->ikk", [a, b], ["einsum0", "'k' appears more than once"]),
            ("ij,jk->iz", [a, b], ["einsum0", "'z' does not appear"]),
            ("ij,ik->jk", [a, b], ["einsum0", "label 'i' has size 2 and size 3"]),
            ("ijk,jk->i", [a, b], ["einsum0", "3 labels"]),
            ("i..j,jk", [a, b], ["einsum0", "ellipsis"]),
            ("...j,...jk->...k", [a, try! Tensor(shape: [2, 5, 3, 4], scalars: [Float](repeating: 0, count: 120))], ["einsum0", "ellipses"]),
        ]
        for (equation, inputs, fragments) in cases {
            Self.expectError("equation '\(equation)'", containing: fragments) {
                _ = try Self.run("Einsum", inputs, ["equation": .string(equation)], 12, 1, [], .init(threads: 1))
            }
        }
    }

    @Test func attentionShapeErrorsNameTheNode() {
        let q = Self.values([1, 3, 2, 4], seed: 1), k = Self.values([1, 2, 2, 4], seed: 2)
        Self.expectError("heads", containing: ["attention0", "3 query heads", "2 key/value heads"]) {
            _ = try Self.run("Attention", [q, k, k], [:], 23, 1, [], .init(threads: 1))
        }
        Self.expectError("3-D without heads", containing: ["attention0", "q_num_heads"]) {
            let q3 = Self.values([1, 2, 8], seed: 3)
            _ = try Self.run("Attention", [q3, q3, q3], [:], 23, 1, [], .init(threads: 1))
        }
        Self.expectError("mask", containing: ["attention0", "attn_mask"]) {
            let qq = Self.values([1, 2, 2, 4], seed: 1)
            _ = try Self.run("Attention", [qq, k, k, Self.values([3, 2], seed: 4)], [:], 23, 1, [], .init(threads: 1))
        }
    }

    // MARK: - Einsum against brute force

    /// Einsum by enumerating every assignment of the labels (no ellipsis): the reference twin of the GEMM paths.
    static func bruteForceEinsum(_ equation: String, _ inputs: [Tensor]) -> (shape: [Int], values: [Double]) {
        let sides = equation.components(separatedBy: "->")
        let terms = sides[0].split(separator: ",").map { Array($0) }
        var size: [Character: Int] = [:]
        for (t, term) in zip(inputs, terms) { for (c, d) in zip(term, t.shape.dims) { size[c] = d } }
        let output: [Character]
        if sides.count == 2 { output = Array(sides[1]) } else {
            var counts: [Character: Int] = [:]
            for term in terms { for c in term { counts[c, default: 0] += 1 } }
            output = counts.filter { $0.value == 1 }.keys.sorted()
        }
        let labels = Array(size.keys).sorted()
        let data = inputs.map { floats($0) }
        let outShape = output.map { size[$0]! }
        var out = [Double](repeating: 0, count: outShape.reduce(1, *))
        var assignment = [Character: Int]()
        func offset(_ term: [Character], _ dims: [Int]) -> Int {
            var o = 0
            for (c, d) in zip(term, dims) { o = o * d + assignment[c]! }
            return o
        }
        func visit(_ i: Int) {
            if i == labels.count {
                var p = 1.0
                for (k, term) in terms.enumerated() { p *= data[k][offset(term, inputs[k].shape.dims)] }
                out[offset(output, outShape)] += p
                return
            }
            for v in 0..<size[labels[i]]! {
                assignment[labels[i]] = v
                visit(i + 1)
            }
        }
        visit(0)
        return (outShape, out)
    }

    @Test(arguments: [
        ("bhid,bhjd->bhij", [[2, 3, 5, 8], [2, 3, 6, 8]]),
        ("bhij,bhjd->bhid", [[2, 3, 5, 6], [2, 3, 6, 4]]),
        ("bij,bjk->bik", [[3, 4, 5], [3, 5, 6]]),
        ("ij,jk", [[4, 5], [5, 3]]),
        ("ji,jk->ik", [[5, 4], [5, 3]]),
        ("ij,kj->ik", [[4, 5], [3, 5]]),
        ("ji,kj->ik", [[5, 4], [3, 5]]),
        ("bji,bkj->bki", [[2, 5, 4], [2, 3, 5]]),
        ("ibj,jbk->bik", [[4, 2, 5], [5, 2, 3]]),
        ("ij,jk,kl->li", [[3, 4], [4, 5], [5, 2]]),
        ("ii,ij->j", [[3, 3], [3, 4]]),
        ("iij->ji", [[3, 3, 2]]),
        ("ijk,ikl->jl", [[2, 3, 4], [2, 4, 5]]),
        ("i,j,k->kji", [[2], [3], [4]]),
        ("ab,ab->", [[3, 4], [3, 4]]),
        ("Ab,bA", [[3, 4], [4, 3]]),
        ("bhqd,bhkd->bhqk", [[1, 2, 70, 64], [1, 2, 90, 64]]),
    ] as [(String, [[Int]])])
    func einsumMatchesBruteForce(_ equation: String, _ shapes: [[Int]]) throws {
        let inputs = shapes.enumerated().map { Self.values(Shape($0.element), seed: UInt64($0.offset + 1)) }
        let want = Self.bruteForceEinsum(equation, inputs)
        for threads in [1, 2] {
            let got = try Self.run("Einsum", inputs, ["equation": .string(equation)], 12, 1, [], .init(threads: threads))[0]
            #expect(got.shape.dims == want.shape, "'\(equation)' \(shapes) threads \(threads): shape \(got.shape), expected \(want.shape)")
            let diff = zip(Self.floats(got), want.values).map { abs($0 - $1) }.max() ?? 0
            #expect(diff <= 1e-4, "'\(equation)' \(shapes) threads \(threads): max |diff| \(diff)")
        }
        // The integer path (plain loop) on the same values times 8 (exact integers).
        let ints = try inputs.map { t in try Tensor(shape: t.shape, scalars: t.scalars(as: Float.self).map { Int64($0 * 8) }) }
        let got = try Self.run("Einsum", ints, ["equation": .string(equation)], 12, 1, [], .init(threads: 1))[0]
        let scale = pow(8.0, Double(inputs.count))
        #expect(Self.floats(got) == want.values.map { ($0 * scale).rounded() }, "'\(equation)' int64")
    }

    // MARK: - Attention: thread count, GQA against repeated heads

    @Test func attentionIsIndependentOfThreadsAndGQAEqualsRepeatedHeads() throws {
        let (b, hq, hkv, s, t, d) = (2, 4, 2, 33, 40, 16)
        let q = Self.values([b, hq, s, d], seed: 11), k = Self.values([b, hkv, t, d], seed: 12), v = Self.values([b, hkv, t, d], seed: 13)
        let attrs: [String: ONNXAttribute] = ["is_causal": .int(1), "softcap": .float(4)]
        let one = try Self.run("Attention", [q, k, v], attrs, 23, 1, [], .init(threads: 1))[0]
        let two = try Self.run("Attention", [q, k, v], attrs, 23, 1, [], .init(threads: 2))[0]
        let diff = zip(Self.floats(one), Self.floats(two)).map { abs($0 - $1) }.max() ?? 0
        #expect(diff <= 1e-6, "threads 1 vs 2: max |diff| \(diff)")
        // Each key/value head repeated for its query heads ([h0, h0, h1, h1]) must give the same result as GQA.
        func repeated(_ x: Tensor) throws -> Tensor {
            let vals = try x.scalars(as: Float.self), block = t * d
            var out: [Float] = []
            for bi in 0..<b { for h in 0..<hq { let src = (bi * hkv + h / (hq / hkv)) * block; out += vals[src..<src + block] } }
            return try Tensor(shape: [b, hq, t, d], scalars: out)
        }
        let mha = try Self.run("Attention", [q, try repeated(k), try repeated(v)], attrs, 23, 1, [], .init(threads: 1))[0]
        let gqaDiff = zip(Self.floats(one), Self.floats(mha)).map { abs($0 - $1) }.max() ?? 0
        #expect(gqaDiff <= 1e-6, "GQA vs repeated heads: max |diff| \(gqaDiff)")
    }

    // MARK: - Scatter reductions

    @Test func scatterMaxAndMinFollowOnnxruntimeOnNaN() throws {
        // onnxruntime 1.32: max(old 1, NaN) = NaN, max(old NaN, 5) = 5 (std::max(update, old)); min likewise.
        let data = try Tensor(shape: [3], scalars: [1, .nan, 0] as [Float])
        let idx = try Tensor(shape: [2], scalars: [0, 1] as [Int64])
        let upd = try Tensor(shape: [2], scalars: [.nan, 5] as [Float])
        for reduction in ["max", "min"] {
            let y = try Self.run("ScatterElements", [data, idx, upd], ["reduction": .string(reduction)], 18, 1, [], .init(threads: 1))[0]
            let got = Self.floats(y)
            #expect(got[0].isNaN && got[1] == 5 && got[2] == 0, "\(reduction): \(got)")
        }
    }

    @Test func scatterWithoutReductionMovesStringsAndDuplicatesTakeTheLast() throws {
        let data = try Tensor(shape: [2, 2], strings: ["a", "b", "c", "d"])
        let idx = try Tensor(shape: [1, 2], scalars: [1, 1] as [Int64])
        let upd = try Tensor(shape: [1, 2], strings: ["x", "y"])
        let y = try Self.run("ScatterND", [data, try Tensor(shape: [1, 1], scalars: [1] as [Int64]), upd], [:], 13, 1, [], .init(threads: 1))[0]
        #expect(try y.strings() == ["a", "b", "x", "y"])
        let z = try Self.run("ScatterElements", [data, idx, upd], ["axis": .int(1)], 13, 1, [], .init(threads: 1))[0]
        #expect(try z.strings() == ["a", "y", "c", "d"])
    }
}
