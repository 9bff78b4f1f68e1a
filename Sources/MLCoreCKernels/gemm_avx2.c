// AVX2 + FMA bodies of GEMM. Compiled without any global flag: the target attribute enables the ISA for
// these functions only, and mlc_sgemm calls them only when CPUID says the CPU has AVX2 and FMA.
#if defined(__x86_64__)
#include <immintrin.h>
#include "gemm_internal.h"

#define MLC_AVX2 __attribute__((target("avx2,fma")))

// 6 x 16 tile: 12 ymm accumulators + 2 for B + 1 broadcast of A = 15 of 16 registers.
MLC_AVX2 void mlc_sgemm_ukernel_avx2_6x16(size_t kc, const float *ap, const float *bp,
                                          float *c, size_t ldc, float alpha, float beta) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (size_t p = 0; p < kc; p++) {
        __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8);
        __m256 a;
        a = _mm256_broadcast_ss(ap + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
        a = _mm256_broadcast_ss(ap + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
        a = _mm256_broadcast_ss(ap + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
        a = _mm256_broadcast_ss(ap + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
        a = _mm256_broadcast_ss(ap + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
        a = _mm256_broadcast_ss(ap + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
        ap += 6;
        bp += 16;
    }
    __m256 va = _mm256_set1_ps(alpha);
    __m256 acc[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    if (beta == 0.0f) {
        for (int i = 0; i < 6; i++) {
            _mm256_storeu_ps(c + i * ldc, _mm256_mul_ps(va, acc[2 * i]));
            _mm256_storeu_ps(c + i * ldc + 8, _mm256_mul_ps(va, acc[2 * i + 1]));
        }
    } else {
        __m256 vb = _mm256_set1_ps(beta);
        for (int i = 0; i < 6; i++) {
            float *row = c + i * ldc;
            _mm256_storeu_ps(row, _mm256_fmadd_ps(va, acc[2 * i], _mm256_mul_ps(vb, _mm256_loadu_ps(row))));
            _mm256_storeu_ps(row + 8, _mm256_fmadd_ps(va, acc[2 * i + 1], _mm256_mul_ps(vb, _mm256_loadu_ps(row + 8))));
        }
    }
}

static MLC_AVX2 inline float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

MLC_AVX2 void mlc_sgemv_rows_avx2(size_t k, size_t n, float alpha, const float *x, const float *b, size_t ldb,
                                  float beta, float *y) {
    // Blocks of 32 columns held in registers across all k rows, then a scalar tail.
    size_t j = 0;
    for (; j + 32 <= n; j += 32) {
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
        for (size_t p = 0; p < k; p++) {
            __m256 xv = _mm256_broadcast_ss(x + p);
            const float *row = b + p * ldb + j;
            s0 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(row), s0);
            s1 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(row + 8), s1);
            s2 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(row + 16), s2);
            s3 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(row + 24), s3);
        }
        __m256 acc[4] = {s0, s1, s2, s3};
        for (int q = 0; q < 4; q++) {
            __m256 v = _mm256_mul_ps(_mm256_set1_ps(alpha), acc[q]);
            if (beta != 0.0f) v = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_loadu_ps(y + j + 8 * q), v);
            _mm256_storeu_ps(y + j + 8 * q, v);
        }
    }
    for (; j + 8 <= n; j += 8) {
        __m256 s = _mm256_setzero_ps();
        for (size_t p = 0; p < k; p++) s = _mm256_fmadd_ps(_mm256_broadcast_ss(x + p), _mm256_loadu_ps(b + p * ldb + j), s);
        __m256 v = _mm256_mul_ps(_mm256_set1_ps(alpha), s);
        if (beta != 0.0f) v = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_loadu_ps(y + j), v);
        _mm256_storeu_ps(y + j, v);
    }
    for (; j < n; j++) {
        float s = 0.0f;
        for (size_t p = 0; p < k; p++) s += x[p] * b[p * ldb + j];
        y[j] = beta == 0.0f ? alpha * s : alpha * s + beta * y[j];
    }
}

MLC_AVX2 void mlc_sgemv_dots_avx2(size_t n, size_t k, float alpha, const float *a, size_t lda, const float *x,
                                  float beta, float *y, size_t incy) {
    for (size_t i = 0; i < n; i++) {
        const float *row = a + i * lda;
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        size_t p = 0;
        for (; p + 16 <= k; p += 16) {
            s0 = _mm256_fmadd_ps(_mm256_loadu_ps(row + p), _mm256_loadu_ps(x + p), s0);
            s1 = _mm256_fmadd_ps(_mm256_loadu_ps(row + p + 8), _mm256_loadu_ps(x + p + 8), s1);
        }
        for (; p + 8 <= k; p += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(row + p), _mm256_loadu_ps(x + p), s0);
        float s = hsum256(_mm256_add_ps(s0, s1));
        for (; p < k; p++) s += row[p] * x[p];
        float *dst = y + i * incy;
        *dst = beta == 0.0f ? alpha * s : alpha * s + beta * *dst;
    }
}
#endif
