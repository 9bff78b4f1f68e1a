import MLCoreCKernels
import MLCoreKernels
import MLCoreTensor

/// The Winograd F(2x2, 3x3) path of Conv: a float32 3x3 convolution with stride 1, dilation 1 and one group
/// runs as an input transform, 16 GEMMs and an output transform (``mlc_winograd.h``), 2.25x fewer
/// multiply-adds than im2col + GEMM and no unfolded copy of the input. The weights are transformed once, when
/// the session loads (they must be a constant). Layers below `winogradMinChannels` channels or
/// `winogradMinTiles` 2x2 output tiles stay on im2col (thin GEMMs). Measured (1 thread, AMD Zen 4, `bench
/// inference` p50): ResNet-18 41.7 -> 32.1 ms (onnxruntime 33), ResNet-50 91.6 -> 79.9 ms (onnxruntime 75);
/// applying it from 1, 4, 16 or 64 tiles: 32.1, 32.5, 32.2, 36.0 ms on ResNet-18 (its 7x7 layers have 16).
/// A first version with scalar transforms was slower than im2col (47.9 ms): the transforms run a tile row at a
/// time with every loop over the tiles, so they vectorize.
///
/// Rounding: each output is a different sum of the same products than the direct form; the difference is a
/// few float32 ulps of the largest partial sums (tests compare against a float64 direct convolution). A Conv whose
/// output is quantized next (a QDQ model's unfused float Conv) keeps the direct sum: on resnet18_qdq the Winograd
/// rounding moved one logit of 2,000 by two quantization steps from onnxruntime's instead of one.
extension Conv {
    static let winogradMinChannels = 16
    static let winogradMinTiles = 16

    /// The transformed weights `[16 * M, C]` of a constant float32 `[M, C, 3, 3]` weight whose attributes allow
    /// the Winograd path (one group, strides and dilations 1), or nil.
    static func winogradWeights(_ w: Tensor?, _ window: SlidingWindowAttributes, group: Int) -> Tensor? {
        guard group == 1, let w, w.dtype == .float32, w.rank == 4, w.shape[2] == 3, w.shape[3] == 3,
              (window.strides ?? []).allSatisfy({ $0 == 1 }), (window.dilations ?? []).allSatisfy({ $0 == 1 }),
              w.shape[0] >= winogradMinChannels, w.shape[1] >= winogradMinChannels,
              var u = try? Tensor.uninitialized([16 * w.shape[0], w.shape[1]], dtype: .float32) else { return nil }
        let (m, c) = (w.shape[0], w.shape[1])
        mlc_winograd_f2k3_weights_f32(w.unsafeElements(as: Float.self), m, c, u.unsafeMutableElements(as: Float.self))
        withExtendedLifetime(w) {}
        return u
    }

    /// Whether this run's geometry takes the Winograd path.
    func runsWinograd(_ p: ConvProblem) -> Bool {
        let g = p.geometry
        guard let u = winogradWeights, p.groups == 1, g.spatialRank == 2, g.kernel[1] == 3, g.kernel[2] == 3,
              g.stride[1] == 1, g.stride[2] == 1, g.dilation[1] == 1, g.dilation[2] == 1,
              u.shape[0] == 16 * p.outputChannels, u.shape[1] == p.channels else { return false }
        return ((g.output[1] + 1) / 2) * ((g.output[2] + 1) / 2) >= Self.winogradMinTiles
    }

    /// Every image of `x` into `c` `[batch * M, output size]`, plus the bias. With several threads and images,
    /// each thread runs whole images (its own transform buffers, single-threaded GEMMs); with one image, the
    /// transforms split over channels and the 16 GEMMs over threads (each too small to split well itself).
    func winograd(_ x: Tensor, _ p: ConvProblem, bias: [Float]?, into c: inout Tensor, _ context: RunContext) throws {
        guard let u = winogradWeights else { return }
        let g = p.geometry
        let (inH, inW, outH, outW) = (g.input[1], g.input[2], g.output[1], g.output[2])
        let tilesH = (outH + 1) / 2, tilesW = (outW + 1) / 2, tiles = tilesH * tilesW
        let channels = p.channels, m = p.outputChannels
        let workers = Swift.max(1, Swift.min(context.threads, p.batch))
        var v = try context.makeTensor([workers * 16 * channels, tiles], .float32, node: spec.name, zeroed: false)
        var products = try context.makeTensor([workers * 16 * m, tiles], .float32, node: spec.name, zeroed: false)
        var single = context.kernelOptions
        single.threads = 1
        let input = x.unsafeElements(as: Float.self), output = c.unsafeMutableElements(as: Float.self)
        let weights = u.unsafeElements(as: Float.self)
        let pv = v.unsafeMutableElements(as: Float.self), pm = products.unsafeMutableElements(as: Float.self)
        let (padTop, padLeft) = (g.padBegin[1], g.padBegin[2])

        func image(_ n: Int, _ v: UnsafeMutablePointer<Float>, _ mm: UnsafeMutablePointer<Float>, threads: Int,
                   _ biasBase: UnsafePointer<Float>?) {
            let xImage = input + n * channels * g.inputCount, yImage = output + n * m * g.outputCount
            NNParallel.forEach(channels, threads: threads, work: channels &* tiles &* 64) { r in
                mlc_winograd_f2k3_input_f32(xImage, inH, inW, padTop, padLeft, tilesH, tilesW, channels, r.lowerBound, r.upperBound, v)
            }
            NNParallel.forEach(16, threads: threads, work: m &* channels &* tiles) { r in
                for xi in r {
                    GEMM.multiply(m: m, n: tiles, k: channels, weights + xi * m * channels, lda: channels,
                                  v + xi * channels * tiles, ldb: tiles, into: mm + xi * m * tiles, ldc: tiles, options: single)
                }
            }
            NNParallel.forEach(m, threads: threads, work: m &* tiles &* 64) { r in
                mlc_winograd_f2k3_output_f32(mm, m, tilesH, tilesW, outH, outW, biasBase, r.lowerBound, r.upperBound, yImage)
            }
        }
        func run(_ biasBase: UnsafePointer<Float>?) {
            if workers == 1 {
                for n in 0..<p.batch { image(n, pv, pm, threads: context.threads, biasBase) }
                return
            }
            NNParallel.forEach(workers, threads: workers, work: .max) { range in
                for worker in range {
                    for n in stride(from: worker, to: p.batch, by: workers) {
                        image(n, pv + worker * 16 * channels * tiles, pm + worker * 16 * m * tiles, threads: 1, biasBase)
                    }
                }
            }
        }
        if let bias { bias.withUnsafeBufferPointer { run($0.baseAddress) } } else { run(nil) }
        withExtendedLifetime((x, u, v, products)) {}
    }
}
