import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// float16 / bfloat16 models: which operators the planner wraps in a ``HalfPrecisionAdapter``, that values keep
/// their half type at the graph's edges, and that float32 models are planned as before. Values against
/// onnxruntime are in the half-* parity fixtures (ParityTests; scripts/fixtures/make_half_fixtures.py) and in
/// RealWorldModelTests (tiny_cnn_fp16).
@Suite struct HalfPrecisionTests {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [String: ONNXAttribute] = [:]) -> ONNXNode {
        ONNXNode(name: outputs[0], opType: op, domain: "", inputs: inputs, outputs: outputs, attributes: attributes)
    }

    static func info(_ name: String, _ dtype: DType) -> ONNXValueInfo {
        ONNXValueInfo(name: name, type: .tensor(elementType: dtype, shape: nil))
    }

    static func model(_ nodes: [ONNXNode], inputs: [ONNXValueInfo], outputs: [ONNXValueInfo],
                      initializers: [String: Tensor] = [:]) -> ONNXModel {
        ONNXModel(irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
                  graph: ONNXGraph(name: "g", nodes: nodes, initializers: initializers, inputs: inputs, outputs: outputs, valueInfo: []))
    }

    static func plan(_ m: ONNXModel) throws -> ExecutionPlan {
        try Planner(options: .init(threads: 1)).plan(m)
    }

    /// Op type of each step and whether it runs in an adapter (and which outputs it keeps float32).
    static func wrapping(_ plan: ExecutionPlan) -> [String: (wrapped: Bool, keepWide: [Bool])] {
        Dictionary(uniqueKeysWithValues: plan.steps.map { step in
            let adapter = step.op as? HalfPrecisionAdapter
            return (step.node.name, (adapter != nil, adapter?.keepWideOutputs ?? []))
        })
    }

    static func halves(_ values: [Float], _ dtype: DType) throws -> Tensor {
        switch dtype {
        case .float16: return try Tensor(shape: [values.count], scalars: values.map { Half($0) })
        default: return try Tensor(shape: [values.count], scalars: values.map { BFloat16($0) })
        }
    }

    static func floats(_ t: Tensor) -> [Float] { (t.widenedFloats() ?? []).map { Float($0) } }

    @Test(arguments: [DType.float16, .bfloat16])
    func addAndReluKeepTheHalfType(dtype: DType) throws {
        // y = relu(x + b): every input and output is `dtype`; the sum stays float32 between Add and Relu.
        let m = Self.model([Self.node("Add", ["x", "b"], ["s"]), Self.node("Relu", ["s"], ["y"])],
                           inputs: [Self.info("x", dtype)], outputs: [Self.info("y", dtype)],
                           initializers: ["b": try Self.halves([0.5, -4, 1, 0.25], dtype)])
        let session = try InferenceSession(model: m, options: .init(threads: 1))
        let y = try #require(try session.run(["x": Self.halves([1, 2, -3, 1.5], dtype)])["y"]?.tensor)
        #expect(y.dtype == dtype && y.shape == [4], "\(dtype): got \(y.dtype)\(y.shape)")
        #expect(Self.floats(y) == [1.5, 0, 0, 1.75], "\(dtype): \(Self.floats(y))")
        let steps = Self.wrapping(session.plan)
        #expect(steps["s"]?.wrapped == true && steps["s"]?.keepWide == [true], "\(dtype): Add keeps its sum float32 for Relu")
        #expect(steps["y"]?.wrapped == true && steps["y"]?.keepWide == [false], "\(dtype): Relu's output is a graph output")
    }

    @Test func intermediateValuesStayFloat32BetweenWrappedNodes() throws {
        // (x * 1000) * 0.001 with x = 1.234375: float32 throughout (as onnxruntime computes it) gives 1.235 in
        // float16; rounding the product 1234.375 to float16 (1234) between the nodes would give 1.234.
        let x = try Tensor(shape: [1], scalars: [Half(1.234375)])
        let m = Self.model([Self.node("Mul", ["x", "k"], ["big"]), Self.node("Mul", ["big", "r"], ["y"])],
                           inputs: [Self.info("x", .float16)], outputs: [Self.info("y", .float16)],
                           initializers: ["k": try Tensor(shape: [1], scalars: [Half(1000)]),
                                          "r": try Tensor(shape: [1], scalars: [Half(0.001)])])
        let y = try #require(try InferenceSession(model: m, options: .init(threads: 1)).run(["x": x])["y"]?.tensor)
        let wide = Half(Half(1.234375).float * 1000 * Half(0.001).float)
        let roundedBetween = Half(Half(Half(1.234375).float * 1000).float * Half(0.001).float)
        #expect(wide != roundedBetween, "the case must tell the two apart")
        #expect(try y.scalars(as: Half.self) == [wide], "got \(Self.floats(y)), expected \(wide.float)")
    }

    @Test func dataMovementAndCastAreNotWrapped() throws {
        // float32 in, Cast to float16, Transpose (lanes), Softmax (wrapped), Cast back to float32.
        let m = Self.model([Self.node("Cast", ["x"], ["h"], ["to": .int(10)]),
                            Self.node("Transpose", ["h"], ["t"], ["perm": .ints([1, 0])]),
                            Self.node("Softmax", ["t"], ["s"], ["axis": .int(-1)]),
                            Self.node("Cast", ["s"], ["y"], ["to": .int(1)])],
                           inputs: [Self.info("x", .float32)], outputs: [Self.info("y", .float32)])
        #expect(m.holdsHalfPrecision, "a Cast to float16 makes the model hold half values")
        let session = try InferenceSession(model: m, options: .init(threads: 1))
        let steps = Self.wrapping(session.plan)
        #expect(steps["h"]?.wrapped == false && steps["t"]?.wrapped == false && steps["y"]?.wrapped == false, "\(steps)")
        #expect(steps["s"]?.wrapped == true && steps["s"]?.keepWide == [false], "Softmax narrows: a Cast reads it")
        let x = try Tensor(shape: [2, 2], scalars: [0, 1, 0, 1] as [Float])
        let y = try #require(try session.run(["x": x])["y"]?.tensor)
        // columns [0, 0] and [1, 1]: softmax 0.5 each, exact in float16.
        #expect(try y.dtype == .float32 && y.scalars(as: Float.self) == [0.5, 0.5, 0.5, 0.5], "\(y)")
    }

    @Test func float32ModelsHaveNoAdapter() throws {
        let m = Self.model([Self.node("MatMul", ["x", "w"], ["p"]), Self.node("Add", ["p", "b"], ["s"]),
                            Self.node("Relu", ["s"], ["y"]), Self.node("Cast", ["y"], ["z"], ["to": .int(11)])],
                           inputs: [Self.info("x", .float32)], outputs: [Self.info("z", .float64)],
                           initializers: ["w": try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4] as [Float]),
                                          "b": try Tensor(shape: [2], scalars: [1, -1] as [Float])])
        #expect(!m.holdsHalfPrecision)
        let plan = try Self.plan(m)
        #expect(plan.steps.allSatisfy { !($0.op is HalfPrecisionAdapter) }, "\(plan.steps.map { "\($0.node.opType): \(type(of: $0.op))" })")
        #expect(plan.steps.contains { $0.op is FusedMatMulAdd }, "the float32 MatMul+Add fusion is kept")
    }

    @Test func detectsHalfValuesAnywhere() throws {
        let plain = Self.model([Self.node("Relu", ["x"], ["y"])], inputs: [Self.info("x", .float32)], outputs: [Self.info("y", .float32)])
        #expect(!plain.holdsHalfPrecision)
        var declared = plain
        declared.graph.valueInfo = [Self.info("y", .bfloat16)]
        #expect(declared.holdsHalfPrecision, "value_info")
        var initializer = plain
        initializer.graph.initializers["c"] = try Tensor(shape: [1], scalars: [Half(1)])
        #expect(initializer.holdsHalfPrecision, "initializer")
        var constant = plain
        constant.graph.nodes.append(Self.node("ConstantOfShape", ["x"], ["c"], ["value": .tensor(try Tensor(shape: [1], scalars: [Half(0)]))]))
        #expect(constant.holdsHalfPrecision, "ConstantOfShape value")
        var castByName = plain
        castByName.graph.nodes.append(Self.node("Cast", ["x"], ["c"], ["to": .string("BFLOAT16")]))
        #expect(castByName.holdsHalfPrecision, "Cast-1 type name")
        let body = ONNXGraph(name: "body", nodes: [Self.node("Cast", ["x"], ["c"], ["to": .int(10)])], initializers: [:],
                             inputs: [], outputs: [Self.info("c", .float16)], valueInfo: [])
        var subgraph = plain
        subgraph.graph.nodes.append(Self.node("If", ["cond"], ["o"], ["then_branch": .graph(body), "else_branch": .graph(body)]))
        #expect(subgraph.holdsHalfPrecision, "subgraph")
    }

    @Test func halfMatMulAddFusesInAnAdapter() throws {
        // y = x @ W + b, all float16: one GEMM on the widened W and b, as for float32.
        let w = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4].map { Half(Float($0)) })
        let b = try Tensor(shape: [2], scalars: [Half(0.5), Half(-1)])
        let m = Self.model([Self.node("MatMul", ["x", "w"], ["p"]), Self.node("Add", ["p", "b"], ["y"])],
                           inputs: [Self.info("x", .float16)], outputs: [Self.info("y", .float16)], initializers: ["w": w, "b": b])
        let session = try InferenceSession(model: m, options: .init(threads: 1))
        let adapters = session.plan.steps.compactMap { $0.op as? HalfPrecisionAdapter }
        #expect(session.plan.steps.count == 1 && adapters.first?.wrapped is FusedMatMulAdd,
                "\(session.plan.steps.map { "\($0.node.opType): \(type(of: $0.op))" })")
        let y = try #require(try session.run(["x": Tensor(shape: [1, 2], scalars: [Half(1), Half(2)])])["y"]?.tensor)
        #expect(y.dtype == .float16 && Self.floats(y) == [7.5, 9], "\(Self.floats(y))")  // [1+6, 2+8] + [0.5, -1]
    }

    @Test func subgraphsReadingOuterHalfValuesAreWrapped() throws {
        // If's branches compute on the outer float16 x and declare no types: they are planned with adapters
        // because the outer graph holds half values, and x is narrowed (not kept float32) since a branch reads it.
        func branch(_ op: String) -> ONNXGraph {
            ONNXGraph(name: op, nodes: [Self.node(op, ["r"], ["o_\(op)"])], initializers: [:], inputs: [],
                      outputs: [ONNXValueInfo(name: "o_\(op)", type: .tensor(elementType: nil, shape: nil))], valueInfo: [])
        }
        let m = Self.model([Self.node("Mul", ["x", "x"], ["r"]),
                            Self.node("If", ["c"], ["y"], ["then_branch": .graph(branch("Relu")), "else_branch": .graph(branch("Neg"))])],
                           inputs: [Self.info("x", .float16), Self.info("c", .bool)], outputs: [Self.info("y", .float16)])
        let session = try InferenceSession(model: m, options: .init(threads: 1))
        #expect(Self.wrapping(session.plan)["r"]?.keepWide == [false], "a value a subgraph reads is narrowed")
        let x = try Tensor(shape: [2], scalars: [Half(1.5), Half(-2)])
        for (cond, want) in [(true, [Float(2.25), 4]), (false, [-2.25, -4])] {
            let y = try #require(try session.run(["x": x, "c": Tensor(shape: [], scalars: [cond])])["y"]?.tensor)
            #expect(y.dtype == .float16 && Self.floats(y) == want, "cond \(cond): \(y.dtype) \(Self.floats(y))")
        }
    }

    @Test func constantHalfInputsAreWidenedOnceAtLoad() throws {
        // One float16 weight read by two nodes: both adapters hold the same float32 copy.
        let w = try Tensor(shape: [2], scalars: [Half(0.5), Half(2)])
        let m = Self.model([Self.node("Mul", ["x", "w"], ["a"]), Self.node("Add", ["a", "w"], ["y"])],
                           inputs: [Self.info("x", .float16)], outputs: [Self.info("y", .float16)], initializers: ["w": w])
        let plan = try Self.plan(m)
        let adapters = plan.steps.compactMap { $0.op as? HalfPrecisionAdapter }
        #expect(adapters.count == 2)
        for adapter in adapters {
            let widened = try #require(adapter.widenedConstants[1], "\(adapter.spec.name): weight not widened")
            #expect(try widened.dtype == .float32 && widened.scalars(as: Float.self) == [0.5, 2], "\(adapter.spec.name)")
            #expect(adapter.halfType == .float16, "\(adapter.spec.name)")
        }
        let session = try InferenceSession(model: m, options: .init(threads: 1))
        let y = try #require(try session.run(["x": Tensor(shape: [2], scalars: [Half(3), Half(-1)])])["y"]?.tensor)
        #expect(y.dtype == .float16 && Self.floats(y) == [2, 0], "\(Self.floats(y))")  // 3*0.5+0.5, -1*2+2
    }
}
