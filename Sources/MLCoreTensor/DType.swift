/// The element type of a ``Tensor``.
///
/// The cases follow ONNX's `TensorProto.DataType` names for the types MLCore supports.
public enum DType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case float32
    case float64
    case int64
    case int32
    case bool
    /// Variable-length UTF-8 strings (ONNX label tensors); stored as Swift `String`s, not as bytes.
    case string

    /// Bytes per element in contiguous storage; `nil` for ``string``, which has no fixed width.
    public var byteWidth: Int? {
        switch self {
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        case .bool: return 1
        case .string: return nil
        }
    }

    /// Whether the type is a floating-point type.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    public var description: String { rawValue }
}

/// A Swift type that can be the element of a numeric or boolean ``Tensor``.
public protocol TensorScalar: Sendable, Equatable {
    /// The tensor element type that stores values of this Swift type.
    static var dtype: DType { get }
    /// The additive zero of the type (`false` for `Bool`).
    static var zero: Self { get }
}

extension Float: TensorScalar {
    public static var dtype: DType { .float32 }
}
extension Double: TensorScalar {
    public static var dtype: DType { .float64 }
}
extension Int64: TensorScalar {
    public static var dtype: DType { .int64 }
}
extension Int32: TensorScalar {
    public static var dtype: DType { .int32 }
}
extension Bool: TensorScalar {
    public static var dtype: DType { .bool }
    public static var zero: Bool { false }
}
