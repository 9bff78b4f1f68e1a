#ifndef MLC_QGEMM_INTERNAL_H
#define MLC_QGEMM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/// Micro-kernel contract: C[mr x nr] = Ap * Bp over kp pairs of the inner dimension. Ap holds, for each pair
/// p and row r, one int32 made of two int16 (A[r, 2p] low, A[r, 2p + 1] high), p-major (kp x mr); Bp holds,
/// for each pair p, nr columns of two int16 each (kp x nr x 2). Both 64-byte aligned. C is written, not read.
typedef void (*mlc_qgemm_ukernel)(size_t kp, const int32_t *ap, const int16_t *bp, int32_t *c, size_t ldc);

void mlc_qgemm_ukernel_avx2_6x16(size_t kp, const int32_t *ap, const int16_t *bp, int32_t *c, size_t ldc);
void mlc_qgemm_ukernel_avx512bw_8x32(size_t kp, const int32_t *ap, const int16_t *bp, int32_t *c, size_t ldc);
void mlc_qgemm_ukernel_avx512vnni_8x32(size_t kp, const int32_t *ap, const int16_t *bp, int32_t *c, size_t ldc);

#endif
