import MLCoreCKernels
import MLCoreTensor

extension Reduction {
    /// Float32 through the C bodies: rows of a contiguous axis, or (slab, column block) pieces of a strided
    /// one, spread over threads; each slice is normalized by one call, so the result does not depend on the
    /// thread count.
    static func softmaxWide(_ kind: SoftmaxKind, _ x: Tensor, _ g: AxisGeometry, _ out: inout Tensor,
                            level: InstructionSet, threads: Int) throws {
        let isa = level.cLevel
        let parts = ElementwiseThreads.parts(elements: x.count, threads: threads)
        try x.withUnsafeBufferPointer(as: Float.self) { bx in
            try out.withUnsafeMutableBufferPointer(as: Float.self) { by in
                guard let px = bx.baseAddress, let py = by.baseAddress else { return }
                if g.inner == 1 {
                    let ranges = partition(g.outer, parts: parts)
                    parallelFor(ranges.count, threads: threads) { t in
                        let r = ranges[t]
                        let offset = r.lowerBound * g.length
                        switch kind {
                        case .softmax: mlc_softmax_rows_f32(isa, px + offset, r.count, g.length, py + offset)
                        case .logSoftmax: mlc_logsoftmax_rows_f32(isa, px + offset, r.count, g.length, py + offset)
                        }
                    }
                } else {
                    let tasks = g.columnTasks()
                    parallelFor(tasks.count, threads: parts > 1 ? threads : 1) { t in
                        let (o, c) = tasks[t]
                        let offset = o * g.length * g.inner + c.lowerBound
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * c.count) { scratch in
                            switch kind {
                            case .softmax:
                                mlc_softmax_cols_f32(isa, px + offset, g.length, c.count, g.inner, py + offset,
                                                     scratch.baseAddress)
                            case .logSoftmax:
                                mlc_logsoftmax_cols_f32(isa, px + offset, g.length, c.count, g.inner, py + offset,
                                                        scratch.baseAddress)
                            }
                        }
                    }
                }
            }
        }
    }
}
