// AVX-512 F bodies of GEMM (see gemm_avx2.c for why the target attribute and not a flag).
#if defined(__x86_64__)
#include <immintrin.h>
#include "gemm_internal.h"

#define MLC_AVX512 __attribute__((target("avx512f,avx2,fma")))

// 12 x 32 tile: 24 zmm accumulators + 2 for B + 1 broadcast of A = 27 of 32 registers.
MLC_AVX512 void mlc_sgemm_ukernel_avx512_12x32(size_t kc, const float *ap, const float *bp,
                                               float *c, size_t ldc, float alpha, float beta) {
    __m512 acc0[12], acc1[12];
    for (int i = 0; i < 12; i++) {
        acc0[i] = _mm512_setzero_ps();
        acc1[i] = _mm512_setzero_ps();
    }
    for (size_t p = 0; p < kc; p++) {
        __m512 b0 = _mm512_load_ps(bp), b1 = _mm512_load_ps(bp + 16);
#pragma clang loop unroll(full)
        for (int i = 0; i < 12; i++) {
            __m512 a = _mm512_set1_ps(ap[i]);
            acc0[i] = _mm512_fmadd_ps(a, b0, acc0[i]);
            acc1[i] = _mm512_fmadd_ps(a, b1, acc1[i]);
        }
        ap += 12;
        bp += 32;
    }
    __m512 va = _mm512_set1_ps(alpha);
    if (beta == 0.0f) {
        for (int i = 0; i < 12; i++) {
            _mm512_storeu_ps(c + i * ldc, _mm512_mul_ps(va, acc0[i]));
            _mm512_storeu_ps(c + i * ldc + 16, _mm512_mul_ps(va, acc1[i]));
        }
    } else {
        __m512 vb = _mm512_set1_ps(beta);
        for (int i = 0; i < 12; i++) {
            float *row = c + i * ldc;
            _mm512_storeu_ps(row, _mm512_fmadd_ps(va, acc0[i], _mm512_mul_ps(vb, _mm512_loadu_ps(row))));
            _mm512_storeu_ps(row + 16, _mm512_fmadd_ps(va, acc1[i], _mm512_mul_ps(vb, _mm512_loadu_ps(row + 16))));
        }
    }
}

MLC_AVX512 void mlc_sgemv_rows_avx512(size_t k, size_t n, float alpha, const float *x, const float *b, size_t ldb,
                                      float beta, float *y) {
    size_t j = 0;
    for (; j + 64 <= n; j += 64) {
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
        for (size_t p = 0; p < k; p++) {
            __m512 xv = _mm512_set1_ps(x[p]);
            const float *row = b + p * ldb + j;
            s0 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(row), s0);
            s1 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(row + 16), s1);
            s2 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(row + 32), s2);
            s3 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(row + 48), s3);
        }
        __m512 acc[4] = {s0, s1, s2, s3};
        for (int q = 0; q < 4; q++) {
            __m512 v = _mm512_mul_ps(_mm512_set1_ps(alpha), acc[q]);
            if (beta != 0.0f) v = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_loadu_ps(y + j + 16 * q), v);
            _mm512_storeu_ps(y + j + 16 * q, v);
        }
    }
    // Remaining columns, 16 at a time with a mask for the last partial vector.
    for (; j < n; j += 16) {
        size_t left = n - j;
        __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        __m512 s = _mm512_setzero_ps();
        for (size_t p = 0; p < k; p++)
            s = _mm512_fmadd_ps(_mm512_set1_ps(x[p]), _mm512_maskz_loadu_ps(mask, b + p * ldb + j), s);
        __m512 v = _mm512_mul_ps(_mm512_set1_ps(alpha), s);
        if (beta != 0.0f) v = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(mask, y + j), v);
        _mm512_mask_storeu_ps(y + j, mask, v);
    }
}

MLC_AVX512 void mlc_sgemv_dots_avx512(size_t n, size_t k, float alpha, const float *a, size_t lda, const float *x,
                                      float beta, float *y, size_t incy) {
    for (size_t i = 0; i < n; i++) {
        const float *row = a + i * lda;
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
        size_t p = 0;
        for (; p + 32 <= k; p += 32) {
            s0 = _mm512_fmadd_ps(_mm512_loadu_ps(row + p), _mm512_loadu_ps(x + p), s0);
            s1 = _mm512_fmadd_ps(_mm512_loadu_ps(row + p + 16), _mm512_loadu_ps(x + p + 16), s1);
        }
        for (; p < k; p += 16) {
            size_t left = k - p;
            __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
            s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, row + p), _mm512_maskz_loadu_ps(mask, x + p), s0);
        }
        float s = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
        float *dst = y + i * incy;
        *dst = beta == 0.0f ? alpha * s : alpha * s + beta * *dst;
    }
}
#endif
