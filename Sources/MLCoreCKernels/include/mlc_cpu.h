#ifndef MLC_CPU_H
#define MLC_CPU_H

/// Instruction-set levels that MLCore has kernels for, in increasing order.
/// The level is detected once (CPUID plus XGETBV, so an OS that does not save the wide registers is
/// respected) and decides which body every wide kernel runs (the onnxruntime MLAS pattern).
typedef enum mlc_isa {
    MLC_ISA_BASELINE = 0, ///< the compiler's baseline (SSE2 on x86_64, NEON on arm64)
    MLC_ISA_AVX2 = 1,     ///< AVX2 + FMA (256-bit)
    MLC_ISA_AVX512 = 2,   ///< AVX-512 F (512-bit)
} mlc_isa;

/// The widest level this CPU and OS support. Cached after the first call; thread-safe.
mlc_isa mlc_detected_isa(void);

/// A short name for a level: "baseline", "avx2", "avx512".
const char *mlc_isa_name(mlc_isa isa);

/// Individual CPU feature flags, for reports.
int mlc_cpu_has_avx2(void);
int mlc_cpu_has_fma(void);
int mlc_cpu_has_avx512f(void);

#endif
