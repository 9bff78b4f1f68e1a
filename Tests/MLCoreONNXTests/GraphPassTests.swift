import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// The load-time graph passes (batch-normalization folding, Conv [+ Add] [+ activation] -> FusedConv): the
/// optimized plan must compute what the graph as written computes. The reference is the same model run with
/// `graphOptimization: .none`, whose Conv, BatchNormalization, Add and activation kernels are each checked
/// against onnxruntime by the parity fixtures; the passes must also actually rewrite (the planned operator
/// types are checked), or the comparison would prove nothing.
@Suite struct GraphPassTests {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String],
                     attributes: [String: ONNXAttribute] = [:]) -> ONNXNode {
        ONNXNode(name: outputs[0] + "_node", opType: op, domain: "", inputs: inputs, outputs: outputs, attributes: attributes)
    }

    /// Deterministic values in [-1, 1) (a small linear congruential sequence).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var s = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int((s >> 33) % 2001) - 1000) / 1000
        }
    }

    static func tensor(_ shape: [Int], seed: UInt64, offset: Float = 0, scale: Float = 1) -> Tensor {
        try! Tensor(shape: Shape(shape), scalars: values(shape.reduce(1, *), seed: seed).map { $0 * scale + offset })
    }

    /// X [1, 4, 7, 7]; Conv (3x3, pads 1, `group`) -> BatchNormalization -> `tail` nodes reading "bn".
    static func model(group: Int = 1, withBias: Bool = true, tail: [ONNXNode], output: String,
                      extraInitializers: [String: Tensor] = [:], extraInputs: [ONNXValueInfo] = [],
                      opset: Int64 = 17) -> ONNXModel {
        var initializers: [String: Tensor] = [
            "w": tensor([4, 4 / group, 3, 3], seed: 1),
            "scale": tensor([4], seed: 3, offset: 1, scale: 0.5), "shift": tensor([4], seed: 4),
            "mean": tensor([4], seed: 5, scale: 0.3), "var": tensor([4], seed: 6, offset: 1.2, scale: 0.5),
        ]
        if withBias { initializers["b"] = tensor([4], seed: 2) }
        initializers.merge(extraInitializers) { $1 }
        let conv = node("Conv", ["x", "w"] + (withBias ? ["b"] : []), ["c"],
                        attributes: ["pads": .ints([1, 1, 1, 1]), "group": .int(Int64(group))])
        let bn = node("BatchNormalization", ["c", "scale", "shift", "mean", "var"], ["bn"], attributes: ["epsilon": .float(1e-3)])
        let x = ONNXValueInfo(name: "x", type: .tensor(elementType: .float32, shape: [.fixed(1), .fixed(4), .fixed(7), .fixed(7)]))
        return ONNXModel(irVersion: 8, opsetImports: ["": opset], producerName: "test", producerVersion: "0",
                         graph: ONNXGraph(name: "g", nodes: [conv, bn] + tail, initializers: initializers,
                                          inputs: [x] + extraInputs,
                                          outputs: [ONNXValueInfo(name: output, type: .tensor(elementType: nil, shape: nil))],
                                          valueInfo: []))
    }

    /// Runs the model optimized and as written; returns the planned operator types and the largest difference
    /// relative to the output's magnitude.
    static func compare(_ model: ONNXModel, feeds extra: [String: Tensor] = [:], output: String) throws -> (ops: [String], diff: Float) {
        let feeds = ["x": tensor([1, 4, 7, 7], seed: 9, scale: 2)].merging(extra) { $1 }
        let optimized = try InferenceSession(model: model, options: .init(threads: 1))
        let plain = try InferenceSession(model: model, options: .init(threads: 1, graphOptimization: .none))
        let a = try #require(try optimized.run(feeds)[output]?.tensor)
        let b = try #require(try plain.run(feeds)[output]?.tensor)
        #expect(a.shape == b.shape)
        // Relative to the output's magnitude (at least 1): folding reorders float rounding.
        let reference = try b.scalars(as: Float.self)
        let magnitude = Swift.max(1, reference.map { abs($0) }.max() ?? 1)
        let diff = zip(try a.scalars(as: Float.self), reference).map { abs($0 - $1) }.max() ?? .infinity
        return (optimized.plannedNodes.map(\.opType), diff / magnitude)
    }

    @Test(arguments: [1, 4]) func batchNormalizationFoldsIntoConv(group: Int) throws {
        for withBias in [true, false] {
            let (ops, diff) = try Self.compare(Self.model(group: group, withBias: withBias, tail: [], output: "bn"), output: "bn")
            #expect(ops == ["Conv"], "group \(group) bias \(withBias): \(ops)")
            #expect(diff < 1e-5, "group \(group) bias \(withBias): max |diff| \(diff)")
        }
    }

    static let activations: [(String, [String: ONNXAttribute])] = [
        ("Relu", [:]), ("Sigmoid", [:]), ("Tanh", [:]), ("HardSwish", [:]),
        ("LeakyRelu", ["alpha": .float(0.2)]), ("HardSigmoid", ["alpha": .float(0.3), "beta": .float(0.4)]),
    ]

    @Test(arguments: [1, 4]) func activationFusesIntoConv(group: Int) throws {
        for (op, attributes) in Self.activations {
            let tail = [Self.node(op, ["bn"], ["y"], attributes: attributes)]
            let (ops, diff) = try Self.compare(Self.model(group: group, tail: tail, output: "y"), output: "y")
            #expect(ops == ["FusedConv"], "\(op) group \(group): \(ops)")
            #expect(diff < 1e-5, "\(op) group \(group): max |diff| \(diff)")
        }
    }

    @Test(arguments: [1, 4]) func clipWithConstantBoundsFuses(group: Int) throws {
        let bounds = ["lo": Tensor(scalar: Float(0)), "hi": Tensor(scalar: Float(0.5))]
        let tail = [Self.node("Clip", ["bn", "lo", "hi"], ["y"])]
        let (ops, diff) = try Self.compare(Self.model(group: group, tail: tail, output: "y", extraInitializers: bounds), output: "y")
        #expect(ops == ["FusedConv"], "\(ops)")
        #expect(diff < 1e-5, "max |diff| \(diff)")
    }

    @Test func geluFusesAtOpset20() throws {
        let tail = [Self.node("Gelu", ["bn"], ["y"])]
        let (ops, diff) = try Self.compare(Self.model(tail: tail, output: "y", opset: 20), output: "y")
        #expect(ops == ["FusedConv"], "\(ops)")
        #expect(diff < 1e-5, "max |diff| \(diff)")
    }

    /// The residual block: Conv -> Add(skip) -> Relu, with the skip as either Add operand, same shape or broadcast.
    @Test(arguments: [1, 4]) func residualAddAndReluFuse(group: Int) throws {
        let skipShapes: [[Int]] = [[1, 4, 7, 7], [1, 4, 1, 1], [4, 1, 1]]
        for skipShape in skipShapes {
            for skipFirst in [false, true] {
                let skip = ONNXValueInfo(name: "skip", type: .tensor(elementType: .float32, shape: skipShape.map { .fixed(Int64($0)) }))
                let add = Self.node("Add", skipFirst ? ["skip", "bn"] : ["bn", "skip"], ["s"])
                let tail = [add, Self.node("Relu", ["s"], ["y"])]
                let model = Self.model(group: group, tail: tail, output: "y", extraInputs: [skip])
                let (ops, diff) = try Self.compare(model, feeds: ["skip": Self.tensor(skipShape, seed: 11)], output: "y")
                #expect(ops == ["FusedConv"], "skip \(skipShape): \(ops)")
                #expect(diff < 1e-5, "group \(group) skip \(skipShape) first \(skipFirst): max |diff| \(diff)")
            }
        }
    }

    /// A skip that broadcasts the output to a larger shape: the fused node must still produce the Add's shape.
    @Test func residualThatWidensTheOutputKeepsTheAddShape() throws {
        let skip = ONNXValueInfo(name: "skip", type: .tensor(elementType: .float32, shape: [.fixed(3), .fixed(1), .fixed(1), .fixed(1)]))
        let tail = [Self.node("Add", ["bn", "skip"], ["y"])]
        let model = Self.model(tail: tail, output: "y", extraInputs: [skip])
        let (_, diff) = try Self.compare(model, feeds: ["skip": Self.tensor([3, 1, 1, 1], seed: 12)], output: "y")
        #expect(diff < 1e-5, "max |diff| \(diff)")
    }

    @Test func valuesReadElsewhereAreNotFused() throws {
        // "bn" is read by the Relu and by a second node: the Conv keeps its output and the Relu stays.
        let tail = [Self.node("Relu", ["bn"], ["r"]), Self.node("Mul", ["bn", "r"], ["y"])]
        let (ops, diff) = try Self.compare(Self.model(tail: tail, output: "y"), output: "y")
        #expect(ops == ["Conv", "Relu", "Mul"], "\(ops)")
        #expect(diff < 1e-5, "max |diff| \(diff)")
    }

    @Test func levelsSelectThePasses() throws {
        let model = Self.model(tail: [Self.node("Relu", ["bn"], ["y"])], output: "y")
        func ops(_ level: GraphOptimizationLevel) throws -> [String] {
            try InferenceSession(model: model, options: .init(threads: 1, graphOptimization: level)).plannedNodes.map(\.opType)
        }
        #expect(try ops(.none) == ["Conv", "BatchNormalization", "Relu"])
        #expect(try ops(.basic) == ["Conv", "Relu"])
        #expect(try ops(.all) == ["FusedConv"])
    }

    /// FusedConv written by hand (as onnxruntime saves optimized models) runs with its attributes.
    @Test func handWrittenFusedConvMatchesItsUnfusedForm() throws {
        let w = Self.tensor([4, 4, 3, 3], seed: 1), b = Self.tensor([4], seed: 2)
        let x = ONNXValueInfo(name: "x", type: .tensor(elementType: .float32, shape: [.fixed(1), .fixed(4), .fixed(7), .fixed(7)]))
        func model(_ nodes: [ONNXNode]) -> ONNXModel {
            ONNXModel(irVersion: 8, opsetImports: ["": 17, "com.microsoft": 1], producerName: "test", producerVersion: "0",
                      graph: ONNXGraph(name: "g", nodes: nodes, initializers: ["w": w, "b": b], inputs: [x],
                                       outputs: [ONNXValueInfo(name: "y", type: .tensor(elementType: nil, shape: nil))], valueInfo: []))
        }
        let fused = ONNXNode(name: "f", opType: "FusedConv", domain: "com.microsoft", inputs: ["x", "w", "b"], outputs: ["y"],
                             attributes: ["pads": .ints([1, 1, 1, 1]), "activation": .string("LeakyRelu"),
                                          "activation_params": .floats([0.1])])
        let plain = [Self.node("Conv", ["x", "w", "b"], ["c"], attributes: ["pads": .ints([1, 1, 1, 1])]),
                     Self.node("LeakyRelu", ["c"], ["y"], attributes: ["alpha": .float(0.1)])]
        let feeds = ["x": Self.tensor([1, 4, 7, 7], seed: 9, scale: 2)]
        let a = try #require(try InferenceSession(model: model([fused]), options: .init(threads: 1)).run(feeds)["y"]?.tensor)
        let r = try #require(try InferenceSession(model: model(plain), options: .init(threads: 1, graphOptimization: .none)).run(feeds)["y"]?.tensor)
        let diff = zip(try a.scalars(as: Float.self), try r.scalars(as: Float.self)).map { abs($0 - $1) }.max() ?? .infinity
        #expect(diff < 1e-5, "max |diff| \(diff)")
    }
    // MARK: - GELU

    /// x [3, 37] -> `nodes` -> "y", with scalar constants; runs optimized and as written.
    static func geluModel(_ nodes: [ONNXNode], constants: [String: Float]) throws -> (ops: [String], diff: Float) {
        let x = ONNXValueInfo(name: "x", type: .tensor(elementType: .float32, shape: [.fixed(3), .fixed(37)]))
        let model = ONNXModel(irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
                              graph: ONNXGraph(name: "g", nodes: nodes, initializers: constants.mapValues { Tensor(scalar: $0) },
                                               inputs: [x], outputs: [ONNXValueInfo(name: "y", type: .tensor(elementType: nil, shape: nil))],
                                               valueInfo: []))
        let feeds = ["x": tensor([3, 37], seed: 21, scale: 4)]
        let a = try #require(try InferenceSession(model: model, options: .init(threads: 1)).run(feeds)["y"]?.tensor)
        let plain = try InferenceSession(model: model, options: .init(threads: 1, graphOptimization: .none))
        let b = try #require(try plain.run(feeds)["y"]?.tensor)
        let diff = zip(try a.scalars(as: Float.self), try b.scalars(as: Float.self)).map { abs($0 - $1) }.max() ?? .infinity
        return (try InferenceSession(model: model, options: .init(threads: 1)).plannedNodes.map(\.opType), diff)
    }

    static let geluConstants: [String: Float] = ["sqrt2": 1.4142135, "invsqrt2": 0.70710677, "one": 1, "half": 0.5]

    @Test func torchGeluChainFusesIntoOneNode() throws {
        let nodes = [Self.node("Div", ["x", "sqrt2"], ["d"]), Self.node("Erf", ["d"], ["e"]), Self.node("Add", ["e", "one"], ["a"]),
                     Self.node("Mul", ["x", "a"], ["m"]), Self.node("Mul", ["m", "half"], ["y"])]
        let (ops, diff) = try Self.geluModel(nodes, constants: Self.geluConstants)
        #expect(ops == ["Gelu"], "\(ops)")
        #expect(diff < 2e-6, "max |diff| \(diff)")
    }

    @Test func huggingFaceGeluChainWithOperandsSwappedFuses() throws {
        let nodes = [Self.node("Mul", ["invsqrt2", "x"], ["d"]), Self.node("Erf", ["d"], ["e"]), Self.node("Add", ["one", "e"], ["a"]),
                     Self.node("Mul", ["half", "x"], ["h"]), Self.node("Mul", ["a", "h"], ["y"])]
        let (ops, diff) = try Self.geluModel(nodes, constants: Self.geluConstants)
        #expect(ops == ["Gelu"], "\(ops)")
        #expect(diff < 2e-6, "max |diff| \(diff)")
    }

    @Test func nearMissesAreNotFused() throws {
        // A different scale (x / 2), and a chain whose intermediate is read twice: both run as written.
        let scaled = [Self.node("Div", ["x", "two"], ["d"]), Self.node("Erf", ["d"], ["e"]), Self.node("Add", ["e", "one"], ["a"]),
                      Self.node("Mul", ["x", "a"], ["m"]), Self.node("Mul", ["m", "half"], ["y"])]
        let (ops, diff) = try Self.geluModel(scaled, constants: Self.geluConstants.merging(["two": 2]) { $1 })
        #expect(!ops.contains("Gelu"), "\(ops)")
        #expect(diff == 0)
        let shared = [Self.node("Div", ["x", "sqrt2"], ["d"]), Self.node("Erf", ["d"], ["e"]), Self.node("Add", ["e", "one"], ["a"]),
                      Self.node("Mul", ["x", "a"], ["m"]), Self.node("Mul", ["m", "half"], ["g"]), Self.node("Add", ["g", "e"], ["y"])]
        let (ops2, _) = try Self.geluModel(shared, constants: Self.geluConstants)
        #expect(!ops2.contains("Gelu"), "\(ops2)")
    }

    /// 1x1 convolutions (two images; bias only, bias + Relu, bias + residual + Relu, no bias + residual) run as
    /// GEMMs on the NCHW input with the bias, residual and activation applied after each GEMM (Conv+Pointwise.swift).
    /// The reference is the graph as written (Conv, Add and Relu nodes each checked against onnxruntime).
    @Test(arguments: [(true, false, true), (true, true, false), (true, true, true), (false, true, true)])
    func pointwiseConvolutionEpilogue(_ withBias: Bool, _ withResidual: Bool, _ withRelu: Bool) throws {
        var nodes = [Self.node("Conv", ["x", "w"] + (withBias ? ["b"] : []), ["c"])]
        var last = "c"
        if withResidual { nodes.append(Self.node("Add", [last, "z"], ["s"])); last = "s" }
        if withRelu { nodes.append(Self.node("Relu", [last], ["r"])); last = "r" }
        let initializers: [String: Tensor] = ["w": Self.tensor([6, 5, 1, 1], seed: 11), "b": Self.tensor([6], seed: 12)]
        let x = ONNXValueInfo(name: "x", type: .tensor(elementType: .float32, shape: [.fixed(2), .fixed(5), .fixed(9), .fixed(13)]))
        let z = ONNXValueInfo(name: "z", type: .tensor(elementType: .float32, shape: [.fixed(2), .fixed(6), .fixed(9), .fixed(13)]))
        let model = ONNXModel(irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
                              graph: ONNXGraph(name: "g", nodes: nodes, initializers: initializers, inputs: [x, z],
                                               outputs: [ONNXValueInfo(name: last, type: .tensor(elementType: nil, shape: nil))],
                                               valueInfo: []))
        let feeds = ["x": Self.tensor([2, 5, 9, 13], seed: 13, scale: 2), "z": Self.tensor([2, 6, 9, 13], seed: 14)]
        let optimized = try InferenceSession(model: model, options: .init(threads: 1))
        let plain = try InferenceSession(model: model, options: .init(threads: 1, graphOptimization: .none))
        let a = try #require(try optimized.run(feeds)[last]?.tensor), b = try #require(try plain.run(feeds)[last]?.tensor)
        #expect(a.shape == [2, 6, 9, 13] && b.shape == a.shape)
        let diff = zip(try a.scalars(as: Float.self), try b.scalars(as: Float.self)).map { abs($0 - $1) }.max() ?? .infinity
        #expect(diff < 1e-5, "bias \(withBias) residual \(withResidual) relu \(withRelu): max |diff| \(diff)")
        if withResidual || withRelu { #expect(optimized.plannedNodes.map(\.opType) == ["FusedConv"], "\(optimized.plannedNodes.map(\.opType))") }
    }
}
