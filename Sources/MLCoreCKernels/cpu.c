#include "mlc_cpu.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static int xgetbv_ymm_zmm_state(int want_zmm) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    // XCR0 bits: 1 SSE, 2 AVX (ymm upper), 5-7 AVX-512 (opmask, zmm upper halves, zmm16-31).
    if ((eax & 0x6) != 0x6) return 0;
    if (want_zmm && (eax & 0xE0) != 0xE0) return 0;
    return 1;
}

static int feature_bits(void) {
    unsigned int a, b, c, d;
    int bits = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1;
    int fma = (c >> 12) & 1;
    int avx = (c >> 28) & 1;
    if (!osxsave || !avx) return 0;
    if (!xgetbv_ymm_zmm_state(0)) return 0;
    if (fma) bits |= 1;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        if ((b >> 5) & 1) bits |= 2;                                      // AVX2
        if (((b >> 16) & 1) && xgetbv_ymm_zmm_state(1)) bits |= 4;      // AVX-512 F
    }
    return bits;
}
#else
static int feature_bits(void) { return 0; }
#endif

static int cached_bits = -1;

static int bits(void) {
    int v = __atomic_load_n(&cached_bits, __ATOMIC_ACQUIRE);
    if (v < 0) {
        v = feature_bits();
        __atomic_store_n(&cached_bits, v, __ATOMIC_RELEASE);
    }
    return v;
}

int mlc_cpu_has_fma(void) { return bits() & 1; }
int mlc_cpu_has_avx2(void) { return (bits() >> 1) & 1; }
int mlc_cpu_has_avx512f(void) { return (bits() >> 2) & 1; }

mlc_isa mlc_detected_isa(void) {
    if (mlc_cpu_has_avx512f() && mlc_cpu_has_avx2() && mlc_cpu_has_fma()) return MLC_ISA_AVX512;
    if (mlc_cpu_has_avx2() && mlc_cpu_has_fma()) return MLC_ISA_AVX2;
    return MLC_ISA_BASELINE;
}

const char *mlc_isa_name(mlc_isa isa) {
    switch (isa) {
    case MLC_ISA_AVX512: return "avx512";
    case MLC_ISA_AVX2: return "avx2";
    default: return "baseline";
    }
}
