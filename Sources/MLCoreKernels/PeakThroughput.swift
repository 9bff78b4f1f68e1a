import MLCoreCKernels

#if canImport(Glibc)
import Glibc
#endif

/// Measured peak throughput of one core, the yardstick for "fraction of peak" figures in reports.
public enum PeakThroughput {
    /// Single-precision FLOP/s of one thread running only independent FMAs at `level` (no memory traffic),
    /// best of `repeats` runs of about 20 ms each.
    public static func fp32FlopsPerSecond(level: InstructionSet = .detected, repeats: Int = 5) -> Double {
        let level = Swift.min(level, .detected)
        var best = 0.0
        let iterations = 2_000_000
        for _ in 0..<Swift.max(1, repeats) {
            let t0 = monotonicSeconds()
            let flops = mlc_peak_fma_flops(level.cLevel, iterations)
            let dt = monotonicSeconds() - t0
            best = Swift.max(best, flops / dt)
        }
        return best
    }

    /// Memory copy bandwidth of one thread in bytes/s (bytes read + bytes written), over a buffer far larger
    /// than the caches, best of `repeats`.
    public static func copyBytesPerSecond(bytes: Int = 256 << 20, repeats: Int = 3) -> Double {
        let src = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        let dst = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer { src.deallocate(); dst.deallocate() }
        memset(src, 1, bytes)
        memset(dst, 0, bytes)
        var best = 0.0
        for _ in 0..<Swift.max(1, repeats) {
            let t0 = monotonicSeconds()
            memcpy(dst, src, bytes)
            let dt = monotonicSeconds() - t0
            best = Swift.max(best, Double(2 * bytes) / dt)
        }
        return best
    }
}
