// GEMM driver: blocking, packing and edge tiles. The micro-kernels live in gemm_avx2.c / gemm_avx512.c;
// this file holds only code that is not ISA-specific, plus a portable 4x8 micro-kernel.
#include <stdlib.h>
#include <string.h>
#include "mlc_gemm.h"
#include "gemm_internal.h"
#include "workspace.h"

#ifndef MLC_SGEMM_SMALL_B_ELEMENTS
#define MLC_SGEMM_SMALL_B_ELEMENTS (256 * 256)
#endif

typedef struct {
    size_t mr, nr;  // register tile
    size_t kc;      // depth of one packed block: Bp sliver (kc x nr) stays in L1
    size_t mc;      // rows of A packed at once: Ap (mc x kc) stays in L2
    size_t nc;      // columns of B packed at once: Bp (kc x nc) stays in L2/L3
    mlc_sgemm_ukernel kernel;
} gemm_config;

static void ukernel_portable_4x8(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                 float alpha, float beta, size_t rows, size_t cols) {
    float acc[4][8] = {{0}};
    for (size_t p = 0; p < kc; p++) {
        for (int i = 0; i < 4; i++) {
            float av = ap[p * 4 + i];
            for (int j = 0; j < 8; j++) acc[i][j] += av * bp[p * 8 + j];
        }
    }
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++)
            c[i * ldc + j] = beta == 0.0f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * c[i * ldc + j];
}

// Block sizes: Ap (mc x kc) stays in L2, a Bp sliver (kc x nr) streams from L2 while the C tile sits in
// registers. Measured on AMD EPYC Zen 4 (1 MiB L2, peak 117 GFLOPS/core at either level) with a C harness
// timing thread CPU time, 1024^3, C prefetched, A packed row-interleaved: AVX-512 kc 128/256/512/1024 at
// mc 96: 92/101/105/106 GFLOPS; AVX2 at mc 96: 98/104/106/104. kc = 512 keeps C's per-call load/store
// (12 x 32 floats) under 3% of a tile's FMAs; mc = 96 keeps Ap at 192 KiB. OpenBLAS 0.3.21 (Cooperlake)
// on the same run: 101-103.
static gemm_config config_for(mlc_isa isa) {
    gemm_config cfg;
    switch (isa) {
#if defined(__x86_64__)
    case MLC_ISA_AVX512:
        cfg = (gemm_config){12, 32, 512, 96, 4096, mlc_sgemm_ukernel_avx512_12x32};
        break;
    case MLC_ISA_AVX2:
        cfg = (gemm_config){6, 16, 512, 96, 4096, mlc_sgemm_ukernel_avx2_6x16};
        break;
#endif
    default:
        cfg = (gemm_config){4, 8, 256, 128, 1024, ukernel_portable_4x8};
        break;
    }
    return cfg;
}

void mlc_sgemm_tile(mlc_isa isa, size_t *mr, size_t *nr) {
    gemm_config cfg = config_for(isa);
    *mr = cfg.mr;
    *nr = cfg.nr;
}

static inline size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }
static inline size_t round_up(size_t a, size_t b) { return (a + b - 1) / b * b; }

// Ap: for each group of mr rows, kc x mr values, p-major; rows past mc are zero.
static void pack_a(const float *a, size_t lda, int trans, size_t i0, size_t mc, size_t p0, size_t kc,
                   size_t mr, float *ap) {
    for (size_t ir = 0; ir < mc; ir += mr) {
        size_t rows = min_sz(mr, mc - ir);
        if (trans) {  // A stored k x m: row p of storage holds op(A)[., p] contiguously
            for (size_t p = 0; p < kc; p++) {
                const float *src = a + (p0 + p) * lda + i0 + ir;
                float *dst = ap + p * mr;
                for (size_t r = 0; r < rows; r++) dst[r] = src[r];
                for (size_t r = rows; r < mr; r++) dst[r] = 0.0f;
            }
        } else if (rows == mr) {
            // A full group: its rows read side by side (mr streams), Ap written in order. 1024^3 at AVX-512:
            // 101 -> 105 GFLOPS against one row at a time with stride-mr writes.
            const float *src[16];
            for (size_t r = 0; r < mr; r++) src[r] = a + (i0 + ir + r) * lda + p0;
            float *dst = ap;
            for (size_t p = 0; p < kc; p++, dst += mr)
                for (size_t r = 0; r < mr; r++) dst[r] = src[r][p];
        } else {
            for (size_t r = 0; r < rows; r++) {
                const float *src = a + (i0 + ir + r) * lda + p0;
                for (size_t p = 0; p < kc; p++) ap[p * mr + r] = src[p];
            }
            for (size_t r = rows; r < mr; r++)
                for (size_t p = 0; p < kc; p++) ap[p * mr + r] = 0.0f;
        }
        ap += kc * mr;
    }
}

// Bp: for each group of nr columns, kc x nr values, p-major; columns past nc are zero.
static void pack_b(const float *b, size_t ldb, int trans, size_t p0, size_t kc, size_t j0, size_t nc,
                   size_t nr, float *bp) {
    for (size_t jr = 0; jr < nc; jr += nr) {
        size_t cols = min_sz(nr, nc - jr);
        if (trans) {  // B stored n x k
            for (size_t col = 0; col < cols; col++) {
                const float *src = b + (j0 + jr + col) * ldb + p0;
                for (size_t p = 0; p < kc; p++) bp[p * nr + col] = src[p];
            }
            for (size_t col = cols; col < nr; col++)
                for (size_t p = 0; p < kc; p++) bp[p * nr + col] = 0.0f;
        } else {
            for (size_t p = 0; p < kc; p++) {
                const float *src = b + (p0 + p) * ldb + j0 + jr;
                float *dst = bp + p * nr;
                memcpy(dst, src, cols * sizeof(float));
                for (size_t col = cols; col < nr; col++) dst[col] = 0.0f;
            }
        }
        bp += kc * nr;
    }
}

// C = beta * C, with beta == 0 writing zeros (so NaN in C does not survive, as in BLAS).
static void scale_c(size_t m, size_t n, float beta, float *c, size_t ldc) {
    if (beta == 1.0f) return;
    for (size_t i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0.0f) memset(row, 0, n * sizeof(float));
        else for (size_t j = 0; j < n; j++) row[j] *= beta;
    }
}

// Whether mlc_sgemm runs the unpacked kernel (B read in place, no packing) rather than the packed one.
// While B (k x n) fits in L2 the unpacked kernel runs at peak and packing only costs time (`GEMMBench
// --crossover`: unpacked 115 GFLOPS vs packed 103 at n = 256). The AVX-512 unpacked kernel (4 x 64 tiles,
// B's 64-column panel in L2 while A's rows stream past) stays ahead further out, as long as A is not too
// tall (each panel reads all of A again) and the panel is not too deep for L2. Measured on AMD EPYC Zen 4
// (peak 117 GFLOPS/core), C harness, 1 thread, unpacked vs packed GFLOPS (m x n x k):
//   64x3136x576 106/85, 128x784x1152 114/99, 256x196x2304 109/91, 512x49x4608 100/63, 64x12544x27 104/76,
//   64x12544x147 100/76, 256x64x4608 115/83, 128x128x16384 91/75, 512x3136x576 108/105, 1024^3 108/104,
//   1024x2048x1024 108/105,
//   but 512x12544x64 80/86, 2048^3 44/106, 1024x1024x8192 43/103, 4096x4096x256 89/104, 3000^3 54/109,
//   1024x2048x2048 54/105, 512x2048x2048 59/104, 1024x1024x2048 100/105 (with n >= 1024 each of the panel's
//   k rows lies on its own 4 KiB page: past k = 1024 the TLB thrashes). A thread's row block counts: at 2
//   threads 2048^3 runs as two 1024x2048x2048 problems, packed (2 threads: 209 GFLOPS, 1.95x one).
int mlc_sgemm_uses_unpacked(mlc_isa isa, size_t m, size_t n, size_t k) {
    if (k * n <= MLC_SGEMM_SMALL_B_ELEMENTS) return 1;
    if (isa != MLC_ISA_AVX512) return 0;
    return m <= 1024 && (n <= 4096 || m <= 256) && (k <= 1024 || n < 1024) && k * n <= ((size_t)1 << 21);
}

static int gemv_if_vector(mlc_isa isa, int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
                          const float *a, size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc) {
#if defined(__x86_64__)
    if (isa == MLC_ISA_BASELINE) return 0;
    int wide = isa == MLC_ISA_AVX512;
    if (n == 1 && !trans_a && (trans_b || ldb == 1)) {  // c[i] = dot(A[i, :], b), b contiguous (1 x k, or k x 1)
        // Checked first, so 1 x 1 x k is one dot product too. GEMMBench --shapes 10000x1x128: 8 GFLOPS
        // through the small kernel's masked tiles, 27-33 as dot products (OpenBLAS 24-32).
        (wide ? mlc_sgemv_dots_avx512 : mlc_sgemv_dots_avx2)(m, k, alpha, a, lda, b, beta, c, ldc);
        return 1;
    }
    if (m == 1 && !trans_a && !trans_b) {  // row vector a (contiguous) times B (k x n rows)
        (wide ? mlc_sgemv_rows_avx512 : mlc_sgemv_rows_avx2)(k, n, alpha, a, b, ldb, beta, c);
        return 1;
    }
    if (m == 1 && !trans_a && trans_b) {   // c[j] = dot(B[j, :], a)
        (wide ? mlc_sgemv_dots_avx512 : mlc_sgemv_dots_avx2)(n, k, alpha, b, ldb, a, beta, c, 1);
        return 1;
    }
#endif
    return 0;
}

// The packed path: blocks of A and B copied into aligned buffers sized for L2, micro-kernel tiles; edge
// tiles store with masks (the micro-kernel's rows/cols), so no scratch tile and no scalar copy-out.
static __attribute__((noinline)) int sgemm_packed(mlc_isa isa, int trans_a, int trans_b, size_t m, size_t n,
                                                  size_t k, float alpha, const float *a, size_t lda,
                                                  const float *b, size_t ldb, float beta, float *c, size_t ldc) {
    gemm_config cfg = config_for(isa);
    // kc: the depth split evenly (k = 600 runs as 2 x 300, not 512 + 88, whose short block would pay the
    // C load/store of a full one for a sixth of the FMAs).
    size_t kblocks = (k + cfg.kc - 1) / cfg.kc;
    cfg.kc = (k + kblocks - 1) / kblocks;
    size_t kc_max = min_sz(cfg.kc, k);
    size_t mc_max = round_up(min_sz(cfg.mc, m), cfg.mr);
    size_t nc_max = round_up(min_sz(cfg.nc, n), cfg.nr);
    size_t a_bytes = round_up(mc_max * kc_max * sizeof(float), 64);
    size_t b_bytes = round_up(nc_max * kc_max * sizeof(float), 64);
    float *ap = mlc_workspace(MLC_WS_GEMM_A, a_bytes);
    float *bp = mlc_workspace(MLC_WS_GEMM_B, b_bytes);
    if (!ap || !bp) return -1;

    for (size_t jc = 0; jc < n; jc += cfg.nc) {
        size_t nc = min_sz(cfg.nc, n - jc);
        for (size_t pc = 0; pc < k; pc += cfg.kc) {
            size_t kc = min_sz(cfg.kc, k - pc);
            float beta_block = pc == 0 ? beta : 1.0f;
            pack_b(b, ldb, trans_b, pc, kc, jc, nc, cfg.nr, bp);
            for (size_t ic = 0; ic < m; ic += cfg.mc) {
                size_t mc = min_sz(cfg.mc, m - ic);
                pack_a(a, lda, trans_a, ic, mc, pc, kc, cfg.mr, ap);
                for (size_t jr = 0; jr < nc; jr += cfg.nr) {
                    size_t nr = min_sz(cfg.nr, nc - jr);
                    const float *bsliver = bp + jr * kc;
                    for (size_t ir = 0; ir < mc; ir += cfg.mr) {
                        size_t mr = min_sz(cfg.mr, mc - ir);
                        const float *asliver = ap + ir * kc;
                        float *ctile = c + (ic + ir) * ldc + jc + jr;
                        cfg.kernel(kc, asliver, bsliver, ctile, ldc, alpha, beta_block, mr, nr);
                    }
                }
            }
        }
    }
    return 0;
}

int mlc_sgemm(mlc_isa isa, int trans_a, int trans_b, size_t m, size_t n, size_t k,
              float alpha, const float *a, size_t lda, const float *b, size_t ldb,
              float beta, float *c, size_t ldc) {
    return mlc_sgemm_packed_at(isa, isa, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int mlc_sgemm_packed_at(mlc_isa isa, mlc_isa packed_isa, int trans_a, int trans_b, size_t m, size_t n, size_t k,
                        float alpha, const float *a, size_t lda, const float *b, size_t ldb,
                        float beta, float *c, size_t ldc) {
    if (packed_isa > isa) packed_isa = isa;
    if (m == 0 || n == 0) return 0;
    if (k == 0 || alpha == 0.0f) {
        scale_c(m, n, beta, c, ldc);
        return 0;
    }
    if (gemv_if_vector(isa, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) return 0;
#if defined(__x86_64__)
    if (isa != MLC_ISA_BASELINE && !trans_b && mlc_sgemm_uses_unpacked(isa, m, n, k)) {
        if (isa == MLC_ISA_AVX512) mlc_sgemm_small_avx512(trans_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else mlc_sgemm_small_avx2(trans_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return 0;
    }
#endif
    return sgemm_packed(packed_isa, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

