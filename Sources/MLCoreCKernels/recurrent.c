// Fused recurrent cells (see mlc_recurrent.h for the contract).
//
// The recurrence R h is a small matrix product per step: for a block of batch rows and gate columns, 8
// sixteen-lane accumulators (8 zmm, or 16 ymm with AVX2) run down the hidden dimension, broadcasting h and
// reading R^T's rows contiguously. The activations reuse the
// element-wise kernels (mlc_sigmoid_f32, mlc_tanh_f32), so the LSTM's numbers match the LSTM operator's general
// path and the Sigmoid and Tanh operators.

#include "mlc_recurrent.h"
#include "mlc_elementwise.h"

#define MLC_INLINE static inline __attribute__((always_inline))

typedef float mlc_rv16f __attribute__((vector_size(64), aligned(4)));

MLC_INLINE void mlc_rload(mlc_rv16f *v, const float *p) { __builtin_memcpy(v, p, sizeof *v); }
MLC_INLINE void mlc_rstore(float *p, const mlc_rv16f *v) { __builtin_memcpy(p, v, sizeof *v); }

/// g[r] += h[r] R for `rows` (1..8) rows of gates (`g` rows of `ld` floats, h rows of `hidden`), columns
/// [j0, j0 + 16 nv) of rt, nv 1 or 2 (rows * nv <= 8 accumulators: 8 zmm, or 16 ymm with AVX2).
MLC_INLINE void mlc_recur_block(size_t rows, size_t nv, size_t hidden, size_t ld, const float *rt, const float *h,
                                float *g, size_t j0) {
    mlc_rv16f acc[8][4];
    for (size_t r = 0; r < rows; r++)
        for (size_t v = 0; v < nv; v++) mlc_rload(&acc[r][v], g + r * ld + j0 + 16 * v);
    for (size_t k = 0; k < hidden; k++) {
        mlc_rv16f b[4];
        for (size_t v = 0; v < nv; v++) mlc_rload(&b[v], rt + k * ld + j0 + 16 * v);
        for (size_t r = 0; r < rows; r++) {
            float hk = h[r * hidden + k];
            for (size_t v = 0; v < nv; v++) acc[r][v] += hk * b[v];
        }
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t v = 0; v < nv; v++) mlc_rstore(g + r * ld + j0 + 16 * v, &acc[r][v]);
}

/// The same for the columns past the last full block, one scalar at a time down k (kept in k order like the block).
MLC_INLINE void mlc_recur_tail(size_t rows, size_t hidden, size_t ld, const float *rt, const float *h, float *g,
                               size_t j0) {
    for (size_t r = 0; r < rows; r++) {
        for (size_t j = j0; j < ld; j++) {
            float s = g[r * ld + j];
            for (size_t k = 0; k < hidden; k++) s += h[r * hidden + k] * rt[k * ld + j];
            g[r * ld + j] = s;
        }
    }
}

/// g = h R^T over `rows` rows added to what g holds: blocks of 4 rows and 16 * nv4 columns (AVX-512: 64 columns,
/// 4 loads of R^T and 4 broadcasts per 16 FMAs; hidden 256, batch 8: 3.0 -> 2.2 ms a 32-step sequence), then the
/// last 1-3 rows 32 columns wide (two independent accumulators per row for the short chains of a small batch). Row counts are compile-time constants per call so the accumulators
/// stay in registers.
MLC_INLINE void mlc_recurrence_body(size_t rows, size_t hidden, size_t ld, const float *rt, const float *h, float *g,
                                    size_t nv4) {
    size_t r = 0;
    const size_t full16 = ld - ld % 16, full32 = ld - ld % 32;
    const size_t fullw = ld - ld % (16 * nv4);
    for (; r + 4 <= rows; r += 4) {
        for (size_t j = 0; j < fullw; j += 16 * nv4) {
            if (nv4 == 4) mlc_recur_block(4, 4, hidden, ld, rt, h + r * hidden, g + r * ld, j);
            else mlc_recur_block(4, 1, hidden, ld, rt, h + r * hidden, g + r * ld, j);
        }
        for (size_t j = fullw; j < full16; j += 16) mlc_recur_block(4, 1, hidden, ld, rt, h + r * hidden, g + r * ld, j);
        mlc_recur_tail(4, hidden, ld, rt, h + r * hidden, g + r * ld, full16);
    }
    for (; r < rows; r += 4) {
        size_t left = rows - r < 4 ? rows - r : 4;
        for (size_t j = 0; j < full32; j += 32) {
            switch (left) {
            case 1: mlc_recur_block(1, 2, hidden, ld, rt, h + r * hidden, g + r * ld, j); break;
            case 2: mlc_recur_block(2, 2, hidden, ld, rt, h + r * hidden, g + r * ld, j); break;
            case 3: mlc_recur_block(3, 2, hidden, ld, rt, h + r * hidden, g + r * ld, j); break;
            default: mlc_recur_block(4, 2, hidden, ld, rt, h + r * hidden, g + r * ld, j); break;
            }
        }
        mlc_recur_tail(left, hidden, ld, rt, h + r * hidden, g + r * ld, full32);
    }
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx512f,avx2,fma"))) static void mlc_recurrence_avx512(size_t rows, size_t hidden, size_t ld,
                                                                              const float *rt, const float *h, float *g) {
    mlc_recurrence_body(rows, hidden, ld, rt, h, g, 4);  // 4 rows x 64 columns: 16 of the 32 zmm registers
}
__attribute__((target("avx2,fma"))) static void mlc_recurrence_avx2(size_t rows, size_t hidden, size_t ld,
                                                                    const float *rt, const float *h, float *g) {
    mlc_recurrence_body(rows, hidden, ld, rt, h, g, 1);  // 4 rows x 16 columns: 8 of the 16 ymm registers
}
#endif
static void mlc_recurrence_baseline(size_t rows, size_t hidden, size_t ld, const float *rt, const float *h, float *g) {
    mlc_recurrence_body(rows, hidden, ld, rt, h, g, 1);
}

static void mlc_recurrence(mlc_isa isa, size_t rows, size_t hidden, size_t ld, const float *rt, const float *h, float *g) {
#if defined(__x86_64__) || defined(__i386__)
    if (isa == MLC_ISA_AVX512) { mlc_recurrence_avx512(rows, hidden, ld, rt, h, g); return; }
    if (isa == MLC_ISA_AVX2) { mlc_recurrence_avx2(rows, hidden, ld, rt, h, g); return; }
#endif
    (void)isa;
    mlc_recurrence_baseline(rows, hidden, ld, rt, h, g);
}

void mlc_lstm_direction_f32(mlc_isa isa, size_t hidden, size_t batch, size_t steps, const int64_t *lengths,
                            int reverse, const float *proj, size_t proj_t, size_t proj_b, const float *bias,
                            const float *rt, float *h, float *c, float *y, size_t y_t, size_t y_b, float *scratch) {
    const size_t ld = 4 * hidden;
    for (size_t step = 0; step < steps; step++) {
        // Gather the active rows (a finished row keeps its state): their gates start as projection + bias.
        // Rows are packed to the front of scratch; `active` maps a packed row to its batch row.
        size_t rows = 0;
        for (size_t b = 0; b < batch; b++) {
            if ((int64_t)step >= lengths[b]) continue;
            size_t t = reverse ? (size_t)lengths[b] - 1 - step : step;
            const float *p = proj + t * proj_t + b * proj_b;
            float *g = scratch + rows * ld;
            if (bias) {
                for (size_t j = 0; j < ld; j++) g[j] = p[j] + bias[j];
            } else {
                for (size_t j = 0; j < ld; j++) g[j] = p[j];
            }
            rows++;
        }
        if (rows == 0) break;
        if (rows == batch) {
            mlc_recurrence(isa, rows, hidden, ld, rt, h, scratch);
        } else {
            // Some rows finished: run each active row on its own state.
            size_t r = 0;
            for (size_t b = 0; b < batch; b++) {
                if ((int64_t)step >= lengths[b]) continue;
                mlc_recurrence(isa, 1, hidden, ld, rt, h + b * hidden, scratch + r * ld);
                r++;
            }
        }
        size_t r = 0;
        for (size_t b = 0; b < batch; b++) {
            if ((int64_t)step >= lengths[b]) continue;
            float *g = scratch + r * ld;
            r++;
            float *hb = h + b * hidden, *cb = c + b * hidden;
            mlc_sigmoid_f32(isa, g, g, 3 * hidden);                    // i, o, f
            mlc_tanh_f32(isa, g + 3 * hidden, g + 3 * hidden, hidden);  // c~
            const float *gi = g, *gf = g + 2 * hidden, *gc = g + 3 * hidden;
            for (size_t j = 0; j < hidden; j++) cb[j] = gf[j] * cb[j] + gi[j] * gc[j];
            float *tc = g;  // i is no longer needed: tanh(c) goes there
            mlc_tanh_f32(isa, cb, tc, hidden);
            const float *go = g + hidden;
            for (size_t j = 0; j < hidden; j++) hb[j] = go[j] * tc[j];
            if (y) {
                size_t t = reverse ? (size_t)lengths[b] - 1 - step : step;
                float *yo = y + t * y_t + b * y_b;
                for (size_t j = 0; j < hidden; j++) yo[j] = hb[j];
            }
        }
    }
}
