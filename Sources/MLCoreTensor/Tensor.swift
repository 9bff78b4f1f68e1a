/// An n-dimensional array with value semantics.
///
/// Elements are stored contiguously in row-major order. Copies share storage until one of them is
/// mutated (copy-on-write), and ``reshaped(_:)`` and ``rows(_:)`` return views without copying.
/// Every size is computed with overflow checks, so no shape can make MLCore allocate a wrapped-around size.
///
/// ```swift
/// let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Float])
/// let row = try x.rows(1..<2)             // a [1, 3] view, no copy
/// ```
public struct Tensor: Sendable {
    /// The tensor's dimensions.
    public private(set) var shape: Shape
    /// The element type.
    public let dtype: DType
    @usableFromInline var storage: TensorStorage
    /// Offset of the first element in `storage`, in elements.
    @usableFromInline var offset: Int
    /// The number of elements (the product of the dimensions).
    public let count: Int

    init(shape: Shape, dtype: DType, storage: TensorStorage, offset: Int, count: Int) {
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
        self.offset = offset
        self.count = count
    }

    /// Creates a zero-filled tensor (empty strings for ``DType/string``).
    /// - Throws: ``TensorError/negativeDimension(_:)`` or ``TensorError/sizeOverflow(_:)``.
    public init(zeros shape: Shape, dtype: DType = .float32) throws {
        let count = try shape.checkedElementCount()
        if dtype == .string {
            self.init(shape: shape, dtype: dtype,
                      storage: TensorStorage(strings: [String](repeating: "", count: count)), offset: 0, count: count)
        } else {
            let bytes = try shape.checkedByteCount(dtype)
            self.init(shape: shape, dtype: dtype, storage: TensorStorage(byteCount: bytes), offset: 0, count: count)
        }
    }

    /// A numeric tensor whose elements are not initialized, for kernels that write every element: saves the
    /// zero-fill pass (and, for large buffers, half the page-fault work). String tensors are zero-filled.
    package static func uninitialized(_ shape: Shape, dtype: DType, pool: BufferPool?) throws -> Tensor {
        guard let pool else { return try uninitialized(shape, dtype: dtype) }
        guard dtype != .string, dtype != .bool else { return try Tensor(zeros: shape, dtype: dtype) }
        let count = try shape.checkedElementCount()
        let bytes = try shape.checkedByteCount(dtype)
        return Tensor(shape: shape, dtype: dtype, storage: TensorStorage(uninitializedByteCount: bytes, pool: pool),
                      offset: 0, count: count)
    }

    /// A zero-filled tensor whose storage comes from `pool` (see ``BufferPool``); string tensors bypass it.
    package init(zeros shape: Shape, dtype: DType, pool: BufferPool?) throws {
        guard pool != nil, dtype != .string else { try self.init(zeros: shape, dtype: dtype); return }
        self = try Tensor.uninitialized(shape, dtype: dtype, pool: pool)
        storage.bytes.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(storage.byteCount, 1))
    }

    package static func uninitialized(_ shape: Shape, dtype: DType) throws -> Tensor {
        guard dtype != .string, dtype != .bool else { return try Tensor(zeros: shape, dtype: dtype) }
        let count = try shape.checkedElementCount()
        let bytes = try shape.checkedByteCount(dtype)
        return Tensor(shape: shape, dtype: dtype, storage: TensorStorage(uninitializedByteCount: bytes), offset: 0, count: count)
    }

    /// Creates a tensor from scalars in row-major order.
    /// - Throws: ``TensorError/scalarCountMismatch(shape:count:)`` when the count does not fill the shape.
    public init<T: TensorScalar>(shape: Shape, scalars: some Collection<T>) throws {
        try self.init(zeros: shape, dtype: T.dtype)
        guard scalars.count == count else { throw TensorError.scalarCountMismatch(shape: shape, count: scalars.count) }
        let base = storage.bytes.assumingMemoryBound(to: T.self)
        _ = UnsafeMutableBufferPointer(start: base, count: count).initialize(from: scalars)
    }

    /// Creates a tensor filled with one value.
    public init<T: TensorScalar>(shape: Shape, repeating value: T) throws {
        try self.init(zeros: shape, dtype: T.dtype)
        storage.bytes.assumingMemoryBound(to: T.self).update(repeating: value, count: count)
    }

    /// Creates a string tensor (ONNX label tensors).
    public init(shape: Shape, strings: [String]) throws {
        let count = try shape.checkedElementCount()
        guard strings.count == count else { throw TensorError.scalarCountMismatch(shape: shape, count: strings.count) }
        self.init(shape: shape, dtype: .string, storage: TensorStorage(strings: strings), offset: 0, count: count)
    }

    /// A rank-0 tensor holding one value.
    public init<T: TensorScalar>(scalar: T) {
        // A rank-0 shape has exactly one element; this cannot fail.
        self = try! Tensor(shape: [], scalars: CollectionOfOne(scalar))
    }

    /// The number of dimensions.
    @inlinable public var rank: Int { shape.rank }

    /// The elements in row-major order.
    /// - Throws: ``TensorError/dtypeMismatch(operation:expected:actual:)`` when `T` is not the element type.
    public func scalars<T: TensorScalar>(as type: T.Type = T.self) throws -> [T] {
        try withUnsafeBufferPointer(as: T.self) { Array($0) }
    }

    /// The elements of a string tensor in row-major order.
    public func strings() throws -> [String] {
        guard dtype == .string else { throw TensorError.dtypeMismatch(operation: "strings", expected: .string, actual: dtype) }
        return Array(storage.strings[offset..<offset + count])
    }

    /// Calls `body` with the elements in row-major order, without copying.
    ///
    /// The buffer is valid only for the duration of the call.
    @inlinable
    public func withUnsafeBufferPointer<T: TensorScalar, R>(
        as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R
    ) throws -> R {
        guard dtype == T.dtype else { throw TensorError.dtypeMismatch(operation: "read", expected: T.dtype, actual: dtype) }
        let base = unsafeElements(as: T.self)
        return try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: base, count: count)) }
    }

    /// Calls `body` with mutable access to the elements, copying the storage first if it is shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<T: TensorScalar, R>(
        as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
    ) throws -> R {
        guard dtype == T.dtype else { throw TensorError.dtypeMismatch(operation: "write", expected: T.dtype, actual: dtype) }
        let base = unsafeMutableElements(as: T.self)
        return try withExtendedLifetime(storage) { try body(UnsafeMutableBufferPointer(start: base, count: count)) }
    }

    /// The address of the first element, for kernels inside MLCore that call C with a tensor they borrow:
    /// valid while this tensor value is alive and unmutated (a function's parameters are, for its whole call).
    /// Saves the closure and retain/release of ``withUnsafeBufferPointer(as:_:)`` on the per-call path
    /// (with them, a GEMM call at n = 8 went from 75 to 52 ns, the kernel being about 30). The caller checks `dtype`.
    @inlinable
    package func unsafeElements<T: TensorScalar>(as type: T.Type) -> UnsafePointer<T> {
        UnsafePointer(storage.bytes.assumingMemoryBound(to: T.self) + offset)
    }

    /// As ``unsafeElements(as:)``, for writing: copies shared storage first, as ``withUnsafeMutableBufferPointer(as:_:)``.
    @inlinable
    package mutating func unsafeMutableElements<T: TensorScalar>(as type: T.Type) -> UnsafeMutablePointer<T> {
        makeUnique()
        return storage.bytes.assumingMemoryBound(to: T.self) + offset
    }

    /// Replaces shared storage (or storage larger than this view) with a private copy of this view's elements.
    @inlinable
    mutating func makeUnique() {
        if isKnownUniquelyReferenced(&storage) { return }
        copyStorage()
    }

    @usableFromInline
    mutating func copyStorage() {
        if dtype == .string {
            storage = TensorStorage(strings: Array(storage.strings[offset..<offset + count]))
        } else {
            let width = dtype.byteWidth!
            let copy = TensorStorage(byteCount: count * width)
            copy.bytes.copyMemory(from: storage.bytes + offset * width, byteCount: count * width)
            storage = copy
        }
        offset = 0
    }

    /// Whether two tensors have the same shape, type and elements (NaN equals nothing, as in `==` on floats).
    public func elementsEqual(_ other: Tensor) -> Bool {
        guard shape == other.shape, dtype == other.dtype else { return false }
        func eq<T: TensorScalar>(_: T.Type) -> Bool {
            ((try? withUnsafeBufferPointer(as: T.self) { a in
                try other.withUnsafeBufferPointer(as: T.self) { b in a.elementsEqual(b) }
            }) ?? false)
        }
        switch dtype {
        case .float32: return eq(Float.self)
        case .float64: return eq(Double.self)
        case .int64: return eq(Int64.self)
        case .int32: return eq(Int32.self)
        case .bool: return eq(Bool.self)
        case .string: return (try? strings() == other.strings()) ?? false
        case .int8: return eq(Int8.self)
        case .uint8: return eq(UInt8.self)
        case .int16: return eq(Int16.self)
        case .uint16: return eq(UInt16.self)
        case .uint32: return eq(UInt32.self)
        case .uint64: return eq(UInt64.self)
        case .float16:
            return ((try? scalars(as: Half.self).map(\.float) == other.scalars(as: Half.self).map(\.float)) ?? false)
        case .bfloat16:
            return ((try? scalars(as: BFloat16.self).map(\.float) == other.scalars(as: BFloat16.self).map(\.float)) ?? false)
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor(\(dtype), shape: \(shape))" }
}
