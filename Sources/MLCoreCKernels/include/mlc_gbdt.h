#ifndef MLC_GBDT_H
#define MLC_GBDT_H

#include <stddef.h>
#include <stdint.h>

/// Histogram building for gradient boosting (LightGBM's row-wise "multi-value bin" layout).
///
/// `bins` is row-major `[rows][groups]`: the bin of each feature group (a feature or a bundle of exclusive
/// features) for each row. `gradients` holds (gradient, hessian) pairs per row. `hist` is `[total_bins][2]`
/// doubles (sum of gradients, sum of hessians), where group `j`'s bins start at `offsets[j]`. For each of the
/// `count` rows `rows[i]` (or row `i` when `rows` is NULL) adds that row's pair to the bin of every group.
/// `hist` is accumulated into, not cleared.
void mlc_gbdt_histogram(const uint8_t *bins, int32_t groups, const int32_t *rows, int64_t count,
                        const float *gradients, const uint32_t *offsets, double *hist);

/// Stable partition of `rows[0..<count]` by one group's bins (`column[row]`, the group's column of the
/// column-major copy): rows whose bin `b` has `goes_left[b] != 0` keep their order at the front, the others
/// follow in order. `scratch` holds at least `count` entries. Returns the number of rows that went left.
int64_t mlc_gbdt_partition(const uint8_t *column, const uint8_t goes_left[256], int32_t *rows, int64_t count,
                           int32_t *scratch);

#endif
