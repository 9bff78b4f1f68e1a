import MLCoreTensor

extension Reduction {
    /// The reference: each output element reduces its slice one element at a time, sums in Double.
    static func reductionReference<T: BinaryFloatingPoint & TensorScalar>(
        _ kind: ReductionKind, _ x: Tensor, _ g: AxisGeometry, _ out: inout Tensor, as: T.Type
    ) throws {
        let input = try x.scalars(as: T.self)
        func element(_ o: Int, _ k: Int, _ i: Int) -> T { input[(o * g.length + k) * g.inner + i] }
        if kind == .argmax {
            try out.withUnsafeMutableBufferPointer(as: Int64.self) { y in
                for o in 0..<g.outer {
                    for i in 0..<g.inner {
                        var best = element(o, 0, i), index = 0
                        for k in 1..<Swift.max(g.length, 1) where !best.isNaN {
                            let v = element(o, k, i)
                            if v.isNaN || v > best { best = v; index = k }
                        }
                        y[o * g.inner + i] = Int64(index)
                    }
                }
            }
            return
        }
        try out.withUnsafeMutableBufferPointer(as: T.self) { y in
            for o in 0..<g.outer {
                for i in 0..<g.inner {
                    switch kind {
                    case .sum, .mean:
                        var s = 0.0
                        for k in 0..<g.length { s += Double(element(o, k, i)) }
                        y[o * g.inner + i] = T(kind == .mean ? s / Double(g.length) : s)
                    case .max:
                        var m = element(o, 0, i)
                        for k in 1..<Swift.max(g.length, 1) where !m.isNaN {
                            let v = element(o, k, i)
                            if v.isNaN || v > m { m = v }
                        }
                        y[o * g.inner + i] = m
                    case .argmax:
                        break  // handled above
                    }
                }
            }
        }
    }
}
