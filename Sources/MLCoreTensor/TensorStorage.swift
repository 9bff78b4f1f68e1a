/// The buffer behind one or more ``Tensor`` values (views share it).
///
/// Numeric and boolean elements live in one 64-byte-aligned allocation so that the wide kernels can use
/// aligned loads at offset zero; strings live in a Swift array. Mutation happens only through
/// ``Tensor`` after a uniqueness check, which is what makes the `@unchecked Sendable` sound.
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    /// Alignment of numeric storage, enough for one AVX-512 register.
    static let alignment = 64

    @usableFromInline let bytes: UnsafeMutableRawPointer
    @usableFromInline let byteCount: Int
    @usableFromInline var strings: [String]
    /// The pool the buffer came from and returns to (nil: allocated and freed directly).
    let pool: BufferPool?

    /// Allocates zero-filled storage of `byteCount` bytes.
    init(byteCount: Int) {
        self.byteCount = byteCount
        self.bytes = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(byteCount, 1), alignment: Self.alignment)
        self.bytes.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(byteCount, 1))
        self.strings = []
        self.pool = nil
    }

    /// Allocates storage whose bytes are left as they are: only for callers that write every element
    /// before anything reads it (kernel outputs).
    init(uninitializedByteCount byteCount: Int) {
        self.byteCount = byteCount
        self.bytes = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(byteCount, 1), alignment: Self.alignment)
        self.strings = []
        self.pool = nil
    }

    /// Uninitialized storage served by `pool` (a reused buffer holds whatever its last tensor left).
    init(uninitializedByteCount byteCount: Int, pool: BufferPool) {
        self.byteCount = byteCount
        self.bytes = pool.take(byteCount)
        self.strings = []
        self.pool = pool
    }

    init(strings: [String]) {
        self.byteCount = 0
        self.bytes = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: Self.alignment)
        self.strings = strings
        self.pool = nil
    }

    deinit {
        if let pool { pool.recycle(bytes, byteCount: byteCount) } else { bytes.deallocate() }
    }
}
