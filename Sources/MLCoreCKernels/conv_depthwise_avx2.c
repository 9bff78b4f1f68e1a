// AVX2 + FMA body of the depthwise convolution (see conv_depthwise_body.h; target attribute, no flag, as in
// gemm_avx2.c).
#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#define MLC_DW_TARGET __attribute__((target("avx2,fma")))
#define MLC_DW_NAME(name) name##_avx2
// 25 broadcast taps would not fit in 16 ymm registers next to the accumulator: 5x5 broadcasts from memory.
#define MLC_DW_PRELOAD_5X5 0
#define V __m256
#define VL 8

/// All-ones in the lanes t with lo <= t < hi.
MLC_DW_TARGET static inline __attribute__((always_inline)) __m256i mlc_dw_mask8(ptrdiff_t lo, ptrdiff_t hi) {
    lo = lo < 0 ? 0 : (lo > 8 ? 8 : lo);
    hi = hi < 0 ? 0 : (hi > 8 ? 8 : hi);
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)lo), iota),
                               _mm256_cmpgt_epi32(_mm256_set1_epi32((int)hi), iota));
}

MLC_DW_TARGET static inline __attribute__((always_inline)) __m256 mlc_dw_gather8(const float *row, ptrdiff_t c0,
                                                                                   ptrdiff_t s, ptrdiff_t n) {
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i idx = _mm256_add_epi32(_mm256_set1_epi32((int)c0), _mm256_mullo_epi32(iota, _mm256_set1_epi32((int)s)));
    __m256i m = _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), idx),
                                    _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), idx));
    return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), row, idx, _mm256_castsi256_ps(m), 4);
}

/// Even lanes of (a, b): shuffle within 128-bit halves, then put the 64-bit pairs in order.
MLC_DW_TARGET static inline __attribute__((always_inline)) __m256 mlc_dw_even8(__m256 a, __m256 b) {
    __m256 t = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); // a0 a2 b0 b2 | a4 a6 b4 b6
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), _MM_SHUFFLE(3, 1, 2, 0)));
}

/// Odd lanes of (a, b), as mlc_dw_even8.
MLC_DW_TARGET static inline __attribute__((always_inline)) __m256 mlc_dw_odd8(__m256 a, __m256 b) {
    __m256 t = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)); // a1 a3 b1 b3 | a5 a7 b5 b7
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), _MM_SHUFFLE(3, 1, 2, 0)));
}

#define V_ZERO() _mm256_setzero_ps()
#define V_SET1(f) _mm256_set1_ps(f)
#define V_LOADU(p) _mm256_loadu_ps(p)
#define V_STOREU(p, v) _mm256_storeu_ps(p, v)
#define V_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define V_ADD(a, b) _mm256_add_ps(a, b)
#define V_LOAD_RANGE(p, lo, hi) _mm256_maskload_ps(p, mlc_dw_mask8(lo, hi))
#define V_STORE_N(p, v, n) _mm256_maskstore_ps(p, mlc_dw_mask8(0, n), v)
#define V_EVEN(a, b) mlc_dw_even8(a, b)
#define V_ODD(a, b) mlc_dw_odd8(a, b)
#define V_GATHER_RANGE(row, c0, s, n) mlc_dw_gather8(row, c0, s, n)

#include "conv_depthwise_body.h"
#endif
