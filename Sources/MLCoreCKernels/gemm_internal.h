#ifndef MLC_GEMM_INTERNAL_H
#define MLC_GEMM_INTERNAL_H

#include <stddef.h>

/// Micro-kernel contract: C[rows x cols] = alpha * (Ap * Bp)[rows x cols] + beta * C, where Ap is kc x mr
/// (p-major, packed, zero past `rows`) and Bp is kc x nr (p-major, packed, zero past `cols`), both 64-byte
/// aligned; 1 <= rows <= mr, 1 <= cols <= nr. Only the rows x cols corner of C is read or written (edge
/// tiles store with masks). beta == 0: C is not read.
typedef void (*mlc_sgemm_ukernel)(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                  float alpha, float beta, size_t rows, size_t cols);

void mlc_sgemm_ukernel_avx2_6x16(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                 float alpha, float beta, size_t rows, size_t cols);
void mlc_sgemm_ukernel_avx512_12x32(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                    float alpha, float beta, size_t rows, size_t cols);

/// Vector bodies for the m == 1 and n == 1 cases (GEMV), where a packed tile would mostly hold padding.
/// y[j] (+)= alpha * sum_p x[p] * B[p, j]     B row-major k x n ("axpy" form, vectorized over j)
void mlc_sgemv_rows_avx2(size_t k, size_t n, float alpha, const float *x, const float *b, size_t ldb, float beta, float *y);
void mlc_sgemv_rows_avx512(size_t k, size_t n, float alpha, const float *x, const float *b, size_t ldb, float beta, float *y);
/// y[i * incy] = alpha * dot(A[i, :], x) + beta * y[i * incy]   A row-major n x k ("dot" form)
void mlc_sgemv_dots_avx2(size_t n, size_t k, float alpha, const float *a, size_t lda, const float *x, float beta, float *y, size_t incy);
void mlc_sgemv_dots_avx512(size_t n, size_t k, float alpha, const float *a, size_t lda, const float *x, float beta, float *y, size_t incy);

/// Unpacked kernel for small problems (packing would cost more than it saves): op(A) read in place,
/// B row-major k x n (not transposed). Register blocks of up to 6 rows x 16 columns, masked column tails.
void mlc_sgemm_small_avx2(int trans_a, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                          const float *b, size_t ldb, float beta, float *c, size_t ldc);
/// The same contract at AVX-512 F: up to 4 rows x 64 columns per register tile, masked tails.
void mlc_sgemm_small_avx512(int trans_a, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                            const float *b, size_t ldb, float beta, float *c, size_t ldc);

#endif
