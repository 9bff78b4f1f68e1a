import Foundation

/// The process's resident memory, from `/proc/self/status` (Linux).
public enum ResidentMemory {
    /// Peak resident set size of this process since it started its program (`VmHWM`), bytes; nil where
    /// `/proc` is not available.
    ///
    /// Unlike `getrusage`'s `ru_maxrss`, which a spawned child inherits from its parent at `exec` (the kernel
    /// folds the old address space's high-water mark into it), `VmHWM` belongs to the address space the program
    /// runs in, so it measures the program alone.
    public static var peakBytes: Int? { field("VmHWM:") }

    /// Current resident set size (`VmRSS`), bytes.
    public static var currentBytes: Int? { field("VmRSS:") }

    static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kib = Int(parts[1]) else { return nil }
            return kib * 1024
        }
        return nil
    }
}
