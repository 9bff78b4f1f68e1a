import CBLAS

/// OpenBLAS single-precision GEMM (GEMV when one side is a vector). Threads: see ``BLAS/setThreads(_:)``.
func sgemmBLAS(
    _ p: GEMMProblem, alpha: Float, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    beta: Float, _ c: UnsafeMutablePointer<Float>
) {
    if p.m == 0 || p.n == 0 { return }
    if p.n == 1 && p.ldc == 1 {
        // c = alpha * op(A) x + beta * c, with x = op(B)[:, 0] at stride transB ? 1 : ldb.
        cblas_sgemv(CblasRowMajor, p.transA ? CblasTrans : CblasNoTrans, blasInt(p.transA ? p.k : p.m),
                    blasInt(p.transA ? p.m : p.k), alpha, a, blasInt(p.lda), b, blasInt(p.transB ? 1 : p.ldb),
                    beta, c, 1)
        return
    }
    cblas_sgemm(CblasRowMajor, p.transA ? CblasTrans : CblasNoTrans, p.transB ? CblasTrans : CblasNoTrans,
                blasInt(p.m), blasInt(p.n), blasInt(p.k), alpha, a, blasInt(p.lda), b, blasInt(p.ldb), beta, c,
                blasInt(p.ldc))
}

/// OpenBLAS double-precision GEMM.
func dgemmBLAS(
    _ p: GEMMProblem, alpha: Double, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
    beta: Double, _ c: UnsafeMutablePointer<Double>
) {
    if p.m == 0 || p.n == 0 { return }
    cblas_dgemm(CblasRowMajor, p.transA ? CblasTrans : CblasNoTrans, p.transB ? CblasTrans : CblasNoTrans,
                blasInt(p.m), blasInt(p.n), blasInt(p.k), alpha, a, blasInt(p.lda), b, blasInt(p.ldb), beta, c,
                blasInt(p.ldc))
}

/// BLAS takes 32-bit sizes; ``KernelPaths`` never routes a dimension above `Int32.max` here.
@inline(__always) func blasInt(_ x: Int) -> Int32 { Int32(truncatingIfNeeded: x) }
