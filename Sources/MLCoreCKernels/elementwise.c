// Element-wise, activation and reduction kernels (see mlc_elementwise.h for the contract of each).
//
// How the bodies are built: every loop is written once as an always-inline function (`*_body`) and
// stamped out three times by MLC_VARIANTS, wrapped in functions that carry a target attribute (baseline,
// "avx2,fma", "avx512f,avx2,fma"). Clang vectorizes each copy for its target. Maps are plain loops over
// branch-free scalar code, which the loop vectorizer handles without fast-math; reductions would need
// reassociation, so they are written with 16-lane vector-extension types instead, which lower to 4 SSE,
// 2 AVX or 1 AVX-512 register per value and keep one fixed summation order on every level.
// No libm call appears in any vector loop: exp, log, tanh and erf are polynomial approximations here.

#include "mlc_elementwise.h"


#define MLC_INLINE static inline __attribute__((always_inline))

#if defined(__x86_64__) || defined(__i386__)
#define MLC_X86 1
#endif

// MARK: - Variant stamping

#if MLC_X86
/// Defines fn_baseline, fn_avx2 and fn_avx512, each calling the inlined fn_body with its target.
#define MLC_VARIANTS(fn, PARAMS, ARGS)                                                       \
    static void fn##_baseline PARAMS { fn##_body ARGS; }                                     \
    __attribute__((target("avx2,fma"))) static void fn##_avx2 PARAMS { fn##_body ARGS; }     \
    __attribute__((target("avx512f,avx2,fma"))) static void fn##_avx512 PARAMS { fn##_body ARGS; }
/// Calls the variant for `isa` (the caller guarantees the CPU has it).
#define MLC_DISPATCH(isa, fn, ARGS)                              \
    do {                                                         \
        switch (isa) {                                           \
        case MLC_ISA_AVX512: fn##_avx512 ARGS; break;            \
        case MLC_ISA_AVX2: fn##_avx2 ARGS; break;                \
        default: fn##_baseline ARGS; break;                      \
        }                                                        \
    } while (0)
#else
#define MLC_VARIANTS(fn, PARAMS, ARGS) static void fn##_baseline PARAMS { fn##_body ARGS; }
#define MLC_DISPATCH(isa, fn, ARGS) \
    do {                            \
        (void)(isa);                \
        fn##_baseline ARGS;         \
    } while (0)
#endif

// MARK: - Scalar helpers (inlined into vector loops)

MLC_INLINE uint32_t mlc_bits(float f) {
    uint32_t u;
    __builtin_memcpy(&u, &f, sizeof u);
    return u;
}

MLC_INLINE float mlc_float(uint32_t u) {
    float f;
    __builtin_memcpy(&f, &u, sizeof f);
    return f;
}

MLC_INLINE float mlc_abs(float x) { return mlc_float(mlc_bits(x) & 0x7fffffffu); }

/// |y| with the sign of x (y must be non-negative or NaN).
MLC_INLINE float mlc_with_sign_of(float y, float x) { return mlc_float(mlc_bits(y) | (mlc_bits(x) & 0x80000000u)); }

/// exp(x): x = n ln2 + r with |r| <= ln2/2 (Cody-Waite split of ln2), exp(r) by the Cephes expf polynomial,
/// then 2^n applied in two halves so results between 2^-149 and 2^-126 come out as correctly scaled
/// denormals and results above FLT_MAX as +inf, without branches.
MLC_INLINE float mlc_exp(float x) {
    // Comparisons are false for NaN, so NaN passes the clamps and propagates through the arithmetic.
    // Above 89 every result is +inf; below -104 every result rounds to 0 (exp(-104) < 2^-150).
    x = x > 89.0f ? 89.0f : x;
    x = x < -104.0f ? -104.0f : x;
    const float magic = 0x1.8p23f;  // adding it rounds to an integer held in the low mantissa bits
    float t = x * 1.44269504088896341f + magic;  // x log2(e)
    float n = t - magic;
    int32_t ni = (int32_t)(mlc_bits(t) - mlc_bits(magic));  // bit arithmetic: no float->int UB on NaN
    float r = x - n * 0.693359375f;     // ln2 high part: few bits, so n * it is exact
    r = r - n * -2.12194440e-4f;  // ln2 low part
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    int32_t n1 = ni >> 1;  // n in [-150, 128]: both halves are normal exponents
    int32_t n2 = ni - n1;
    float s1 = mlc_float((uint32_t)(n1 + 127) << 23);
    float s2 = mlc_float((uint32_t)(n2 + 127) << 23);
    return (p * s1) * s2;
}

/// log(x): x = m 2^e with m in [sqrt(1/2), sqrt(2)), log(m) by the Cephes logf polynomial in m - 1.
MLC_INLINE float mlc_log(float x) {
    // Denormals are scaled by 2^23 into the normal range first, so they are as accurate as normals.
    int denormal = x < 0x1p-126f;
    float xs = denormal ? x * 0x1p23f : x;
    uint32_t b = mlc_bits(xs);
    int32_t e = (int32_t)((b >> 23) & 0xffu) - 126 - (denormal ? 23 : 0);
    float m = mlc_float((b & 0x007fffffu) | 0x3f000000u);  // [0.5, 1)
    int below = m < 0.707106781186547524f;                   // sqrt(1/2)
    e = below ? e - 1 : e;
    m = below ? (m + m) - 1.0f : m - 1.0f;  // both exact (Sterbenz)
    float fe = (float)e;
    float z = m * m;
    float p = 7.0376836292e-2f;
    p = p * m - 1.1514610310e-1f;
    p = p * m + 1.1676998740e-1f;
    p = p * m - 1.2420140846e-1f;
    p = p * m + 1.4249322787e-1f;
    p = p * m - 1.6668057665e-1f;
    p = p * m + 2.0000714765e-1f;
    p = p * m - 2.4999993993e-1f;
    p = p * m + 3.3333331174e-1f;
    float y = p * m * z;
    y = y + fe * -2.12194440e-4f;  // ln2 low part
    y = y - 0.5f * z;
    float r = m + y;
    r = r + fe * 0.693359375f;     // ln2 high part
    r = x == __builtin_inff() ? x : r;
    r = x == 0.0f ? -__builtin_inff() : r;
    r = x < 0.0f ? __builtin_nanf("") : r;
    r = x != x ? x : r;
    return r;
}

/// 1 / (1 + exp(-x)), as z / (1 + z) with z = exp(x) for x < 0: no overflow, full precision for tiny results.
MLC_INLINE float mlc_sigmoid(float x) {
    float z = mlc_exp(-mlc_abs(x));
    float num = x < 0.0f ? z : 1.0f;
    return num / (1.0f + z);
}

/// tanh: for |x| < 0.625 the Cephes tanhf odd polynomial (accurate near 0, where 1 - 2/(e^2x + 1) would
/// cancel); above it 1 - 2 / (exp(2|x|) + 1), which is 1 once exp overflows. The sign is copied last.
MLC_INLINE float mlc_tanh(float x) {
    float a = mlc_abs(x);
    float z = a * a;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    float small = p * z * a + a;
    float large = 1.0f - 2.0f / (mlc_exp(a + a) + 1.0f);
    return mlc_with_sign_of(a < 0.625f ? small : large, x);
}

/// erf: |x| < 1: x + x A(x^2); 1 <= |x| < 3.92: 1 - B(|x| - 2.5), B a fit of erfc; beyond: 1 (erf(3.92) rounds
/// to 1 in float). Coefficients: minimax-style least-squares fits for this file (max abs error 8.8e-8 when
/// evaluated in float32 without FMA, over 2M points of [0, 3.95]).
MLC_INLINE float mlc_erf(float x) {
    float a = mlc_abs(x);
    float z = a * a;
    float pa = 0x1.4ae68cp-14f;
    pa = pa * z - 0x1.a486a0p-11f;
    pa = pa * z + 0x1.541a10p-8f;
    pa = pa * z - 0x1.b7fbb8p-6f;
    pa = pa * z + 0x1.ce2d20p-4f;
    pa = pa * z - 0x1.81273ep-2f;
    pa = pa * z + 0x1.06eba8p-3f;
    float small = a + a * pa;
    float t = (a > 3.92f ? 3.92f : a) - 2.5f;  // exact for a >= 1.25 (Sterbenz); NaN passes
    float pb = 0x1.322cd0p-17f;
    pb = pb * t - 0x1.6100d0p-16f;
    pb = pb * t - 0x1.0393eap-14f;
    pb = pb * t + 0x1.2472b0p-12f;
    pb = pb * t - 0x1.2c6c1cp-12f;
    pb = pb * t - 0x1.2b09b6p-11f;
    pb = pb * t + 0x1.716230p-9f;
    pb = pb * t - 0x1.8ffb80p-8f;
    pb = pb * t + 0x1.1a4e88p-7f;
    pb = pb * t - 0x1.11b806p-7f;
    pb = pb * t + 0x1.64f3aap-8f;
    pb = pb * t - 0x1.1d7c40p-9f;
    pb = pb * t + 0x1.aab2e0p-12f;
    float large = 1.0f - pb;
    return mlc_with_sign_of(a < 1.0f ? small : large, x);
}

MLC_INLINE float mlc_relu(float x) { return (x > 0.0f || x != x) ? x : 0.0f; }

// MARK: - Binary arithmetic

#define MLC_BINARY(name, OP)                                                                              \
    MLC_INLINE void name##_vv_body(const float *restrict a, const float *restrict b, float *restrict out, \
                                   size_t n) {                                                            \
        for (size_t i = 0; i < n; i++) out[i] = a[i] OP b[i];                                             \
    }                                                                                                     \
    MLC_INLINE void name##_vs_body(const float *restrict a, float s, float *restrict out, size_t n) {     \
        for (size_t i = 0; i < n; i++) out[i] = a[i] OP s;                                                \
    }                                                                                                     \
    MLC_INLINE void name##_sv_body(float s, const float *restrict b, float *restrict out, size_t n) {     \
        for (size_t i = 0; i < n; i++) out[i] = s OP b[i];                                                \
    }                                                                                                     \
    MLC_VARIANTS(name##_vv, (const float *a, const float *b, float *out, size_t n), (a, b, out, n))       \
    MLC_VARIANTS(name##_vs, (const float *a, float s, float *out, size_t n), (a, s, out, n))              \
    MLC_VARIANTS(name##_sv, (float s, const float *b, float *out, size_t n), (s, b, out, n))              \
    void mlc_##name##_f32(mlc_isa isa, const float *a, const float *b, float *out, size_t n) {            \
        MLC_DISPATCH(isa, name##_vv, (a, b, out, n));                                                     \
    }                                                                                                     \
    void mlc_##name##_vs_f32(mlc_isa isa, const float *a, float s, float *out, size_t n) {                \
        MLC_DISPATCH(isa, name##_vs, (a, s, out, n));                                                     \
    }                                                                                                     \
    void mlc_##name##_sv_f32(mlc_isa isa, float s, const float *b, float *out, size_t n) {                \
        MLC_DISPATCH(isa, name##_sv, (s, b, out, n));                                                     \
    }

MLC_BINARY(add, +)
MLC_BINARY(sub, -)
MLC_BINARY(mul, *)
MLC_BINARY(div, /)

// MARK: - Unary maps

// Two bodies per map: with distinct buffers `restrict` lets the loop vectorize without a run-time overlap
// check, and the in-place body uses one pointer (a run-time check would send out == in to the scalar loop).
#define MLC_MAP(name, FN)                                                                                   \
    MLC_INLINE void name##_map_body(const float *restrict in, float *restrict out, size_t n) {             \
        for (size_t i = 0; i < n; i++) out[i] = FN(in[i]);                                                  \
    }                                                                                                       \
    MLC_INLINE void name##_inplace_body(float *x, size_t n) {                                               \
        for (size_t i = 0; i < n; i++) x[i] = FN(x[i]);                                                     \
    }                                                                                                       \
    MLC_VARIANTS(name##_map, (const float *in, float *out, size_t n), (in, out, n))                         \
    MLC_VARIANTS(name##_inplace, (float *x, size_t n), (x, n))                                              \
    void mlc_##name##_f32(mlc_isa isa, const float *in, float *out, size_t n) {                             \
        if (in == out) {                                                                                    \
            MLC_DISPATCH(isa, name##_inplace, (out, n));                                                    \
        } else {                                                                                            \
            MLC_DISPATCH(isa, name##_map, (in, out, n));                                                    \
        }                                                                                                   \
    }

MLC_MAP(relu, mlc_relu)
MLC_MAP(sigmoid, mlc_sigmoid)
MLC_MAP(tanh, mlc_tanh)
MLC_MAP(exp, mlc_exp)
MLC_MAP(log, mlc_log)
MLC_MAP(erf, mlc_erf)

// MARK: - Reductions

// 16 lanes whatever the target: the order of every reduction is the same at every level.
typedef float mlc_v16f __attribute__((vector_size(64), aligned(4)));
typedef int32_t mlc_v16i __attribute__((vector_size(64), aligned(4)));

// Vector values are passed by pointer: a 64-byte vector passed by value to a function compiled without
// AVX-512 would change the calling convention (clang's -Wpsabi), even though everything here is inlined.

MLC_INLINE void mlc_load16(mlc_v16f *v, const float *p) { __builtin_memcpy(v, p, sizeof *v); }

/// Lane-wise "take v over m": v > m, or v is NaN (NaN wins and then stays, since nothing compares above it).
MLC_INLINE void mlc_max16(mlc_v16f *m, const mlc_v16f *v) {
    mlc_v16i take = (*v > *m) | (*v != *v);
    mlc_v16i mi, vi;
    __builtin_memcpy(&mi, m, sizeof mi);
    __builtin_memcpy(&vi, v, sizeof vi);
    mi = (vi & take) | (mi & ~take);
    __builtin_memcpy(m, &mi, sizeof mi);
}

MLC_INLINE float mlc_max1(float m, float v) { return (v > m || v != v) ? v : m; }

/// Sum of 16 lanes by a fixed pairwise tree.
MLC_INLINE float mlc_hsum16(const mlc_v16f *v) {
    float s8[8], s4[4];
    for (int k = 0; k < 8; k++) s8[k] = (*v)[k] + (*v)[k + 8];
    for (int k = 0; k < 4; k++) s4[k] = s8[k] + s8[k + 4];
    return (s4[0] + s4[2]) + (s4[1] + s4[3]);
}

MLC_INLINE float mlc_hmax16(const mlc_v16f *v) {
    float m = (*v)[0];
    for (int k = 1; k < 16; k++) m = mlc_max1(m, (*v)[k]);
    return m;
}

/// Whether any lane is set.
MLC_INLINE int mlc_any16(const mlc_v16i *v) {
#if __has_builtin(__builtin_reduce_or)
    return __builtin_reduce_or(*v) != 0;
#else
    int32_t r = 0;
    for (int k = 0; k < 16; k++) r |= (*v)[k];
    return r != 0;
#endif
}

/// Sum of n floats: four 16-lane accumulators (64 partial sums) over blocks of 64, one over blocks of 16,
/// a scalar tail, then a fixed tree. Rows shorter than 16 are summed in order.
MLC_INLINE float mlc_sum_row(const float *x, size_t n) {
    if (n < 16) {
        float s = 0.0f;
        for (size_t i = 0; i < n; i++) s += x[i];
        return s;
    }
    mlc_v16f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, v;
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        mlc_load16(&v, x + i);
        a0 += v;
        mlc_load16(&v, x + i + 16);
        a1 += v;
        mlc_load16(&v, x + i + 32);
        a2 += v;
        mlc_load16(&v, x + i + 48);
        a3 += v;
    }
    for (; i + 16 <= n; i += 16) {
        mlc_load16(&v, x + i);
        a0 += v;
    }
    float tail = 0.0f;
    for (; i < n; i++) tail += x[i];
    a0 = (a0 + a1) + (a2 + a3);
    return mlc_hsum16(&a0) + tail;
}

/// Max of n floats, NaN if any is NaN; -inf for n == 0.
MLC_INLINE float mlc_max_row(const float *x, size_t n) {
    float m = -__builtin_inff();
    size_t i = 0;
    if (n >= 16) {
        mlc_v16f m0, m1, m2, m3, v;
        mlc_load16(&m0, x);
        m1 = m0;
        m2 = m0;
        m3 = m0;
        for (; i + 64 <= n; i += 64) {
            mlc_load16(&v, x + i);
            mlc_max16(&m0, &v);
            mlc_load16(&v, x + i + 16);
            mlc_max16(&m1, &v);
            mlc_load16(&v, x + i + 32);
            mlc_max16(&m2, &v);
            mlc_load16(&v, x + i + 48);
            mlc_max16(&m3, &v);
        }
        for (; i + 16 <= n; i += 16) {
            mlc_load16(&v, x + i);
            mlc_max16(&m0, &v);
        }
        mlc_max16(&m0, &m1);
        mlc_max16(&m2, &m3);
        mlc_max16(&m0, &m2);
        m = mlc_hmax16(&m0);
    }
    for (; i < n; i++) m = mlc_max1(m, x[i]);
    return m;
}

/// Index of the first element equal to the row maximum (or of the first NaN): the max in one vector pass,
/// then a search that stops at the first hit.
MLC_INLINE int64_t mlc_argmax_row(const float *x, size_t n) {
    if (n == 0) return 0;
    float m = mlc_max_row(x, n);
    size_t i = 0;
    mlc_v16f v, mv = {0};
    mlc_v16i hit;
    mv += m;
    if (m == m) {
        for (; i + 16 <= n; i += 16) {
            mlc_load16(&v, x + i);
            hit = v == mv;
            if (mlc_any16(&hit)) break;
        }
        for (; i < n; i++) {
            if (x[i] == m) return (int64_t)i;
        }
    } else {
        for (; i + 16 <= n; i += 16) {
            mlc_load16(&v, x + i);
            hit = v != v;
            if (mlc_any16(&hit)) break;
        }
        for (; i < n; i++) {
            if (x[i] != x[i]) return (int64_t)i;
        }
    }
    return 0;  // unreachable: the maximum (or a NaN) is in the row
}

MLC_INLINE void mlc_exp_shift(const float *restrict x, float shift, float *restrict y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = mlc_exp(x[i] - shift);
}

MLC_INLINE void mlc_scale(float *y, float s, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] *= s;
}

MLC_INLINE void mlc_softmax_row(const float *restrict x, float *restrict y, size_t n) {
    float m = mlc_max_row(x, n);
    mlc_exp_shift(x, m, y, n);
    float s = mlc_sum_row(y, n);
    mlc_scale(y, 1.0f / s, n);
}

MLC_INLINE void mlc_logsoftmax_row(const float *restrict x, float *restrict y, size_t n) {
    float m = mlc_max_row(x, n);
    mlc_exp_shift(x, m, y, n);
    float s = mlc_sum_row(y, n);
    // (x - m) - log(s): the subtraction x - m rounds exactly as in the exp pass.
    float ls = mlc_log(s);
    for (size_t i = 0; i < n; i++) y[i] = (x[i] - m) - ls;
}

MLC_INLINE void sum_rows_body(const float *x, size_t rows, size_t cols, float *out) {
    for (size_t r = 0; r < rows; r++) out[r] = mlc_sum_row(x + r * cols, cols);
}
MLC_INLINE void max_rows_body(const float *x, size_t rows, size_t cols, float *out) {
    for (size_t r = 0; r < rows; r++) out[r] = mlc_max_row(x + r * cols, cols);
}
MLC_INLINE void argmax_rows_body(const float *x, size_t rows, size_t cols, int64_t *out) {
    for (size_t r = 0; r < rows; r++) out[r] = mlc_argmax_row(x + r * cols, cols);
}
MLC_INLINE void softmax_rows_body(const float *restrict x, size_t rows, size_t cols, float *restrict y) {
    for (size_t r = 0; r < rows; r++) mlc_softmax_row(x + r * cols, y + r * cols, cols);
}
MLC_INLINE void logsoftmax_rows_body(const float *restrict x, size_t rows, size_t cols, float *restrict y) {
    for (size_t r = 0; r < rows; r++) mlc_logsoftmax_row(x + r * cols, y + r * cols, cols);
}

MLC_VARIANTS(sum_rows, (const float *x, size_t rows, size_t cols, float *out), (x, rows, cols, out))
MLC_VARIANTS(max_rows, (const float *x, size_t rows, size_t cols, float *out), (x, rows, cols, out))
MLC_VARIANTS(argmax_rows, (const float *x, size_t rows, size_t cols, int64_t *out), (x, rows, cols, out))
MLC_VARIANTS(softmax_rows, (const float *x, size_t rows, size_t cols, float *y), (x, rows, cols, y))
MLC_VARIANTS(logsoftmax_rows, (const float *x, size_t rows, size_t cols, float *y), (x, rows, cols, y))

void mlc_sum_rows_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, float *out) {
    MLC_DISPATCH(isa, sum_rows, (x, rows, cols, out));
}
void mlc_max_rows_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, float *out) {
    MLC_DISPATCH(isa, max_rows, (x, rows, cols, out));
}
void mlc_argmax_rows_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, int64_t *out) {
    MLC_DISPATCH(isa, argmax_rows, (x, rows, cols, out));
}
void mlc_softmax_rows_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, float *y) {
    MLC_DISPATCH(isa, softmax_rows, (x, rows, cols, y));
}
void mlc_logsoftmax_rows_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, float *y) {
    MLC_DISPATCH(isa, logsoftmax_rows, (x, rows, cols, y));
}

// Column reductions walk the rows in order and update `cols` running values with a contiguous (vectorized)
// inner loop, so each output sees its inputs in row order on every level.

// Sums run in blocks of 32 rows added into the total, a two-level (pairwise-like) order: the rounding error
// grows with 32 + rows/32 instead of rows. With one running sum per column, a LayerNorm written as
// E[x^2] - E[x]^2 over 512 rows (magika's byte CNN) drifted 8x further from the exact sum than onnxruntime's and
// its output probabilities by 8e-4; blocked, it matches within the real-world set's tolerance.
MLC_INLINE void sum_cols_body(const float *restrict x, size_t rows, size_t cols, size_t ld,
                              float *restrict out) {
    enum { block_rows = 32, chunk = 256 };
    float part[chunk];
    for (size_t c0 = 0; c0 < cols; c0 += chunk) {
        size_t n = cols - c0 < chunk ? cols - c0 : chunk;
        float *o = out + c0;
        for (size_t c = 0; c < n; c++) o[c] = 0.0f;
        for (size_t r0 = 0; r0 < rows; r0 += block_rows) {
            size_t r1 = r0 + block_rows < rows ? r0 + block_rows : rows;
            for (size_t c = 0; c < n; c++) part[c] = 0.0f;
            for (size_t r = r0; r < r1; r++) {
                const float *row = x + r * ld + c0;
                for (size_t c = 0; c < n; c++) part[c] += row[c];
            }
            for (size_t c = 0; c < n; c++) o[c] += part[c];
        }
    }
}

MLC_INLINE void max_cols_body(const float *restrict x, size_t rows, size_t cols, size_t ld,
                              float *restrict out) {
    for (size_t c = 0; c < cols; c++) out[c] = x[c];
    for (size_t r = 1; r < rows; r++) {
        const float *row = x + r * ld;
        for (size_t c = 0; c < cols; c++) out[c] = mlc_max1(out[c], row[c]);
    }
}

MLC_INLINE void argmax_cols_body(const float *restrict x, size_t rows, size_t cols, size_t ld,
                                 float *restrict best, int64_t *restrict out) {
    for (size_t c = 0; c < cols; c++) {
        best[c] = x[c];
        out[c] = 0;
    }
    for (size_t r = 1; r < rows; r++) {
        const float *row = x + r * ld;
        for (size_t c = 0; c < cols; c++) {
            float v = row[c], b = best[c];
            // Strictly greater keeps the first maximum; the first NaN is taken and then never replaced.
            int take = v > b || (v != v && b == b);
            best[c] = take ? v : b;
            out[c] = take ? (int64_t)r : out[c];
        }
    }
}

MLC_INLINE void softmax_cols_body(const float *restrict x, size_t rows, size_t cols, size_t ld,
                                  float *restrict y, float *restrict scratch) {
    float *m = scratch, *s = scratch + cols;
    max_cols_body(x, rows, cols, ld, m);
    for (size_t c = 0; c < cols; c++) s[c] = 0.0f;
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * ld;
        float *yr = y + r * ld;
        for (size_t c = 0; c < cols; c++) {
            float e = mlc_exp(xr[c] - m[c]);
            yr[c] = e;
            s[c] += e;
        }
    }
    for (size_t c = 0; c < cols; c++) s[c] = 1.0f / s[c];
    for (size_t r = 0; r < rows; r++) {
        float *yr = y + r * ld;
        for (size_t c = 0; c < cols; c++) yr[c] *= s[c];
    }
}

MLC_INLINE void logsoftmax_cols_body(const float *restrict x, size_t rows, size_t cols, size_t ld,
                                     float *restrict y, float *restrict scratch) {
    float *m = scratch, *s = scratch + cols;
    max_cols_body(x, rows, cols, ld, m);
    for (size_t c = 0; c < cols; c++) s[c] = 0.0f;
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * ld;
        for (size_t c = 0; c < cols; c++) s[c] += mlc_exp(xr[c] - m[c]);
    }
    for (size_t c = 0; c < cols; c++) s[c] = mlc_log(s[c]);
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * ld;
        float *yr = y + r * ld;
        for (size_t c = 0; c < cols; c++) yr[c] = (xr[c] - m[c]) - s[c];
    }
}

MLC_VARIANTS(sum_cols, (const float *x, size_t rows, size_t cols, size_t ld, float *out),
             (x, rows, cols, ld, out))
MLC_VARIANTS(max_cols, (const float *x, size_t rows, size_t cols, size_t ld, float *out),
             (x, rows, cols, ld, out))
MLC_VARIANTS(argmax_cols, (const float *x, size_t rows, size_t cols, size_t ld, float *best, int64_t *out),
             (x, rows, cols, ld, best, out))
MLC_VARIANTS(softmax_cols, (const float *x, size_t rows, size_t cols, size_t ld, float *y, float *scratch),
             (x, rows, cols, ld, y, scratch))
MLC_VARIANTS(logsoftmax_cols, (const float *x, size_t rows, size_t cols, size_t ld, float *y, float *scratch),
             (x, rows, cols, ld, y, scratch))

void mlc_sum_cols_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, size_t ld, float *out) {
    MLC_DISPATCH(isa, sum_cols, (x, rows, cols, ld, out));
}
void mlc_max_cols_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, size_t ld, float *out) {
    MLC_DISPATCH(isa, max_cols, (x, rows, cols, ld, out));
}
void mlc_argmax_cols_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, size_t ld, float *best,
                         int64_t *out) {
    MLC_DISPATCH(isa, argmax_cols, (x, rows, cols, ld, best, out));
}
void mlc_softmax_cols_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, size_t ld, float *y,
                          float *scratch) {
    MLC_DISPATCH(isa, softmax_cols, (x, rows, cols, ld, y, scratch));
}
void mlc_logsoftmax_cols_f32(mlc_isa isa, const float *x, size_t rows, size_t cols, size_t ld, float *y,
                             float *scratch) {
    MLC_DISPATCH(isa, logsoftmax_cols, (x, rows, cols, ld, y, scratch));
}

// MARK: - Fused activation epilogue

MLC_INLINE float mlc_clamp(float x, float lo, float hi) {
    // NaN propagates: both comparisons are false.
    float y = x < lo ? lo : x;
    return y > hi ? hi : y;
}

MLC_INLINE float mlc_apply_activation(mlc_activation_kind kind, float x, float alpha, float beta) {
    switch (kind) {
    case MLC_ACT_RELU: return mlc_relu(x);
    case MLC_ACT_CLIP: return mlc_clamp(x, alpha, beta);
    case MLC_ACT_LEAKY_RELU: return x < 0.0f ? alpha * x : x;
    case MLC_ACT_SIGMOID: return mlc_sigmoid(x);
    case MLC_ACT_TANH: return mlc_tanh(x);
    case MLC_ACT_HARD_SIGMOID: return mlc_clamp(alpha * x + beta, 0.0f, 1.0f);
    case MLC_ACT_HARD_SWISH: return x * mlc_clamp(x * (1.0f / 6.0f) + 0.5f, 0.0f, 1.0f);
    case MLC_ACT_GELU: return 0.5f * x * (1.0f + mlc_erf(x * 0.70710678118654752f));
    default: return x;
    }
}

// One loop per (kind, residual) pair: the switch is resolved outside the loop so every loop vectorizes.
#define MLC_ACT_LOOPS(KIND)                                                                            \
    if (residual) {                                                                                    \
        for (size_t i = 0; i < n; i++) x[i] = mlc_apply_activation(KIND, (x[i] + bias) + residual[i], alpha, beta); \
    } else {                                                                                           \
        for (size_t i = 0; i < n; i++) x[i] = mlc_apply_activation(KIND, x[i] + bias, alpha, beta);    \
    }

MLC_INLINE void bias_activation_body(mlc_activation_kind kind, float alpha, float beta, float *restrict x,
                                     size_t n, float bias, const float *restrict residual) {
    switch (kind) {
    case MLC_ACT_RELU: MLC_ACT_LOOPS(MLC_ACT_RELU) break;
    case MLC_ACT_CLIP: MLC_ACT_LOOPS(MLC_ACT_CLIP) break;
    case MLC_ACT_LEAKY_RELU: MLC_ACT_LOOPS(MLC_ACT_LEAKY_RELU) break;
    case MLC_ACT_SIGMOID: MLC_ACT_LOOPS(MLC_ACT_SIGMOID) break;
    case MLC_ACT_TANH: MLC_ACT_LOOPS(MLC_ACT_TANH) break;
    case MLC_ACT_HARD_SIGMOID: MLC_ACT_LOOPS(MLC_ACT_HARD_SIGMOID) break;
    case MLC_ACT_HARD_SWISH: MLC_ACT_LOOPS(MLC_ACT_HARD_SWISH) break;
    case MLC_ACT_GELU: MLC_ACT_LOOPS(MLC_ACT_GELU) break;
    default: MLC_ACT_LOOPS(MLC_ACT_NONE) break;
    }
}
MLC_VARIANTS(bias_activation,
             (mlc_activation_kind kind, float alpha, float beta, float *x, size_t n, float bias, const float *residual),
             (kind, alpha, beta, x, n, bias, residual))

void mlc_bias_activation_f32(mlc_isa isa, mlc_activation act, float *x, size_t n, float bias,
                             const float *residual) {
    if (act.kind == MLC_ACT_NONE && bias == 0.0f && !residual) return;
    MLC_DISPATCH(isa, bias_activation, (act.kind, act.alpha, act.beta, x, n, bias, residual));
}
