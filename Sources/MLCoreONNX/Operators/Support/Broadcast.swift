import MLCoreTensor

/// NumPy-style broadcasting of several inputs to one output shape, as strides: an input's stride along an
/// axis is 0 where it is broadcast. Iteration walks the output in row-major order with the innermost axis
/// as a tight loop.
struct BroadcastPlan {
    let outShape: Shape
    let count: Int
    /// Per input, per output axis: element stride (0 when broadcast).
    let strides: [[Int]]

    init(_ shapes: [Shape], node: NodeSpec) throws {
        var out = shapes.first ?? []
        for s in shapes.dropFirst() {
            do { out = try Shape.broadcast(out, s, operation: node.opType) } catch {
                throw node.shapeError("cannot broadcast shapes \(shapes.map(\.description).joined(separator: ", "))")
            }
        }
        outShape = out
        count = try out.checkedElementCount()
        let rank = out.rank
        strides = shapes.map { s in
            let own = s.strides
            return (0..<rank).map { axis in
                let i = axis - (rank - s.rank)
                return i < 0 || s[i] == 1 ? 0 : own[i]
            }
        }
    }

    /// Calls `body(outOffset, inputOffsets, innerCount, innerStrides)` once per run of the innermost axis.
    func forEachRow(_ body: (Int, [Int], Int, [Int]) -> Void) {
        if count == 0 { return }
        let rank = outShape.rank
        if rank == 0 {
            body(0, strides.map { _ in 0 }, 1, strides.map { _ in 0 })
            return
        }
        let inner = outShape[rank - 1]
        let innerStrides = strides.map { $0[rank - 1] }
        var index = [Int](repeating: 0, count: rank - 1)
        var offsets = [Int](repeating: 0, count: strides.count)
        var out = 0
        let rows = count / Swift.max(inner, 1)
        for _ in 0..<rows {
            body(out, offsets, inner, innerStrides)
            out += inner
            // Odometer over the outer axes.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                for k in offsets.indices { offsets[k] += strides[k][axis] }
                if index[axis] < outShape[axis] { break }
                for k in offsets.indices { offsets[k] -= strides[k][axis] * outShape[axis] }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}

/// out[i] = f(a[i], b[i]) under broadcasting. Always inlined so `f` is inlined into the loop.
@inline(__always)
func broadcastMap<A: TensorScalar, B: TensorScalar, R: TensorScalar>(
    _ a: Tensor, _ b: Tensor, _: A.Type, _: B.Type, _: R.Type, _ spec: NodeSpec, _ context: RunContext,
    _ f: (A, B) -> R
) throws -> Tensor {
    let plan = try BroadcastPlan([a.shape, b.shape], node: spec)
    var out = try context.makeTensor(plan.outShape, R.dtype, node: spec.name)
    try a.withUnsafeBufferPointer(as: A.self) { pa in
        try b.withUnsafeBufferPointer(as: B.self) { pb in
            try out.withUnsafeMutableBufferPointer(as: R.self) { po in
                plan.forEachRow { o, offs, n, st in
                    var ia = offs[0], ib = offs[1]
                    for j in 0..<n {
                        po[o + j] = f(pa[ia], pb[ib])
                        ia += st[0]
                        ib += st[1]
                    }
                }
            }
        }
    }
    return out
}

/// out[i] = f(a[i], b[i], c[i]) under broadcasting (Where).
@inline(__always)
func broadcastMap3<A: TensorScalar, B: TensorScalar, C: TensorScalar, R: TensorScalar>(
    _ a: Tensor, _ b: Tensor, _ c: Tensor, _: A.Type, _: B.Type, _: C.Type, _: R.Type, _ spec: NodeSpec,
    _ context: RunContext, _ f: (A, B, C) -> R
) throws -> Tensor {
    let plan = try BroadcastPlan([a.shape, b.shape, c.shape], node: spec)
    var out = try context.makeTensor(plan.outShape, R.dtype, node: spec.name)
    try a.withUnsafeBufferPointer(as: A.self) { pa in
        try b.withUnsafeBufferPointer(as: B.self) { pb in
            try c.withUnsafeBufferPointer(as: C.self) { pc in
                try out.withUnsafeMutableBufferPointer(as: R.self) { po in
                    plan.forEachRow { o, offs, n, st in
                        var ia = offs[0], ib = offs[1], ic = offs[2]
                        for j in 0..<n {
                            po[o + j] = f(pa[ia], pb[ib], pc[ic])
                            ia += st[0]
                            ib += st[1]
                            ic += st[2]
                        }
                    }
                }
            }
        }
    }
    return out
}

/// out[i] = f(x[i]) for every element.
@inline(__always)
func mapElements<A: TensorScalar, R: TensorScalar>(
    _ x: Tensor, _: A.Type, _: R.Type, _ spec: NodeSpec, _ context: RunContext, _ f: (A) -> R
) throws -> Tensor {
    var out = try context.makeTensor(x.shape, R.dtype, node: spec.name)
    try x.withUnsafeBufferPointer(as: A.self) { px in
        try out.withUnsafeMutableBufferPointer(as: R.self) { po in
            for i in 0..<px.count { po[i] = f(px[i]) }
        }
    }
    return out
}
