// AVX-512 bodies of the integer GEMM: BW (vpmaddwd + vpaddd) and VNNI (vpdpwssd, the two fused).
#if defined(__x86_64__)
#include <immintrin.h>
#include "qgemm_internal.h"

#define MLC_AVX512BW __attribute__((target("avx512f,avx512bw")))
#define MLC_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

// 8 x 32 tile: 16 zmm accumulators + 2 for B + 1 broadcast = 19 of 32 registers.
MLC_AVX512BW void mlc_qgemm_ukernel_avx512bw_8x32(size_t kp, const int32_t *ap, const int16_t *bp, int32_t *c, size_t ldc) {
    __m512i acc[16];
    for (int i = 0; i < 16; i++) acc[i] = _mm512_setzero_si512();
    for (size_t p = 0; p < kp; p++) {
        __m512i b0 = _mm512_load_si512((const void *)bp), b1 = _mm512_load_si512((const void *)(bp + 32));
#pragma clang loop unroll(full)
        for (int r = 0; r < 8; r++) {
            __m512i a = _mm512_set1_epi32(ap[r]);
            acc[2 * r] = _mm512_add_epi32(acc[2 * r], _mm512_madd_epi16(a, b0));
            acc[2 * r + 1] = _mm512_add_epi32(acc[2 * r + 1], _mm512_madd_epi16(a, b1));
        }
        ap += 8;
        bp += 64;
    }
    for (int r = 0; r < 8; r++) {
        _mm512_storeu_si512((void *)(c + r * ldc), acc[2 * r]);
        _mm512_storeu_si512((void *)(c + r * ldc + 16), acc[2 * r + 1]);
    }
}

MLC_AVX512VNNI void mlc_qgemm_ukernel_avx512vnni_8x32(size_t kp, const int32_t *ap, const int16_t *bp, int32_t *c, size_t ldc) {
    __m512i acc[16];
    for (int i = 0; i < 16; i++) acc[i] = _mm512_setzero_si512();
    for (size_t p = 0; p < kp; p++) {
        __m512i b0 = _mm512_load_si512((const void *)bp), b1 = _mm512_load_si512((const void *)(bp + 32));
#pragma clang loop unroll(full)
        for (int r = 0; r < 8; r++) {
            __m512i a = _mm512_set1_epi32(ap[r]);
            acc[2 * r] = _mm512_dpwssd_epi32(acc[2 * r], a, b0);
            acc[2 * r + 1] = _mm512_dpwssd_epi32(acc[2 * r + 1], a, b1);
        }
        ap += 8;
        bp += 64;
    }
    for (int r = 0; r < 8; r++) {
        _mm512_storeu_si512((void *)(c + r * ldc), acc[2 * r]);
        _mm512_storeu_si512((void *)(c + r * ldc + 16), acc[2 * r + 1]);
    }
}
#endif
