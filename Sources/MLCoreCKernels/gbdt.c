// Histogram building and row partitioning for MLCore's histogram GBDT (the two loops that take most of the
// training time). Swift drives the tree growth; these stay in C so the inner loops are plain pointer code.
#include <string.h>
#include "mlc_gbdt.h"

#if defined(__SSE2__)
#include <emmintrin.h>
// One (gradient, hessian) pair is one 16-byte vector: a bin update is one load, one add and one store (the loop is
// bound by stores; two scalar updates per bin would double them).
typedef __m128d pair_t;
static inline __attribute__((always_inline)) pair_t make_pair(double g, double h) { return _mm_set_pd(h, g); }
static inline __attribute__((always_inline)) void add_pair(double *p, pair_t v) {
    _mm_storeu_pd(p, _mm_add_pd(_mm_loadu_pd(p), v));
}
#else
typedef struct { double g, h; } pair_t;
static inline __attribute__((always_inline)) pair_t make_pair(double g, double h) { pair_t v = {g, h}; return v; }
static inline __attribute__((always_inline)) void add_pair(double *p, pair_t v) { p[0] += v.g; p[1] += v.h; }
#endif

static inline __attribute__((always_inline)) void add_row(const uint8_t *b, int32_t groups, const uint32_t *offsets,
                                                          double g, double h, double *hist) {
    const pair_t v = make_pair(g, h);
    int32_t j = 0;
    for (; j + 4 <= groups; j += 4) {
        add_pair(hist + 2 * (size_t)(offsets[j] + b[j]), v);
        add_pair(hist + 2 * (size_t)(offsets[j + 1] + b[j + 1]), v);
        add_pair(hist + 2 * (size_t)(offsets[j + 2] + b[j + 2]), v);
        add_pair(hist + 2 * (size_t)(offsets[j + 3] + b[j + 3]), v);
    }
    for (; j < groups; j++) add_pair(hist + 2 * (size_t)(offsets[j] + b[j]), v);
}

void mlc_gbdt_histogram(const uint8_t *bins, int32_t groups, const int32_t *rows, int64_t count,
                        const float *gradients, const uint32_t *offsets, double *hist) {
    if (rows == NULL) {
        for (int64_t r = 0; r < count; r++)
            add_row(bins + (size_t)r * groups, groups, offsets, gradients[2 * r], gradients[2 * r + 1], hist);
        return;
    }
    const int64_t ahead = 40;
    for (int64_t i = 0; i < count; i++) {
        if (i + ahead < count) {
            int32_t next = rows[i + ahead];
            __builtin_prefetch(bins + (size_t)next * groups);
            __builtin_prefetch(gradients + 2 * (size_t)next);
        }
        int32_t r = rows[i];
        add_row(bins + (size_t)r * groups, groups, offsets, gradients[2 * (size_t)r], gradients[2 * (size_t)r + 1], hist);
    }
}

int64_t mlc_gbdt_partition(const uint8_t *column, const uint8_t goes_left[256], int32_t *rows, int64_t count,
                           int32_t *scratch) {
    int64_t left = 0, right = 0;
    for (int64_t i = 0; i < count; i++) {
        int32_t r = rows[i];
        // Branch-free: write to both sides, advance one.
        int go = goes_left[column[r]];
        rows[left] = r;
        scratch[right] = r;
        left += go;
        right += 1 - go;
    }
    memcpy(rows + left, scratch, (size_t)right * sizeof(int32_t));
    return left;
}
