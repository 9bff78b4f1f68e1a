#ifndef MLC_WINOGRAD_H
#define MLC_WINOGRAD_H

#include <stddef.h>

// Winograd F(2x2, 3x3) for a 3x3, stride-1, dilation-1 convolution (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016): each 2x2 block of outputs comes from a 4x4 input tile as
// Y = A^T [ (G g G^T) . (B^T d B) ] A, so the convolution becomes 16 independent GEMMs
// M_xi[out_channels x tiles] = U_xi[out_channels x channels] * V_xi[channels x tiles] (xi = 0..15): 2.25x fewer
// multiply-adds than the direct or im2col form, plus the transforms (memory-bound, linear in the tensors).

/// The weights `w` `[out_channels, channels, 3, 3]` as `u` `[16][out_channels][channels]` (U = G g G^T).
void mlc_winograd_f2k3_weights_f32(const float *w, size_t out_channels, size_t channels, float *u);

/// One image `x` `[channels, in_h, in_w]` as `v` `[16][channels][tiles]` (V = B^T d B), for channels
/// `c_begin ..< c_end`; tile (th, tw) reads input rows `2 th - pad_top ..< +4` and columns `2 tw - pad_left ..< +4`
/// (zeros outside the input); tiles = tiles_h * tiles_w.
void mlc_winograd_f2k3_input_f32(const float *x, size_t in_h, size_t in_w, size_t pad_top, size_t pad_left,
                                 size_t tiles_h, size_t tiles_w, size_t channels, size_t c_begin, size_t c_end,
                                 float *v);

/// The products `m` `[16][out_channels][tiles]` back to `y` `[out_channels, out_h, out_w]` (Y = A^T M A, the
/// outputs past out_h / out_w dropped), plus `bias[o]` when bias is not NULL, for channels `o_begin ..< o_end`.
void mlc_winograd_f2k3_output_f32(const float *m, size_t out_channels, size_t tiles_h, size_t tiles_w,
                                  size_t out_h, size_t out_w, const float *bias, size_t o_begin, size_t o_end,
                                  float *y);

#endif
