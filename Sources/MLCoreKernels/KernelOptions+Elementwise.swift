import MLCoreTensor

extension KernelOptions {
    /// The wide level an element-wise, activation or reduction kernel runs at; `nil` means the reference path.
    ///
    /// - ``KernelPath/reference``: plain Swift (`nil`).
    /// - `nil` (automatic) and ``KernelPath/wide``: the C bodies at ``wideLevel``.
    /// - ``KernelPath/simd``: the C *baseline* body. It is the portable vector body (SSE2 on x86_64, NEON on
    ///   arm64, vectorized by clang from the same source), which is what the SIMD path means for GEMM.
    /// - ``KernelPath/blas``: BLAS has no element-wise routines, so this runs the wide path as if automatic;
    ///   forcing `.blas` on a whole model therefore never fails on its element-wise operators.
    var elementwiseLevel: InstructionSet? {
        switch path {
        case .reference: return nil
        case .simd: return .baseline
        case .wide, .blas, nil: return wideLevel
        }
    }
}

/// How element-wise and reduction kernels split work over threads.
enum ElementwiseThreads {
    /// Arrays with fewer elements run on the calling thread. At this size one call lasts several microseconds
    /// on one core (ElementwiseBench, AVX-512, 1 thread: 64K-element `add` about 8 µs, `exp` about 17 µs),
    /// well above the cost of waking a second thread. The 2-thread crossover itself could not be measured
    /// cleanly on the shared 2-core development VM; re-measure with `ElementwiseBench --threads 2` on a quiet
    /// machine before tuning this.
    static let minElementsToSplit = 65_536

    /// The number of parts to split `elements` into: 1 below ``minElementsToSplit``, else up to `threads`
    /// parts of at least half that size each.
    static func parts(elements: Int, threads: Int) -> Int {
        guard threads > 1, elements >= minElementsToSplit else { return 1 }
        return Swift.max(1, Swift.min(threads, elements / (minElementsToSplit / 2)))
    }
}
