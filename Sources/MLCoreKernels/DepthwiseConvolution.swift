import MLCoreCKernels

/// A 2-D depthwise convolution on float32, NCHW: each input channel `c` feeds the `multiplier` output
/// channels `c * multiplier ..< (c + 1) * multiplier` through its own window (ONNX Conv with
/// `group == channels`), with the bias, an optional residual and a ``FusedActivation`` applied in the
/// write-back: `y = act((window sum + bias[o]) + residual)`.
///
/// Runs the C bodies of `conv_depthwise*.c` at ``InstructionSet`` level `level`: unrolled AVX2/AVX-512
/// bodies for 3x3 and 5x5 windows at stride 1 or 2 and dilation 1, a general vector body for other
/// windows, strides and dilations, and a portable scalar body below AVX2. Input positions in the padding
/// count as zeros; the end pads are implied by the output size.
package struct DepthwiseConvolution2D: Sendable, Hashable {
    package var batch: Int
    package var channels: Int
    /// Output channels per input channel (M = channels * multiplier).
    package var multiplier: Int
    package var inputHeight: Int, inputWidth: Int
    package var outputHeight: Int, outputWidth: Int
    package var kernelHeight: Int, kernelWidth: Int
    package var strideHeight: Int = 1, strideWidth: Int = 1
    package var dilationHeight: Int = 1, dilationWidth: Int = 1
    package var padTop: Int = 0, padLeft: Int = 0

    package init(batch: Int, channels: Int, multiplier: Int, inputHeight: Int, inputWidth: Int,
                 outputHeight: Int, outputWidth: Int, kernelHeight: Int, kernelWidth: Int,
                 strideHeight: Int = 1, strideWidth: Int = 1, dilationHeight: Int = 1, dilationWidth: Int = 1,
                 padTop: Int = 0, padLeft: Int = 0) {
        self.batch = batch
        self.channels = channels
        self.multiplier = multiplier
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padLeft = padLeft
    }

    /// Output channels, `channels * multiplier`.
    package var outputChannels: Int { channels * multiplier }
    /// Output planes `batch * outputChannels`: the unit ``run(input:weights:bias:residual:activation:output:planes:level:)`` splits over.
    package var planes: Int { batch * outputChannels }
    /// Multiply-adds of the whole convolution (padding taps included), for work estimates and rates.
    package var multiplyAdds: Int { planes * outputHeight * outputWidth * kernelHeight * kernelWidth }

    /// Whether the sizes can run: positive strides and dilations, no negative size or pad.
    package var isValid: Bool {
        [batch, channels, multiplier, inputHeight, inputWidth, outputHeight, outputWidth, kernelHeight, kernelWidth,
         padTop, padLeft].allSatisfy { $0 >= 0 }
            && [strideHeight, strideWidth, dilationHeight, dilationWidth].allSatisfy { $0 >= 1 }
    }

    /// Computes the output planes `planes` (plane = image * outputChannels + channel).
    ///
    /// - Parameters:
    ///   - input: `[batch, channels, inputHeight, inputWidth]`.
    ///   - weights: `[outputChannels, 1, kernelHeight, kernelWidth]`.
    ///   - bias: `[outputChannels]` or nil.
    ///   - residual: the output's shape, or nil; must not overlap `output` (the sums are written first).
    ///   - output: `[batch, outputChannels, outputHeight, outputWidth]`, not overlapping input or weights.
    /// - Precondition: ``isValid``; `planes` within `0 ..< planes`.
    package func run(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                     residual: UnsafePointer<Float>?, activation: FusedActivation = .none,
                     output: UnsafeMutablePointer<Float>, planes range: Range<Int>, level: InstructionSet = .cpu) {
        precondition(isValid, "invalid depthwise convolution sizes \(self)")
        precondition(range.lowerBound >= 0 && range.upperBound <= planes, "planes \(range) outside 0..<\(planes)")
        guard !range.isEmpty else { return }
        var shape = mlc_dwconv2d_shape(
            batch: batch, channels: channels, multiplier: multiplier,
            in_h: inputHeight, in_w: inputWidth, out_h: outputHeight, out_w: outputWidth,
            kernel_h: kernelHeight, kernel_w: kernelWidth, stride_h: strideHeight, stride_w: strideWidth,
            dilation_h: dilationHeight, dilation_w: dilationWidth, pad_top: padTop, pad_left: padLeft)
        let act = mlc_activation(kind: activation.cKind, alpha: activation.alpha, beta: activation.beta)
        let level = Swift.min(level, InstructionSet.cpu)
        mlc_dwconv2d_f32(level.cLevel, &shape, input, weights, bias, residual, act, output,
                         range.lowerBound, range.upperBound)
    }
}
