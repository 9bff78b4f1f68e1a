#ifndef MLC_GEMM_H
#define MLC_GEMM_H

#include <stddef.h>
#include "mlc_cpu.h"

/// Row-major single-precision GEMM: C[m x n] = alpha * op(A) * op(B) + beta * C.
///
/// op(A) is m x k: A is stored m x k (row stride lda >= k), or k x m when trans_a (lda >= m).
/// op(B) is k x n: B is stored k x n (ldb >= n), or n x k when trans_b (ldb >= k).
/// beta == 0 means C is only written, never read (NaN in C does not propagate), as in BLAS.
/// The body runs at `isa` (the caller passes a level the CPU supports). Blocking follows the
/// GotoBLAS/BLIS scheme: pack a kc x n-panel of B and an mc x kc block of A, then run an
/// mr x nr register-tiled micro-kernel. Returns 0, or -1 when the packing buffers could not be
/// allocated (C is then unchanged).
int mlc_sgemm(mlc_isa isa, int trans_a, int trans_b, size_t m, size_t n, size_t k,
              float alpha, const float *a, size_t lda, const float *b, size_t ldb,
              float beta, float *c, size_t ldc);

/// mlc_sgemm with the packed kernel's body at `packed_isa` (at most `isa`); the unpacked and GEMV bodies run
/// at `isa`. On AMD Zen 4, whose 512-bit FMAs take both 256-bit pipes, the AVX2 6x16 packed body measured
/// 1-10% faster than the AVX-512 12x32 one; MLCoreKernels' GEMMChoice times both once per process.
int mlc_sgemm_packed_at(mlc_isa isa, mlc_isa packed_isa, int trans_a, int trans_b, size_t m, size_t n, size_t k,
                        float alpha, const float *a, size_t lda, const float *b, size_t ldb,
                        float beta, float *c, size_t ldc);

/// Whether mlc_sgemm at `isa` runs its unpacked kernel for an m x n x k problem with B not transposed (the
/// packed one otherwise); see gemm.c for the measurements behind the rule.
int mlc_sgemm_uses_unpacked(mlc_isa isa, size_t m, size_t n, size_t k);

/// The register tile (rows x columns of C) of the micro-kernel used at `isa`, for reports.
void mlc_sgemm_tile(mlc_isa isa, size_t *mr, size_t *nr);

#endif
