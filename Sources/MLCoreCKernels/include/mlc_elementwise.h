#ifndef MLC_ELEMENTWISE_H
#define MLC_ELEMENTWISE_H

#include <stddef.h>
#include <stdint.h>
#include "mlc_cpu.h"

/// Element-wise, activation and reduction kernels on contiguous float32 arrays.
///
/// Every loop body is written once (elementwise.c) and compiled three times: for the compiler's baseline
/// (SSE2 on x86_64, NEON on arm64), for AVX2+FMA and for AVX-512F. Each function below takes the level to
/// run as its first argument; the caller guarantees the level is at most `mlc_detected_isa()`.
///
/// Aliasing: unless a function says otherwise, outputs must not overlap inputs. Unary maps allow
/// `out == in` exactly (in place), never a partial overlap.
///
/// Special values: every function follows IEEE 754 for NaN and infinities as documented per function; the
/// math approximations are branch-free polynomials (no libm calls), accurate to a few ulps relative
/// (exp, log, sigmoid) or about 1e-7 absolute (tanh, erf) against the correctly rounded result.

// MARK: - Binary arithmetic: out[i] = a[i] op b[i]

void mlc_add_f32(mlc_isa isa, const float *a, const float *b, float *out, size_t n);
void mlc_sub_f32(mlc_isa isa, const float *a, const float *b, float *out, size_t n);
void mlc_mul_f32(mlc_isa isa, const float *a, const float *b, float *out, size_t n);
void mlc_div_f32(mlc_isa isa, const float *a, const float *b, float *out, size_t n);

// Vector op scalar: out[i] = a[i] op s.
void mlc_add_vs_f32(mlc_isa isa, const float *a, float s, float *out, size_t n);
void mlc_sub_vs_f32(mlc_isa isa, const float *a, float s, float *out, size_t n);
void mlc_mul_vs_f32(mlc_isa isa, const float *a, float s, float *out, size_t n);
void mlc_div_vs_f32(mlc_isa isa, const float *a, float s, float *out, size_t n);

// Scalar op vector: out[i] = s op b[i].
void mlc_add_sv_f32(mlc_isa isa, float s, const float *b, float *out, size_t n);
void mlc_sub_sv_f32(mlc_isa isa, float s, const float *b, float *out, size_t n);
void mlc_mul_sv_f32(mlc_isa isa, float s, const float *b, float *out, size_t n);
void mlc_div_sv_f32(mlc_isa isa, float s, const float *b, float *out, size_t n);

// MARK: - Unary maps: out[i] = f(in[i]); out may equal in

/// max(x, 0); NaN propagates, relu(-0) = +0.
void mlc_relu_f32(mlc_isa isa, const float *in, float *out, size_t n);
/// 1 / (1 + exp(-x)), evaluated as exp(x) / (1 + exp(x)) for x < 0 so tiny results keep their precision.
void mlc_sigmoid_f32(mlc_isa isa, const float *in, float *out, size_t n);
/// Odd polynomial for |x| < 0.625, 1 - 2 / (exp(2|x|) + 1) above; tanh(-0) = -0, tanh(±inf) = ±1.
void mlc_tanh_f32(mlc_isa isa, const float *in, float *out, size_t n);
/// Cephes-style range reduction; overflows to +inf above 88.72, underflows through the denormals to 0,
/// exp(-inf) = 0, exp(+inf) = +inf, exp(NaN) = NaN.
void mlc_exp_f32(mlc_isa isa, const float *in, float *out, size_t n);
/// log(x < 0) = NaN, log(±0) = -inf, log(+inf) = +inf, log(NaN) = NaN; denormal inputs are exact
/// (scaled into the normal range first).
void mlc_log_f32(mlc_isa isa, const float *in, float *out, size_t n);
/// Odd polynomial for |x| < 1, 1 - erfc-polynomial for 1 <= |x| < 3.92, ±1 beyond; erf(-0) = -0.
void mlc_erf_f32(mlc_isa isa, const float *in, float *out, size_t n);

// MARK: - Row reductions: `rows` rows of `cols` contiguous elements each (x[r * cols + c])

/// out[r] = the sum of row r (0 for cols == 0). The summation order is fixed (64 partial sums, then a
/// fixed tree), so the result is the same at every level and for every thread split over rows.
void mlc_sum_rows_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, float *out);
/// out[r] = the largest element of row r; NaN if the row holds a NaN; -inf for cols == 0.
void mlc_max_rows_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, float *out);
/// out[r] = the index of the first largest element of row r, or of the first NaN if the row holds one
/// (NumPy and ONNX ArgMax); 0 for cols == 0.
void mlc_argmax_rows_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, int64_t *out);
/// y = exp(x - max) / sum(exp(x - max)) along each row. A row holding NaN or +inf gives NaN (as NumPy).
void mlc_softmax_rows_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, float *y);
/// y = x - max - log(sum(exp(x - max))) along each row.
void mlc_logsoftmax_rows_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, float *y);

// MARK: - Column reductions: reduce over `rows` strided rows, x[r * ld + c] for c < cols

/// out[c] = sum over r of x[r * ld + c], summed in row order.
void mlc_sum_cols_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, size_t ld, float *out);
/// out[c] = max over r (NaN if any is NaN); requires rows >= 1.
void mlc_max_cols_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, size_t ld, float *out);
/// out[c] = first r of the column maximum (or first NaN); `best` is scratch for `cols` floats; rows >= 1.
void mlc_argmax_cols_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, size_t ld,
                         float *best, int64_t *out);
/// Softmax down each column: y[r * ld + c]; `scratch` holds 2 * cols floats; rows >= 1.
void mlc_softmax_cols_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, size_t ld,
                          float *y, float *scratch);
/// Log-softmax down each column: y[r * ld + c]; `scratch` holds 2 * cols floats; rows >= 1.
void mlc_logsoftmax_cols_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, size_t ld,
                             float *y, float *scratch);

// MARK: - Fused activation epilogue (convolution and GEMM write-back)

/// An activation applied to a kernel's result while it is still in cache (onnxruntime's FusedConv set).
typedef enum {
    MLC_ACT_NONE = 0,
    MLC_ACT_RELU = 1,          ///< max(x, 0); NaN propagates
    MLC_ACT_CLIP = 2,          ///< min(max(x, alpha), beta); NaN propagates
    MLC_ACT_LEAKY_RELU = 3,    ///< x >= 0 ? x : alpha * x
    MLC_ACT_SIGMOID = 4,       ///< 1 / (1 + exp(-x))
    MLC_ACT_TANH = 5,
    MLC_ACT_HARD_SIGMOID = 6,  ///< max(0, min(1, alpha * x + beta))
    MLC_ACT_HARD_SWISH = 7,    ///< x * max(0, min(1, x / 6 + 1 / 2))
    MLC_ACT_GELU = 8,          ///< 0.5 x (1 + erf(x / sqrt 2))
} mlc_activation_kind;

typedef struct {
    mlc_activation_kind kind;
    float alpha, beta;
} mlc_activation;

/// x[i] = act(x[i] + bias + (residual ? residual[i] : 0)), in place. `residual` must not overlap `x`
/// partially (it may be NULL). The sum is rounded in that order (x + bias, then + residual), as separate
/// Conv, Add and activation nodes round it.
void mlc_bias_activation_f32(mlc_isa isa, mlc_activation act, float *x, size_t n, float bias,
                             const float *residual);

#endif
