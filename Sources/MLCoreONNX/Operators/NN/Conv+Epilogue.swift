import MLCoreKernels
import MLCoreTensor

/// The write-back of a fused convolution (`FusedConv`): `y = act(conv + bias + Z)` per output plane, in one
/// pass over `y` while it is in cache, instead of separate Add and activation nodes with their own tensors.
extension Conv {
    /// Applies the bias (when `bias` is given: the convolution did not add it), the sum input `z` and the
    /// activation to `y`, `[N, M, spatial...]`, in place. A `z` of another shape (a broadcast Add) is added
    /// through the element-wise kernel first, as the unfused Add would.
    func applyEpilogue<T: NNFloat>(_: T.Type, _ y: inout Tensor, bias: [T]?, sum z: Tensor?, planeSize: Int,
                                   _ context: RunContext) throws {
        var residual = z
        if let z, z.shape != y.shape || z.dtype != y.dtype {
            guard z.dtype == y.dtype else { throw spec.error("Z has type \(z.dtype), the convolution \(y.dtype)") }
            if let bias { try addBias(&y, bias, planeSize: planeSize) }
            do { y = try Elementwise.add(y, z, options: context.kernelOptions) } catch let error as TensorError {
                throw spec.shapeError("Z \(z.shape) does not broadcast with the convolution's output \(y.shape): \(error)")
            }
            residual = nil
            return try applyEpilogue(T.self, &y, bias: nil, sum: nil, planeSize: planeSize, context)
        }
        let activation = self.activation
        if activation.kind == .none && bias == nil && residual == nil { return }
        let planes = planeSize == 0 ? 0 : y.count / planeSize
        let m = y.rank >= 2 ? y.shape[1] : 1
        try y.withUnsafeMutableBufferPointer(as: T.self) { py in
            let out = py.baseAddress!
            try withOptionalPointer(residual, T.self) { zp in
                NNParallel.forEach(planes, threads: context.threads, work: planes &* planeSize &* 4) { range in
                    for plane in range {
                        let b = bias?[plane % m] ?? 0
                        let row = out + plane * planeSize, zrow = zp.map { $0 + plane * planeSize }
                        if T.self == Float.self {
                            activation.apply(UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self), count: planeSize,
                                             bias: Float(b), residual: zrow.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) })
                        } else {
                            for i in 0..<planeSize { row[i] = activation.apply((row[i] + b) + (zrow?[i] ?? 0)) }
                        }
                    }
                }
            }
        }
    }

    private func addBias<T: NNFloat>(_ y: inout Tensor, _ bias: [T], planeSize: Int) throws {
        let m = y.shape[1]
        try y.withUnsafeMutableBufferPointer(as: T.self) { py in
            for plane in 0..<(planeSize == 0 ? 0 : py.count / planeSize) {
                let b = bias[plane % m], row = py.baseAddress! + plane * planeSize
                for i in 0..<planeSize { row[i] += b }
            }
        }
    }

    private func withOptionalPointer<T: NNFloat, R>(_ t: Tensor?, _: T.Type, _ body: (UnsafePointer<T>?) throws -> R) throws -> R {
        guard let t else { return try body(nil) }
        return try t.withUnsafeBufferPointer(as: T.self) { try body($0.baseAddress!) }
    }
}
