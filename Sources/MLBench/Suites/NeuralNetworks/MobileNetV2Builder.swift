import MLCore

/// A MobileNetV2-shaped image classifier in torchvision's layout: 3x3 stride-2 stem, inverted residual blocks
/// (1x1 expand by `t`, 3x3 depthwise with group = channels, 1x1 linear project; residual Add when the stride is
/// 1 and the widths match), Clip(0, 6) as ReLU6, a 1x1 conv to `lastChannels`, GlobalAveragePool, Flatten,
/// Gemm. Batch normalization is folded into the convs. Input `input` [N, 3, size, size], output `logits`.
package struct MobileNetV2Configuration: Sendable, Hashable {
    package struct Stage: Sendable, Hashable {
        /// Expansion factor, output channels, blocks, stride of the first block.
        package var t: Int, c: Int, n: Int, s: Int
    }

    package var stemChannels: Int
    package var stages: [Stage]
    package var lastChannels: Int
    package var classes: Int
    package var imageSize: Int

    /// MobileNetV2 1.0 at 224x224 (3.5M parameters, 300 MMAC per image).
    package static let mobilenetV2 = MobileNetV2Configuration(
        stemChannels: 32,
        stages: [.init(t: 1, c: 16, n: 1, s: 1), .init(t: 6, c: 24, n: 2, s: 2), .init(t: 6, c: 32, n: 3, s: 2),
                 .init(t: 6, c: 64, n: 4, s: 2), .init(t: 6, c: 96, n: 3, s: 1), .init(t: 6, c: 160, n: 3, s: 2),
                 .init(t: 6, c: 320, n: 1, s: 1)],
        lastChannels: 1280, classes: 1000, imageSize: 224)
    /// A tiny configuration for tests.
    package static let tiny = MobileNetV2Configuration(
        stemChannels: 8, stages: [.init(t: 1, c: 8, n: 1, s: 1), .init(t: 6, c: 12, n: 2, s: 2), .init(t: 6, c: 16, n: 1, s: 2)],
        lastChannels: 32, classes: 10, imageSize: 32)

    package func build(seed: UInt64) -> ONNXModelWriter {
        var g = ONNXGraphBuilder(graphName: "mobilenet_v2", seed: seed)
        g.input("input", elementType: 1, [.param("N"), .value(3), .value(Int64(imageSize)), .value(Int64(imageSize))])
        let low = g.constant("clip_min", [], [0]), high = g.constant("clip_max", [], [6])
        func relu6(_ g: inout ONNXGraphBuilder, _ x: String) -> String { g.node("Clip", [x, low, high]) }
        var x = relu6(&g, g.conv("input", in: 3, out: stemChannels, kernel: 3, stride: 2))
        var channels = stemChannels
        for stage in stages {
            for block in 0..<stage.n {
                let stride = block == 0 ? stage.s : 1
                let hidden = channels * stage.t
                var y = x
                if stage.t != 1 { y = relu6(&g, g.conv(y, in: channels, out: hidden, kernel: 1)) }
                y = relu6(&g, g.conv(y, in: hidden, out: hidden, kernel: 3, stride: stride, group: hidden))
                // Linear bottleneck (no activation), scaled down where it feeds a residual sum.
                let residual = stride == 1 && channels == stage.c
                y = g.conv(y, in: hidden, out: stage.c, kernel: 1, weightScale: residual ? 0.5 : 1)
                x = residual ? g.node("Add", [x, y]) : y
                channels = stage.c
            }
        }
        x = relu6(&g, g.conv(x, in: channels, out: lastChannels, kernel: 1))
        g.output(g.classifier(x, channels: lastChannels, classes: classes), as: "logits", [.param("N"), .value(Int64(classes))])
        return g.writer
    }
}
