// AVX2 + FMA bodies of GEMM. Compiled without any global flag: the target attribute enables the ISA for
// these functions only, and mlc_sgemm calls them only when CPUID says the CPU has AVX2 and FMA.
#if defined(__x86_64__)
#include <immintrin.h>
#include "gemm_internal.h"

#define MLC_AVX2 __attribute__((target("avx2,fma")))

// Lane masks for _mm256_maskload_ps: mask_table + 8 - n selects the first n lanes (0 <= n <= 8).
static const int mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

static MLC_AVX2 inline __m256i lanes(size_t n) {
    return _mm256_loadu_si256((const __m256i *)(mask_table + 8 - (n > 8 ? 8 : n)));
}

// 6 x 16 tile: 12 ymm accumulators + 2 for B + 1 broadcast of A = 15 of 16 registers. V is the number of
// 8-column vectors computed (1 for an edge tile of <= 8 columns). A tile of `rows` < 6 or `cols` < 16 is
// stored with masks straight into C. C's rows are prefetched first, so their misses overlap the kc loop.
static MLC_AVX2 inline __attribute__((always_inline)) void ukernel_6xV(
    const int V, size_t kc, const float *ap, const float *bp, float *c, size_t ldc, float alpha, float beta,
    size_t rows, size_t cols) {
    for (size_t i = 0; i < rows; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        if (V == 2) _mm_prefetch((const char *)(c + i * ldc + 15), _MM_HINT_T0);
    }
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (size_t p = 0; p < kc; p++) {
        __m256 b0 = _mm256_load_ps(bp), b1 = V == 2 ? _mm256_load_ps(bp + 8) : b0;
        __m256 a;
        a = _mm256_broadcast_ss(ap + 0); c00 = _mm256_fmadd_ps(a, b0, c00); if (V == 2) c01 = _mm256_fmadd_ps(a, b1, c01);
        a = _mm256_broadcast_ss(ap + 1); c10 = _mm256_fmadd_ps(a, b0, c10); if (V == 2) c11 = _mm256_fmadd_ps(a, b1, c11);
        a = _mm256_broadcast_ss(ap + 2); c20 = _mm256_fmadd_ps(a, b0, c20); if (V == 2) c21 = _mm256_fmadd_ps(a, b1, c21);
        a = _mm256_broadcast_ss(ap + 3); c30 = _mm256_fmadd_ps(a, b0, c30); if (V == 2) c31 = _mm256_fmadd_ps(a, b1, c31);
        a = _mm256_broadcast_ss(ap + 4); c40 = _mm256_fmadd_ps(a, b0, c40); if (V == 2) c41 = _mm256_fmadd_ps(a, b1, c41);
        a = _mm256_broadcast_ss(ap + 5); c50 = _mm256_fmadd_ps(a, b0, c50); if (V == 2) c51 = _mm256_fmadd_ps(a, b1, c51);
        ap += 6;
        bp += 16;
    }
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    __m256 acc[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    if (rows == 6 && cols == 16) {
        if (beta == 0.0f) {
            for (int i = 0; i < 6; i++) {
                _mm256_storeu_ps(c + i * ldc, _mm256_mul_ps(va, acc[2 * i]));
                _mm256_storeu_ps(c + i * ldc + 8, _mm256_mul_ps(va, acc[2 * i + 1]));
            }
        } else {
            for (int i = 0; i < 6; i++) {
                float *row = c + i * ldc;
                _mm256_storeu_ps(row, _mm256_fmadd_ps(va, acc[2 * i], _mm256_mul_ps(vb, _mm256_loadu_ps(row))));
                _mm256_storeu_ps(row + 8, _mm256_fmadd_ps(va, acc[2 * i + 1], _mm256_mul_ps(vb, _mm256_loadu_ps(row + 8))));
            }
        }
        return;
    }
    __m256i m0 = lanes(cols), m1 = lanes(cols > 8 ? cols - 8 : 0);
    for (size_t i = 0; i < rows; i++) {
        float *row = c + i * ldc;
        __m256 v0 = _mm256_mul_ps(va, acc[2 * i]);
        if (beta != 0.0f) v0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(row, m0), v0);
        _mm256_maskstore_ps(row, m0, v0);
        if (V == 2 && cols > 8) {
            __m256 v1 = _mm256_mul_ps(va, acc[2 * i + 1]);
            if (beta != 0.0f) v1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(row + 8, m1), v1);
            _mm256_maskstore_ps(row + 8, m1, v1);
        }
    }
}

MLC_AVX2 void mlc_sgemm_ukernel_avx2_6x16(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                          float alpha, float beta, size_t rows, size_t cols) {
    if (cols <= 8) ukernel_6xV(1, kc, ap, bp, c, ldc, alpha, beta, rows, cols);
    else ukernel_6xV(2, kc, ap, bp, c, ldc, alpha, beta, rows, cols);
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



// One register block of the small kernel: R rows x V vectors of 8 columns. Called with constant R, V and
// MASKED, so after inlining the loops unroll and the accumulators live in registers; MASKED uses a masked
// load and store for the last vector only (masked loads are slow on AMD Zen, so full vectors avoid them).
static MLC_AVX2 inline __attribute__((always_inline)) void small_block(
    const int R, const int V, const int MASKED, __m256i mask, size_t k, const float *const *ar, size_t sa_col,
    const float *bp, size_t ldb, float alpha, float beta, float *crow, size_t ldc) {
    __m256 acc[6][2];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) acc[r][v] = _mm256_setzero_ps();
    for (size_t p = 0; p < k; p++, bp += ldb) {
        __m256 bv[2];
        for (int v = 0; v < V; v++)
            bv[v] = (MASKED && v == V - 1) ? _mm256_maskload_ps(bp + 8 * v, mask) : _mm256_loadu_ps(bp + 8 * v);
        size_t off = p * sa_col;
        for (int r = 0; r < R; r++) {
            __m256 x = _mm256_broadcast_ss(ar[r] + off);
            for (int v = 0; v < V; v++) acc[r][v] = _mm256_fmadd_ps(x, bv[v], acc[r][v]);
        }
    }
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    for (int r = 0; r < R; r++) {
        for (int v = 0; v < V; v++) {
            float *dst = crow + r * ldc + 8 * v;
            __m256 out = _mm256_mul_ps(va, acc[r][v]);
            if (MASKED && v == V - 1) {
                if (beta != 0.0f) out = _mm256_fmadd_ps(vb, _mm256_maskload_ps(dst, mask), out);
                _mm256_maskstore_ps(dst, mask, out);
            } else {
                if (beta != 0.0f) out = _mm256_fmadd_ps(vb, _mm256_loadu_ps(dst), out);
                _mm256_storeu_ps(dst, out);
            }
        }
    }
}

// Each (R, V, MASKED) block is its own function with the small stack frame its registers need (as in
// gemm_avx512.c; one function holding every block: 37 vs 34 ns per call at n = 8 in a C harness); the driver picks
// one from a table.
typedef void (*small_block_fn)(__m256i mask, size_t k, const float *const *ar, size_t sa_col, const float *bp,
                               size_t ldb, float alpha, float beta, float *crow, size_t ldc);
#define MLC_SMALL_BLOCK(R, V, M)                                                                              \
    static MLC_AVX2 __attribute__((noinline)) void small_block_##R##_##V##_##M(                               \
        __m256i mask, size_t k, const float *const *ar, size_t sa_col, const float *bp, size_t ldb,          \
        float alpha, float beta, float *crow, size_t ldc) {                                                   \
        small_block(R, V, M, mask, k, ar, sa_col, bp, ldb, alpha, beta, crow, ldc);                           \
    }
#define MLC_SMALL_BLOCKS(V, M) MLC_SMALL_BLOCK(1, V, M) MLC_SMALL_BLOCK(2, V, M) MLC_SMALL_BLOCK(3, V, M)    \
    MLC_SMALL_BLOCK(4, V, M) MLC_SMALL_BLOCK(5, V, M) MLC_SMALL_BLOCK(6, V, M)
MLC_SMALL_BLOCKS(1, 0) MLC_SMALL_BLOCKS(2, 0) MLC_SMALL_BLOCKS(1, 1) MLC_SMALL_BLOCKS(2, 1)
#undef MLC_SMALL_BLOCK
#undef MLC_SMALL_BLOCKS
#define MLC_ROW(V, M) {NULL, small_block_1_##V##_##M, small_block_2_##V##_##M, small_block_3_##V##_##M, \
                       small_block_4_##V##_##M, small_block_5_##V##_##M, small_block_6_##V##_##M}
// small_blocks[masked][vectors - 1][rows]
static const small_block_fn small_blocks[2][2][7] = {
    {MLC_ROW(1, 0), MLC_ROW(2, 0)},
    {MLC_ROW(1, 1), MLC_ROW(2, 1)},
};
#undef MLC_ROW

MLC_AVX2 void mlc_sgemm_small_avx2(int trans_a, size_t m, size_t n, size_t k, float alpha, const float *a,
                                   size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc) {
    size_t sa_row = trans_a ? 1 : lda, sa_col = trans_a ? lda : 1;  // op(A)[i, p] = a[i * sa_row + p * sa_col]
    // Register blocks of up to 6 rows x 16 columns: 12 accumulator chains hide FMA latency (4 cycles,
    // 2 pipes). Rows are split evenly (8 rows -> 4 + 4, not 6 + 2) so that no block is mostly idle.
    // (12 x 8 blocks for n <= 8 measured no faster: 13.4 vs 13.1 GFLOPS at n = 8, within noise.)
    size_t max_rows = 6;
    size_t row_blocks = (m + max_rows - 1) / max_rows;
    for (size_t i = 0, blk = 0; i < m; blk++) {
        size_t rows = (m - i + (row_blocks - blk) - 1) / (row_blocks - blk);
        const float *ar[6];
        for (size_t r = 0; r < 6; r++) ar[r] = a + (i + (r < rows ? r : rows - 1)) * sa_row;
        for (size_t j = 0; j < n; j += 16) {
            size_t cols = n - j < 16 ? n - j : 16;
            int masked = cols % 8 != 0;
            __m256i mask = lanes(cols % 8);
            const float *bp = b + j;
            float *crow = c + i * ldc + j;
            small_blocks[masked][cols > 8][rows](mask, k, ar, sa_col, bp, ldb, alpha, beta, crow, ldc);
        }
        i += rows;
    }
}
#endif
