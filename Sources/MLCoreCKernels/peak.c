// Peak FP32 throughput probe: 12 independent FMA chains per round, no memory traffic.
#include "mlc_peak.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) static double peak_avx2(size_t iterations) {
    __m256 acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps((float)i);
    const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    for (size_t it = 0; it < iterations; it++) {
#pragma clang loop unroll(full)
        for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
    }
    __m256 s = acc[0];
    for (int i = 1; i < 12; i++) s = _mm256_add_ps(s, acc[i]);
    volatile float sink = _mm256_cvtss_f32(s);
    (void)sink;
    return (double)iterations * 12 * 8 * 2;
}

__attribute__((target("avx512f,avx2,fma"))) static double peak_avx512(size_t iterations) {
    __m512 acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm512_set1_ps((float)i);
    const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    for (size_t it = 0; it < iterations; it++) {
#pragma clang loop unroll(full)
        for (int i = 0; i < 12; i++) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
    }
    __m512 s = acc[0];
    for (int i = 1; i < 12; i++) s = _mm512_add_ps(s, acc[i]);
    volatile float sink = _mm512_reduce_add_ps(s);
    (void)sink;
    return (double)iterations * 12 * 16 * 2;
}
#endif

static double peak_portable(size_t iterations) {
    float acc[12][4];
    for (int i = 0; i < 12; i++)
        for (int j = 0; j < 4; j++) acc[i][j] = (float)(i + j);
    for (size_t it = 0; it < iterations; it++)
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < 4; j++) acc[i][j] = acc[i][j] * 0.999999f + 1e-7f;
    volatile float sink = acc[0][0] + acc[11][3];
    (void)sink;
    return (double)iterations * 12 * 4 * 2;
}

double mlc_peak_fma_flops(mlc_isa isa, size_t iterations) {
#if defined(__x86_64__)
    if (isa == MLC_ISA_AVX512) return peak_avx512(iterations);
    if (isa == MLC_ISA_AVX2) return peak_avx2(iterations);
#endif
    return peak_portable(iterations);
}
