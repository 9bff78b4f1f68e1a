// Branch-free tree walking: a tree walk is a chain of data-dependent branches that mispredict about half the
// time; eight walks advanced together with indexed loads instead of branches keep the core busy on loads.
#include <math.h>
#include "mlc_trees.h"

static inline __attribute__((always_inline)) void walk8(const mlc_tree_node *nodes, const int32_t start[8],
                                                        const float *const rows[8], int le, int32_t max_steps,
                                                        int32_t out[8]) {
    int32_t i0 = start[0], i1 = start[1], i2 = start[2], i3 = start[3];
    int32_t i4 = start[4], i5 = start[5], i6 = start[6], i7 = start[7];
#define MLC_STEP(I, R)                                                                       \
    {                                                                                        \
        const mlc_tree_node *n = nodes + I;                                                  \
        float x = rows[R][n->feature & 0x7FFFFFFFu];                                         \
        int go = (le ? (x <= n->threshold) : (x < n->threshold)) |                          \
                 ((x != x) & (int)(n->feature >> 31));                                       \
        I = n->child[go];                                                                    \
    }
    for (int32_t s = 0; s < max_steps; s++) {
        int32_t p0 = i0, p1 = i1, p2 = i2, p3 = i3, p4 = i4, p5 = i5, p6 = i6, p7 = i7;
        MLC_STEP(i0, 0) MLC_STEP(i1, 1) MLC_STEP(i2, 2) MLC_STEP(i3, 3)
        MLC_STEP(i4, 4) MLC_STEP(i5, 5) MLC_STEP(i6, 6) MLC_STEP(i7, 7)
        if (((p0 ^ i0) | (p1 ^ i1) | (p2 ^ i2) | (p3 ^ i3) | (p4 ^ i4) | (p5 ^ i5) | (p6 ^ i6) | (p7 ^ i7)) == 0) break;
    }
#undef MLC_STEP
    out[0] = i0; out[1] = i1; out[2] = i2; out[3] = i3;
    out[4] = i4; out[5] = i5; out[6] = i6; out[7] = i7;
}

void mlc_tree_walk8(const mlc_tree_node *nodes, const int32_t start[8], const float *const rows[8], int less_equal,
                    int32_t max_steps, int32_t out[8]) {
    if (less_equal) walk8(nodes, start, rows, 1, max_steps, out);
    else walk8(nodes, start, rows, 0, max_steps, out);
}
