import Foundation

/// Buffers of tensors that have died, kept for reuse: an inference session's run asks for the same sizes in
/// the same order every time, so after the first run every intermediate tensor is served from here and a
/// steady-state run allocates no tensor memory (and takes no page faults on fresh pages).
///
/// A tensor whose storage came from a pool hands its buffer back when its last reference goes away, on any
/// thread; buffers are matched by their size rounded up to 64 bytes. Idle buffers are bounded by `capacity`
/// bytes; beyond it a returned buffer is freed. The state is guarded by an `NSLock` (a pthread mutex, which the
/// ThreadSanitizer understands; it reported the futex-based `Synchronization.Mutex` as a race), which is what
/// makes the `@unchecked Sendable` sound.
package final class BufferPool: @unchecked Sendable {
    package struct Statistics: Sendable, Equatable {
        /// Buffers allocated because no idle buffer of the size was there.
        package var allocations = 0
        /// Requests served by an idle buffer.
        package var reuses = 0
        /// Bytes of idle buffers now held.
        package var idleBytes = 0
    }

    private struct State {
        /// Addresses of idle buffers by size class (as integers: the buffers cross threads).
        var idle: [Int: [UInt]] = [:]
        var statistics = Statistics()
    }

    package let capacity: Int
    private let lock = NSLock()
    private var state = State()

    package init(capacity: Int) {
        self.capacity = Swift.max(0, capacity)
    }

    deinit {
        for buffers in state.idle.values { for address in buffers { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() } }
    }

    package var statistics: Statistics { lock.withLock { state.statistics } }

    /// The size class a request of `byteCount` bytes is served from.
    static func sizeClass(_ byteCount: Int) -> Int { (Swift.max(byteCount, 1) + 63) & ~63 }

    /// An idle buffer of `byteCount`'s size class, or a new one.
    func take(_ byteCount: Int) -> UnsafeMutableRawPointer {
        let size = Self.sizeClass(byteCount)
        let reused: UInt? = lock.withLock {
            guard let address = state.idle[size]?.popLast() else {
                state.statistics.allocations += 1
                return nil
            }
            state.statistics.reuses += 1
            state.statistics.idleBytes -= size
            return address
        }
        if let reused, let buffer = UnsafeMutableRawPointer(bitPattern: reused) { return buffer }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: TensorStorage.alignment)
    }

    /// Takes back a buffer from ``take(_:)`` of `byteCount` bytes (freed when the pool is full).
    func recycle(_ buffer: UnsafeMutableRawPointer, byteCount: Int) {
        let size = Self.sizeClass(byteCount)
        let address = UInt(bitPattern: buffer)
        let kept = lock.withLock {
            guard state.statistics.idleBytes + size <= capacity else { return false }
            state.idle[size, default: []].append(address)
            state.statistics.idleBytes += size
            return true
        }
        if !kept { buffer.deallocate() }
    }
}
