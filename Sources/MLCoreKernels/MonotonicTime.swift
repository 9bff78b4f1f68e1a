#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time in seconds (`CLOCK_MONOTONIC`): the one clock MLCore times kernels, training and benchmarks with.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
