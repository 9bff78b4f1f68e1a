/// The sizes, transposes and row strides of one GEMM call, validated by ``GEMM``.
struct GEMMProblem: Sendable, Hashable {
    var m: Int, n: Int, k: Int
    var transA: Bool, transB: Bool
    var lda: Int, ldb: Int, ldc: Int

    /// op(A)[i, p] offset in A's storage.
    @inline(__always) func aIndex(_ i: Int, _ p: Int) -> Int { transA ? p * lda + i : i * lda + p }
    /// op(B)[p, j] offset in B's storage.
    @inline(__always) func bIndex(_ p: Int, _ j: Int) -> Int { transB ? j * ldb + p : p * ldb + j }

    /// Splits C into row blocks (or column blocks when there are too few rows) and runs `body` on each
    /// sub-problem with pointers offset to it, over `threads` threads. Each block writes its own part of C,
    /// so results do not depend on the thread count.
    /// Each thread packs its own blocks of A and B (row blocks: each packs all of B, k x n, against its
    /// m / threads x n x k of work; column blocks: all of A).
    /// `minWork`: below it one thread runs everything (tests pass 0 to split tiny problems).
    func parallel<T>(
        threads: Int, minWork: Int = 1 << 17, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ c: UnsafeMutablePointer<T>,
        _ body: (GEMMProblem, UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void
    ) {
        // Below about 2^17 multiply-adds a thread hand-off costs more than it saves.
        let work = m.multipliedReportingOverflow(by: n).partialValue.multipliedReportingOverflow(by: k).partialValue
        if threads <= 1 || work < minWork {
            body(self, a, b, c)
            return
        }
        // Row blocks are multiples of 12 rows (a multiple of every micro-kernel's mr), column blocks of 64.
        if m >= 2 * 12 || n < 2 * 64 {
            let ranges = partition(m, parts: threads, granule: 12)
            parallelFor(ranges.count, threads: threads) { t in
                var sub = self
                sub.m = ranges[t].count
                let i0 = ranges[t].lowerBound
                body(sub, a + (transA ? i0 : i0 * lda), b, c + i0 * ldc)
            }
        } else {
            let ranges = partition(n, parts: threads, granule: 64)
            parallelFor(ranges.count, threads: threads) { t in
                var sub = self
                sub.n = ranges[t].count
                let j0 = ranges[t].lowerBound
                body(sub, a, b + (transB ? j0 * ldb : j0), c + j0)
            }
        }
    }
}
