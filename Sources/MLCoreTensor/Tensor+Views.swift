extension Tensor {
    /// The same elements with another shape, sharing storage (no copy).
    ///
    /// One dimension may be `-1`, inferred from the others as in NumPy and ONNX `Reshape`.
    /// - Throws: ``TensorError/shapeMismatch(operation:_:_:)`` naming both shapes when the counts differ.
    public func reshaped(_ newShape: Shape) throws -> Tensor {
        var dims = newShape.dims
        let inferred = dims.indices.filter { dims[$0] == -1 }
        guard inferred.count <= 1 else { throw TensorError.shapeMismatch(operation: "reshape", shape, newShape) }
        if let i = inferred.first {
            var known = dims
            known[i] = 1
            let rest = try Shape(known).checkedElementCount()
            guard rest > 0, count % rest == 0 else { throw TensorError.shapeMismatch(operation: "reshape", shape, newShape) }
            dims[i] = count / rest
        }
        let target = Shape(dims)
        guard try target.checkedElementCount() == count else {
            throw TensorError.shapeMismatch(operation: "reshape", shape, newShape)
        }
        return Tensor(shape: target, dtype: dtype, storage: storage, offset: offset, count: count)
    }

    /// Rows `range` along the first axis, sharing storage (no copy).
    /// - Throws: ``TensorError/indexOutOfRange(operation:index:bound:)`` when the range leaves the tensor,
    ///   or ``TensorError/shapeMismatch(operation:_:_:)`` for a rank-0 tensor.
    public func rows(_ range: Range<Int>) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.shapeMismatch(operation: "rows", shape, [range.count]) }
        let n = shape[0]
        guard range.lowerBound >= 0, range.lowerBound <= n else {
            throw TensorError.indexOutOfRange(operation: "rows", index: range.lowerBound, bound: n)
        }
        guard range.upperBound <= n else {
            throw TensorError.indexOutOfRange(operation: "rows", index: range.upperBound - 1, bound: n)
        }
        let rowCount = n == 0 ? 0 : count / n
        var dims = shape.dims
        dims[0] = range.count
        return Tensor(shape: Shape(dims), dtype: dtype, storage: storage,
                      offset: offset + range.lowerBound * rowCount, count: range.count * rowCount)
    }
}
