/// Portable Swift SIMD GEMM: register blocks of 4 rows x 2 vectors of C, accumulated along k with
/// broadcast-multiply-adds. Without `-target-cpu`, `swiftc` lowers this to SSE on x86_64 and NEON on arm64,
/// so it is the fallback where the wide C bodies cannot run. op(B) must be row-contiguous, so a transposed B
/// is first copied to k x n.
func gemmSIMD<T: BinaryFloatingPoint & SIMDScalar, V: SIMD>(
    _ p: GEMMProblem, alpha: T, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, beta: T, _ c: UnsafeMutablePointer<T>,
    vector: V.Type
) where V.Scalar == T {
    if p.m == 0 || p.n == 0 { return }
    if p.transB {
        let bt = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(p.k * p.n, 1))
        defer { bt.deallocate() }
        for j in 0..<p.n {
            for q in 0..<p.k { bt[q * p.n + j] = b[j * p.ldb + q] }
        }
        var q = p
        q.transB = false
        q.ldb = Swift.max(p.n, 1)
        gemmSIMD(q, alpha: alpha, a, UnsafePointer(bt), beta: beta, c, vector: V.self)
        return
    }
    let w = V.scalarCount
    let raw = UnsafeRawPointer(b)
    @inline(__always) func loadB(_ q: Int, _ j: Int) -> V { raw.loadUnaligned(fromByteOffset: (q * p.ldb + j) * MemoryLayout<T>.stride, as: V.self) }
    @inline(__always) func store(_ v: V, _ i: Int, _ j: Int) {
        let dst = c + i * p.ldc + j
        let out = beta == 0 ? v * alpha : v * alpha + beta * UnsafeRawPointer(dst).loadUnaligned(as: V.self)
        UnsafeMutableRawPointer(dst).storeBytes(of: out, as: V.self)
    }
    @inline(__always) func storeScalar(_ s: T, _ i: Int, _ j: Int) {
        let dst = c + i * p.ldc + j
        dst.pointee = beta == 0 ? alpha * s : alpha * s + beta * dst.pointee
    }

    var i = 0
    while i + 4 <= p.m {
        var j = 0
        while j + 2 * w <= p.n {
            var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
            for q in 0..<p.k {
                let b0 = loadB(q, j), b1 = loadB(q, j + w)
                let a0 = a[p.aIndex(i, q)], a1 = a[p.aIndex(i + 1, q)]
                let a2 = a[p.aIndex(i + 2, q)], a3 = a[p.aIndex(i + 3, q)]
                c00 += a0 * b0; c01 += a0 * b1
                c10 += a1 * b0; c11 += a1 * b1
                c20 += a2 * b0; c21 += a2 * b1
                c30 += a3 * b0; c31 += a3 * b1
            }
            store(c00, i, j); store(c01, i, j + w)
            store(c10, i + 1, j); store(c11, i + 1, j + w)
            store(c20, i + 2, j); store(c21, i + 2, j + w)
            store(c30, i + 3, j); store(c31, i + 3, j + w)
            j += 2 * w
        }
        while j + w <= p.n {
            var c0 = V(), c1 = V(), c2 = V(), c3 = V()
            for q in 0..<p.k {
                let b0 = loadB(q, j)
                c0 += a[p.aIndex(i, q)] * b0; c1 += a[p.aIndex(i + 1, q)] * b0
                c2 += a[p.aIndex(i + 2, q)] * b0; c3 += a[p.aIndex(i + 3, q)] * b0
            }
            store(c0, i, j); store(c1, i + 1, j); store(c2, i + 2, j); store(c3, i + 3, j)
            j += w
        }
        while j < p.n {
            for r in i..<i + 4 {
                var s: T = 0
                for q in 0..<p.k { s += a[p.aIndex(r, q)] * b[q * p.ldb + j] }
                storeScalar(s, r, j)
            }
            j += 1
        }
        i += 4
    }
    // Remaining rows (fewer than 4): one row at a time, vectorized along n.
    while i < p.m {
        var j = 0
        while j + w <= p.n {
            var acc = V()
            for q in 0..<p.k { acc += a[p.aIndex(i, q)] * loadB(q, j) }
            store(acc, i, j)
            j += w
        }
        while j < p.n {
            var s: T = 0
            for q in 0..<p.k { s += a[p.aIndex(i, q)] * b[q * p.ldb + j] }
            storeScalar(s, i, j)
            j += 1
        }
        i += 1
    }
}
