/// Errors thrown by tensor construction, views and kernels when their input is invalid.
///
/// Every case carries enough to say which shapes, types or operation were involved.
public enum TensorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two shapes that had to agree do not; `operation` names the check (for example `"gemm"`).
    case shapeMismatch(operation: String, Shape, Shape)
    /// Shapes cannot be broadcast together under NumPy rules.
    case notBroadcastable(operation: String, Shape, Shape)
    /// A tensor had a different element type than the operation needs.
    case dtypeMismatch(operation: String, expected: DType, actual: DType)
    /// The number of supplied scalars does not match the shape's element count.
    case scalarCountMismatch(shape: Shape, count: Int)
    /// A dimension is negative.
    case negativeDimension(Shape)
    /// The element count or byte size of a shape does not fit in `Int`.
    case sizeOverflow(Shape)
    /// An axis or index lies outside its valid range.
    case indexOutOfRange(operation: String, index: Int, bound: Int)
    /// An operation does not support this element type.
    case unsupportedDType(operation: String, DType)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, a, b): return "\(op): shape mismatch between \(a) and \(b)"
        case let .notBroadcastable(op, a, b): return "\(op): shapes \(a) and \(b) cannot be broadcast together"
        case let .dtypeMismatch(op, e, a): return "\(op): expected element type \(e), got \(a)"
        case let .scalarCountMismatch(s, c): return "shape \(s) holds \(s.dims.reduce(1, { $0 &* $1 })) elements, got \(c) scalars"
        case let .negativeDimension(s): return "shape \(s) has a negative dimension"
        case let .sizeOverflow(s): return "shape \(s): element count or byte size overflows"
        case let .indexOutOfRange(op, i, b): return "\(op): index \(i) is out of range 0..<\(b)"
        case let .unsupportedDType(op, t): return "\(op): element type \(t) is not supported"
        }
    }
}
