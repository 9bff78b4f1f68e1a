#ifndef MLC_CONV_DEPTHWISE_INTERNAL_H
#define MLC_CONV_DEPTHWISE_INTERNAL_H

#include <stddef.h>
#include "mlc_conv.h"

/// One output plane of a depthwise convolution: rows `row_begin ..< row_end` of `y` (raw window sums,
/// no bias) from the input plane `x` and the `kernel_h x kernel_w` taps `w`. Signed sizes: the row bodies
/// compute input positions that may fall in the padding (negative or past the end).
typedef struct mlc_dw_plane {
    const float *x;
    const float *w;
    float *y;
    ptrdiff_t in_h, in_w, out_w;
    ptrdiff_t kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
    /// `x` is a zero-padded copy (no pads) wide enough that a full vector step reads inside it everywhere.
    int padded;
} mlc_dw_plane;

typedef void (*mlc_dw_rows_fn)(const mlc_dw_plane *p, ptrdiff_t row_begin, ptrdiff_t row_end);
/// `rows` rows of `cols` floats between pitches, in vector steps (the padded small planes' copies in and out).
typedef void (*mlc_dw_copy_fn)(float *restrict dst, ptrdiff_t dpitch, const float *restrict src, ptrdiff_t spitch,
                               ptrdiff_t rows, ptrdiff_t cols);

void mlc_dw_rows_baseline(const mlc_dw_plane *p, ptrdiff_t row_begin, ptrdiff_t row_end);
#if defined(__x86_64__)
void mlc_dw_rows_avx2(const mlc_dw_plane *p, ptrdiff_t row_begin, ptrdiff_t row_end);
void mlc_dw_rows_avx512(const mlc_dw_plane *p, ptrdiff_t row_begin, ptrdiff_t row_end);

void mlc_dw_copy_rows_avx2(float *restrict dst, ptrdiff_t dpitch, const float *restrict src, ptrdiff_t spitch,
                           ptrdiff_t rows, ptrdiff_t cols);
void mlc_dw_copy_rows_avx512(float *restrict dst, ptrdiff_t dpitch, const float *restrict src, ptrdiff_t spitch,
                             ptrdiff_t rows, ptrdiff_t cols);
#endif

/// The kernel rows `*k0 ..< *k1` of output row `oh` that read an input row inside `[0, in_h)`.
static inline void mlc_dw_valid_taps(const mlc_dw_plane *p, ptrdiff_t oh, ptrdiff_t *k0, ptrdiff_t *k1) {
    ptrdiff_t start = oh * p->stride_h - p->pad_top, d = p->dilation_h;
    ptrdiff_t lo = start >= 0 ? 0 : (-start + d - 1) / d;
    ptrdiff_t hi = p->in_h - start <= 0 ? 0 : (p->in_h - start + d - 1) / d;
    if (hi > p->kernel_h) hi = p->kernel_h;
    *k0 = lo;
    *k1 = hi > lo ? hi : lo;
}

#endif
