// AVX-512 F body of the depthwise convolution (see conv_depthwise_body.h; target attribute, no flag, as in
// gemm_avx512.c).
#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#define MLC_DW_TARGET __attribute__((target("avx512f,avx2,fma")))
#define MLC_DW_NAME(name) name##_avx512
#define MLC_DW_PRELOAD_5X5 1
#define V __m512
#define VL 16

MLC_DW_TARGET static inline __attribute__((always_inline)) __mmask16 mlc_dw_mask16(ptrdiff_t lo, ptrdiff_t hi) {
    lo = lo < 0 ? 0 : lo;
    hi = hi > 16 ? 16 : hi;
    if (hi <= lo) return 0;
    return (__mmask16)(((1u << hi) - 1u) & ~((1u << lo) - 1u));
}

MLC_DW_TARGET static inline __attribute__((always_inline)) __m512 mlc_dw_gather16(const float *row, ptrdiff_t c0,
                                                                                    ptrdiff_t s, ptrdiff_t n) {
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m512i idx = _mm512_add_epi32(_mm512_set1_epi32((int)c0), _mm512_mullo_epi32(iota, _mm512_set1_epi32((int)s)));
    __mmask16 m = _mm512_cmpge_epi32_mask(idx, _mm512_setzero_si512()) & _mm512_cmplt_epi32_mask(idx, _mm512_set1_epi32((int)n));
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, row, 4);
}

#define V_ZERO() _mm512_setzero_ps()
#define V_SET1(f) _mm512_set1_ps(f)
#define V_LOADU(p) _mm512_loadu_ps(p)
#define V_STOREU(p, v) _mm512_storeu_ps(p, v)
#define V_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define V_ADD(a, b) _mm512_add_ps(a, b)
#define V_LOAD_RANGE(p, lo, hi) _mm512_maskz_loadu_ps(mlc_dw_mask16(lo, hi), p)
#define V_STORE_N(p, v, n) _mm512_mask_storeu_ps(p, mlc_dw_mask16(0, n), v)
#define V_EVEN(a, b) \
    _mm512_permutex2var_ps(a, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b)
#define V_ODD(a, b) \
    _mm512_permutex2var_ps(a, _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b)
#define V_GATHER_RANGE(row, c0, s, n) mlc_dw_gather16(row, c0, s, n)

#include "conv_depthwise_body.h"
#endif
