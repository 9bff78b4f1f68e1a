import MLCoreKernels
#if canImport(Glibc)
import Glibc
#endif

/// Times `body` in batches: each batch runs it enough times to last about `batchSeconds`, and batches
/// repeat until `minSeconds` have passed and at least `minRepeats` batches ran. One untimed warm-up batch
/// comes first. Returns seconds per call of each batch.
public func measurePerCall(minSeconds: Double = 0.5, minRepeats: Int = 5, batchSeconds: Double = 0.02,
                           _ body: () -> Void) -> RepeatStats {
    RepeatStats(samples: measureInterleaved(count: 1, minSeconds: minSeconds, minRepeats: minRepeats,
                                            batchSeconds: batchSeconds) { _ in body() }[0])
}

/// Times `count` variants side by side: after a calibrating warm-up of each, every round times one batch
/// of each variant in turn (`body(i)` runs variant `i` once), until `minSeconds` per variant have passed and
/// at least `minRepeats` rounds ran. Drift of the machine (other load, clock changes) then lands on every
/// variant alike, so per-round ratios between variants are steadier than the ratio of separately timed
/// medians. Returns seconds per call, `result[variant][round]`.
public func measureInterleaved(count: Int, minSeconds: Double = 0.5, minRepeats: Int = 5, batchSeconds: Double = 0.02,
                               _ body: (Int) -> Void) -> [[Double]] {
    let calls = (0..<count).map { i in
        var calls = 1
        while true {
            let t0 = monotonicSeconds()
            for _ in 0..<calls { body(i) }
            let dt = monotonicSeconds() - t0
            if dt >= batchSeconds / 4 || calls >= 1 << 24 {
                return Swift.max(1, Int(Double(calls) * batchSeconds / Swift.max(dt, 1e-9)))
            }
            calls *= 4
        }
    }
    var samples = [[Double]](repeating: [], count: count)
    guard count > 0 else { return samples }
    let start = monotonicSeconds()
    while samples[0].count < minRepeats || monotonicSeconds() - start < minSeconds * Double(count) {
        for i in 0..<count {
            let t0 = monotonicSeconds()
            for _ in 0..<calls[i] { body(i) }
            samples[i].append((monotonicSeconds() - t0) / Double(calls[i]))
        }
    }
    return samples
}
