import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// Conv's Winograd F(2x2, 3x3) path (float32, 3x3, stride 1, one group, constant weights, >= 16 channels) against
/// a direct float64 convolution: odd and even sizes (partial edge tiles), symmetric and one-sided pads, pads
/// wider than the kernel's reach, with and without bias, batches, 1 and 2 threads.
@Suite struct ConvWinogradTests {
    struct Case: CustomStringConvertible, Sendable {
        var n, c, h, w, m: Int
        var pads: [Int]
        var bias: Bool
        var description: String { "x[\(n),\(c),\(h),\(w)] m \(m) pads \(pads) bias \(bias)" }
    }

    static let cases = [
        Case(n: 1, c: 16, h: 9, w: 7, m: 16, pads: [1, 1, 1, 1], bias: true),
        Case(n: 2, c: 32, h: 14, w: 14, m: 24, pads: [0, 0, 0, 0], bias: false),
        Case(n: 1, c: 16, h: 8, w: 11, m: 16, pads: [1, 0, 0, 1], bias: true),
        Case(n: 1, c: 20, h: 5, w: 5, m: 17, pads: [2, 2, 2, 2], bias: true),
        Case(n: 3, c: 16, h: 7, w: 7, m: 32, pads: [1, 1, 1, 1], bias: false),
    ]

    @Test(arguments: cases, [1, 2])
    func winogradMatchesDirectConvolution(_ c: Case, threads: Int) throws {
        let x = NNOperatorTests.pattern([c.n, c.c, c.h, c.w]), w = NNOperatorTests.weights([c.m, c.c, 3, 3])
        let b: Tensor? = c.bias ? NNOperatorTests.bias(c.m) : nil
        var initializers = ["w": w]
        if let b { initializers["b"] = b }
        let node = ONNXNode(name: "conv", opType: "Conv", domain: "", inputs: ["x", "w"] + (c.bias ? ["b"] : []), outputs: ["y"],
                            attributes: ["pads": .ints(c.pads.map(Int64.init))])
        let model = ONNXModel(irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
                              graph: ONNXGraph(name: "g", nodes: [node], initializers: initializers,
                                               inputs: [ONNXValueInfo(name: "x", type: .tensor(elementType: .float32, shape: nil))],
                                               outputs: [ONNXValueInfo(name: "y", type: .tensor(elementType: nil, shape: nil))], valueInfo: []))
        let session = try InferenceSession(model: model, options: .init(threads: threads))
        // The path under test is the one that runs.
        let conv = try #require(session.plan.steps.first?.op as? Conv)
        #expect(conv.winogradWeights != nil, "\(c): not on the Winograd path")
        let y = try #require(try session.run(["x": x])["y"]?.tensor)

        let (shape, expected) = NNOperatorTests.naiveConv(x, w, b, group: 1, strides: [1, 1], pads: c.pads, dilations: [1, 1])
        #expect(y.shape == shape)
        let got = try y.scalars(as: Float.self)
        let scale = Swift.max(1, expected.map { abs($0) }.max() ?? 1)
        let worst = zip(got, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst <= 1e-5 * scale, "\(c): max |diff| \(worst) for outputs up to \(scale)")
    }

    @Test func otherShapesStayOnTheGeneralPath() throws {
        // Stride 2, few channels, a 3x3 kernel with dilation: no transformed weights.
        for (attributes, channels) in [(["strides": ONNXAttribute.ints([2, 2])], 16), ([:], 8),
                                       (["dilations": ONNXAttribute.ints([2, 2])], 16)] {
            let w = NNOperatorTests.weights([16, channels, 3, 3])
            let node = ONNXNode(name: "conv", opType: "Conv", domain: "", inputs: ["x", "w"], outputs: ["y"], attributes: attributes)
            let model = ONNXModel(irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
                                  graph: ONNXGraph(name: "g", nodes: [node], initializers: ["w": w],
                                                   inputs: [ONNXValueInfo(name: "x", type: .tensor(elementType: .float32, shape: nil))],
                                                   outputs: [ONNXValueInfo(name: "y", type: .tensor(elementType: nil, shape: nil))], valueInfo: []))
            let conv = try #require(try InferenceSession(model: model, options: .init(threads: 1)).plan.steps.first?.op as? Conv)
            #expect(conv.winogradWeights == nil, "\(attributes) channels \(channels)")
        }
    }
}
