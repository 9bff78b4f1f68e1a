import MLCore

/// A ResNet-50-shaped image classifier in torchvision's layout (ResNet v1.5: the stride on the 3x3 conv):
/// 7x7 stride-2 stem, 3x3 stride-2 max pool, bottleneck blocks (1x1, 3x3, 1x1 with 4x expansion) in stages of
/// `blocks` with widths `baseWidth`·2^i, a 1x1 projection on each stage's first block, residual Add, Relu,
/// GlobalAveragePool, Flatten, Gemm. Batch normalization is folded into each Conv's weights and bias, as
/// torch's exporter writes an eval-mode model. Input `input` [N, 3, size, size], output `logits` [N, classes].
package struct ResNetConfiguration: Sendable, Hashable {
    package var blocks: [Int]
    package var baseWidth: Int
    package var classes: Int
    package var imageSize: Int

    /// ResNet-50: [3, 4, 6, 3], widths 64 to 2048, 1000 classes, 224x224 (25.6M parameters, 4.1 GMAC per image).
    package static let resnet50 = ResNetConfiguration(blocks: [3, 4, 6, 3], baseWidth: 64, classes: 1000, imageSize: 224)
    /// A tiny configuration for tests (one block per stage, widths 8 to 256, 32x32).
    package static let tiny = ResNetConfiguration(blocks: [1, 1, 1, 1], baseWidth: 8, classes: 10, imageSize: 32)

    package func build(seed: UInt64) -> ONNXModelWriter {
        var g = ONNXGraphBuilder(graphName: "resnet", seed: seed)
        g.input("input", elementType: 1, [.param("N"), .value(3), .value(Int64(imageSize)), .value(Int64(imageSize))])
        var x = g.node("Relu", [g.conv("input", in: 3, out: baseWidth, kernel: 7, stride: 2)])
        x = g.node("MaxPool", [x], [("kernel_shape", .ints([3, 3])), ("strides", .ints([2, 2])), ("pads", .ints([1, 1, 1, 1]))])
        var channels = baseWidth
        for (stage, count) in blocks.enumerated() {
            let width = baseWidth << stage
            for block in 0..<count {
                let stride = stage > 0 && block == 0 ? 2 : 1
                var shortcut = x
                if block == 0 { shortcut = g.conv(x, in: channels, out: 4 * width, kernel: 1, stride: stride) }
                var y = g.node("Relu", [g.conv(x, in: channels, out: width, kernel: 1)])
                y = g.node("Relu", [g.conv(y, in: width, out: width, kernel: 3, stride: stride)])
                // The branch's last conv scaled down (as a small folded batch-norm scale would), so that the
                // residual sums of 16 blocks stay of order one.
                y = g.conv(y, in: width, out: 4 * width, kernel: 1, weightScale: 0.3)
                x = g.node("Relu", [g.node("Add", [y, shortcut])])
                channels = 4 * width
            }
        }
        g.output(g.classifier(x, channels: channels, classes: classes), as: "logits", [.param("N"), .value(Int64(classes))])
        return g.writer
    }
}
