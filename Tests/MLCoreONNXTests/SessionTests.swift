import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// Planner and session behaviour on graphs built in memory (the reader has its own tests).
@Suite struct SessionTests {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String? = nil,
                     domain: String = "", attributes: [String: ONNXAttribute] = [:]) -> ONNXNode {
        ONNXNode(name: name ?? outputs.first ?? op, opType: op, domain: domain, inputs: inputs, outputs: outputs, attributes: attributes)
    }

    static func floatInput(_ name: String, _ dims: [ONNXDimension]) -> ONNXValueInfo {
        ONNXValueInfo(name: name, type: .tensor(elementType: .float32, shape: dims))
    }

    static func model(_ nodes: [ONNXNode], inputs: [ONNXValueInfo], outputs: [String],
                      initializers: [String: Tensor] = [:], opset: Int64 = 17) -> ONNXModel {
        ONNXModel(irVersion: 8, opsetImports: ["": opset], producerName: "test", producerVersion: "0",
                  graph: ONNXGraph(name: "g", nodes: nodes, initializers: initializers, inputs: inputs,
                                   outputs: outputs.map { ONNXValueInfo(name: $0, type: .tensor(elementType: .float32, shape: nil)) },
                                   valueInfo: []))
    }

    @Test func runsAHandComputedGraph() throws {
        // y = relu(x + bias) @ w, nodes listed out of order to exercise the topological sort.
        let bias = try Tensor(shape: [2], scalars: [1, -3] as [Float])
        let w = try Tensor(shape: [2, 1], scalars: [2, 10] as [Float])
        let m = Self.model([Self.node("MatMul", ["r", "w"], ["y"]), Self.node("Relu", ["s"], ["r"]), Self.node("Add", ["x", "bias"], ["s"])],
                           inputs: [Self.floatInput("x", [.symbolic("N"), .fixed(2)])], outputs: ["y"],
                           initializers: ["bias": bias, "w": w])
        let session = try InferenceSession(model: m, options: .init(threads: 1))
        let x = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4] as [Float])
        let y = try session.run(["x": x])["y"]!.tensor!
        // rows: relu([2, -1]) @ [2, 10] = 4; relu([4, 1]) @ [2, 10] = 18
        #expect(y.shape == [2, 1])
        #expect(try y.scalars(as: Float.self) == [4, 18])
    }

    @Test func foldsConstantSubgraphs() throws {
        let a = try Tensor(shape: [2], scalars: [1, 2] as [Float])
        let m = Self.model([Self.node("Add", ["a", "a"], ["twoA"]), Self.node("Mul", ["x", "twoA"], ["y"])],
                           inputs: [Self.floatInput("x", [.fixed(2)])], outputs: ["y"], initializers: ["a": a])
        let session = try InferenceSession(model: m, options: .init(threads: 1))
        #expect(session.plan.steps.map(\.node.opType) == ["Mul"])
        let y = try session.run(["x": try Tensor(shape: [2], scalars: [3, 4] as [Float])])["y"]!.tensor!
        #expect(try y.scalars(as: Float.self) == [6, 16])
    }

    @Test func releasesValuesAfterTheirLastUse() throws {
        let m = Self.model([Self.node("Relu", ["x"], ["a"]), Self.node("Exp", ["a"], ["b"]), Self.node("Add", ["b", "x"], ["y"])],
                           inputs: [Self.floatInput("x", [.fixed(1)])], outputs: ["y"])
        let session = try InferenceSession(model: m, options: .init(threads: 1))
        let releases = session.plan.steps.map { $0.releases.count }
        #expect(releases == [0, 1, 2], "a dies at Exp, b and x at Add: \(releases)")
    }


    @Test func unaryStepsOverwriteTheirInputOnlyWhenItDies() throws {
        // x -> Add(x, 1) = s -> Relu(s) = r -> Sigmoid(r) = y, and s is also a graph output, and x also feeds
        // Exp. In place: Sigmoid (r dies there), not Relu (s is an output); Exp may be x's last reader, but
        // x is the caller's feed, so writing it must copy first.
        let one = try Tensor(shape: [1], scalars: [1] as [Float])
        let m = Self.model([Self.node("Add", ["x", "one"], ["s"]), Self.node("Relu", ["s"], ["r"]),
                            Self.node("Sigmoid", ["r"], ["y"]), Self.node("Exp", ["x"], ["e"])],
                           inputs: [Self.floatInput("x", [.fixed(4)])], outputs: ["y", "s", "e"], initializers: ["one": one])
        let session = try InferenceSession(model: m, options: .init(threads: 1))
        let inPlace = Dictionary(uniqueKeysWithValues: session.plan.steps.map { ($0.node.opType, $0.inPlace) })
        #expect(inPlace["Add"] == false && inPlace["Relu"] == false && inPlace["Sigmoid"] == true, "\(inPlace)")
        let xs: [Float] = [-3, -1, 0.5, 2]
        let x = try Tensor(shape: [4], scalars: xs)
        for _ in 0..<2 {  // a second run must see the same feed and give the same results
            let out = try session.run(["x": x])
            let s = xs.map { $0 + 1 }
            #expect(try x.scalars(as: Float.self) == xs, "the caller's feed changed")
            #expect(try out["s"]!.tensor!.scalars(as: Float.self) == s, "the output s was overwritten")
            let y = try out["y"]!.tensor!.scalars(as: Float.self)
            let expected = s.map { 1 / (1 + Foundation.exp(-Double(Swift.max($0, 0)))) }
            #expect(zip(y, expected).allSatisfy { abs(Double($0) - $1) < 1e-6 }, "\(y) vs \(expected)")
            let e = try out["e"]!.tensor!.scalars(as: Float.self)
            #expect(zip(e, xs).allSatisfy { abs(Double($0) - Foundation.exp(Double($1))) < 1e-5 * Foundation.exp(Double($1)) }, "\(e)")
        }
    }
    @Test func rejectsCyclesUnknownOperatorsAndMissingValues() throws {
        let cyclic = Self.model([Self.node("Relu", ["b"], ["a"]), Self.node("Relu", ["a"], ["b"])],
                                inputs: [], outputs: ["a"])
        #expect(throws: ONNXError.graphCycle(nodes: ["a", "b"])) { try InferenceSession(model: cyclic) }

        let unknown = Self.model([Self.node("FancyOp", ["x"], ["y"], name: "fancy0")], inputs: [Self.floatInput("x", [.fixed(1)])], outputs: ["y"])
        #expect(throws: ONNXError.unsupportedModel(operators: [UnsupportedOperator(domain: "", opType: "FancyOp", opset: 17, nodes: ["fancy0"])],
                                                   elementTypes: [])) {
            try InferenceSession(model: unknown)
        }

        let dangling = Self.model([Self.node("Relu", ["nowhere"], ["y"])], inputs: [], outputs: ["y"])
        #expect(throws: ONNXError.self) { try InferenceSession(model: dangling) }

        var noImport = Self.model([Self.node("Relu", ["x"], ["y"], domain: "ai.onnx.ml")], inputs: [Self.floatInput("x", [.fixed(1)])], outputs: ["y"])
        noImport.opsetImports = ["": 17]
        #expect(throws: ONNXError.self) { try InferenceSession(model: noImport) }
    }

    @Test func checksInputsAgainstTheirDeclaration() throws {
        let m = Self.model([Self.node("Add", ["x", "z"], ["y"])],
                           inputs: [Self.floatInput("x", [.symbolic("N"), .fixed(2)]), Self.floatInput("z", [.symbolic("N"), .fixed(2)])],
                           outputs: ["y"])
        let session = try InferenceSession(model: m)
        let good = try Tensor(zeros: [3, 2])
        #expect(throws: ONNXError.self) { try session.run(["x": good]) }  // missing z
        #expect(throws: ONNXError.self) { try session.run(["x": good, "z": good, "w": good]) }  // unknown w
        #expect(throws: ONNXError.self) { try session.run(["x": try Tensor(zeros: [3, 3]), "z": good]) }  // fixed dim
        #expect(throws: ONNXError.self) { try session.run(["x": try Tensor(zeros: [3, 2], dtype: .float64), "z": good]) }
        #expect(throws: ONNXError.self) { try session.run(["x": try Tensor(zeros: [4, 2]), "z": good]) }  // N disagrees
        #expect(try session.run(["x": good, "z": good])["y"]!.tensor!.shape == [3, 2])
    }

    @Test func runtimeShapeMismatchIsAnErrorNamingTheNode() throws {
        let m = Self.model([Self.node("Add", ["x", "z"], ["y"], name: "add0")],
                           inputs: [Self.floatInput("x", [.unknown]), Self.floatInput("z", [.unknown])], outputs: ["y"])
        let session = try InferenceSession(model: m)
        do {
            _ = try session.run(["x": try Tensor(zeros: [3]), "z": try Tensor(zeros: [4])])
            Issue.record("expected a shape error")
        } catch {
            #expect("\(error)".contains("add0") && "\(error)".contains("[3]") && "\(error)".contains("[4]"), "\(error)")
        }
    }
}
