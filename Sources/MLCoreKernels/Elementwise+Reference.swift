import MLCoreTensor

extension BinaryOperator {
    /// One element of the operation, in the type's own IEEE arithmetic.
    @inline(__always)
    func callAsFunction<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T {
        switch self {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        }
    }
}

extension Elementwise {
    /// The reference: every output element's operand offsets computed from its multi-index, with no
    /// dimension merging, so it shares nothing with ``BroadcastPlan`` that it is tested against.
    static func binaryReference<T: BinaryFloatingPoint & TensorScalar>(
        _ op: BinaryOperator, _ a: Tensor, _ b: Tensor, _ out: inout Tensor, as: T.Type
    ) throws {
        let outShape = out.shape
        let rank = outShape.rank
        func broadcastStrides(_ s: Shape) -> [Int] {
            let padded = [Int](repeating: 1, count: rank - s.rank) + s.dims
            let strides = Shape(padded).strides
            return (0..<rank).map { padded[$0] == 1 ? 0 : strides[$0] }
        }
        let sa = broadcastStrides(a.shape), sb = broadcastStrides(b.shape)
        let sameShape = a.shape == outShape && b.shape == outShape
        try a.withUnsafeBufferPointer(as: T.self) { pa in
            try b.withUnsafeBufferPointer(as: T.self) { pb in
                try out.withUnsafeMutableBufferPointer(as: T.self) { po in
                    if sameShape {
                        for i in 0..<po.count { po[i] = op(pa[i], pb[i]) }
                        return
                    }
                    for i in 0..<po.count {
                        var rest = i, ia = 0, ib = 0
                        for d in stride(from: rank - 1, through: 0, by: -1) {
                            let index = rest % outShape.dims[d]
                            rest /= outShape.dims[d]
                            ia += index * sa[d]
                            ib += index * sb[d]
                        }
                        po[i] = op(pa[ia], pb[ib])
                    }
                }
            }
        }
    }
}
