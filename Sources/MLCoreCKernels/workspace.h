// Per-thread scratch buffers for kernels (GEMM packing, padded depthwise planes): allocated once per thread and
// grown when a larger problem comes, so steady-state inference allocates nothing per call. Freed at thread exit.
#ifndef MLC_WORKSPACE_H
#define MLC_WORKSPACE_H
#include <stddef.h>

typedef enum {
    MLC_WS_GEMM_A = 0,
    MLC_WS_GEMM_B,
    MLC_WS_DW_PADDED,
    MLC_WS_DW_FLAT,
    MLC_WS_COUNT
} mlc_workspace_slot;

/// A 64-byte-aligned buffer of at least `bytes` for this thread and slot, contents unspecified; NULL when
/// memory runs out. Valid until the same thread asks for the same slot again.
void *mlc_workspace(mlc_workspace_slot slot, size_t bytes);

#endif
