// Integer GEMM driver: packing into int16 pairs, zero-point correction through row and column sums, and the
// scalar reference body. The wide micro-kernels live in qgemm_avx2.c / qgemm_avx512.c.
#include <stdlib.h>
#include <string.h>
#include "mlc_cpu.h"
#include "mlc_qgemm.h"
#include "qgemm_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
static int detect_level(void) {
    mlc_isa isa = mlc_detected_isa(); // AVX2 and AVX-512 F with the OS saving ymm / zmm state
    if (isa == MLC_ISA_BASELINE) return MLC_QGEMM_SCALAR;
    if (isa == MLC_ISA_AVX2) return MLC_QGEMM_AVX2;
    unsigned int a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return MLC_QGEMM_AVX2;
    if (!((b >> 30) & 1)) return MLC_QGEMM_AVX2;        // AVX-512 BW (vpmaddwd on zmm)
    if ((c >> 11) & 1) return MLC_QGEMM_AVX512VNNI;       // AVX-512 VNNI
    return MLC_QGEMM_AVX512BW;
}
#else
static int detect_level(void) { return MLC_QGEMM_SCALAR; }
#endif

static int cached_level = -1;

mlc_qgemm_level mlc_qgemm_detected_level(void) {
    int v = __atomic_load_n(&cached_level, __ATOMIC_ACQUIRE);
    if (v < 0) {
        v = detect_level();
        __atomic_store_n(&cached_level, v, __ATOMIC_RELEASE);
    }
    return (mlc_qgemm_level)v;
}

const char *mlc_qgemm_level_name(mlc_qgemm_level level) {
    switch (level) {
    case MLC_QGEMM_AVX512VNNI: return "avx512vnni";
    case MLC_QGEMM_AVX512BW: return "avx512bw";
    case MLC_QGEMM_AVX2: return "avx2";
    default: return "scalar";
    }
}

static inline int32_t load8(const void *base, size_t index, int is_signed) {
    return is_signed ? (int32_t)((const int8_t *)base)[index] : (int32_t)((const uint8_t *)base)[index];
}

// The reference body: the definition, term by term (products of zero-point-shifted values, wrapping sums).
static void qgemm_scalar(size_t m, size_t n, size_t k, const void *a, size_t lda, int a_signed, const int32_t *a_zero, int a_zero_per_row,
                         const void *b, size_t ldb, int b_signed, const int32_t *b_zero, int per_column,
                         int32_t *c, size_t ldc) {
    for (size_t i = 0; i < m; i++) {
        int32_t za = a_zero[a_zero_per_row ? i : 0];
        for (size_t j = 0; j < n; j++) {
            int32_t zb = b_zero[per_column ? j : 0];
            uint32_t sum = 0;
            for (size_t p = 0; p < k; p++) {
                int32_t x = load8(a, i * lda + p, a_signed) - za;
                int32_t y = load8(b, p * ldb + j, b_signed) - zb;
                sum += (uint32_t)x * (uint32_t)y;
            }
            c[i * ldc + j] = (int32_t)sum;
        }
    }
}

#if defined(__x86_64__)
static inline uint32_t pair(int32_t lo, int32_t hi) { return (uint32_t)(uint16_t)(int16_t)lo | ((uint32_t)(uint16_t)(int16_t)hi << 16); }

// Packing, one copy per element type so the inner loops carry no signedness branch (with the branch, packing
// took as long as the micro-kernel on resnet18's convolutions).
#define MLC_PACK_A(NAME, T)                                                                                   \
    static void NAME(size_t m, size_t k, size_t kp, size_t mr, size_t blocks, const T *a, size_t lda,         \
                     int32_t *ap, int32_t *row_sum) {                                                         \
        for (size_t blk = 0; blk < blocks; blk++) {                                                           \
            int32_t *dst = ap + blk * mr * kp;                                                                \
            for (size_t r = 0; r < mr; r++) {                                                                 \
                size_t i = blk * mr + r;                                                                      \
                if (i >= m) {                                                                                 \
                    for (size_t p = 0; p < kp; p++) dst[p * mr + r] = 0;                                      \
                    continue;                                                                                 \
                }                                                                                             \
                const T *row = a + i * lda;                                                                   \
                uint32_t sum = 0;                                                                             \
                size_t full = k / 2;                                                                          \
                for (size_t p = 0; p < full; p++) {                                                           \
                    int32_t lo = row[2 * p], hi = row[2 * p + 1];                                             \
                    sum += (uint32_t)lo + (uint32_t)hi;                                                       \
                    dst[p * mr + r] = (int32_t)pair(lo, hi);                                                  \
                }                                                                                             \
                if (full < kp) {                                                                              \
                    int32_t lo = row[2 * full];                                                               \
                    sum += (uint32_t)lo;                                                                      \
                    dst[full * mr + r] = (int32_t)pair(lo, 0);                                                \
                }                                                                                             \
                row_sum[i] = (int32_t)sum;                                                                    \
            }                                                                                                 \
        }                                                                                                     \
    }

#define MLC_PACK_B(NAME, T)                                                                                   \
    static void NAME(size_t k, size_t kp, size_t nr, size_t nc, const T *b, size_t ldb, int16_t *bp,          \
                     int32_t *col_sum) {                                                                      \
        uint32_t sums[32] = {0};                                                                              \
        for (size_t p = 0; p < kp; p++) {                                                                     \
            int16_t *dst = bp + p * nr * 2;                                                                   \
            const T *r0 = b + (2 * p) * ldb;                                                                  \
            if (2 * p + 1 < k) {                                                                              \
                const T *r1 = r0 + ldb;                                                                       \
                for (size_t jj = 0; jj < nc; jj++) {                                                          \
                    int32_t lo = r0[jj], hi = r1[jj];                                                         \
                    dst[2 * jj] = (int16_t)lo;                                                                \
                    dst[2 * jj + 1] = (int16_t)hi;                                                            \
                    sums[jj] += (uint32_t)lo + (uint32_t)hi;                                                  \
                }                                                                                             \
            } else {                                                                                          \
                for (size_t jj = 0; jj < nc; jj++) {                                                          \
                    int32_t lo = r0[jj];                                                                      \
                    dst[2 * jj] = (int16_t)lo;                                                                \
                    dst[2 * jj + 1] = 0;                                                                      \
                    sums[jj] += (uint32_t)lo;                                                                 \
                }                                                                                             \
            }                                                                                                 \
            for (size_t jj = nc; jj < nr; jj++) { dst[2 * jj] = 0; dst[2 * jj + 1] = 0; }                     \
        }                                                                                                     \
        for (size_t jj = 0; jj < nr; jj++) col_sum[jj] = (int32_t)sums[jj];                                   \
    }

MLC_PACK_A(pack_a_u8, uint8_t)
MLC_PACK_A(pack_a_s8, int8_t)
MLC_PACK_B(pack_b_u8, uint8_t)
MLC_PACK_B(pack_b_s8, int8_t)

int mlc_qgemm(mlc_qgemm_level level, size_t m, size_t n, size_t k,
              const void *a, size_t lda, int a_signed, const int32_t *a_zero, int a_zero_per_row,
              const void *b, size_t ldb, int b_signed, const int32_t *b_zero, int b_zero_per_column,
              int32_t *c, size_t ldc) {
    if (m == 0 || n == 0) return 0;
    if (level == MLC_QGEMM_SCALAR || k == 0) {
        qgemm_scalar(m, n, k, a, lda, a_signed, a_zero, a_zero_per_row, b, ldb, b_signed, b_zero, b_zero_per_column, c, ldc);
        return 0;
    }
    size_t mr, nr;
    mlc_qgemm_ukernel kernel;
    switch (level) {
    case MLC_QGEMM_AVX512VNNI: mr = 8; nr = 32; kernel = mlc_qgemm_ukernel_avx512vnni_8x32; break;
    case MLC_QGEMM_AVX512BW: mr = 8; nr = 32; kernel = mlc_qgemm_ukernel_avx512bw_8x32; break;
    default: mr = 6; nr = 16; kernel = mlc_qgemm_ukernel_avx2_6x16; break;
    }
    size_t kp = (k + 1) / 2;
    size_t blocks = (m + mr - 1) / mr;
    size_t a_bytes = ((blocks * mr * kp * sizeof(int32_t)) + 63) & ~(size_t)63;
    size_t b_bytes = ((kp * nr * 2 * sizeof(int16_t)) + 63) & ~(size_t)63;
    int32_t *ap = aligned_alloc(64, a_bytes);
    int16_t *bp = aligned_alloc(64, b_bytes);
    int32_t *row_sum = malloc(m * sizeof(int32_t));
    int32_t col_sum[32];
    int32_t tile[8 * 32];
    if (!ap || !bp || !row_sum) {
        free(ap); free(bp); free(row_sum);
        return -1;
    }
    // A as int16 pairs, row block by row block (kp x mr each), zero rows padding the last block.
    if (a_signed) pack_a_s8(m, k, kp, mr, blocks, (const int8_t *)a, lda, ap, row_sum);
    else pack_a_u8(m, k, kp, mr, blocks, (const uint8_t *)a, lda, ap, row_sum);
    for (size_t j0 = 0; j0 < n; j0 += nr) {
        size_t nc = n - j0 < nr ? n - j0 : nr;
        if (b_signed) pack_b_s8(k, kp, nr, nc, (const int8_t *)b + j0, ldb, bp, col_sum);
        else pack_b_u8(k, kp, nr, nc, (const uint8_t *)b + j0, ldb, bp, col_sum);
        for (size_t blk = 0; blk < blocks; blk++) {
            size_t i0 = blk * mr, rows = m - i0 < mr ? m - i0 : mr;
            int full = rows == mr && nc == nr;
            int32_t *out = full ? c + i0 * ldc + j0 : tile;
            kernel(kp, ap + blk * mr * kp, bp, out, full ? ldc : nr);
            for (size_t r = 0; r < rows; r++) {
                int32_t *src = out + r * (full ? ldc : nr);
                int32_t *dst = c + (i0 + r) * ldc + j0;
                uint32_t rs = (uint32_t)row_sum[i0 + r];
                uint32_t za = (uint32_t)a_zero[a_zero_per_row ? i0 + r : 0];
                for (size_t jj = 0; jj < nc; jj++) {
                    uint32_t zb = (uint32_t)b_zero[b_zero_per_column ? j0 + jj : 0];
                    uint32_t v = (uint32_t)src[jj] - zb * rs - za * (uint32_t)col_sum[jj] + (uint32_t)k * za * zb;
                    dst[jj] = (int32_t)v;
                }
            }
        }
    }
    free(ap); free(bp); free(row_sum);
    return 0;
}
#else
int mlc_qgemm(mlc_qgemm_level level, size_t m, size_t n, size_t k,
              const void *a, size_t lda, int a_signed, const int32_t *a_zero, int a_zero_per_row,
              const void *b, size_t ldb, int b_signed, const int32_t *b_zero, int b_zero_per_column,
              int32_t *c, size_t ldc) {
    (void)level;
    qgemm_scalar(m, n, k, a, lda, a_signed, a_zero, a_zero_per_row, b, ldb, b_signed, b_zero, b_zero_per_column, c, ldc);
    return 0;
}
#endif
