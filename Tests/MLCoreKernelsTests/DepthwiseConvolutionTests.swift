import Foundation
@testable import MLCoreKernels
import MLCoreTestSupport
import Testing

/// The depthwise convolution kernel (``DepthwiseConvolution2D``) at every runnable level against a plain
/// scalar reference written here: the window sum in Double over the taps inside the input, then bias,
/// residual and the activation from libm.
@Suite struct DepthwiseConvolutionTests {
    struct Case: CustomStringConvertible {
        var conv: DepthwiseConvolution2D
        var padBottom: Int, padRight: Int
        var description: String {
            let c = conv
            return "N\(c.batch) C\(c.channels)x\(c.multiplier) in \(c.inputHeight)x\(c.inputWidth) k \(c.kernelHeight)x\(c.kernelWidth) "
                + "s \(c.strideHeight),\(c.strideWidth) d \(c.dilationHeight),\(c.dilationWidth) "
                + "pads t\(c.padTop) l\(c.padLeft) b\(padBottom) r\(padRight) -> \(c.outputHeight)x\(c.outputWidth)"
        }

        /// Output sizes from ONNX's formula, nil when the padded input is smaller than the dilated window.
        init?(batch: Int = 1, channels: Int, multiplier: Int, height: Int, width: Int, kernel: (Int, Int),
              stride: (Int, Int), dilation: (Int, Int), pads: (top: Int, left: Int, bottom: Int, right: Int)) {
            let eh = height + pads.top + pads.bottom - ((kernel.0 - 1) * dilation.0 + 1)
            let ew = width + pads.left + pads.right - ((kernel.1 - 1) * dilation.1 + 1)
            guard eh >= 0, ew >= 0 else { return nil }
            conv = DepthwiseConvolution2D(
                batch: batch, channels: channels, multiplier: multiplier, inputHeight: height, inputWidth: width,
                outputHeight: eh / stride.0 + 1, outputWidth: ew / stride.1 + 1, kernelHeight: kernel.0,
                kernelWidth: kernel.1, strideHeight: stride.0, strideWidth: stride.1, dilationHeight: dilation.0,
                dilationWidth: dilation.1, padTop: pads.top, padLeft: pads.left)
            padBottom = pads.bottom
            padRight = pads.right
        }
    }

    /// The activation written out plainly in Double (independent of FusedActivation and the C epilogue).
    static func activate(_ a: FusedActivation, _ x: Double) -> Double {
        let alpha = Double(a.alpha), beta = Double(a.beta)
        switch a.kind {
        case .none: return x
        case .relu: return max(x, 0)
        case .clip: return min(max(x, alpha), beta)
        case .leakyRelu: return x >= 0 ? x : alpha * x
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .tanh: return Foundation.tanh(x)
        case .hardSigmoid: return min(max(alpha * x + beta, 0), 1)
        case .hardSwish: return x * min(max(x / 6 + 0.5, 0), 1)
        case .gelu: return 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot()))
        }
    }

    static func reference(_ c: DepthwiseConvolution2D, _ x: [Float], _ w: [Float], _ bias: [Float]?,
                          _ residual: [Float]?, _ act: FusedActivation) -> [Double] {
        let m = c.outputChannels
        var y = [Double](repeating: 0, count: c.planes * c.outputHeight * c.outputWidth)
        for n in 0..<c.batch {
            for o in 0..<m {
                let ch = o / c.multiplier
                for oh in 0..<c.outputHeight {
                    for ow in 0..<c.outputWidth {
                        var sum = 0.0
                        for kh in 0..<c.kernelHeight {
                            for kw in 0..<c.kernelWidth {
                                let ih = oh * c.strideHeight + kh * c.dilationHeight - c.padTop
                                let iw = ow * c.strideWidth + kw * c.dilationWidth - c.padLeft
                                guard ih >= 0, ih < c.inputHeight, iw >= 0, iw < c.inputWidth else { continue }
                                let xv = x[((n * c.channels + ch) * c.inputHeight + ih) * c.inputWidth + iw]
                                let wv = w[(o * c.kernelHeight + kh) * c.kernelWidth + kw]
                                sum += Double(xv) * Double(wv)
                            }
                        }
                        let i = ((n * m + o) * c.outputHeight + oh) * c.outputWidth + ow
                        sum += Double(bias?[o] ?? 0) + Double(residual?[i] ?? 0)
                        y[i] = activate(act, sum)
                    }
                }
            }
        }
        return y
    }

    /// Runs the kernel over the planes in two calls (checks the plane indexing of a split) and compares.
    static func check(_ t: Case, isa: InstructionSet, bias useBias: Bool, residual useResidual: Bool,
                      activation: FusedActivation, seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation) {
        let c = t.conv
        let outCount = c.planes * c.outputHeight * c.outputWidth
        let x = randomFloats(c.batch * c.channels * c.inputHeight * c.inputWidth, seed: seed)
        let w = randomFloats(c.outputChannels * c.kernelHeight * c.kernelWidth, seed: seed &+ 1)
        let bias = useBias ? randomFloats(c.outputChannels, seed: seed &+ 2) : nil
        let residual = useResidual ? randomFloats(outCount, seed: seed &+ 3) : nil
        let expected = reference(c, x, w, bias, residual, activation)
        var y = [Float](repeating: .nan, count: outCount)
        let half = c.planes / 2
        let biasValues = bias ?? [0], residualValues = residual ?? [0]
        x.withUnsafeBufferPointer { px in
            w.withUnsafeBufferPointer { pw in
                biasValues.withUnsafeBufferPointer { pb in
                    residualValues.withUnsafeBufferPointer { pr in
                        y.withUnsafeMutableBufferPointer { py in
                            for range in [0..<half, half..<c.planes] {
                                c.run(input: px.baseAddress!, weights: pw.baseAddress!,
                                      bias: useBias ? pb.baseAddress : nil, residual: useResidual ? pr.baseAddress : nil,
                                      activation: activation, output: py.baseAddress!, planes: range, level: isa)
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<outCount {
            let e = expected[i], g = Double(y[i])
            guard abs(g - e) <= 1e-5 * max(1, abs(e)) else {
                Issue.record("\(t) isa \(isa) bias \(useBias) residual \(useResidual) \(activation): y[\(i)] = \(g), expected \(e)",
                             sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// 1...40 and past the 32- and 64-column limits of the padded-copy paths.
    static let widths = Array(1...20) + [23, 27, 31, 32, 33, 37, 40, 47, 63, 64, 65, 70]

    @Test("window x stride x dilation x width x pads x multiplier sweep", arguments: InstructionSet.runnable)
    func geometrySweep(_ isa: InstructionSet) {
        let kernels = [(1, 1), (3, 3), (5, 5), (7, 7), (3, 5)]
        var seed: UInt64 = 1, cases = 0
        for kernel in kernels {
            for stride in 1...3 {
                for dilation in 1...2 {
                    for width in Self.widths {
                        for multiplier in 1...2 {
                            seed &+= 7
                            // Asymmetric pads 0...3 that change with the width; heights 1...9.
                            let pads = (top: width % 4, left: (width / 3) % 4, bottom: (width / 2) % 4, right: (width + 1) % 4)
                            guard let t = Case(batch: 1 + width % 2, channels: 2, multiplier: multiplier,
                                               height: 1 + (width * 7) % 9, width: width, kernel: kernel,
                                               stride: (stride, stride), dilation: (dilation, dilation), pads: pads)
                            else { continue }
                            Self.check(t, isa: isa, bias: width % 3 != 0, residual: width % 2 == 0, activation: .none, seed: seed)
                            cases += 1
                        }
                    }
                }
            }
        }
        #expect(cases > 1000, "the sweep ran \(cases) cases")
    }

    static let activations: [FusedActivation] = [
        .none, FusedActivation(.relu), FusedActivation(.clip, alpha: -0.5, beta: 0.7),
        FusedActivation(.leakyRelu, alpha: 0.1), FusedActivation(.sigmoid), FusedActivation(.tanh),
        FusedActivation(.hardSigmoid, alpha: 0.2, beta: 0.5), FusedActivation(.hardSwish), FusedActivation(.gelu),
    ]

    @Test("every activation with and without bias and residual", arguments: InstructionSet.runnable)
    func activationsBiasResidual(_ isa: InstructionSet) {
        #expect(Set(Self.activations.map(\.kind)) == Set(FusedActivation.Kind.allCases))
        // MobileNet-like 3x3 s1 and s2 (pads 1), a 5x5 s2 with asymmetric pads, and a plane taller than
        // one epilogue chunk (4096 floats) so the write-back runs in several pieces.
        let shapes = [
            Case(channels: 3, multiplier: 1, height: 9, width: 37, kernel: (3, 3), stride: (1, 1), dilation: (1, 1), pads: (1, 1, 1, 1))!,
            Case(channels: 2, multiplier: 2, height: 8, width: 35, kernel: (3, 3), stride: (2, 2), dilation: (1, 1), pads: (0, 0, 1, 1))!,
            Case(channels: 2, multiplier: 1, height: 11, width: 29, kernel: (5, 5), stride: (2, 2), dilation: (1, 1), pads: (2, 1, 2, 3))!,
            Case(channels: 1, multiplier: 1, height: 80, width: 70, kernel: (3, 3), stride: (1, 1), dilation: (1, 1), pads: (1, 1, 1, 1))!,
        ]
        var seed: UInt64 = 100
        for t in shapes {
            for act in Self.activations {
                for (bias, residual) in [(false, false), (true, false), (false, true), (true, true)] {
                    seed &+= 5
                    Self.check(t, isa: isa, bias: bias, residual: residual, activation: act, seed: seed)
                }
            }
        }
    }

    /// Different strides and dilations per axis, and 1-D convolutions (height 1).
    @Test("per-axis strides and dilations, 1-D", arguments: InstructionSet.runnable)
    func perAxis(_ isa: InstructionSet) {
        let cases = [
            Case(channels: 2, multiplier: 1, height: 10, width: 33, kernel: (3, 3), stride: (1, 2), dilation: (2, 1), pads: (2, 1, 1, 2))!,
            Case(channels: 2, multiplier: 3, height: 9, width: 21, kernel: (5, 3), stride: (2, 1), dilation: (1, 2), pads: (0, 3, 2, 1))!,
            Case(channels: 3, multiplier: 1, height: 1, width: 40, kernel: (1, 5), stride: (1, 1), dilation: (1, 1), pads: (0, 2, 0, 2))!,
            Case(channels: 3, multiplier: 2, height: 1, width: 39, kernel: (1, 3), stride: (1, 2), dilation: (1, 3), pads: (0, 1, 0, 0))!,
        ]
        for (i, t) in cases.enumerated() {
            Self.check(t, isa: isa, bias: true, residual: i % 2 == 0, activation: FusedActivation(.relu), seed: UInt64(500 + i))
        }
    }

    /// A case worked by hand: x = 1...9 in a 3x3 plane, an all-ones 3x3 window, pads 1, bias 0.5.
    /// Corner (0, 0) sums 1 + 2 + 4 + 5 = 12, the top middle 1 + 2 + 3 + 4 + 5 + 6 = 21, the centre 45.
    @Test("hand-computed 3x3", arguments: InstructionSet.runnable)
    func handComputed(_ isa: InstructionSet) {
        let conv = DepthwiseConvolution2D(batch: 1, channels: 1, multiplier: 1, inputHeight: 3, inputWidth: 3,
                                          outputHeight: 3, outputWidth: 3, kernelHeight: 3, kernelWidth: 3,
                                          padTop: 1, padLeft: 1)
        let x: [Float] = (1...9).map(Float.init), w = [Float](repeating: 1, count: 9), bias: [Float] = [0.5]
        var y = [Float](repeating: 0, count: 9)
        conv.run(input: x, weights: w, bias: bias, residual: nil, output: &y, planes: 0..<1, level: isa)
        #expect(y == [12, 21, 16, 27, 45, 33, 24, 39, 28].map { $0 + 0.5 }, "isa \(isa): \(y)")
    }
}
