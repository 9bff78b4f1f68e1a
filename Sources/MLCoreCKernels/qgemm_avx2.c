// AVX2 body of the integer GEMM (see gemm_avx2.c for why a target attribute and not a global flag).
#if defined(__x86_64__)
#include <immintrin.h>
#include "qgemm_internal.h"

#define MLC_AVX2 __attribute__((target("avx2")))

// 6 x 16 tile: 12 ymm accumulators + 2 for B + 1 broadcast pair of A = 15 of 16 registers.
// vpmaddwd multiplies int16 pairs and adds each pair into one int32: exact for 8-bit inputs.
MLC_AVX2 void mlc_qgemm_ukernel_avx2_6x16(size_t kp, const int32_t *ap, const int16_t *bp, int32_t *c, size_t ldc) {
    __m256i acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm256_setzero_si256();
    for (size_t p = 0; p < kp; p++) {
        __m256i b0 = _mm256_load_si256((const __m256i *)bp), b1 = _mm256_load_si256((const __m256i *)(bp + 16));
#pragma clang loop unroll(full)
        for (int r = 0; r < 6; r++) {
            __m256i a = _mm256_set1_epi32(ap[r]);
            acc[2 * r] = _mm256_add_epi32(acc[2 * r], _mm256_madd_epi16(a, b0));
            acc[2 * r + 1] = _mm256_add_epi32(acc[2 * r + 1], _mm256_madd_epi16(a, b1));
        }
        ap += 6;
        bp += 32;
    }
    for (int r = 0; r < 6; r++) {
        _mm256_storeu_si256((__m256i *)(c + r * ldc), acc[2 * r]);
        _mm256_storeu_si256((__m256i *)(c + r * ldc + 8), acc[2 * r + 1]);
    }
}
#endif
