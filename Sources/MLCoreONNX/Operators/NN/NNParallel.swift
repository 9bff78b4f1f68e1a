import Dispatch

/// Splits independent work items (image planes, rows) of the NN operators' own loops over threads.
///
/// The GEMM and element-wise kernels parallelize themselves; this is for the loops that have no kernel
/// (im2col, depthwise convolution, pooling, normalization rows).
enum NNParallel {
    /// Below about this many scalar operations a run stays on the calling thread: waking a second thread
    /// costs a few microseconds, the same threshold order as the GEMM kernels' 2^17 multiply-adds.
    static let minWorkToSplit = 1 << 17

    /// Calls `body(range)` over disjoint contiguous ranges covering `0..<count`, on up to `threads` threads.
    ///
    /// - Parameters:
    ///   - work: the approximate total number of scalar operations, to decide whether splitting pays.
    ///   - body: must only write the outputs of the items in its range.
    static func forEach(_ count: Int, threads: Int, work: Int, _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let parts = threads <= 1 || work < minWorkToSplit ? 1 : Swift.min(threads, count)
        if parts == 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            // Each part writes a disjoint set of outputs, which is what makes sharing the closure sound.
            let shared = NNUncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let lo = count * p / parts, hi = count * (p + 1) / parts
                if hi > lo { shared.value(lo..<hi) }
            }
        }
    }
}

/// Carries a closure across threads for ``NNParallel``; the caller guarantees disjoint writes.
struct NNUncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
