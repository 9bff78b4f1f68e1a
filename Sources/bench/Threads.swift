import Foundation
import MLBench

/// The thread count a command runs with (`--threads`, default all cores, at least 1), also given to OpenBLAS.
func useThreads(_ requested: Int?) -> Int {
    let threads = max(1, requested ?? ProcessInfo.processInfo.activeProcessorCount)
    BLAS.setThreads(threads)
    return threads
}
