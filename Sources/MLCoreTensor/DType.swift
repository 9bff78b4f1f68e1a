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
    case int8
    case uint8
    case int16
    case uint16
    case uint32
    case uint64
    /// IEEE 754 binary16, stored as such (``Half``); operators compute it widened to float32.
    case float16
    /// bfloat16 (the upper half of a float32), stored as such (``BFloat16``); computed widened to float32.
    case bfloat16

    /// Bytes per element in contiguous storage; `nil` for ``string``, which has no fixed width.
    public var byteWidth: Int? {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16, .float16, .bfloat16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        case .string: return nil
        }
    }

    /// Whether the type is a floating-point type.
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: return true
        default: return false
        }
    }

    /// Whether the type is a signed or unsigned integer type (bool excluded).
    public var isInteger: Bool {
        switch self {
        case .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64: return true
        default: return false
        }
    }

    /// Whether the type is a 16-bit float stored narrow and computed as float32.
    public var isHalfPrecision: Bool { self == .float16 || self == .bfloat16 }

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
extension Int8: TensorScalar {
    public static var dtype: DType { .int8 }
}
extension UInt8: TensorScalar {
    public static var dtype: DType { .uint8 }
}
extension Int16: TensorScalar {
    public static var dtype: DType { .int16 }
}
extension UInt16: TensorScalar {
    public static var dtype: DType { .uint16 }
}
extension UInt32: TensorScalar {
    public static var dtype: DType { .uint32 }
}
extension UInt64: TensorScalar {
    public static var dtype: DType { .uint64 }
}

extension Tensor {
    /// The elements of an integer (or bool) tensor widened to `Int64` (uint64 above `Int64.max` wraps), or `nil`
    /// for other element types. For shape-like inputs and integer attributes, which any integer type may carry.
    public func widenedIntegers() -> [Int64]? {
        func widen<T: TensorScalar & BinaryInteger>(_: T.Type) -> [Int64]? {
            (try? scalars(as: T.self))?.map { Int64(truncatingIfNeeded: $0) }
        }
        switch dtype {
        case .int64: return try? scalars(as: Int64.self)
        case .int32: return widen(Int32.self)
        case .int8: return widen(Int8.self)
        case .uint8: return widen(UInt8.self)
        case .int16: return widen(Int16.self)
        case .uint16: return widen(UInt16.self)
        case .uint32: return widen(UInt32.self)
        case .uint64: return widen(UInt64.self)
        case .bool: return (try? scalars(as: Bool.self))?.map { $0 ? 1 : 0 }
        default: return nil
        }
    }

    /// The elements of a floating-point tensor widened to `Double` (exact), or `nil` for other element types.
    public func widenedFloats() -> [Double]? {
        switch dtype {
        case .float64: return try? scalars(as: Double.self)
        case .float32: return (try? scalars(as: Float.self))?.map(Double.init)
        case .float16: return (try? scalars(as: Half.self))?.map { Double($0.float) }
        case .bfloat16: return (try? scalars(as: BFloat16.self))?.map { Double($0.float) }
        default: return nil
        }
    }
}
