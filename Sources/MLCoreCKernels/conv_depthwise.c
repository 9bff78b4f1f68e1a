// Depthwise convolution driver and portable body (see mlc_conv.h for the contract). The AVX2 and AVX-512
// bodies (conv_depthwise_avx2.c, conv_depthwise_avx512.c) share conv_depthwise_body.h.

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "conv_depthwise_internal.h"
#include "workspace.h"

// MARK: - Portable body

/// Scalar rows, for CPUs without AVX2 (and arm64): the columns whose window lies inside the row run without
/// bounds checks, so the compiler can vectorize them for stride 1.
void mlc_dw_rows_baseline(const mlc_dw_plane *p, ptrdiff_t r0, ptrdiff_t r1) {
    const ptrdiff_t iw = p->in_w, ow = p->out_w, pw = p->pad_left;
    const ptrdiff_t kwn = p->kernel_w, sw = p->stride_w, dh = p->dilation_h, dw = p->dilation_w;
    // Interior columns: o * sw - pw >= 0 and o * sw + (kwn - 1) * dw - pw < iw.
    ptrdiff_t olo = (pw + sw - 1) / sw;
    ptrdiff_t last = iw - 1 + pw - (kwn - 1) * dw;
    ptrdiff_t ohi = last < 0 ? 0 : last / sw + 1; // exclusive
    if (ohi > ow) ohi = ow;
    if (olo > ohi) olo = ohi;
    for (ptrdiff_t oh = r0; oh < r1; oh++) {
        float *restrict y = p->y + oh * ow;
        ptrdiff_t k0, k1;
        mlc_dw_valid_taps(p, oh, &k0, &k1);
        const ptrdiff_t ih0 = oh * p->stride_h - p->pad_top;
        for (ptrdiff_t o = 0; o < ow; o++) y[o] = 0.0f;
        for (ptrdiff_t k = k0; k < k1; k++) {
            const float *restrict row = p->x + (ih0 + k * dh) * iw;
            const float *restrict taps = p->w + k * kwn;
            for (ptrdiff_t o = 0; o < olo; o++)
                for (ptrdiff_t j = 0; j < kwn; j++) {
                    ptrdiff_t c = o * sw + j * dw - pw;
                    if (c >= 0 && c < iw) y[o] += taps[j] * row[c];
                }
            for (ptrdiff_t j = 0; j < kwn; j++) {
                const float wk = taps[j];
                const float *restrict src = row + j * dw - pw;
                for (ptrdiff_t o = olo; o < ohi; o++) y[o] += wk * src[o * sw];
            }
            for (ptrdiff_t o = ohi; o < ow; o++)
                for (ptrdiff_t j = 0; j < kwn; j++) {
                    ptrdiff_t c = o * sw + j * dw - pw;
                    if (c >= 0 && c < iw) y[o] += taps[j] * row[c];
                }
        }
    }
}

// MARK: - Driver

/// `rows` rows of `cols` floats between pitches: rows up to 16 floats through the level's vector copy (a memcpy
/// call per row cost more: 3x3 Clip + bias, AVX-512, 1 thread, 960x7x7 71 -> 66 us, 576x14x14 85 -> 75, 384x14x14
/// 57 -> 49), longer ones through memcpy (the vector copy was slower there: 192x28x28 81 -> 89 us).
static void copy_plane_rows(mlc_dw_copy_fn vector_copy, float *dst, size_t dpitch, const float *src, size_t spitch,
                            size_t rows, size_t cols) {
    if (vector_copy && cols <= 16) {
        vector_copy(dst, (ptrdiff_t)dpitch, src, (ptrdiff_t)spitch, (ptrdiff_t)rows, (ptrdiff_t)cols);
        return;
    }
    for (size_t r = 0; r < rows; r++) memcpy(dst + r * dpitch, src + r * spitch, cols * sizeof(float));
}

/// Rows per epilogue call: the rows just written are still in L1 (4096 floats = 16 KiB) when the bias,
/// residual and activation pass over them. (Applying bias + Relu/Clip in registers before the store instead
/// did not pay: AVX-512, Clip(0, 6) + bias, best of 20, 4 interleaved runs: 32x112x112 s1 177 -> 164 us,
/// but 96x112x112 s2 269 -> 287, 144x56x56 s1 253 -> 258, 576x14x14 110 -> 115, 960x7x7 97 -> 99.)
enum { MLC_DW_EPILOGUE_FLOATS = 4096 };

/// Output widths up to these many columns run on a zero-padded copy of the input plane, where every vector
/// step loads without masks: on small planes nearly every step touches the padding (a 14-wide row is one
/// step, 7x7 is all edges). Wider planes read the input in place and mask only their edge steps.
/// 3x3 with pads 1, Clip + bias write-back, AVX-512, best of 20, 1 thread, three interleaved runs:
/// - row by row (any stride), in place vs a copy up to 32 wide: 144x56x56 s2 148 -> 121 us, 192x28x28
///   115 -> 105, 576x14x14 123 -> 110, 960x7x7 111 -> 97; up to 64 or 128 wide: 144x56x56 s1 252 -> 276 us,
///   32x112x112 s1 40.7 -> 35.7 GFLOPS.
/// - flat (stride 1, below) vs row by row: 192x28x28 107 -> 76 us, 576x14x14 108 -> 82, 960x7x7 96 -> 67;
///   up to 64 wide: 144x56x56 249 -> 228 us; up to 128: 32x112x112 178 -> 207 us (the copy and the flat
///   output no longer fit in L1 next to each other).
enum { MLC_DW_PADDED_MAX_WIDTH = 32, MLC_DW_FLAT_MAX_WIDTH = 64, MLC_DW_PADDED_MAX_FLOATS = 1 << 16 };

/// How a small plane's padded copy is laid out and computed.
typedef struct {
    int flat;               ///< the whole plane is one long row (equal strides), else row by row
    size_t height, pitch;   ///< the copy: `height` rows of `pitch` floats, input at (pad_top, pad_left)
    size_t out_pitch;       ///< flat: output (oh, ow) is flat element oh * out_pitch + ow
    size_t flat_count;      ///< flat: out_h * out_pitch rounded up to whole 16-float steps
} padded_layout;

#if defined(__x86_64__)
/// The padded copy's layout, or 0 when the plane is read in place.
///
/// Flat (stride 1): with a copy of pitch P, output (oh, ow) at flat f = oh * P + ow reads the copy at
/// f + kh * dilation_h * P + kw * dilation_w, so the plane is a 1-D convolution over f: one long row whose
/// vector steps run across output rows (a 7x7 output is 4 steps of 16 instead of 7 masked ones); the
/// columns ow >= out_w of each output row are computed and dropped. (At stride s the flat output pitch is
/// P ~ s * out_w, which wastes more lanes than it saves.) Otherwise the copy is wide enough for
/// ceil(out_w / 16) full steps per output row.
static size_t padded_plan(const mlc_dwconv2d_shape *s, padded_layout *l) {
    const int flat = s->stride_h == 1 && s->stride_w == 1;
    if (s->out_w > (flat ? MLC_DW_FLAT_MAX_WIDTH : MLC_DW_PADDED_MAX_WIDTH)) return 0;
    const size_t kw_span = (s->kernel_w - 1) * s->dilation_w, kh_span = (s->kernel_h - 1) * s->dilation_h;
    if (flat) {
        size_t pitch = (s->out_w - 1) + kw_span + 1;
        if (pitch < s->pad_left + s->in_w) pitch = s->pad_left + s->in_w;
        l->flat = 1;
        l->pitch = pitch;
        l->out_pitch = pitch;
        // Whole 16-lane steps (the row bodies' fast path takes four full steps at a time; the extra columns
        // are dropped with the others), every lane of which reads inside the copy.
        l->flat_count = (s->out_h * pitch + 15) / 16 * 16;
        const size_t last_read = (l->flat_count - 1) + kh_span * pitch + kw_span;
        l->height = last_read / pitch + 1;
    } else {
        const size_t steps = (s->out_w + 15) / 16;
        l->flat = 0;
        l->pitch = (steps * 16 - 1) * s->stride_w + kw_span + 1;
        l->height = (s->out_h - 1) * s->stride_h + kh_span + 1;
        l->out_pitch = s->out_w;
        l->flat_count = 0;
    }
    const size_t n = l->pitch * l->height;
    return n <= MLC_DW_PADDED_MAX_FLOATS ? n : 0;
}
#endif

void mlc_dwconv2d_f32(mlc_isa isa, const mlc_dwconv2d_shape *s, const float *x, const float *w,
                      const float *bias, const float *residual, mlc_activation act, float *y,
                      size_t plane_begin, size_t plane_end) {
    const size_t m = s->channels * s->multiplier;
    const size_t in_plane = s->in_h * s->in_w, out_plane = s->out_h * s->out_w, taps = s->kernel_h * s->kernel_w;
    if (m == 0 || out_plane == 0 || plane_begin >= plane_end) return;
    mlc_dw_rows_fn rows = mlc_dw_rows_baseline;
    float *padded = NULL, *flat_out = NULL;
    mlc_dw_copy_fn copy_rows = NULL; // with a padded copy (vector bodies only)
    padded_layout layout = {0};
#if defined(__x86_64__)
    // The wide bodies index with 32-bit lanes (masks, gathers): wider rows stay on the portable body.
    const size_t lane_limit = (size_t)1 << 30;
    int fits = s->in_w < lane_limit && s->out_w * s->stride_w + s->kernel_w * s->dilation_w + s->pad_left < lane_limit;
    if (fits && isa == MLC_ISA_AVX512) rows = mlc_dw_rows_avx512, copy_rows = mlc_dw_copy_rows_avx512;
    else if (fits && isa == MLC_ISA_AVX2) rows = mlc_dw_rows_avx2, copy_rows = mlc_dw_copy_rows_avx2;
    if (rows != mlc_dw_rows_baseline) {
        size_t n = padded_plan(s, &layout);
        // Zeroed once: the planes copied in later overwrite the same inside region only.
        if (n) {
            padded = mlc_workspace(MLC_WS_DW_PADDED, n * sizeof(float));
            if (padded) memset(padded, 0, n * sizeof(float));
        }
        if (padded && layout.flat) {
            flat_out = mlc_workspace(MLC_WS_DW_FLAT, layout.flat_count * sizeof(float));
            if (!flat_out) padded = NULL;
        }
    }
#endif
    size_t chunk = MLC_DW_EPILOGUE_FLOATS / s->out_w;
    if (chunk == 0) chunk = 1;
    size_t copied = (size_t)-1; // the input plane (n * channels + c) now in `padded`
    for (size_t plane = plane_begin; plane < plane_end; plane++) {
        const size_t n = plane / m, o = plane % m, c = o / s->multiplier;
        const float *xp = x + (n * s->channels + c) * in_plane;
        mlc_dw_plane p = {
            .x = xp,
            .w = w + o * taps,
            .y = y + plane * out_plane,
            .in_h = (ptrdiff_t)s->in_h, .in_w = (ptrdiff_t)s->in_w, .out_w = (ptrdiff_t)s->out_w,
            .kernel_h = (ptrdiff_t)s->kernel_h, .kernel_w = (ptrdiff_t)s->kernel_w,
            .stride_h = (ptrdiff_t)s->stride_h, .stride_w = (ptrdiff_t)s->stride_w,
            .dilation_h = (ptrdiff_t)s->dilation_h, .dilation_w = (ptrdiff_t)s->dilation_w,
            .pad_top = (ptrdiff_t)s->pad_top, .pad_left = (ptrdiff_t)s->pad_left,
            .padded = 0,
        };
        if (padded) {
            if (copied != n * s->channels + c) {
                // Input (r, col) goes to (pad_top + r, pad_left + col); what falls outside is never read.
                if (s->pad_top < layout.height && s->pad_left < layout.pitch) {
                    size_t rows_in = layout.height - s->pad_top < s->in_h ? layout.height - s->pad_top : s->in_h;
                    size_t cols = layout.pitch - s->pad_left < s->in_w ? layout.pitch - s->pad_left : s->in_w;
                    copy_plane_rows(copy_rows, padded + s->pad_top * layout.pitch + s->pad_left, layout.pitch, xp,
                                    s->in_w, rows_in, cols);
                }
                copied = n * s->channels + c;
            }
            p.x = padded;
            p.in_h = (ptrdiff_t)layout.height;
            p.in_w = (ptrdiff_t)layout.pitch;
            p.pad_top = 0;
            p.pad_left = 0;
            p.padded = 1;
            if (layout.flat) {
                // One output row of flat_count columns, then the out_w valid columns of each output row.
                p.y = flat_out;
                p.out_w = (ptrdiff_t)layout.flat_count;
                rows(&p, 0, 1);
                float *yp = y + plane * out_plane;
                copy_plane_rows(copy_rows, yp, s->out_w, flat_out, layout.out_pitch, s->out_h, s->out_w);
                mlc_bias_activation_f32(isa, act, yp, out_plane, bias ? bias[o] : 0.0f,
                                        residual ? residual + plane * out_plane : NULL);
                continue;
            }
        }
        const float b = bias ? bias[o] : 0.0f;
        const float *res = residual ? residual + plane * out_plane : NULL;
        for (size_t r = 0; r < s->out_h; r += chunk) {
            size_t end = r + chunk < s->out_h ? r + chunk : s->out_h;
            rows(&p, (ptrdiff_t)r, (ptrdiff_t)end);
            const size_t offset = r * s->out_w;
            mlc_bias_activation_f32(isa, act, p.y + offset, (end - r) * s->out_w, b, res ? res + offset : NULL);
        }
    }
}
