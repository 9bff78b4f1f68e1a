// The vector body of the depthwise convolution, written once and included by conv_depthwise_avx2.c and
// conv_depthwise_avx512.c, which first define the vector type and operations for their level:
//   V, VL                      vector type and lanes
//   MLC_DW_TARGET              the target attribute of the level
//   MLC_DW_NAME(name)          name##_level
//   MLC_DW_PRELOAD_5X5         1 if the 25 taps of a 5x5 window fit in registers with room to spare
//   V_ZERO(), V_SET1(f), V_LOADU(p), V_STOREU(p, v), V_ADD(a, b), V_FMA(a, b, acc) = a * b + acc
//   V_LOAD_RANGE(p, lo, hi)    lanes t in [lo, hi) (clamped to [0, VL)) from p[t], zeros elsewhere;
//                              p may lie outside the row, only the loaded lanes are touched
//   V_STORE_N(p, v, n)         the first n lanes
//   V_EVEN(a, b), V_ODD(a, b)  the even (odd) lanes of the 2 * VL lanes a, b (a0, a2, ..., b0, b2, ...)
//   V_GATHER_RANGE(row, c0, s, n)   lanes t: row[c0 + t * s] where 0 <= c0 + t * s < n, zeros elsewhere
//
// Layout of the work: one output row at a time, VL output columns per step, every (kh, kw) tap summed into
// one register in (kh, kw) order, then one store. A step whose columns read only inside the input row
// (the interior) loads without masks; the steps at the edges load through masks that zero the columns in
// the padding, so no output column needs a scalar loop. Stride 2 loads 2 * VL contiguous inputs and keeps
// the even ones (one permute) rather than gathering; other strides gather.

#include "conv_depthwise_internal.h"

#define MLC_DW_INLINE static inline __attribute__((always_inline))

/// The VL inputs `p[0], p[s], ..., p[(VL - 1) * s]`, all inside the row.
MLC_DW_TARGET MLC_DW_INLINE V MLC_DW_NAME(dw_load_interior)(const float *p, ptrdiff_t s) {
    if (s == 1) return V_LOADU(p);
    // The last lane reads p[2 * VL - 2]: the second load stops there, so it never reads past the row.
    if (s == 2) return V_EVEN(V_LOADU(p), V_LOAD_RANGE(p + VL, 0, VL - 1));
    return V_GATHER_RANGE(p, 0, s, (ptrdiff_t)VL * s);
}

/// The VL inputs `row[c0 + t * s]`, zero where the column falls outside `[0, n)`.
MLC_DW_TARGET MLC_DW_INLINE V MLC_DW_NAME(dw_load_edge)(const float *row, ptrdiff_t c0, ptrdiff_t s, ptrdiff_t n) {
    // Addresses outside the row are formed as integers and only dereferenced through masks.
    const float *p = (const float *)((uintptr_t)row + (uintptr_t)(c0 * (ptrdiff_t)sizeof(float)));
    if (s == 1) return V_LOAD_RANGE(p, -c0, n - c0);
    if (s == 2) {
        const float *q = (const float *)((uintptr_t)p + VL * sizeof(float));
        return V_EVEN(V_LOAD_RANGE(p, -c0, n - c0), V_LOAD_RANGE(q, -c0 - VL, n - c0 - VL));
    }
    return V_GATHER_RANGE(row, c0, s, n);
}

/// `acc + sum over kw of tap(kw) * q[kw * DW + t * SW]` for the VL lanes t, every column inside the row;
/// tap(kw) is `wv[kw]` with WV, else a broadcast of `w[kw]`. Stride 2 with adjacent taps loads each pair of
/// vectors once and takes tap 2j from its even lanes and tap 2j + 1 from its odd lanes.
MLC_DW_TARGET MLC_DW_INLINE V MLC_DW_NAME(dw_taps_interior)(V acc, const float *q, const V *wv, const float *w,
                                                         const ptrdiff_t KW, const ptrdiff_t SW, const ptrdiff_t DW,
                                                         const int WV) {
    if (SW == 2 && DW == 1) {
        for (ptrdiff_t kw = 0; kw < KW; kw += 2) {
            const float *r = q + kw;
            // Tap kw + 1's last lane reads r[2 * VL - 1]; without it, stop at r[2 * VL - 2].
            V lo = V_LOADU(r), hi = kw + 1 < KW ? V_LOADU(r + VL) : V_LOAD_RANGE(r + VL, 0, VL - 1);
            acc = V_FMA(WV ? wv[kw] : V_SET1(w[kw]), V_EVEN(lo, hi), acc);
            if (kw + 1 < KW) acc = V_FMA(WV ? wv[kw + 1] : V_SET1(w[kw + 1]), V_ODD(lo, hi), acc);
        }
        return acc;
    }
    for (ptrdiff_t kw = 0; kw < KW; kw++)
        acc = V_FMA(WV ? wv[kw] : V_SET1(w[kw]), MLC_DW_NAME(dw_load_interior)(q + kw * DW, SW), acc);
    return acc;
}

/// One kernel row's KW taps for the VL outputs from column `o`: `acc += w[kw] * x[row][o * SW + kw * DW - pw]`.
/// INTERIOR: every column read is inside the row (no masks). WV: the taps are in registers `wv`, else `w`.
#define MLC_DW_ROW_TAPS(acc, k)                                                                            \
    do {                                                                                                   \
        const float *row_ = x + (ih0 + (k) * DH) * iw;                                                     \
        if (INTERIOR) {                                                                                    \
            acc = MLC_DW_NAME(dw_taps_interior)(acc, row_ + o * SW - pw, wv + (k) * KW, w + (k) * KW,      \
                                                KW, SW, DW, WV);                                           \
        } else {                                                                                           \
            for (ptrdiff_t kw_ = 0; kw_ < KW; kw_++) {                                                     \
                V wk_ = WV ? wv[(k) * KW + kw_] : V_SET1(w[(k) * KW + kw_]);                               \
                V in_ = MLC_DW_NAME(dw_load_edge)(row_, o * SW + kw_ * DW - pw, SW, iw);                   \
                acc = V_FMA(wk_, in_, acc);                                                                \
            }                                                                                              \
        }                                                                                                  \
    } while (0)

/// The window sums of the VL outputs from column `o`, kernel rows `k0 ..< k1`. Three accumulators take the
/// kernel rows in turn, so three chains of fused multiply-adds run side by side (one chain of 9 on a 7x7
/// or 14x14 plane, where a row is one step, ran at its 36-cycle latency).
MLC_DW_TARGET MLC_DW_INLINE V MLC_DW_NAME(dw_block)(const float *restrict x, const float *restrict w, const V *wv,
                                                 ptrdiff_t ih0, ptrdiff_t o, ptrdiff_t k0, ptrdiff_t k1,
                                                 ptrdiff_t iw, ptrdiff_t pw, const ptrdiff_t KW, const ptrdiff_t SW,
                                                 const ptrdiff_t DH, const ptrdiff_t DW, const int WV,
                                                 const int INTERIOR) {
    V a0 = V_ZERO(), a1 = V_ZERO(), a2 = V_ZERO();
    ptrdiff_t k = k0;
    for (; k + 3 <= k1; k += 3) {
        MLC_DW_ROW_TAPS(a0, k);
        MLC_DW_ROW_TAPS(a1, k + 1);
        MLC_DW_ROW_TAPS(a2, k + 2);
    }
    if (k < k1) MLC_DW_ROW_TAPS(a0, k);
    if (k + 1 < k1) MLC_DW_ROW_TAPS(a1, k + 1);
    return V_ADD(V_ADD(a0, a1), a2);
}

/// Output rows `r0 ..< r1` of one plane. KH, KW, SW, DH, DW are constants in the unrolled instances;
/// with PRELOAD the KH * KW taps are broadcast into registers once per call.
MLC_DW_TARGET MLC_DW_INLINE void MLC_DW_NAME(dw_rows_body)(const mlc_dw_plane *p, ptrdiff_t r0, ptrdiff_t r1,
                                                        const ptrdiff_t KH, const ptrdiff_t KW, const ptrdiff_t SW,
                                                        const ptrdiff_t DH, const ptrdiff_t DW, const int PRELOAD) {
    const ptrdiff_t iw = p->in_w, ih = p->in_h, ow = p->out_w, pw = p->pad_left, sh = p->stride_h, pt = p->pad_top;
    const float *restrict x = p->x;
    const float *restrict w = p->w;
    // Interior steps o in [olo, ohi]: the first column read, o * SW - pw, is >= 0 and the last one,
    // (o + VL - 1) * SW + (KW - 1) * DW - pw, is < iw (in a padded copy, every step). Steps o <= ofull have
    // all VL outputs; the last one stores through a mask.
    const ptrdiff_t olo = (pw + SW - 1) / SW;
    const ptrdiff_t last = iw - 1 + pw - (KW - 1) * DW - (VL - 1) * SW;
    const ptrdiff_t ohi = p->padded ? ow : last < 0 ? -1 : last / SW;
    const ptrdiff_t ofull = ow - VL;
    const ptrdiff_t o4 = ohi < ofull ? ohi : ofull;
    V wv[25];
    if (PRELOAD) {
        for (ptrdiff_t i = 0; i < KH * KW; i++) wv[i] = V_SET1(w[i]);
    }
    for (ptrdiff_t oh = r0; oh < r1; oh++) {
        float *restrict y = p->y + oh * ow;
        // The kernel rows k0 ..< k1 read input rows inside [0, ih).
        const ptrdiff_t ih0 = oh * sh - pt;
        const ptrdiff_t k0 = ih0 >= 0 ? 0 : (-ih0 + DH - 1) / DH;
        ptrdiff_t k1 = ih - ih0 <= 0 ? 0 : (ih - ih0 + DH - 1) / DH;
        if (k1 > KH) k1 = KH;
        if (k0 >= k1) {
            for (ptrdiff_t o = 0; o < ow; o++) y[o] = 0.0f;
            continue;
        }
        const int all = PRELOAD && k0 == 0 && k1 == KH;
        for (ptrdiff_t o = 0; o < ow;) {
            if (all && o >= olo && o + 3 * VL <= o4) {
                // Four steps at once, one accumulator each, every tap loaded once into a register.
                const float *base = x + ih0 * iw + o * SW - pw; // ih0 >= 0 when every row is inside
                V a0 = V_ZERO(), a1 = V_ZERO(), a2 = V_ZERO(), a3 = V_ZERO();
                for (ptrdiff_t k = 0; k < KH; k++) {
                    const float *q = base + k * DH * iw;
                    const V *wk = wv + k * KW;
                    a0 = MLC_DW_NAME(dw_taps_interior)(a0, q, wk, w, KW, SW, DW, 1);
                    a1 = MLC_DW_NAME(dw_taps_interior)(a1, q + VL * SW, wk, w, KW, SW, DW, 1);
                    a2 = MLC_DW_NAME(dw_taps_interior)(a2, q + 2 * VL * SW, wk, w, KW, SW, DW, 1);
                    a3 = MLC_DW_NAME(dw_taps_interior)(a3, q + 3 * VL * SW, wk, w, KW, SW, DW, 1);
                }
                V_STOREU(y + o, a0);
                V_STOREU(y + o + VL, a1);
                V_STOREU(y + o + 2 * VL, a2);
                V_STOREU(y + o + 3 * VL, a3);
                o += 4 * VL;
                continue;
            }
            const int interior = o >= olo && o <= ohi;
            V acc;
            if (all && interior) acc = MLC_DW_NAME(dw_block)(x, w, wv, ih0, o, 0, KH, iw, pw, KW, SW, DH, DW, 1, 1);
            else if (all) acc = MLC_DW_NAME(dw_block)(x, w, wv, ih0, o, 0, KH, iw, pw, KW, SW, DH, DW, 1, 0);
            else if (interior) acc = MLC_DW_NAME(dw_block)(x, w, wv, ih0, o, k0, k1, iw, pw, KW, SW, DH, DW, 0, 1);
            else acc = MLC_DW_NAME(dw_block)(x, w, wv, ih0, o, k0, k1, iw, pw, KW, SW, DH, DW, 0, 0);
            if (o <= ofull) V_STOREU(y + o, acc);
            else V_STORE_N(y + o, acc, ow - o < VL ? ow - o : VL);
            o += VL;
        }
    }
}

/// `rows` rows of `cols` floats from `src` (pitch `spitch`) to `dst` (pitch `dpitch`): the copies of planes up to
/// 16 wide, where a call to memcpy per row costs about as much as the row's convolution.
MLC_DW_TARGET void MLC_DW_NAME(mlc_dw_copy_rows)(float *restrict dst, ptrdiff_t dpitch, const float *restrict src,
                                                 ptrdiff_t spitch, ptrdiff_t rows, ptrdiff_t cols) {
    for (ptrdiff_t r = 0; r < rows; r++, dst += dpitch, src += spitch) {
        ptrdiff_t c = 0;
        for (; c + VL <= cols; c += VL) V_STOREU(dst + c, V_LOADU(src + c));
        if (c < cols) V_STORE_N(dst + c, V_LOAD_RANGE(src + c, 0, cols - c), cols - c);
    }
}

MLC_DW_TARGET void MLC_DW_NAME(mlc_dw_rows)(const mlc_dw_plane *p, ptrdiff_t r0, ptrdiff_t r1) {
    const ptrdiff_t kh = p->kernel_h, kw = p->kernel_w, sw = p->stride_w;
    if (p->dilation_h == 1 && p->dilation_w == 1) {
        if (kh == 3 && kw == 3 && sw == 1) return MLC_DW_NAME(dw_rows_body)(p, r0, r1, 3, 3, 1, 1, 1, 1);
        if (kh == 3 && kw == 3 && sw == 2) return MLC_DW_NAME(dw_rows_body)(p, r0, r1, 3, 3, 2, 1, 1, 1);
        if (kh == 5 && kw == 5 && sw == 1) return MLC_DW_NAME(dw_rows_body)(p, r0, r1, 5, 5, 1, 1, 1, MLC_DW_PRELOAD_5X5);
        if (kh == 5 && kw == 5 && sw == 2) return MLC_DW_NAME(dw_rows_body)(p, r0, r1, 5, 5, 2, 1, 1, MLC_DW_PRELOAD_5X5);
    }
    MLC_DW_NAME(dw_rows_body)(p, r0, r1, kh, kw, sw, p->dilation_h, p->dilation_w, 0);
}
