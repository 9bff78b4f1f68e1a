// AVX-512 F bodies of GEMM (see gemm_avx2.c for why the target attribute and not a flag).
#if defined(__x86_64__)
#include <immintrin.h>
#include "gemm_internal.h"

#define MLC_AVX512 __attribute__((target("avx512f,avx2,fma")))

// 12 x 32 tile: 24 zmm accumulators + 2 for B + 1 broadcast of A = 27 of 32 registers. V is the number of
// 16-column vectors actually computed (1 for an edge tile of <= 16 columns: half the FMAs). A tile of
// `rows` < 12 or `cols` < 32 is stored with masks straight into C (the rows past `rows` are the zero
// padding of Ap). C's rows are prefetched first, so their misses overlap the kc loop: `GEMMBench`-style
// C harness, 1024^3, kc 256: 93 -> 100 GFLOPS on Zen 4.
static MLC_AVX512 inline __attribute__((always_inline)) void ukernel_12xV(
    const int V, size_t kc, const float *ap, const float *bp, float *c, size_t ldc, float alpha, float beta,
    size_t rows, size_t cols) {
    __m512 acc0[12], acc1[12];
    for (size_t i = 0; i < rows; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        if (V == 2) _mm_prefetch((const char *)(c + i * ldc + 31), _MM_HINT_T0);
    }
    for (int i = 0; i < 12; i++) {
        acc0[i] = _mm512_setzero_ps();
        acc1[i] = _mm512_setzero_ps();
    }
    for (size_t p = 0; p < kc; p++) {
        __m512 b0 = _mm512_load_ps(bp), b1 = V == 2 ? _mm512_load_ps(bp + 16) : b0;
#pragma clang loop unroll(full)
        for (int i = 0; i < 12; i++) {
            __m512 a = _mm512_set1_ps(ap[i]);
            acc0[i] = _mm512_fmadd_ps(a, b0, acc0[i]);
            if (V == 2) acc1[i] = _mm512_fmadd_ps(a, b1, acc1[i]);
        }
        ap += 12;
        bp += 32;
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    if (rows == 12 && cols == 32) {
        if (beta == 0.0f) {
            for (int i = 0; i < 12; i++) {
                _mm512_storeu_ps(c + i * ldc, _mm512_mul_ps(va, acc0[i]));
                _mm512_storeu_ps(c + i * ldc + 16, _mm512_mul_ps(va, acc1[i]));
            }
        } else {
            for (int i = 0; i < 12; i++) {
                float *row = c + i * ldc;
                _mm512_storeu_ps(row, _mm512_fmadd_ps(va, acc0[i], _mm512_mul_ps(vb, _mm512_loadu_ps(row))));
                _mm512_storeu_ps(row + 16, _mm512_fmadd_ps(va, acc1[i], _mm512_mul_ps(vb, _mm512_loadu_ps(row + 16))));
            }
        }
        return;
    }
    __mmask16 m0 = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
    __mmask16 m1 = cols <= 16 ? 0 : cols >= 32 ? (__mmask16)0xFFFF : (__mmask16)((1u << (cols - 16)) - 1);
    for (size_t i = 0; i < rows; i++) {
        float *row = c + i * ldc;
        __m512 v0 = _mm512_mul_ps(va, acc0[i]);
        if (beta != 0.0f) v0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, row), v0);
        _mm512_mask_storeu_ps(row, m0, v0);
        if (V == 2) {
            __m512 v1 = _mm512_mul_ps(va, acc1[i]);
            if (beta != 0.0f) v1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, row + 16), v1);
            _mm512_mask_storeu_ps(row + 16, m1, v1);
        }
    }
}

MLC_AVX512 void mlc_sgemm_ukernel_avx512_12x32(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                               float alpha, float beta, size_t rows, size_t cols) {
    if (cols <= 16) ukernel_12xV(1, kc, ap, bp, c, ldc, alpha, beta, rows, cols);
    else ukernel_12xV(2, kc, ap, bp, c, ldc, alpha, beta, rows, cols);
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

// How the last columns of a tile are held: TAIL_NONE, every zmm vector full (no mask anywhere); TAIL_ZMM,
// the last zmm vector masked to its 9..15 columns; TAIL_YMM, the zmm vectors full and a ymm vector for the
// last 1..8 columns, so a narrow tail costs a 256-bit FMA, not a 512-bit one (n = 24: 1.1x OpenBLAS's small
// kernel, which masks a full zmm). Masked loads and stores are kept off full tiles: on this machine they
// cost about 1% at n = 48..96 (`GEMMBench --crossover`).
enum { TAIL_NONE = 0, TAIL_ZMM = 1, TAIL_YMM = 2 };

// One register tile of the small kernel: R rows x (V zmm vectors, plus a ymm vector with TAIL_YMM) of C.
// Called with constant R, V and TAIL: the loops unroll and the accumulators stay in registers.
static MLC_AVX512 inline __attribute__((always_inline)) void small_tile(
    const int R, const int V, const int TAIL, __mmask16 mask, size_t k, const float *a, size_t sa_row,
    size_t sa_col, const float *bp, size_t ldb, float alpha, float beta, float *crow, size_t ldc) {
    const int YT = TAIL == TAIL_YMM;
    __m512 acc[6][4];
    __m256 tail[6];
    for (int r = 0; r < R; r++) {
        for (int v = 0; v < V; v++) acc[r][v] = _mm512_setzero_ps();
        if (YT) tail[r] = _mm256_setzero_ps();
    }
    for (size_t p = 0; p < k; p++, bp += ldb) {
        __m512 bv[4];
        __m256 bt = _mm256_setzero_ps();
        for (int v = 0; v < V; v++)
            bv[v] = (TAIL == TAIL_ZMM && v == V - 1) ? _mm512_maskz_loadu_ps(mask, bp + 16 * v) : _mm512_loadu_ps(bp + 16 * v);
        if (YT) bt = _mm512_castps512_ps256(_mm512_maskz_loadu_ps(mask, bp + 16 * V));
        const float *ap = a + p * sa_col;
        for (int r = 0; r < R; r++) {
            __m512 x = _mm512_set1_ps(ap[r * sa_row]);
            for (int v = 0; v < V; v++) acc[r][v] = _mm512_fmadd_ps(x, bv[v], acc[r][v]);
            if (YT) tail[r] = _mm256_fmadd_ps(_mm512_castps512_ps256(x), bt, tail[r]);
        }
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int r = 0; r < R; r++) {
        for (int v = 0; v < V; v++) {
            float *dst = crow + r * ldc + 16 * v;
            __m512 out = _mm512_mul_ps(va, acc[r][v]);
            if (TAIL == TAIL_ZMM && v == V - 1) {
                if (beta != 0.0f) out = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask, dst), out);
                _mm512_mask_storeu_ps(dst, mask, out);
            } else {
                if (beta != 0.0f) out = _mm512_fmadd_ps(vb, _mm512_loadu_ps(dst), out);
                _mm512_storeu_ps(dst, out);
            }
        }
        if (YT) {
            float *dst = crow + r * ldc + 16 * V;
            __m512 out = _mm512_castps256_ps512(_mm256_mul_ps(_mm512_castps512_ps256(va), tail[r]));
            if (beta != 0.0f) out = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask, dst), out);
            _mm512_mask_storeu_ps(dst, mask, out);
        }
    }
}

// Each (R, V, TAIL) tile is its own function, so each gets the small stack frame its registers need (one
// function holding all of them spilled into a 2.4 KiB frame: 6 ns more per call at n = 8) and the driver
// picks one from a table.
typedef void (*small_tile_fn)(__mmask16 mask, size_t k, const float *a, size_t sa_row, size_t sa_col,
                              const float *bp, size_t ldb, float alpha, float beta, float *crow, size_t ldc);
#define MLC_SMALL_TILE(R, V, T)                                                                               \
    static MLC_AVX512 __attribute__((noinline)) void small_tile_##R##_##V##_##T(                              \
        __mmask16 mask, size_t k, const float *a, size_t sa_row, size_t sa_col, const float *bp, size_t ldb,  \
        float alpha, float beta, float *crow, size_t ldc) {                                                   \
        small_tile(R, V, T, mask, k, a, sa_row, sa_col, bp, ldb, alpha, beta, crow, ldc);                     \
    }
#define MLC_SMALL_TILES4(V, T) MLC_SMALL_TILE(1, V, T) MLC_SMALL_TILE(2, V, T) MLC_SMALL_TILE(3, V, T) \
    MLC_SMALL_TILE(4, V, T)
#define MLC_SMALL_TILES6(V, T) MLC_SMALL_TILES4(V, T) MLC_SMALL_TILE(5, V, T) MLC_SMALL_TILE(6, V, T)
MLC_SMALL_TILES6(1, 0) MLC_SMALL_TILES6(2, 0) MLC_SMALL_TILES6(3, 0) MLC_SMALL_TILES4(4, 0)
MLC_SMALL_TILES6(1, 1) MLC_SMALL_TILES6(2, 1) MLC_SMALL_TILES6(3, 1) MLC_SMALL_TILES4(4, 1)
MLC_SMALL_TILES6(0, 2) MLC_SMALL_TILES6(1, 2) MLC_SMALL_TILES6(2, 2) MLC_SMALL_TILES4(3, 2)
#undef MLC_SMALL_TILE
#undef MLC_SMALL_TILES4
#undef MLC_SMALL_TILES6

#define MLC_ROW4(V, T) {NULL, small_tile_1_##V##_##T, small_tile_2_##V##_##T, small_tile_3_##V##_##T, \
                        small_tile_4_##V##_##T, NULL, NULL}
#define MLC_ROW6(V, T) {NULL, small_tile_1_##V##_##T, small_tile_2_##V##_##T, small_tile_3_##V##_##T, \
                        small_tile_4_##V##_##T, small_tile_5_##V##_##T, small_tile_6_##V##_##T}
// small_tiles[tail][zmm vectors][rows]
static const small_tile_fn small_tiles[3][5][7] = {
    {{NULL}, MLC_ROW6(1, 0), MLC_ROW6(2, 0), MLC_ROW6(3, 0), MLC_ROW4(4, 0)},
    {{NULL}, MLC_ROW6(1, 1), MLC_ROW6(2, 1), MLC_ROW6(3, 1), MLC_ROW4(4, 1)},
    {MLC_ROW6(0, 2), MLC_ROW6(1, 2), MLC_ROW6(2, 2), MLC_ROW4(3, 2), {NULL}},
};
#undef MLC_ROW4
#undef MLC_ROW6

// The AVX-512 small kernel (see gemm_internal.h). C is cut into column panels of up to 4 vectors (64
// columns), balanced in 16-column units, and each panel into row blocks: 4 rows for 4-vector panels (16 zmm
// accumulators), up to 6 rows for narrower ones, rows split evenly so no block is mostly idle. Within a
// panel B's columns stay in L1 while the row blocks of A stream past them. On this machine (Zen 4, whose
// 512-bit FMAs take both 256-bit pipes) 4 x 64 beat 8 x 32 and 6 x 64 (which spills) at n = 64
// (`GEMMBench --crossover`, README "GEMM").
MLC_AVX512 void mlc_sgemm_small_avx512(int trans_a, size_t m, size_t n, size_t k, float alpha, const float *a,
                                       size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc) {
    size_t sa_row = trans_a ? 1 : lda, sa_col = trans_a ? lda : 1;  // op(A)[i, p] = a[i * sa_row + p * sa_col]
    size_t vectors = (n + 15) / 16, panels = (vectors + 3) / 4;
    for (size_t j = 0, panel = 0; j < n; panel++) {
        size_t panel_vectors = (vectors - j / 16 + (panels - panel) - 1) / (panels - panel);
        size_t cols = n - j < 16 * panel_vectors ? n - j : 16 * panel_vectors;
        size_t rest = cols % 16;
        int tail = rest == 0 ? TAIL_NONE : rest > 8 ? TAIL_ZMM : TAIL_YMM;
        int ymm_tail = tail == TAIL_YMM;
        size_t zmm = cols / 16 + (rest > 8);
        __mmask16 mask = (__mmask16)((1u << (rest ? rest : 16)) - 1);
        size_t max_rows = zmm + ymm_tail >= 4 ? 4 : 6;
        size_t row_blocks = (m + max_rows - 1) / max_rows;
        const float *bp = b + j;
        for (size_t i = 0, block = 0; i < m; block++) {
            size_t rows = (m - i + (row_blocks - block) - 1) / (row_blocks - block);
            const float *ai = a + i * sa_row;
            float *crow = c + i * ldc + j;
            small_tiles[tail][zmm][rows](mask, k, ai, sa_row, sa_col, bp, ldb, alpha, beta, crow, ldc);
            i += rows;
        }
        j += cols;
    }
}
#endif
