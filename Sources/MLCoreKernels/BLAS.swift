import CBLAS

#if canImport(Glibc)
import Glibc
#endif

/// Process-wide settings and facts of the OpenBLAS library that the BLAS path calls.
public enum BLAS {
    /// Sets OpenBLAS's thread count for the whole process (OpenBLAS has no per-call setting).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(Swift.max(1, n))) }

    /// OpenBLAS's current thread count.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The kernel family OpenBLAS selected for this CPU (for example `Haswell`, `SkylakeX`, `Zen`).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string (version and options).
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }

    /// The `OPENBLAS_CORETYPE` environment variable, which overrides the detected core; `nil` when unset.
    /// Reports record it because it changes BLAS speed by up to 2x on the same machine.
    public static var coreTypeOverride: String? {
        guard let v = getenv("OPENBLAS_CORETYPE") else { return nil }
        return String(cString: v)
    }
}
