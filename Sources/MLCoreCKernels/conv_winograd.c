#include <string.h>
#include "mlc_winograd.h"

void mlc_winograd_f2k3_weights_f32(const float *w, size_t out_channels, size_t channels, float *u) {
    const size_t plane = out_channels * channels;
    for (size_t o = 0; o < out_channels; o++) {
        for (size_t c = 0; c < channels; c++) {
            const float *g = w + (o * channels + c) * 9;
            float t[4][3];  // G g
            for (int j = 0; j < 3; j++) {
                t[0][j] = g[j];
                t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
                t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
                t[3][j] = g[6 + j];
            }
            for (int i = 0; i < 4; i++) {  // (G g) G^T
                float r[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
                for (int j = 0; j < 4; j++) u[(size_t)(i * 4 + j) * plane + o * channels + c] = r[j];
            }
        }
    }
}

// The transforms run a chunk of up to CHUNK tiles of one tile row at a time, with every loop over the tiles of
// the chunk (contiguous in v and m), so that they vectorize: the input rows are deinterleaved into even and odd
// columns first (a tile's 4 columns are even[q], odd[q], even[q + 1], odd[q + 1]).
#define CHUNK 64

void mlc_winograd_f2k3_input_f32(const float *x, size_t in_h, size_t in_w, size_t pad_top, size_t pad_left,
                                 size_t tiles_h, size_t tiles_w, size_t channels, size_t c_begin, size_t c_end,
                                 float *v) {
    const size_t tiles = tiles_h * tiles_w;
    const size_t stride = channels * tiles;  // between the 16 matrices
    float even[4][CHUNK + 1], odd[4][CHUNK + 1], te[4][CHUNK + 1], to[4][CHUNK + 1];
    for (size_t c = c_begin; c < c_end; c++) {
        const float *plane = x + c * in_h * in_w;
        for (size_t th = 0; th < tiles_h; th++) {
            const ptrdiff_t r0 = (ptrdiff_t)(2 * th) - (ptrdiff_t)pad_top;
            for (size_t t0 = 0; t0 < tiles_w; t0 += CHUNK) {
                const size_t n = tiles_w - t0 < CHUNK ? tiles_w - t0 : CHUNK;
                // Columns 2 t0 - pad_left ..< + 2n + 2 of rows r0 ..< r0 + 4, zeros outside the input.
                const ptrdiff_t col0 = (ptrdiff_t)(2 * t0) - (ptrdiff_t)pad_left;
                for (int i = 0; i < 4; i++) {
                    const ptrdiff_t r = r0 + i;
                    if (r < 0 || r >= (ptrdiff_t)in_h) {
                        memset(even[i], 0, (n + 1) * sizeof(float));
                        memset(odd[i], 0, (n + 1) * sizeof(float));
                        continue;
                    }
                    const float *row = plane + (size_t)r * in_w;
                    if (col0 >= 0 && col0 + (ptrdiff_t)(2 * n + 2) <= (ptrdiff_t)in_w) {
                        for (size_t q = 0; q <= n; q++) {
                            even[i][q] = row[col0 + 2 * (ptrdiff_t)q];
                            odd[i][q] = row[col0 + 2 * (ptrdiff_t)q + 1];
                        }
                    } else {
                        for (size_t q = 0; q <= n; q++) {
                            const ptrdiff_t a = col0 + 2 * (ptrdiff_t)q, b = a + 1;
                            even[i][q] = a >= 0 && a < (ptrdiff_t)in_w ? row[a] : 0.0f;
                            odd[i][q] = b >= 0 && b < (ptrdiff_t)in_w ? row[b] : 0.0f;
                        }
                    }
                }
                // B^T d: rows.
                for (size_t q = 0; q <= n; q++) {
                    te[0][q] = even[0][q] - even[2][q];
                    te[1][q] = even[1][q] + even[2][q];
                    te[2][q] = even[2][q] - even[1][q];
                    te[3][q] = even[1][q] - even[3][q];
                    to[0][q] = odd[0][q] - odd[2][q];
                    to[1][q] = odd[1][q] + odd[2][q];
                    to[2][q] = odd[2][q] - odd[1][q];
                    to[3][q] = odd[1][q] - odd[3][q];
                }
                // (B^T d) B: columns (t0 = even[q], t1 = odd[q], t2 = even[q + 1], t3 = odd[q + 1]).
                float *base = v + c * tiles + th * tiles_w + t0;
                for (int i = 0; i < 4; i++) {
                    float *v0 = base + (size_t)(i * 4 + 0) * stride, *v1 = base + (size_t)(i * 4 + 1) * stride;
                    float *v2 = base + (size_t)(i * 4 + 2) * stride, *v3 = base + (size_t)(i * 4 + 3) * stride;
                    const float *e = te[i], *o = to[i];
                    for (size_t q = 0; q < n; q++) {
                        v0[q] = e[q] - e[q + 1];
                        v1[q] = o[q] + e[q + 1];
                        v2[q] = e[q + 1] - o[q];
                        v3[q] = o[q] - o[q + 1];
                    }
                }
            }
        }
    }
}

void mlc_winograd_f2k3_output_f32(const float *m, size_t out_channels, size_t tiles_h, size_t tiles_w,
                                  size_t out_h, size_t out_w, const float *bias, size_t o_begin, size_t o_end,
                                  float *y) {
    const size_t tiles = tiles_h * tiles_w;
    const size_t stride = out_channels * tiles;
    float s[4][2][CHUNK], out[2][2][CHUNK];
    for (size_t o = o_begin; o < o_end; o++) {
        float *plane = y + o * out_h * out_w;
        const float b = bias ? bias[o] : 0.0f;
        for (size_t th = 0; th < tiles_h; th++) {
            for (size_t t0 = 0; t0 < tiles_w; t0 += CHUNK) {
                const size_t n = tiles_w - t0 < CHUNK ? tiles_w - t0 : CHUNK;
                const float *base = m + o * tiles + th * tiles_w + t0;
                for (int i = 0; i < 4; i++) {  // M A
                    const float *m0 = base + (size_t)(i * 4 + 0) * stride, *m1 = base + (size_t)(i * 4 + 1) * stride;
                    const float *m2 = base + (size_t)(i * 4 + 2) * stride, *m3 = base + (size_t)(i * 4 + 3) * stride;
                    for (size_t q = 0; q < n; q++) {
                        s[i][0][q] = m0[q] + m1[q] + m2[q];
                        s[i][1][q] = m1[q] - m2[q] - m3[q];
                    }
                }
                for (int j = 0; j < 2; j++) {  // A^T (M A)
                    for (size_t q = 0; q < n; q++) {
                        out[0][j][q] = s[0][j][q] + s[1][j][q] + s[2][j][q] + b;
                        out[1][j][q] = s[1][j][q] - s[2][j][q] - s[3][j][q] + b;
                    }
                }
                for (size_t i = 0; i < 2 && 2 * th + i < out_h; i++) {
                    float *row = plane + (2 * th + i) * out_w + 2 * t0;
                    const size_t full = 2 * t0 + 2 * n <= out_w ? n : n - 1;  // an odd width drops the last column
                    for (size_t q = 0; q < full; q++) {
                        row[2 * q] = out[i][0][q];
                        row[2 * q + 1] = out[i][1][q];
                    }
                    if (full < n) row[2 * full] = out[i][0][full];
                }
            }
        }
    }
}
