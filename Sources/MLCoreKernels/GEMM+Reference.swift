/// The scalar reference GEMM: the definition, one dot product per output, accumulated in `T`.
func gemmReference<T: BinaryFloatingPoint>(
    _ p: GEMMProblem, alpha: T, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, beta: T, _ c: UnsafeMutablePointer<T>
) {
    for i in 0..<p.m {
        for j in 0..<p.n {
            var sum: T = 0
            for q in 0..<p.k { sum += a[p.aIndex(i, q)] * b[p.bIndex(q, j)] }
            let dst = c + i * p.ldc + j
            dst.pointee = beta == 0 ? alpha * sum : alpha * sum + beta * dst.pointee
        }
    }
}
