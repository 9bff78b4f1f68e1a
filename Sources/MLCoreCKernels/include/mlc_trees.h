#ifndef MLC_TREES_H
#define MLC_TREES_H

#include <stddef.h>
#include <stdint.h>

/// A tree node for the branch-free walker: both children stored (child[0] false, child[1] true); a leaf's
/// children are the leaf itself. The high bit of `feature` means "NaN goes to the true child".
typedef struct {
    float threshold;
    uint32_t feature;
    int32_t child[2];
} mlc_tree_node;

/// Walks 8 lanes (node index, row) to their leaves without branches on the comparisons: each step loads the
/// node, compares, and indexes `child` by the result. `less_equal` selects x <= t (else x < t). Stops when no
/// lane moved or after `max_steps`. Writes the final node index of each lane to `out`.
void mlc_tree_walk8(const mlc_tree_node *nodes, const int32_t start[8], const float *const rows[8], int less_equal,
                    int32_t max_steps, int32_t out[8]);

#endif
