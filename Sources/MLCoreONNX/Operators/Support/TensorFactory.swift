import MLCoreTensor

extension RunContext {
    /// A zero-filled tensor, after checking its size against ``SessionOptions/maxTensorBytes``: shapes
    /// computed from data (Expand, Tile, ConstantOfShape, ...) cannot make a run allocate without bound.
    /// With `zeroed: false` the elements start undefined: only for operators that write every element.
    func makeTensor(_ shape: Shape, _ dtype: DType, node: String, zeroed: Bool = true) throws -> Tensor {
        let bytes: Int
        do { bytes = try shape.checkedByteCount(dtype) } catch {
            throw ONNXError.limitExceeded(what: "node '\(node)': tensor \(shape) size", value: Int.max, limit: maxTensorBytes)
        }
        guard bytes <= maxTensorBytes else {
            throw ONNXError.limitExceeded(what: "node '\(node)': tensor \(shape) bytes", value: bytes, limit: maxTensorBytes)
        }
        try checkLiveBytes(adding: bytes, shape, dtype, node: node)
        return zeroed ? try Tensor(zeros: shape, dtype: dtype, pool: pool) : try Tensor.uninitialized(shape, dtype: dtype, pool: pool)
    }
}

extension Array where Element == Value? {
    /// Input `index` as a tensor, with an error naming the node when it is missing or not a tensor.
    func tensor(_ index: Int, _ spec: NodeSpec) throws -> Tensor {
        guard index < count, let value = self[index] else { throw spec.error("input \(index) is missing") }
        guard let t = value.tensor else { throw spec.error("input \(index) must be a tensor") }
        return t
    }

    /// Optional input `index` as a tensor (nil when omitted).
    func optionalTensor(_ index: Int, _ spec: NodeSpec) throws -> Tensor? {
        guard index < count, let value = self[index] else { return nil }
        guard let t = value.tensor else { throw spec.error("input \(index) must be a tensor") }
        return t
    }
}

/// Normalizes an axis in `-rank..<rank` to `0..<rank`, or throws naming the node.
func normalizeAxis(_ axis: Int64, rank: Int, _ spec: NodeSpec) throws -> Int {
    let a = axis < 0 ? axis + Int64(rank) : axis
    guard a >= 0, a < Int64(Swift.max(rank, 1)) || (rank == 0 && a == 0) else {
        throw spec.error("axis \(axis) is out of range for rank \(rank)")
    }
    return Int(a)
}
