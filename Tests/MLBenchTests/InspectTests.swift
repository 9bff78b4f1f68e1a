import Foundation
@testable import MLBench
import Testing

/// `bench inspect`: declared values, opsets, the operator histogram with subgraphs, unsupported operators and types.
@Suite struct InspectTests {
    static func fixture(_ name: String) -> URL { PredictFeedTests.fixture(name) }

    @Test func unsupportedOperatorsIncludeSubgraphNodes() throws {
        let i = try ModelInspection(contentsOf: Self.fixture("unsupported.onnx"))
        #expect(i.irVersion == 8 && i.producerName == "make_bench_cli_fixtures" && i.producerVersion == "1")
        #expect(i.opsetImports == ["ai.onnx": 17, "com.example": 1])
        #expect(i.inputs == [.init(name: "x", elementType: "float32", shape: [.symbolic("batch"), .symbolic("?"), .fixed(3)])])
        #expect(i.outputs == [.init(name: "y", elementType: "float32", shape: nil)])
        #expect(i.nodeCount == 6)
        #expect(i.operators.first == .init(domain: "com.example", op: "Frobnicate", count: 3), "\(i.operators)")
        #expect(Set(i.operators.map { "\($0.domain)::\($0.op)" }) == ["com.example::Frobnicate", "ai.onnx::ReduceSum", "ai.onnx::Cast", "ai.onnx::If"])
        let frob = try #require(i.unsupportedOperators.first { $0.op == "Frobnicate" })
        #expect(frob.domain == "com.example" && frob.opset == 1 && Set(frob.nodes) == ["frob_top", "choose/then_branch/then_frob", "choose/else_branch/else_frob"], "\(frob)")
        #expect(!i.unsupportedOperators.contains { $0.op == "Cast" || $0.op == "ReduceSum" }, "\(i.unsupportedOperators)")
        #expect(!i.loads && (i.loadError ?? "").contains("Frobnicate"), "\(i.loadError ?? "")")

        let text = i.text
        #expect(text.contains("x: float32[batch, ?, 3]") && text.contains("com.example::Frobnicate (opset 1): 3 nodes"), "\(text)")
        let json = try i.json()
        #expect(json.contains("\"shape\" : [\n        \"batch\",\n        \"?\",\n        3\n      ]"), "\(json)")
        let back = try JSONDecoder().decode(ModelInspection.self, from: Data(json.utf8))
        #expect(back.inputs == i.inputs && back.unsupportedOperators == i.unsupportedOperators)
    }

    @Test func supportedModelHasNothingUnsupported() throws {
        let i = try ModelInspection(contentsOf: Self.fixture("three_inputs.onnx"))
        #expect(i.loads && i.unsupportedOperators.isEmpty && i.unsupportedTypes.isEmpty)
        #expect(i.inputs.map(\.elementType) == ["float32", "int64", "bool"])
        #expect(i.outputs.map(\.name) == ["sum", "label/index"])
        #expect(i.operators.first == .init(domain: "ai.onnx", op: "Cast", count: 2))
    }

    @Test func undeclaredElementTypesAreListed() throws {
        let graph = ONNXGraph(name: "g", nodes: [], initializers: [:],
                              inputs: [ONNXValueInfo(name: "h", type: .tensor(elementType: nil, shape: [.fixed(2)])),
                                       ONNXValueInfo(name: "o", type: .unsupported("optional(float32[?])"))],
                              outputs: [ONNXValueInfo(name: "h", type: .tensor(elementType: nil, shape: [.fixed(2)]))], valueInfo: [])
        let i = ModelInspection(model: ONNXModel(irVersion: 9, opsetImports: ["": 21], producerName: "", producerVersion: "", graph: graph), file: "<memory>")
        #expect(i.unsupportedTypes.map(\.value) == ["h", "o", "h"], "\(i.unsupportedTypes)")
        #expect(i.unsupportedTypes[1].type == "optional(float32[?])" && i.unsupportedTypes[0].role == "graph input")
        #expect(i.inputs[0].elementType == "unsupported")
    }
}
