// Umbrella header of the C kernels: list every public header here (an explicit umbrella header, unlike an
// umbrella directory, makes the module rebuild when a header is added).
#include "mlc_cpu.h"
#include "mlc_gemm.h"
#include "mlc_peak.h"
#include "mlc_trees.h"
#include "mlc_elementwise.h"
#include "mlc_gbdt.h"
#include "mlc_qgemm.h"
#include "mlc_conv.h"
#include "mlc_winograd.h"
#include "mlc_recurrent.h"
