#ifndef MLC_CONV_H
#define MLC_CONV_H

#include <stddef.h>
#include "mlc_cpu.h"
#include "mlc_elementwise.h"

/// The sizes of a 2-D depthwise convolution, NCHW: every input channel `c` feeds `multiplier` output
/// channels `c * multiplier ..< (c + 1) * multiplier` through its own `kernel_h x kernel_w` window
/// (ONNX Conv with `group == channels`). The end pads are implied by `out_h`/`out_w`: output row `oh`
/// reads input rows `oh * stride_h + kh * dilation_h - pad_top`, and input positions outside
/// `[0, in_h) x [0, in_w)` count as zeros, so any output size is safe to compute.
typedef struct mlc_dwconv2d_shape {
    size_t batch, channels, multiplier;
    size_t in_h, in_w, out_h, out_w;
    size_t kernel_h, kernel_w;
    size_t stride_h, stride_w;     ///< >= 1
    size_t dilation_h, dilation_w; ///< >= 1
    size_t pad_top, pad_left;
} mlc_dwconv2d_shape;

/// Depthwise convolution of the output planes `plane_begin ..< plane_end` (plane = n * M + o, with
/// M = channels * multiplier), with the write-back of ``mlc_bias_activation_f32``:
/// `y = act((sum + bias[o]) + residual)`.
///
/// - x: `[batch, channels, in_h, in_w]`; w: `[M, 1, kernel_h, kernel_w]`; bias: `[M]` or NULL;
///   residual: `[batch, M, out_h, out_w]` or NULL, must not overlap `y` (the sums are written first);
///   y: `[batch, M, out_h, out_w]`, must not overlap x or w.
/// - The sum over the window runs in (kh, kw) order with fused multiply-adds on the AVX2 and AVX-512
///   levels. 3x3 and 5x5 windows with stride 1 or 2 and dilation 1 run unrolled bodies with the weights in
///   registers; other windows run one general body per level. Threads split the planes among calls.
void mlc_dwconv2d_f32(mlc_isa isa, const mlc_dwconv2d_shape *shape, const float *x, const float *w,
                      const float *bias, const float *residual, mlc_activation act, float *y,
                      size_t plane_begin, size_t plane_end);

#endif
