import Foundation
import MLCoreKernels
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// Conv's depthwise path with the write-back the planner will fuse into it (`activation`, `residual`):
/// float32 2-D and 1-D (the C kernel), float32 3-D and float64 (the Swift loop), against the naive
/// convolution of ``NNOperatorTests`` followed by the residual and the activation written out here.
@Suite struct ConvDepthwiseWriteBackTests {
    static func activate(_ a: FusedActivation, _ x: Double) -> Double {
        switch a.kind {
        case .clip: return min(max(x, Double(a.alpha)), Double(a.beta))
        case .relu: return max(x, 0)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .hardSwish: return x * min(max(x / 6 + 0.5, 0), 1)
        default: return x  // not used below
        }
    }

    /// Runs `Conv.depthwise` on `x` `[N, C, spatial...]` with a `[C * mult, 1, kernel...]` weight and bias.
    static func depthwise(_ x: Tensor, _ w: Tensor, _ b: Tensor, pads: [Int], strides: [Int], activation: FusedActivation,
                          residual: Tensor?) throws -> Tensor {
        let channels = x.shape[1], rank = x.rank - 2
        let attributes: [String: ONNXAttribute] = ["group": .int(Int64(channels)), "pads": .ints(pads.map(Int64.init)),
                                                   "strides": .ints(strides.map(Int64.init))]
        let node = ONNXNode(name: "dw", opType: "Conv", domain: "", inputs: ["x", "w", "b"], outputs: ["y"], attributes: attributes)
        let spec = NodeSpec(node: node, opset: 17, constantInputs: [], options: .init(threads: 1))
        let conv = try Conv(spec)
        let g = try conv.window.geometry(input: Array(x.shape.dims.suffix(rank)), kernel: Array(w.shape.dims.suffix(rank)),
                                         pooling: false, spec)
        let p = ConvProblem(batch: x.shape[0], channels: channels, outputChannels: w.shape[0], groups: channels, geometry: g)
        var y = try Tensor(zeros: Shape([x.shape[0], w.shape[0]] + g.outputSpatial), dtype: x.dtype)
        if x.dtype == .float32 {
            try conv.depthwise(x, w, try b.scalars(as: Float.self), p, &y, threads: 2, activation: activation, residual: residual)
        } else {
            try conv.depthwise(x, w, try b.scalars(as: Double.self), p, &y, threads: 2, activation: activation, residual: residual)
        }
        return y
    }

    static let activations = [FusedActivation(.clip, alpha: 0, beta: 6), FusedActivation(.relu), FusedActivation(.sigmoid),
                              FusedActivation(.hardSwish), .none]

    @Test(arguments: [DType.float32, .float64])
    func twoDimensionalWithResidualAndActivation(dtype: DType) throws {
        // Multiplier 2, stride 2 with asymmetric pads; values scaled so that Clip(0, 6) clips on both sides.
        let x = NNOperatorTests.pattern([2, 3, 9, 11], 7, 3, 17, 0.5, 16, dtype: dtype)
        let w = NNOperatorTests.weights([6, 1, 3, 3], dtype: dtype), b = NNOperatorTests.bias(6, dtype: dtype)
        let (shape, conv) = NNOperatorTests.naiveConv(x, w, b, group: 3, strides: [2, 2], pads: [1, 0, 1, 2], dilations: [1, 1])
        let residual = NNOperatorTests.pattern(shape, 5, 2, 11, 1, 5, dtype: dtype)
        let r = NNOperatorTests.doubles(residual)
        for act in Self.activations {
            for useResidual in [false, true] {
                let y = try Self.depthwise(x, w, b, pads: [1, 0, 1, 2], strides: [2, 2], activation: act,
                                           residual: useResidual ? residual : nil)
                let expected = conv.indices.map { Self.activate(act, conv[$0] + (useResidual ? r[$0] : 0)) }
                NNOperatorTests.expectClose(y, shape: shape, expected, tolerance: 1e-5, "\(dtype) \(act) residual \(useResidual)")
            }
        }
    }

    /// 1-D runs the C kernel as a plane of height 1; 3-D runs the Swift loop (float32 too).
    @Test func oneAndThreeDimensional() throws {
        let act = FusedActivation(.clip, alpha: -1, beta: 2)
        let x1 = NNOperatorTests.pattern([2, 4, 13]), w1 = NNOperatorTests.weights([4, 1, 5]), b1 = NNOperatorTests.bias(4)
        let (shape4, conv4) = NNOperatorTests.naiveConv(try x1.reshaped([2, 4, 1, 13]), try w1.reshaped([4, 1, 1, 5]), b1,
                                                        group: 4, strides: [1, 2], pads: [0, 2, 0, 1], dilations: [1, 1])
        let residual1 = NNOperatorTests.pattern([2, 4, shape4[3]], 3, 1, 7, 2, 1)
        let y1 = try Self.depthwise(x1, w1, b1, pads: [2, 1], strides: [2], activation: act, residual: residual1)
        let r1 = NNOperatorTests.doubles(residual1)
        NNOperatorTests.expectClose(y1, shape: [2, 4, shape4[3]], conv4.indices.map { Self.activate(act, conv4[$0] + r1[$0]) },
                                    tolerance: 1e-5, "1-D")

        // 3-D with a depth of 1 equals the 2-D convolution of the same plane.
        let x3 = NNOperatorTests.pattern([1, 2, 1, 6, 7]), w3 = NNOperatorTests.weights([2, 1, 1, 3, 3]), b3 = NNOperatorTests.bias(2)
        let (shape2, conv2) = NNOperatorTests.naiveConv(try x3.reshaped([1, 2, 6, 7]), try w3.reshaped([2, 1, 3, 3]), b3,
                                                        group: 2, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1])
        let residual3 = NNOperatorTests.pattern([1, 2, 1, shape2[2], shape2[3]], 3, 1, 7, 2, 1)
        let y3 = try Self.depthwise(x3, w3, b3, pads: [0, 1, 1, 0, 1, 1], strides: [1, 1, 1], activation: act, residual: residual3)
        let r3 = NNOperatorTests.doubles(residual3)
        NNOperatorTests.expectClose(y3, shape: [1, 2, 1, shape2[2], shape2[3]],
                                    conv2.indices.map { Self.activate(act, conv2[$0] + r3[$0]) }, tolerance: 1e-5, "3-D")
    }

    @Test func residualOfAnotherShapeIsAnError() throws {
        let x = NNOperatorTests.pattern([1, 2, 5, 5]), w = NNOperatorTests.weights([2, 1, 3, 3]), b = NNOperatorTests.bias(2)
        #expect(throws: ONNXError.self) {
            _ = try Self.depthwise(x, w, b, pads: [1, 1, 1, 1], strides: [1, 1], activation: .none,
                                   residual: NNOperatorTests.pattern([1, 2, 4, 5]))
        }
    }
}
