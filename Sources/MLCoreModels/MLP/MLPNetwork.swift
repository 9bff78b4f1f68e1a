import Foundation
import MLCoreTensor
import MLCoreKernels
import MLCoreTensor

/// The layers of a multi-layer perceptron and its forward pass, in float32 on ``GEMM``.
///
/// Layer `l` maps `sizes[l]` inputs to `sizes[l + 1]` outputs: `z = a W^T + b` with `W` `[sizes[l + 1], sizes[l]]`
/// row-major (the layout of ONNX `Gemm` with `transB = 1`; scikit-learn's `coefs_[l]` is its transpose). Hidden
/// layers apply the activation; the last layer's `z` are the logits, turned into probabilities by a sigmoid (one
/// output: binary) or a softmax.
struct MLPNetwork {
    var sizes: [Int]
    var activation: MLP.Activation
    /// Per layer, float32 `[sizes[l + 1], sizes[l]]`.
    var weights: [Tensor]
    /// Per layer, `sizes[l + 1]` values.
    var biases: [[Float]]

    var layerCount: Int { weights.count }
    var outputs: Int { sizes[sizes.count - 1] }

    /// Rows per forward-pass chunk when scoring many rows (bounds the activation buffers).
    static let chunkRows = 4096

    /// Throws unless every buffer of a network with these layer sizes, and of a minibatch of `batchRows`, has a
    /// size that fits in memory arithmetic (so no allocation can wrap around).
    static func checkSize(_ sizes: [Int], batchRows: Int) throws {
        var weights = 0
        for l in 0..<(sizes.count - 1) {
            let (w, o1) = sizes[l].multipliedReportingOverflow(by: sizes[l + 1])
            let (total, o2) = weights.addingReportingOverflow(w)
            guard !o1, !o2, total <= MLP.maxWeights else {
                throw ModelError.invalidParameter(name: "hiddenLayers",
                                                  reason: "layer sizes \(sizes) need more than \(MLP.maxWeights) weights")
            }
            weights = total
        }
        let widest = sizes.max()!
        let (activations, o3) = widest.multipliedReportingOverflow(by: max(batchRows, chunkRows))
        guard !o3, activations <= MLP.maxWeights else {
            throw ModelError.invalidParameter(name: "batchSize", reason: "\(batchRows) rows of \(widest) units do not fit in memory")
        }
    }

    /// Weights and biases drawn as scikit-learn's `_init_coef` does: uniform in `±sqrt(6 / (fanIn + fanOut))`
    /// (its factor 2 applies to logistic hidden units only, which MLCore does not offer), weights then biases, layer
    /// by layer, from `random`.
    init(sizes: [Int], activation: MLP.Activation, random: inout SplitMix64) {
        self.sizes = sizes
        self.activation = activation
        weights = []
        biases = []
        for l in 0..<(sizes.count - 1) {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            let bound = (6.0 / Double(fanIn + fanOut)).squareRoot()
            let w = (0..<(fanIn * fanOut)).map { _ in Float(random.uniform(-bound, bound)) }
            // The shape was checked by `checkSize`, and the count matches it.
            weights.append(try! Tensor(shape: [fanOut, fanIn], scalars: w))
            biases.append((0..<fanOut).map { _ in Float(random.uniform(-bound, bound)) })
        }
    }

    /// A network from stored parameters (``MLPModel``'s), already checked for matching sizes.
    init(sizes: [Int], activation: MLP.Activation, weights: [[Float]], biases: [[Float]]) throws {
        self.sizes = sizes
        self.activation = activation
        self.weights = try (0..<(sizes.count - 1)).map { l in
            try Tensor(shape: [sizes[l + 1], sizes[l]], scalars: weights[l])
        }
        self.biases = biases
    }

    /// `|W|^2` over every layer's weights (the L2 penalty's sum), accumulated in float64.
    func weightSquares() -> Double {
        var sum = 0.0
        for w in weights {
            // Float32 weights, known element type.
            try! w.withUnsafeBufferPointer(as: Float.self) { p in for v in p { sum += Double(v) * Double(v) } }
        }
        return sum
    }

    /// Computes every layer's output for `input` (float32 `[rows, sizes[0]]`) into `activations` (one
    /// `[rows, sizes[l + 1]]` float32 buffer per layer): hidden layers after their activation, the last layer's
    /// logits before the output function. No allocation.
    func forward(_ input: Tensor, into activations: inout [Tensor], options: KernelOptions) throws {
        for l in 0..<layerCount {
            if l == 0 {
                try GEMM.multiply(input, weights[0], into: &activations[0], transposeB: true, options: options)
            } else {
                let previous = activations[l - 1]
                try GEMM.multiply(previous, weights[l], into: &activations[l], transposeB: true, options: options)
            }
            let hidden = l < layerCount - 1
            let relu = hidden && activation == .relu
            let width = sizes[l + 1]
            try biases[l].withUnsafeBufferPointer { b in
                try activations[l].withUnsafeMutableBufferPointer(as: Float.self) { z in
                    let rows = z.count / width
                    for r in 0..<rows {
                        let row = z.baseAddress! + r * width
                        if relu {
                            for j in 0..<width { row[j] = max(row[j] + b[j], 0) }
                        } else {
                            for j in 0..<width { row[j] += b[j] }
                        }
                    }
                }
            }
            if hidden && activation == .tanh {
                try MLCoreKernels.Activation.applyInPlace(.tanh, to: &activations[l], options: options)
            }
        }
    }

    /// One float32 buffer per layer for `rows` rows.
    func activationBuffers(rows: Int) throws -> [Tensor] {
        try (1..<sizes.count).map { try Tensor(zeros: [rows, sizes[$0]], dtype: .float32) }
    }

    /// Calls `body` with each chunk of at most ``chunkRows`` rows of `x` (float32 `[rows, sizes[0]]`): its first
    /// row and its logits (`[chunk, outputs]`, row-major).
    func forEachLogitChunk(_ x: Tensor, options: KernelOptions,
                           _ body: (_ start: Int, _ logits: UnsafeBufferPointer<Float>) throws -> Void) throws {
        let rows = x.shape[0]
        var buffers: [Tensor] = [], bufferRows = -1
        var start = 0
        while start < rows {
            let count = min(Self.chunkRows, rows - start)
            if count != bufferRows {
                buffers = try activationBuffers(rows: count)
                bufferRows = count
            }
            try forward(try x.rows(start..<(start + count)), into: &buffers, options: options)
            try buffers[layerCount - 1].withUnsafeBufferPointer(as: Float.self) { try body(start, $0) }
            start += count
        }
    }

    /// Class probabilities `[rows * classes]` (row-major, float64) of float32 rows `x`: `[1 - s(z), s(z)]` for one
    /// output, the softmax of the logits otherwise.
    func probabilities(_ x: Tensor, options: KernelOptions) throws -> [Double] {
        let classes = outputs == 1 ? 2 : outputs
        var p = [Double](repeating: 0, count: x.shape[0] * classes)
        try forEachLogitChunk(x, options: options) { start, z in
            for r in 0..<(z.count / outputs) {
                let o = (start + r) * classes
                if outputs == 1 {
                    let q = sigmoid(Double(z[r]))
                    p[o] = 1 - q
                    p[o + 1] = q
                    continue
                }
                var m = -Double.infinity
                for t in 0..<outputs { m = max(m, Double(z[r * outputs + t])) }
                var sum = 0.0
                for t in 0..<outputs {
                    let e = exp(Double(z[r * outputs + t]) - m)
                    p[o + t] = e
                    sum += e
                }
                for t in 0..<outputs { p[o + t] /= sum }
            }
        }
        return p
    }

    /// Mean log-loss (no penalty) of float32 rows `x` with class indices `y`, computed from the logits.
    func meanLogLoss(_ x: Tensor, y: [Int], options: KernelOptions) throws -> Double {
        var total = 0.0
        try forEachLogitChunk(x, options: options) { start, z in
            total += MLPNetwork.logLoss(logits: z.baseAddress!, outputs: outputs, labels: y, rows: start..<(start + z.count / outputs),
                                        logitRowOffset: start, delta: nil)
        }
        return total / Double(max(x.shape[0], 1))
    }

    /// The summed log-loss of `rows` (labels `labels[r]`) from their logits `logits[(r - logitRowOffset) * outputs...]`,
    /// in float64, writing `p - onehot(y)` into `delta` (same layout as the logits) when given.
    ///
    /// One output: `log(1 + e^z) - y z`, with `e = exp(-|z|)` giving both that and the sigmoid. Several: `m + log sum
    /// exp(z - m) - z_y` with `m` the row's largest logit. (scikit-learn clips the probabilities to `[eps, 1 - eps]`
    /// first; the two agree unless a row's loss exceeds about 16 in float32, where the clipped one stops growing.)
    static func logLoss(logits: UnsafePointer<Float>, outputs: Int, labels: [Int], rows: Range<Int>, logitRowOffset: Int,
                        delta: UnsafeMutablePointer<Float>?) -> Double {
        var loss = 0.0
        if outputs == 1 {
            for r in rows {
                let i = r - logitRowOffset
                let s = Double(logits[i]), label = Double(labels[r])
                let e = exp(-abs(s))
                loss += max(s, 0) + log(1 + e) - label * s
                if let delta {
                    let p = s >= 0 ? 1 / (1 + e) : e / (1 + e)
                    delta[i] = Float(p - label)
                }
            }
            return loss
        }
        for r in rows {
            let row = (r - logitRowOffset) * outputs
            var m = -Double.infinity
            for t in 0..<outputs { m = max(m, Double(logits[row + t])) }
            var sum = 0.0
            for t in 0..<outputs { sum += exp(Double(logits[row + t]) - m) }
            loss += m + log(sum) - Double(logits[row + labels[r]])
            if let delta {
                let inverse = 1 / sum
                for t in 0..<outputs { delta[row + t] = Float(exp(Double(logits[row + t]) - m) * inverse) }
                delta[row + labels[r]] -= 1
            }
        }
        return loss
    }

    /// Folds `x' = (x - mean) / scale` into the first layer, so the network takes raw features:
    /// `W' = W / scale` (per input column) and `b' = b - W' mean`, computed in float64.
    mutating func foldStandardization(mean: [Double], scale: [Double]) {
        let inputs = sizes[0], units = sizes[1]
        var b = biases[0]
        // Float32 weights, known element type.
        try! weights[0].withUnsafeMutableBufferPointer(as: Float.self) { w in
            for i in 0..<units {
                var shift = 0.0
                for j in 0..<inputs {
                    let v = Double(w[i * inputs + j]) / scale[j]
                    w[i * inputs + j] = Float(v)
                    shift += v * mean[j]
                }
                b[i] = Float(Double(b[i]) - shift)
            }
        }
        biases[0] = b
    }
}

extension SplitMix64 {
    /// A uniform double in `[low, high)` from the top 53 bits of the next output.
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        let unit = Double(next() >> 11) * 0x1p-53
        return low + (high - low) * unit
    }
}
