import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// Shape computations remembered across runs (``ShapeMemo``): a run with the same input shapes reuses them, a
/// run with other shapes, or with a tensor whose shape depends on values (NonZero), recomputes them. Expected
/// values are worked out by hand from the inputs.
@Suite struct ShapeMemoTests {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [String: ONNXAttribute] = [:]) -> ONNXNode {
        ONNXNode(name: outputs[0] + "_node", opType: op, domain: "", inputs: inputs, outputs: outputs, attributes: attributes)
    }

    /// x [N, M] -> flat = Reshape(x, [N * M]) (the target computed from Shape(x)); count = the number of
    /// non-zero elements, read as Shape(NonZero(x))[1]; ones = ConstantOfShape(Shape(x)) + x.
    static let model: ONNXModel = {
        let nodes = [
            node("Shape", ["x"], ["shape"]),
            node("Gather", ["shape", "zero"], ["n"], ["axis": .int(0)]),
            node("Gather", ["shape", "one"], ["m"], ["axis": .int(0)]),
            node("Mul", ["n", "m"], ["nm"]),
            node("Unsqueeze", ["nm", "axes0"], ["target"]),
            node("Reshape", ["x", "target"], ["flat"]),
            node("NonZero", ["x"], ["nz"]),
            node("Shape", ["nz"], ["nzshape"]),
            node("Gather", ["nzshape", "one"], ["count"], ["axis": .int(0)]),
            node("ConstantOfShape", ["shape"], ["ones"], ["value": .tensor(try! Tensor(shape: [1], scalars: [Float(1)]))]),
            node("Add", ["ones", "x"], ["plus1"]),
        ]
        let initializers: [String: Tensor] = [
            "zero": try! Tensor(shape: [], scalars: [Int64(0)]), "one": try! Tensor(shape: [], scalars: [Int64(1)]),
            "axes0": try! Tensor(shape: [1], scalars: [Int64(0)]),
        ]
        let x = ONNXValueInfo(name: "x", type: .tensor(elementType: .float32, shape: [.symbolic("N"), .symbolic("M")]))
        let outputs = ["flat", "count", "plus1"].map { ONNXValueInfo(name: $0, type: .tensor(elementType: nil, shape: nil)) }
        return ONNXModel(irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
                         graph: ONNXGraph(name: "g", nodes: nodes, initializers: initializers, inputs: [x], outputs: outputs, valueInfo: []))
    }()

    @Test func sameShapesReuseOtherShapesRecompute() throws {
        let session = try InferenceSession(model: Self.model, options: .init(threads: 1))
        let memo = try #require(session.plan.shapeMemo, "the plan has Shape roots: it must remember them")
        let roles = Dictionary(uniqueKeysWithValues: zip(session.plannedNodes.map(\.name), memo.roles))
        #expect(roles["shape_node"] == .root && roles["nzshape_node"] == .root)
        #expect(roles["target_node"] == .derived && roles["ones_node"] == .derived)
        #expect(roles["flat_node"] == ShapeMemo.Role.none && roles["nz_node"] == ShapeMemo.Role.none && roles["plus1_node"] == ShapeMemo.Role.none,
                "steps reading x's values are never remembered")

        // (input, count of non-zeros), each checked twice in a row; 2x3 inputs with different counts share
        // Shape(x) but not Shape(NonZero(x)).
        let cases: [([Int], [Float], Int64)] = [
            ([2, 3], [1, 0, 2, 0, 3, 4], 4),
            ([2, 3], [0, 0, 5, 0, 0, 0], 1),
            ([3, 5], (0..<15).map { Float($0 % 3) }, 10),
            ([2, 3], [1, 0, 2, 0, 3, 4], 4),
        ]
        for (shape, values, count) in cases {
            for repeatRun in 0..<2 {
                let before = memo.current
                let out = try session.run(["x": try Tensor(shape: Shape(shape), scalars: values)])
                let label = "x \(shape) \(values) run \(repeatRun)"
                let flat = try #require(out["flat"]?.tensor)
                #expect(flat.shape == Shape([shape[0] * shape[1]]), "\(label): flat shape \(flat.shape)")
                #expect(try flat.scalars(as: Float.self) == values, "\(label)")
                #expect(try out["count"]?.tensor?.scalars(as: Int64.self) == [count], "\(label): count")
                #expect(try out["plus1"]?.tensor?.scalars(as: Float.self) == values.map { $0 + 1 }, "\(label): plus1")
                if repeatRun == 1 {
                    #expect(memo.current === before, "\(label): the same shapes again must reuse the memo, not replace it")
                }
            }
        }
    }

    @Test func levelNoneDoesNotRemember() throws {
        let session = try InferenceSession(model: Self.model, options: .init(threads: 1, graphOptimization: .none))
        #expect(session.plan.shapeMemo == nil)
    }

    @Test func concurrentRunsWithDifferentShapes() async throws {
        let session = try InferenceSession(model: Self.model, options: .init(threads: 1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<50 {
                        let rows = 1 + (task + i) % 4, cols = 2 + i % 3
                        let values = (0..<rows * cols).map { Float(($0 + task) % 2) }
                        let out = try session.run(["x": try Tensor(shape: [rows, cols], scalars: values)])
                        #expect(try out["flat"]?.tensor?.scalars(as: Float.self) == values)
                        #expect(try out["count"]?.tensor?.scalars(as: Int64.self) == [Int64(values.filter { $0 != 0 }.count)])
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
