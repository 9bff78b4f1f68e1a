import MLCoreONNX
import Testing

@Suite struct ModelTypesTests {
    @Test func domainsAreNormalized() {
        let node = ONNXNode(name: "n", opType: "Add", domain: "ai.onnx", inputs: ["a", "b"], outputs: ["c"], attributes: [:])
        #expect(node.domain == "")
        let model = ONNXModel(irVersion: 8, opsetImports: ["": 17, "ai.onnx.ml": 3], producerName: "t", producerVersion: "1",
                              graph: ONNXGraph(name: "g", nodes: [node], initializers: [:], inputs: [], outputs: [], valueInfo: []))
        #expect(model.opset(for: "ai.onnx") == 17)
        #expect(model.opset(for: "ai.onnx.ml") == 3)
        #expect(model.opset(for: "com.microsoft") == nil)
    }
}
