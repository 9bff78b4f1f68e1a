import Dispatch

/// Runs `body(i)` for `i` in `0..<count`, spread over at most `threads` threads.
///
/// With one thread (or one item) the body runs inline on the caller, so single-threaded kernels pay no
/// dispatch cost.
@inline(__always)
package func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    if count <= 0 { return }
    if threads <= 1 || count == 1 {
        for i in 0..<count { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        // Each iteration writes a disjoint part of the output (the callers partition it), which is what
        // makes sharing the non-Sendable closure across threads sound.
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
    }
}

/// Carries a value the compiler cannot prove Sendable across threads; the caller states why it is safe.
package struct UncheckedSendable<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}

/// Splits `0..<n` into `parts` contiguous ranges whose sizes differ by at most `granule`
/// (each boundary except the last is a multiple of `granule`).
package func partition(_ n: Int, parts: Int, granule: Int = 1) -> [Range<Int>] {
    let parts = Swift.max(1, Swift.min(parts, (n + granule - 1) / Swift.max(granule, 1)))
    let blocks = (n + granule - 1) / granule
    var ranges: [Range<Int>] = []
    var start = 0
    for p in 0..<parts {
        let endBlock = blocks * (p + 1) / parts
        let end = Swift.min(n, endBlock * granule)
        if end > start { ranges.append(start..<end) }
        start = end
    }
    return ranges
}
