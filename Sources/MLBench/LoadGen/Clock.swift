#if canImport(Glibc)
import Glibc
#endif

/// The load generator's only source of time, injectable so scenario logic is tested without real sleeps.
public protocol BenchClock: AnyObject {
    /// Seconds since an arbitrary origin, monotonic.
    func now() -> Double
    /// Returns no earlier than `time` (a real clock sleeps or spins; a fake one jumps).
    func wait(until time: Double)
}

/// The monotonic system clock; waits sleep for long gaps and spin for the last 50 microseconds.
public final class SystemClock: BenchClock, @unchecked Sendable {
    public init() {}
    public func now() -> Double { monotonicSeconds() }
    public func wait(until time: Double) {
        while true {
            let left = time - now()
            if left <= 0 { return }
            if left > 50e-6 { usleep(useconds_t(Swift.max(1, (left - 50e-6) * 1e6))) }
        }
    }
}

/// A clock that only moves when told: `advance(by:)` from a fake system under test, `wait(until:)` jumps.
public final class ManualClock: BenchClock, @unchecked Sendable {
    public private(set) var time: Double
    public init(start: Double = 0) { time = start }
    public func now() -> Double { time }
    public func wait(until t: Double) { if t > time { time = t } }
    public func advance(by seconds: Double) { time += seconds }
}
