/// The dimensions of a ``Tensor``, outermost first (row-major).
///
/// A `Shape` is only a list of sizes; it is validated (no negative dimension, no overflowing
/// element count) when a tensor is made from it.
public struct Shape: Sendable, Hashable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The sizes of each dimension.
    public var dims: [Int]

    public init(_ dims: [Int]) { self.dims = dims }
    public init(arrayLiteral elements: Int...) { self.dims = elements }

    /// The number of dimensions.
    @inlinable public var rank: Int { dims.count }

    /// Whether any dimension is zero (the tensor then has no elements).
    public var isEmpty: Bool { dims.contains(0) }

    @inlinable public subscript(axis: Int) -> Int { dims[axis] }

    public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }

    /// The element count, checked: throws when a dimension is negative or the product overflows `Int`.
    public func checkedElementCount() throws -> Int {
        for d in dims where d < 0 { throw TensorError.negativeDimension(self) }
        // A zero dimension makes the tensor empty whatever the other dimensions are ([0, 2^40, 2^40] is valid).
        if dims.contains(0) { return 0 }
        var count = 1
        for d in dims {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw TensorError.sizeOverflow(self) }
            count = p
        }
        return count
    }

    /// The byte size for elements of `dtype`, checked for overflow.
    public func checkedByteCount(_ dtype: DType) throws -> Int {
        let count = try checkedElementCount()
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteWidth ?? MemoryLayout<String>.stride)
        guard !overflow else { throw TensorError.sizeOverflow(self) }
        return bytes
    }

    /// Row-major strides in elements. Only meaningful for a validated shape.
    public var strides: [Int] {
        var s = [Int](repeating: 1, count: dims.count)
        var acc = 1
        for i in stride(from: dims.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc &*= Swift.max(dims[i], 1)
        }
        return s
    }

    /// The element count of a shape already validated by ``checkedElementCount()``.
    var elementCount: Int { dims.reduce(1, &*) }

    /// The NumPy broadcast of two shapes: dimensions are aligned from the right and each pair must be
    /// equal or contain a 1.
    /// - Throws: ``TensorError/notBroadcastable(operation:_:_:)`` naming both shapes.
    public static func broadcast(_ a: Shape, _ b: Shape, operation: String = "broadcast") throws -> Shape {
        let rank = Swift.max(a.rank, b.rank)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.rank ? 1 : a.dims[i - (rank - a.rank)]
            let db = i < rank - b.rank ? 1 : b.dims[i - (rank - b.rank)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
                throw TensorError.notBroadcastable(operation: operation, a, b)
            }
        }
        return Shape(out)
    }
}
