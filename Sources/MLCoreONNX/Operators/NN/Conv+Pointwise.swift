import MLCoreKernels
import MLCoreTensor

/// Bias, residual (Z) and activation of a float32 convolution, applied to a block of the GEMM's output right
/// after the GEMM wrote it, while the block is still in cache (one pass over the output instead of a bias fill
/// before the GEMM, the GEMM reading it back with beta 1, and a separate epilogue pass over the whole tensor).
struct BlockEpilogue {
    let bias: [Float]?
    /// Z, the convolution's shape.
    let sum: Tensor?
    let activation: FusedActivation

    /// `y[r, columns] = act(y + bias[r % channels] + z[r, columns])` for output rows `rows` (rows of `rowLength`).
    func apply(to y: UnsafeMutablePointer<Float>, rows: Range<Int>, channels: Int, columns: Range<Int>, rowLength: Int,
               threads: Int) {
        if bias == nil && sum == nil && activation.kind == .none { return }
        let z = sum.map { $0.unsafeElements(as: Float.self) }
        let count = columns.count
        NNParallel.forEach(rows.count, threads: threads, work: rows.count &* count &* 4) { part in
            for i in part {
                let r = rows.lowerBound + i
                let offset = r * rowLength + columns.lowerBound
                activation.apply(y + offset, count: count, bias: bias?[r % channels] ?? 0, residual: z.map { $0 + offset })
            }
        }
    }
}

extension Conv {
    /// Output bytes per block of the pointwise GEMM. Smaller blocks (their output kept in L2 until the epilogue
    /// passes over it) did not pay: MobileNetV2, 1 thread, AMD Zen 4, per-node medians of the 16 -> 96 channel
    /// 112x112 layer, 128 KiB to 4 MiB blocks 800-930 us vs 750 us for the whole plane (the GEMMs on column
    /// slices lose more than the cache saves; the machine's noise is about 10%). What remains of the fusion is one
    /// pass: no bias fill before the GEMM and no beta-1 read of it.
    static let pointwiseBlockBytes = 8 << 20

    /// A 1x1 convolution of one image as GEMMs straight on the NCHW input (`[C, H*W]`), in column blocks each
    /// followed by its epilogue. `weights` is `[M, C]`; `c` is `[N * M, H*W]`.
    func pointwise(_ weights: Tensor, _ x: Tensor, image: Int, _ p: ConvProblem, into c: inout Tensor,
                   _ epilogue: BlockEpilogue, _ context: RunContext) throws {
        let m = p.outputChannels, k = p.channels, n = p.geometry.outputCount
        let options = context.kernelOptions
        // Whole multiples of 16 columns (the kernels' vector width), at least 64 so each GEMM stays efficient.
        let block = Swift.min(n, Swift.max(64, Self.pointwiseBlockBytes / (4 * m) / 16 * 16))
        let a = weights.unsafeElements(as: Float.self)
        let b = x.unsafeElements(as: Float.self) + image * k * n
        let out = c.unsafeMutableElements(as: Float.self) + image * m * n
        for first in stride(from: 0, to: n, by: block) {
            let width = Swift.min(block, n - first)
            GEMM.multiply(m: m, n: width, k: k, a, lda: k, b + first, ldb: n, into: out + first, ldc: n, beta: 0, options: options)
            epilogue.apply(to: c.unsafeMutableElements(as: Float.self), rows: image * m..<(image + 1) * m, channels: m,
                           columns: first..<first + width, rowLength: n, threads: context.threads)
        }
    }
}
