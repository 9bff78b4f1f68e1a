import MLCoreCKernels
import MLCoreTensor

/// Work splitting shared by the wide reductions and softmax.
extension AxisGeometry {
    /// Columns per piece when the reduced axis is not the last: the running values of one piece (4 bytes
    /// each) stay in L1 while the kernel streams the slab's rows past them.
    static let columnBlock = 2048

    /// Pieces of a strided reduction: (slab, column range) pairs, each reducing `length` rows of its columns.
    func columnTasks() -> [(slab: Int, columns: Range<Int>)] {
        let blocks = partition(inner, parts: (inner + Self.columnBlock - 1) / Self.columnBlock, granule: 16)
        return (0..<outer).flatMap { o in blocks.map { (o, $0) } }
    }
}

extension Reduction {
    /// Float32 through the C bodies. Threads take whole rows (contiguous axis) or whole (slab, column block)
    /// pieces (other axes); every output is reduced by one call in a fixed order, so the result does not
    /// depend on the thread count.
    static func reductionWide(_ kind: ReductionKind, _ x: Tensor, _ g: AxisGeometry, _ out: inout Tensor,
                              level: InstructionSet, threads: Int) throws {
        let isa = level.cLevel
        let parts = ElementwiseThreads.parts(elements: x.count, threads: threads)
        try x.withUnsafeBufferPointer(as: Float.self) { bx in
            guard let px = bx.baseAddress else { return }
            if kind == .argmax {
                try out.withUnsafeMutableBufferPointer(as: Int64.self) { by in
                    guard let py = by.baseAddress else { return }
                    if g.inner == 1 {
                        let ranges = partition(g.outer, parts: parts)
                        parallelFor(ranges.count, threads: threads) { t in
                            let r = ranges[t]
                            mlc_argmax_rows_f32(isa, px + r.lowerBound * g.length, r.count, g.length, py + r.lowerBound)
                        }
                    } else {
                        let tasks = g.columnTasks()
                        parallelFor(tasks.count, threads: parts > 1 ? threads : 1) { t in
                            let (o, c) = tasks[t]
                            withUnsafeTemporaryAllocation(of: Float.self, capacity: c.count) { best in
                                mlc_argmax_cols_f32(isa, px + o * g.length * g.inner + c.lowerBound, g.length, c.count,
                                                    g.inner, best.baseAddress, py + o * g.inner + c.lowerBound)
                            }
                        }
                    }
                }
                return
            }
            try out.withUnsafeMutableBufferPointer(as: Float.self) { by in
                guard let py = by.baseAddress else { return }
                if g.inner == 1 {
                    let ranges = partition(g.outer, parts: parts)
                    parallelFor(ranges.count, threads: threads) { t in
                        let r = ranges[t]
                        let x = px + r.lowerBound * g.length, y = py + r.lowerBound
                        switch kind {
                        case .sum, .mean: mlc_sum_rows_f32(isa, x, r.count, g.length, y)
                        case .max: mlc_max_rows_f32(isa, x, r.count, g.length, y)
                        case .argmax: break
                        }
                    }
                } else {
                    let tasks = g.columnTasks()
                    parallelFor(tasks.count, threads: parts > 1 ? threads : 1) { t in
                        let (o, c) = tasks[t]
                        let x = px + o * g.length * g.inner + c.lowerBound, y = py + o * g.inner + c.lowerBound
                        switch kind {
                        case .sum, .mean: mlc_sum_cols_f32(isa, x, g.length, c.count, g.inner, y)
                        case .max: mlc_max_cols_f32(isa, x, g.length, c.count, g.inner, y)
                        case .argmax: break
                        }
                    }
                }
                if kind == .mean {
                    let scale = Float(g.length)
                    for i in 0..<by.count { by[i] /= scale }
                }
            }
        }
    }
}
