import MLCoreCKernels
import MLCoreTensor

#if canImport(Glibc)
import Glibc
#endif

/// The implementations a kernel can run. The suffix of each kernel's file names its path
/// (`GEMM+Reference.swift`, `GEMM+SIMD.swift`, `GEMM+Wide.swift`, `GEMM+BLAS.swift`), so one search finds
/// every variant.
public enum KernelPath: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Plain scalar Swift: the ground truth every other path is tested against.
    case reference
    /// Portable Swift `SIMD` bodies. Without `-target-cpu`, `swiftc` emits SSE on x86_64 and NEON on arm64;
    /// this is the fallback on CPUs without AVX2 and the fast path on ARM.
    case simd
    /// C bodies for the widest vectors this CPU has (AVX2+FMA or AVX-512), chosen at run time from CPUID.
    case wide
    /// OpenBLAS (`cblas_sgemm` / `cblas_dgemm`).
    case blas

    public var description: String { rawValue }
}

/// Instruction-set levels of the ``KernelPath/wide`` path.
public enum InstructionSet: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case baseline = 0
    case avx2 = 1
    case avx512 = 2

    /// The widest level this CPU and operating system support, detected once.
    public static let detected: InstructionSet = cpu

    /// The level C detected (cached there): a plain call, where reading ``detected`` costs a swift_once.
    static var cpu: InstructionSet { InstructionSet(rawValue: Int(mlc_detected_isa().rawValue)) ?? .baseline }

    /// Every level up to ``detected``: the ones whose bodies can run here.
    public static var runnable: [InstructionSet] { allCases.filter { $0 <= detected } }

    public static func < (a: InstructionSet, b: InstructionSet) -> Bool { a.rawValue < b.rawValue }

    public var description: String { String(cString: mlc_isa_name(cLevel)) }

    var cLevel: mlc_isa { mlc_isa(rawValue: UInt32(rawValue)) }
}

/// Facts about the CPU that decide and explain kernel choice; reports print them.
public enum CPUFeatures {
    public static var hasAVX2: Bool { mlc_cpu_has_avx2() != 0 }
    public static var hasFMA: Bool { mlc_cpu_has_fma() != 0 }
    public static var hasAVX512F: Bool { mlc_cpu_has_avx512f() != 0 }
}

/// Per-call options of a kernel.
public struct KernelOptions: Sendable, Hashable {
    /// Threads our own kernels may use for this call. Defaults to all cores.
    /// (OpenBLAS's thread count is process-wide: set it with ``BLAS/setThreads(_:)``.)
    public var threads: Int
    /// Forces one implementation; `nil` lets ``KernelPaths`` choose by shape.
    public var path: KernelPath?
    /// Forces the instruction-set level of the ``KernelPath/wide`` path (at most ``InstructionSet/detected``);
    /// `nil` uses the detected level. Tests use it to check every body the CPU can run.
    public var instructionSet: InstructionSet?

    public init(threads: Int = ProcessorInfo.activeCores, path: KernelPath? = nil, instructionSet: InstructionSet? = nil) {
        self.threads = Swift.max(1, threads)
        self.path = path
        self.instructionSet = instructionSet
    }

    /// The instruction-set level the wide path will use.
    var wideLevel: InstructionSet {
        // On every kernel call: ``InstructionSet/cpu``, not ``InstructionSet/detected`` (two swift_once calls).
        let detected = InstructionSet.cpu
        return Swift.min(instructionSet ?? detected, detected)
    }
}

/// The number of cores, as the scheduler sees them.
public enum ProcessorInfo {
    public static let activeCores: Int = {
        #if canImport(Glibc)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }()
}


/// Which path runs when a call does not force one. Decided per shape class from measurements on the
/// development machine (AMD EPYC, AVX-512; OpenBLAS 0.3.21); each threshold cites the benchmark that chose it.
/// Large Float32 problems go to OpenBLAS only where ``GEMMChoice/current`` measured it faster on this machine.
public enum KernelPaths {
    /// Our wide Float32 GEMM always runs while B (`k * n` elements) fits in L2, where its unpacked kernel runs
    /// near peak. `swift run -c release GEMMBench --crossover`, 1 thread, square n, median over rounds of
    /// OpenBLAS's time / ours (the paths timed in turn in every round), AVX-512 level: n = 8: 1.02-1.17,
    /// 16: 1.01-1.04, 24: 1.07-1.09, 32: 1.01-1.03, 48-96: 0.99-1.01 (both at 97-99% of the core's FMA peak),
    /// 128-256: 1.11-1.15. OpenBLAS 0.3.21's Cooperlake small-matrix kernel is the rival below n = 128; with
    /// `OPENBLAS_CORETYPE=Haswell` (no small-matrix kernel) OpenBLAS is 1.3-1.6x slower than ours there.
    /// Above it, ``GEMMChoice`` decides.
    public static let gemmWideMaxBElements: Int = 256 * 256
    /// Without AVX2, the portable SIMD path (SSE/NEON) runs problems up to this many multiply-adds
    /// (n = 8: 10 GFLOPS vs OpenBLAS 8 with the Haswell core; it falls behind from n = 16).
    public static let gemmSIMDMaxWork: Int = 8 * 8 * 8
    /// Float64 has no wide body: the portable SIMD path runs up to this many multiply-adds, BLAS above.
    public static let gemmDoubleSIMDMaxWork: Int = 8 * 8 * 8

    /// The path ``GEMM`` uses for a shape when ``KernelOptions/path`` does not force one.
    public static func gemm(m: Int, n: Int, k: Int, dtype: DType) -> KernelPath {
        gemm(m: m, n: n, k: k, dtype: dtype, isa: InstructionSet.detected) { GEMMChoice.current.path }
    }

    /// The rule of ``gemm(m:n:k:dtype:)`` with its inputs given: the CPU's level and, for large Float32
    /// problems, the path ``GEMMChoice`` chose (asked only when needed, so small problems never calibrate).
    public static func gemm(m: Int, n: Int, k: Int, dtype: DType, isa: InstructionSet,
                            large: () -> KernelPath) -> KernelPath {
        let (mn, o1) = m.multipliedReportingOverflow(by: n)
        let (work, o2) = mn.multipliedReportingOverflow(by: k)
        let (bElements, o3) = k.multipliedReportingOverflow(by: n)
        // OpenBLAS takes 32-bit sizes: anything larger stays on our own kernels.
        let fitsBLAS = !(o1 || o2 || o3) && m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max)
        if dtype == .float32 {
            if isa >= .avx2 {
                if (bElements <= gemmWideMaxBElements && !o3) || !fitsBLAS { return .wide }
                return large() == .blas ? .blas : .wide
            }
            return work <= gemmSIMDMaxWork || !fitsBLAS ? .simd : .blas
        }
        return work <= gemmDoubleSIMDMaxWork || !fitsBLAS ? .simd : .blas
    }
}
