import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// The QDQ fusion pass: DequantizeLinear -> Conv -> QuantizeLinear becomes one QLinearConv, which runs exactly the
/// integer arithmetic of a hand-written QLinearConv node (whose kernel is checked against onnxruntime by the
/// quant-* parity fixtures); a group with a second reader is left alone.
@Suite struct QDQFusionTests {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String], domain: String = "",
                     attributes: [String: ONNXAttribute] = [:]) -> ONNXNode {
        ONNXNode(name: outputs[0] + "_node", opType: op, domain: domain, inputs: inputs, outputs: outputs, attributes: attributes)
    }

    static let initializers: [String: Tensor] = {
        var t: [String: Tensor] = [:]
        t["sx"] = Tensor(scalar: Float(0.05)); t["zx"] = Tensor(scalar: UInt8(128))
        t["w"] = try! Tensor(shape: [2, 1, 3, 3], scalars: (0..<18).map { Int8(($0 * 7) % 19 - 9) })
        t["sw"] = try! Tensor(shape: [2], scalars: [0.02, 0.03] as [Float]); t["zw"] = try! Tensor(shape: [2], scalars: [0, 0] as [Int8])
        t["b"] = try! Tensor(shape: [2], scalars: [100, -250] as [Int32])
        t["sb"] = try! Tensor(shape: [2], scalars: [0.05 * 0.02, 0.05 * 0.03] as [Float]); t["zb"] = try! Tensor(shape: [2], scalars: [0, 0] as [Int32])
        t["sy"] = Tensor(scalar: Float(0.1)); t["zy"] = Tensor(scalar: UInt8(120))
        return t
    }()

    static func model(_ nodes: [ONNXNode], outputs: [String]) -> ONNXModel {
        ONNXModel(irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
                  graph: ONNXGraph(name: "g", nodes: nodes, initializers: initializers,
                                   inputs: [ONNXValueInfo(name: "xq", type: .tensor(elementType: .uint8, shape: [.fixed(1), .fixed(1), .fixed(5), .fixed(5)]))],
                                   outputs: outputs.map { ONNXValueInfo(name: $0, type: .tensor(elementType: nil, shape: nil)) }, valueInfo: []))
    }

    static let qdqNodes = [
        node("DequantizeLinear", ["xq", "sx", "zx"], ["x"]),
        node("DequantizeLinear", ["w", "sw", "zw"], ["wf"], attributes: ["axis": .int(0)]),
        node("DequantizeLinear", ["b", "sb", "zb"], ["bf"], attributes: ["axis": .int(0)]),
        node("Conv", ["x", "wf", "bf"], ["y"], attributes: ["pads": .ints([1, 1, 1, 1])]),
        node("QuantizeLinear", ["y", "sy", "zy"], ["yq"]),
    ]

    static var input: Tensor { try! Tensor(shape: [1, 1, 5, 5], scalars: (0..<25).map { UInt8(($0 * 37) % 256) }) }

    @Test func convGroupBecomesQLinearConvWithItsArithmetic() throws {
        let qdq = Self.model(Self.qdqNodes, outputs: ["yq"])
        let fused = QDQFusion.apply(qdq)
        #expect(fused.graph.nodes.map(\.opType) == ["QLinearConv"], "\(fused.graph.nodes.map(\.opType))")

        let direct = Self.model([Self.node("QLinearConv", ["xq", "sx", "zx", "w", "sw", "zw", "sy", "zy", "b"], ["yq"],
                                           attributes: ["pads": .ints([1, 1, 1, 1])])], outputs: ["yq"])
        let a = try #require(try InferenceSession(model: qdq, options: .init(threads: 1)).run(["xq": Self.input])["yq"]?.tensor)
        let b = try #require(try InferenceSession(model: direct, options: .init(threads: 1)).run(["xq": Self.input])["yq"]?.tensor)
        #expect(a.dtype == .uint8)
        #expect(try a.scalars(as: UInt8.self) == b.scalars(as: UInt8.self))

        // Without graph rewrites the group runs as written: a float Conv between the two, within one step.
        let unfused = try #require(try InferenceSession(model: qdq, options: .init(threads: 1, constantFolding: false)).run(["xq": Self.input])["yq"]?.tensor)
        let steps = zip(try unfused.scalars(as: UInt8.self), try b.scalars(as: UInt8.self)).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(steps <= 1, "unfused differs by \(steps) steps")
    }

    @Test func groupWithAnotherReaderIsLeftAlone() throws {
        // The Conv output is also a graph output: fusing would lose it.
        let qdq = Self.model(Self.qdqNodes, outputs: ["yq", "y"])
        #expect(QDQFusion.apply(qdq).graph.nodes.map(\.opType) == Self.qdqNodes.map(\.opType))
    }
}
