#ifndef MLC_PEAK_H
#define MLC_PEAK_H

#include <stddef.h>
#include "mlc_cpu.h"

/// Runs `iterations` rounds of independent single-precision FMAs at `isa` (enough independent chains to
/// hide latency) and returns the number of floating-point operations performed (2 per lane per FMA).
/// Timing it gives the core's peak FP32 throughput, the yardstick for "fraction of peak" figures.
double mlc_peak_fma_flops(mlc_isa isa, size_t iterations);

#endif
