import MLCoreCKernels

/// Our own AVX2/AVX-512 GEMM (Sources/MLCoreCKernels/gemm*.c) at the given instruction-set level, its packed
/// kernel at `packedLevel` (default: the same level; see ``GEMMChoice/Decision/packedLevel``).
func sgemmWide(
    _ p: GEMMProblem, level: InstructionSet, packedLevel: InstructionSet? = nil, alpha: Float, _ a: UnsafePointer<Float>,
    _ b: UnsafePointer<Float>, beta: Float, _ c: UnsafeMutablePointer<Float>
) {
    let status = mlc_sgemm_packed_at(level.cLevel, (packedLevel ?? level).cLevel, p.transA ? 1 : 0, p.transB ? 1 : 0,
                                     p.m, p.n, p.k, alpha, a, p.lda, b, p.ldb, beta, c, p.ldc)
    // Only the packing buffers' allocation can fail; C is then untouched and the portable body computes it.
    if status != 0 { gemmSIMD(p, alpha: alpha, a, b, beta: beta, c, vector: SIMD8<Float>.self) }
}
