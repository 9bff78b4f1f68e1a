import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// What a model needs before it loads: one error naming every unsupported part, and declared shapes that
/// exporters write with `-1` and `?` for unknown dimensions.
@Suite struct ModelSupportTests {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String, domain: String = "",
                     attributes: [String: ONNXAttribute] = [:]) -> ONNXNode {
        ONNXNode(name: name, opType: op, domain: domain, inputs: inputs, outputs: outputs, attributes: attributes)
    }

    static func graph(_ name: String, _ nodes: [ONNXNode], inputs: [ONNXValueInfo] = [], outputs: [String]) -> ONNXGraph {
        ONNXGraph(name: name, nodes: nodes, initializers: [:], inputs: inputs,
                  outputs: outputs.map { ONNXValueInfo(name: $0, type: .tensor(elementType: .float32, shape: nil)) }, valueInfo: [])
    }

    @Test func oneErrorNamesEveryUnsupportedOperatorIncludingInsideIf() throws {
        // Four unsupported operators: two ai.onnx ones at the top, one inside the If's then branch, and one of a
        // domain the model does not import. Relu and Identity are supported and must not be listed.
        let thenBranch = Self.graph("then", [Self.node("FancyInBranch", ["a"], ["t"], name: "fancy_branch")], outputs: ["t"])
        let elseBranch = Self.graph("else", [Self.node("Identity", ["a"], ["e"], name: "identity_else")], outputs: ["e"])
        let nodes = [
            Self.node("FancyTop", ["x"], ["a"], name: "fancy_top"),
            Self.node("Relu", ["a"], ["r"], name: "relu"),
            Self.node("If", ["c"], ["b"], name: "choose", attributes: ["then_branch": .graph(thenBranch), "else_branch": .graph(elseBranch)]),
            Self.node("FancyTop", ["b"], ["d"], name: "fancy_top_again"),
            Self.node("Fancier", ["d"], ["f"], name: "fancier"),
            Self.node("Vendor", ["f"], ["y"], name: "vendor", domain: "com.example"),
        ]
        let inputs = [ONNXValueInfo(name: "x", type: .tensor(elementType: .float32, shape: [.fixed(2)])),
                      ONNXValueInfo(name: "c", type: .tensor(elementType: .bool, shape: []))]
        let model = ONNXModel(irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
                              graph: Self.graph("g", nodes, inputs: inputs, outputs: ["y", "r"]))
        let expected = [
            UnsupportedOperator(domain: "", opType: "FancyTop", opset: 17, nodes: ["fancy_top", "fancy_top_again"]),
            UnsupportedOperator(domain: "", opType: "FancyInBranch", opset: 17, nodes: ["choose/then_branch/fancy_branch"]),
            UnsupportedOperator(domain: "", opType: "Fancier", opset: 17, nodes: ["fancier"]),
            UnsupportedOperator(domain: "com.example", opType: "Vendor", opset: nil, nodes: ["vendor"]),
        ]
        #expect(model.unsupportedOperators() == expected)
        do {
            _ = try InferenceSession(model: model)
            Issue.record("the model loaded")
        } catch let error as ONNXError {
            #expect(error == .unsupportedModel(operators: expected, elementTypes: []))
            let text = "\(error)"
            for part in ["4 unsupported operators", "ai.onnx::FancyTop (opset 17) in 'fancy_top', 'fancy_top_again'",
                         "'choose/then_branch/fancy_branch'", "ai.onnx::Fancier", "com.example::Vendor (domain not imported)"] {
                #expect(text.contains(part), "missing \(part) in: \(text)")
            }
        }
    }

    @Test func unsupportedValueTypesAreListedToo() throws {
        let model = ONNXModel(irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
                              graph: ONNXGraph(name: "g", nodes: [Self.node("Identity", ["x"], ["y"], name: "id")], initializers: [:],
                                               inputs: [ONNXValueInfo(name: "x", type: .unsupported("tensor(COMPLEX64)"))],
                                               outputs: [ONNXValueInfo(name: "y", type: .unsupported("tensor(COMPLEX64)"))], valueInfo: []))
        #expect(throws: ONNXError.unsupportedModel(operators: [], elementTypes: [
            UnsupportedElementType(value: "x", type: "tensor(COMPLEX64)"), UnsupportedElementType(value: "y", type: "tensor(COMPLEX64)")])) {
            try InferenceSession(model: model)
        }
    }

    /// `declared_dims` (a torch CNN whose input was re-declared `x[-1, 3, ?, ?]`, as paddle2onnx writes it, by
    /// scripts/make-realworld-models.py): each of the three is an independent unknown, so any batch, height and
    /// width run, including a height different from the width.
    @Test(arguments: [[2, 3, 40, 56], [1, 3, 17, 23], [3, 3, 64, 32]])
    func minusOneAndQuestionMarkDimensionsAcceptAnySize(_ dims: [Int]) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/realworld/declared_dims/model.onnx")
        let session = try InferenceSession(contentsOf: url, options: .init(threads: 1))
        #expect(session.inputs.first?.type == .tensor(elementType: .float32, shape: [.unknown, .fixed(3), .unknown, .unknown]))
        let count = dims.reduce(1, *)
        let x = try Tensor(shape: Shape(dims), scalars: (0..<count).map { Float($0 % 17) / 17 })
        let out = try session.run(["x": x])
        let logits = try #require(out["logits"]?.tensor, "\(dims)")
        #expect(logits.shape == [dims[0], 10], "\(dims): \(logits.shape)")
    }

    /// Add and Less on uint8 / int8 compute in int64 and cut back to the input type, wrapping like C++ (and
    /// numpy): 200 + 100 = 44 in uint8, -100 - 100 = 56 in int8 (hand-computed).
    @Test func narrowIntegerArithmeticWraps() throws {
        func run(_ op: String, _ a: Tensor, _ b: Tensor) throws -> Tensor {
            let dtype = a.dtype
            let model = ONNXModel(irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
                                  graph: ONNXGraph(name: "g", nodes: [Self.node(op, ["a", "b"], ["y"], name: "op")], initializers: [:],
                                                   inputs: [ONNXValueInfo(name: "a", type: .tensor(elementType: dtype, shape: nil)),
                                                            ONNXValueInfo(name: "b", type: .tensor(elementType: dtype, shape: nil))],
                                                   outputs: [ONNXValueInfo(name: "y", type: .tensor(elementType: nil, shape: nil))], valueInfo: []))
            return try #require(try InferenceSession(model: model, options: .init(threads: 1)).run(["a": a, "b": b])["y"]?.tensor)
        }
        let sum = try run("Add", Tensor(shape: [3], scalars: [200, 1, 255] as [UInt8]), Tensor(shape: [3], scalars: [100, 2, 1] as [UInt8]))
        #expect(sum.dtype == .uint8)
        #expect(try sum.scalars(as: UInt8.self) == [44, 3, 0])
        let difference = try run("Sub", Tensor(shape: [2], scalars: [-100, 5] as [Int8]), Tensor(shape: [2], scalars: [100, 7] as [Int8]))
        #expect(difference.dtype == .int8)
        #expect(try difference.scalars(as: Int8.self) == [56, -2])
        let less = try run("Less", Tensor(shape: [2], scalars: [65_535, 3] as [UInt16]), Tensor(shape: [2], scalars: [1, 4] as [UInt16]))
        #expect(less.dtype == .bool)
        #expect(try less.scalars(as: Bool.self) == [false, true])
    }
}
