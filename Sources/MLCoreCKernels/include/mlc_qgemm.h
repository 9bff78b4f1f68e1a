#ifndef MLC_QGEMM_H
#define MLC_QGEMM_H

#include <stddef.h>
#include <stdint.h>

/// Bodies of the integer GEMM, in increasing order. Chosen at run time from CPUID (see mlc_qgemm_detected_level).
typedef enum mlc_qgemm_level {
    MLC_QGEMM_SCALAR = 0,     ///< portable C, the reference twin of the wide bodies
    MLC_QGEMM_AVX2 = 1,       ///< AVX2: int16 pairs through vpmaddwd, 6 x 16 tile
    MLC_QGEMM_AVX512BW = 2,   ///< AVX-512 BW: vpmaddwd on zmm, 8 x 32 tile
    MLC_QGEMM_AVX512VNNI = 3, ///< AVX-512 VNNI: vpdpwssd (fused multiply-add of int16 pairs), 8 x 32 tile
} mlc_qgemm_level;

/// The widest body this CPU and OS support. Cached after the first call; thread-safe.
mlc_qgemm_level mlc_qgemm_detected_level(void);

/// A short name for a level: "scalar", "avx2", "avx512bw", "avx512vnni".
const char *mlc_qgemm_level_name(mlc_qgemm_level level);

/// Row-major 8-bit integer GEMM with int32 accumulation:
///   C[i, j] = sum_p (A[i, p] - a_zero[i]) * (B[p, j] - b_zero[j])
/// A is m x k (row stride lda >= k), B is k x n (ldb >= n), C is m x n (ldc >= n); A and B hold int8 when
/// `a_signed` / `b_signed`, else uint8. `a_zero` holds m values when `a_zero_per_row`, else one;
/// `b_zero` holds n values when `b_zero_per_column`, else one.
/// The product runs on the raw 8-bit values widened to int16 pairs (exact: |a * b| <= 2^16, a pair sum fits
/// int32, unlike vpmaddubsw which saturates); the zero points are applied afterwards through the row sums
/// of A and the column sums of B. Sums wrap modulo 2^32 as onnxruntime's int32 accumulators do.
/// Writes only C. Returns 0, or -1 when the packing buffers could not be allocated.
int mlc_qgemm(mlc_qgemm_level level, size_t m, size_t n, size_t k,
              const void *a, size_t lda, int a_signed, const int32_t *a_zero, int a_zero_per_row,
              const void *b, size_t ldb, int b_signed, const int32_t *b_zero, int b_zero_per_column,
              int32_t *c, size_t ldc);

#endif
