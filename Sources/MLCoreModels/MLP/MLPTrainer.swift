import MLCoreTensor
import MLCoreKernels
import MLCoreTensor

/// One fit's minibatch loop: the row order, the buffers of a full and of the last (shorter) minibatch, the gradient
/// and the optimizer state, all allocated once.
struct MLPTrainer {
    /// Float32 `[rows, features]` (standardized when asked).
    let x: Tensor
    let y: [Int]
    let rows: Int
    let batchRows: Int
    let shuffle: Bool
    let alpha: Double
    let options: KernelOptions
    private var order: [Int]
    private var full: MLPBatchBuffers
    /// For the `rows % batchRows` rows left at the end of an epoch, if any.
    private var tail: MLPBatchBuffers?
    private var gradients: MLPGradients
    private var optimizer: MLPOptimizer
    /// `|W|^2` of the current weights.
    private var weightSquares: Double

    init(network: MLPNetwork, x: Tensor, y: [Int], parameters: MLP.Parameters, options: KernelOptions) throws {
        self.x = x
        self.y = y
        rows = x.shape[0]
        batchRows = min(parameters.batchSize, rows)
        shuffle = parameters.shuffle
        alpha = parameters.alpha
        self.options = options
        order = Array(0..<rows)
        full = try MLPBatchBuffers(network, rows: batchRows)
        tail = rows % batchRows == 0 ? nil : try MLPBatchBuffers(network, rows: rows % batchRows)
        gradients = try MLPGradients(network)
        optimizer = MLPOptimizer(network, parameters: parameters)
        weightSquares = network.weightSquares()
    }

    /// Runs one epoch (shuffling the rows first, if asked, with `random`) and returns its loss: the row-weighted
    /// mean of the minibatch losses, as scikit-learn's `loss_`.
    mutating func epoch(network: inout MLPNetwork, random: inout SplitMix64) throws -> Double {
        if shuffle {
            // Fisher-Yates on the current order, as scikit-learn reshuffles its index array every epoch.
            for i in stride(from: rows - 1, to: 0, by: -1) {
                let n = UInt64(i + 1)
                let j = n <= 1 << 32 ? Int(random.below(n)) : Int(random.next() % n)
                order.swapAt(i, j)
            }
        }
        let features = x.shape[1]
        var accumulated = 0.0
        try x.withUnsafeBufferPointer(as: Float.self) { xs in
            var start = 0
            while start < rows {
                let count = min(batchRows, rows - start)
                let slice = order[start..<(start + count)]
                let loss: Double
                if count == batchRows {
                    try full.gather(xs, features: features, y: y, order: slice)
                    loss = try network.lossAndGradients(&full, alpha: alpha, weightSquares: weightSquares,
                                                        into: &gradients, options: options)
                } else {
                    try tail!.gather(xs, features: features, y: y, order: slice)
                    loss = try network.lossAndGradients(&tail!, alpha: alpha, weightSquares: weightSquares,
                                                        into: &gradients, options: options)
                }
                accumulated += loss * Double(count)
                weightSquares = try optimizer.update(&network, gradients)
                start += count
            }
        }
        return accumulated / Double(rows)
    }
}
