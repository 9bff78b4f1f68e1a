import Foundation
import MLCoreTensor

/// Cast: converts every element to the type `to` (an ONNX `TensorProto.DataType` code; in opset 1 a type
/// name such as `"FLOAT"`), between every element type MLCore holds (float32/64, float16, bfloat16, the
/// signed and unsigned integers of 8 to 64 bits, bool, string). Other targets (float8, 4-bit, complex) are
/// errors naming the type, as MLCore cannot hold them.
///
/// Rules (ONNX leaves the out-of-range cases implementation-defined; these choices never trap):
/// - float -> int truncates toward zero; NaN becomes 0; values beyond the target's range (and infinities)
///   saturate to its minimum or maximum. (onnxruntime on x86 yields the minimum for all of these.)
/// - int -> int keeps the low bits (two's complement wrap, as C++ and NumPy); float64 -> float32 rounds to
///   nearest (overflow gives infinity).
/// - number -> bool is `x != 0` (NaN is true); bool -> number is 0 or 1.
/// - number -> string: integers in decimal, floats as the shortest text that reads back to the same value
///   (`"0.1"`, `"1e-05"`, `"nan"`, `"inf"`, `"-inf"`), bools as `"1"` and `"0"` (as onnxruntime).
/// - string -> number: decimal or scientific text, surrounding spaces ignored; `"NaN"`, `"INF"`, `"+INF"`,
///   `"-INF"` in any case (and `"infinity"`). To an integer type, text that is not an integer is read as a
///   float and truncated (`"100.5"` -> 100). string -> bool: a number (non-zero is true) or `"true"`/`"false"`.
///   Text that is none of these is an error naming the node and the text.
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Cast.html
struct Cast: Operator {
    let spec: NodeSpec
    let target: DType

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let code: Int64
        if case .string(let name)? = spec.node.attributes["to"] {
            guard let c = Self.codes[name.uppercased()] else { throw spec.error("cast to \(name) is not supported") }
            code = c
        } else {
            code = try spec.int("to")
        }
        guard let c = Int32(exactly: code), let encoding = ElementEncoding(onnxCode: c) else {
            let name = Int32(exactly: code).map { ONNXError.dataTypeName($0) } ?? "unknown"
            throw spec.error("cast to element type \(code) (\(name)) is not supported")
        }
        target = encoding.dtype
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        [.tensor(try Self.convert(try inputs.tensor(0, spec), to: target, spec, context))]
    }

    /// Opset 1's type names.
    static let codes: [String: Int64] = ["FLOAT": 1, "UINT8": 2, "INT8": 3, "UINT16": 4, "INT16": 5, "INT32": 6, "INT64": 7,
                                         "STRING": 8, "BOOL": 9, "FLOAT16": 10, "DOUBLE": 11, "UINT32": 12, "UINT64": 13,
                                         "BFLOAT16": 16]

    /// Converts `x` to `target`. float16 and bfloat16 go through float32 (exact when widening; narrowing rounds
    /// once, to nearest even); every other pair converts directly.
    static func convert(_ x: Tensor, to target: DType, _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
        if x.dtype == target { return x }
        if x.dtype.isHalfPrecision {
            return try convert(widenHalf(x, spec, context), to: target, spec, context)
        }
        if target.isHalfPrecision {
            let wide = try convert(x, to: .float32, spec, context)
            return try narrowHalf(wide, to: target, spec, context)
        }
        switch x.dtype {
        case .float32: return try fromFloat(x, Float.self, to: target, spec, context)
        case .float64: return try fromFloat(x, Double.self, to: target, spec, context)
        case .int8: return try fromInteger(x, Int8.self, to: target, spec, context)
        case .uint8: return try fromInteger(x, UInt8.self, to: target, spec, context)
        case .int16: return try fromInteger(x, Int16.self, to: target, spec, context)
        case .uint16: return try fromInteger(x, UInt16.self, to: target, spec, context)
        case .int32: return try fromInteger(x, Int32.self, to: target, spec, context)
        case .uint32: return try fromInteger(x, UInt32.self, to: target, spec, context)
        case .int64: return try fromInteger(x, Int64.self, to: target, spec, context)
        case .uint64: return try fromInteger(x, UInt64.self, to: target, spec, context)
        case .bool:
            switch target {
            case .float32: return try mapTensor(x, BoolToNumber<Float>(), spec, context)
            case .float64: return try mapTensor(x, BoolToNumber<Double>(), spec, context)
            case .string: return try text(x, Bool.self, spec, context)
            default: return try convert(mapTensor(x, BoolToNumber<Int64>(), spec, context), to: target, spec, context)
            }
        case .string:
            let text = try x.strings()
            switch target {
            case .float32: return try parse(text, x.shape, Float.self, spec, context)
            case .float64: return try parse(text, x.shape, Double.self, spec, context)
            case .bool: return try parse(text, x.shape, Bool.self, spec, context)
            case .uint64: return try parse(text, x.shape, UInt64.self, spec, context)
            default: return try convert(parse(text, x.shape, Int64.self, spec, context), to: target, spec, context)
            }
        case .float16, .bfloat16:
            preconditionFailure("widened above")
        }
    }

    static func fromFloat<S: FloatCastSource>(_ x: Tensor, _: S.Type, to target: DType, _ spec: NodeSpec,
                                                                 _ context: RunContext) throws -> Tensor {
        switch target {
        case .float32: return try mapTensor(x, FloatToFloat<S, Float>(), spec, context)
        case .float64: return try mapTensor(x, FloatToFloat<S, Double>(), spec, context)
        case .int32: return try mapTensor(x, FloatToInt32<S>(), spec, context)
        case .int64: return try mapTensor(x, FloatToInt64<S>(), spec, context)
        case .bool: return try mapTensor(x, NonZero<S>(), spec, context)
        case .string: return try text(x, S.self, spec, context)
        // Narrow integers: truncate toward zero into int64 (saturating), then keep the low bits, as C++ casts do
        // for in-range values.
        default: return try fromInteger(mapTensor(x, FloatToInt64<S>(), spec, context), Int64.self, to: target, spec, context)
        }
    }

    static func fromInteger<S: FixedWidthInteger & TextCastable>(_ x: Tensor, _: S.Type, to target: DType, _ spec: NodeSpec,
                                                                _ context: RunContext) throws -> Tensor {
        switch target {
        case .float32: return try mapTensor(x, IntegerToFloat<S, Float>(), spec, context)
        case .float64: return try mapTensor(x, IntegerToFloat<S, Double>(), spec, context)
        case .int8: return try mapTensor(x, IntegerToInteger<S, Int8>(), spec, context)
        case .uint8: return try mapTensor(x, IntegerToInteger<S, UInt8>(), spec, context)
        case .int16: return try mapTensor(x, IntegerToInteger<S, Int16>(), spec, context)
        case .uint16: return try mapTensor(x, IntegerToInteger<S, UInt16>(), spec, context)
        case .int32: return try mapTensor(x, IntegerToInteger<S, Int32>(), spec, context)
        case .uint32: return try mapTensor(x, IntegerToInteger<S, UInt32>(), spec, context)
        case .int64: return try mapTensor(x, IntegerToInteger<S, Int64>(), spec, context)
        case .uint64: return try mapTensor(x, IntegerToInteger<S, UInt64>(), spec, context)
        case .bool: return try mapTensor(x, NonZero<S>(), spec, context)
        case .string: return try text(x, S.self, spec, context)
        case .float16, .bfloat16: return try narrowHalf(mapTensor(x, IntegerToFloat<S, Float>(), spec, context), to: target, spec, context)
        }
    }

    static func text<S: TextCastable>(_ x: Tensor, _: S.Type, _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
        _ = try context.checkTensorSize(x.shape, .string, spec)
        let text = try x.withUnsafeBufferPointer(as: S.self) { $0.map(\.castText) }
        return try Tensor(shape: x.shape, strings: text)
    }

    static func parse<D: TextCastable>(_ text: [String], _ shape: Shape, _: D.Type, _ spec: NodeSpec,
                                       _ context: RunContext) throws -> Tensor {
        var out = try context.makeTensor(shape, D.dtype, node: spec.name)
        try out.withUnsafeMutableBufferPointer(as: D.self) { p in
            for (i, s) in text.enumerated() {
                guard let v = D(castText: s.trimmingCharacters(in: .whitespaces)) else {
                    throw spec.error("cannot cast the string \"\(s.prefix(40))\" to \(D.dtype)")
                }
                p[i] = v
            }
        }
        return out
    }
}

/// float16 / bfloat16 -> float32, exactly.
func widenHalf(_ x: Tensor, _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
    switch x.dtype {
    case .float16: return try mapTensor(x, HalfToFloat(), spec, context)
    case .bfloat16: return try mapTensor(x, BFloat16ToFloat(), spec, context)
    default: return x
    }
}

/// float32 -> float16 / bfloat16, rounded to nearest even.
func narrowHalf(_ x: Tensor, to target: DType, _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
    let x = x.dtype == .float32 ? x : try Cast.convert(x, to: .float32, spec, context)
    switch target {
    case .float16: return try mapTensor(x, FloatToHalf(), spec, context)
    case .bfloat16: return try mapTensor(x, FloatToBFloat16(), spec, context)
    default: return x
    }
}

struct HalfToFloat: UnaryElementFunction {
    func callAsFunction(_ x: Half) -> Float { x.float }
}
struct BFloat16ToFloat: UnaryElementFunction {
    func callAsFunction(_ x: BFloat16) -> Float { x.float }
}
struct FloatToHalf: UnaryElementFunction {
    func callAsFunction(_ x: Float) -> Half { Half(x) }
}
struct FloatToBFloat16: UnaryElementFunction {
    func callAsFunction(_ x: Float) -> BFloat16 { BFloat16(x) }
}

/// The numeric conversions of ``Cast``, as element-function types (see Support+Map.swift).
struct FloatToFloat<S: BinaryFloatingPoint & TensorScalar, D: BinaryFloatingPoint & TensorScalar>: UnaryElementFunction {
    func callAsFunction(_ x: S) -> D { D(x) }
}
struct FloatToInt32<S: FloatCastSource>: UnaryElementFunction {
    func callAsFunction(_ x: S) -> Int32 { x.saturatingInt32 }
}
struct FloatToInt64<S: FloatCastSource>: UnaryElementFunction {
    func callAsFunction(_ x: S) -> Int64 { x.saturatingInt64 }
}

/// Float -> integer conversions written per concrete type: the generic `I(value)` is a slow bit-level
/// conversion, the concrete one a single instruction (Cast float32 -> int64 of 1M elements: 9 ms -> 0.3 ms).
/// Truncation toward zero; NaN -> 0; saturation outside the range (the bounds are powers of two, exact).
protocol FloatCastSource: BinaryFloatingPoint, TextCastable {
    var saturatingInt32: Int32 { get }
    var saturatingInt64: Int64 { get }
}
extension Float: FloatCastSource {
    var saturatingInt32: Int32 { isNaN ? 0 : self >= 0x1p31 ? .max : self <= -0x1p31 ? .min : Int32(self) }
    var saturatingInt64: Int64 { isNaN ? 0 : self >= 0x1p63 ? .max : self <= -0x1p63 ? .min : Int64(self) }
}
extension Double: FloatCastSource {
    var saturatingInt32: Int32 { isNaN ? 0 : self >= 0x1p31 ? .max : self <= -0x1p31 ? .min : Int32(self) }
    var saturatingInt64: Int64 { isNaN ? 0 : self >= 0x1p63 ? .max : self <= -0x1p63 ? .min : Int64(self) }
}
struct IntegerToFloat<S: FixedWidthInteger & TensorScalar, D: BinaryFloatingPoint & TensorScalar>: UnaryElementFunction {
    func callAsFunction(_ x: S) -> D { D(x) }
}
struct IntegerToInteger<S: FixedWidthInteger & TensorScalar, D: FixedWidthInteger & TensorScalar>: UnaryElementFunction {
    func callAsFunction(_ x: S) -> D { D(truncatingIfNeeded: x) }
}
struct NonZero<S: Numeric & TensorScalar>: UnaryElementFunction {
    func callAsFunction(_ x: S) -> Bool { x != 0 }
}
struct BoolToNumber<D: Numeric & TensorScalar>: UnaryElementFunction {
    func callAsFunction(_ x: Bool) -> D { x ? 1 : 0 }
}
/// Text conversions of ``Cast`` for every element type MLCore has.
protocol TextCastable: TensorScalar {
    init?(castText: String)
    var castText: String { get }
}

extension Float: TextCastable {
    init?(castText: String) { guard let v: Float = parseFloatText(castText) else { return nil }; self = v }
    var castText: String { description }
}

extension Double: TextCastable {
    init?(castText: String) { guard let v: Double = parseFloatText(castText) else { return nil }; self = v }
    var castText: String { description }
}

extension Int32: TextCastable {
    init?(castText: String) { guard let v = parseIntegerText(castText) else { return nil }; self = Int32(truncatingIfNeeded: v) }
    var castText: String { description }
}

extension Int64: TextCastable {
    init?(castText: String) { guard let v = parseIntegerText(castText) else { return nil }; self = v }
    var castText: String { description }
}

extension UInt64: TextCastable {
    init?(castText: String) {
        if let v = UInt64(castText) { self = v; return }
        guard let v = parseIntegerText(castText) else { return nil }
        self = UInt64(truncatingIfNeeded: v)
    }
    var castText: String { description }
}

/// The narrow integers read text as int64 (keeping the low bits) and print in decimal.
extension Int8: TextCastable {
    init?(castText: String) { guard let v = parseIntegerText(castText) else { return nil }; self = Int8(truncatingIfNeeded: v) }
    var castText: String { description }
}
extension UInt8: TextCastable {
    init?(castText: String) { guard let v = parseIntegerText(castText) else { return nil }; self = UInt8(truncatingIfNeeded: v) }
    var castText: String { description }
}
extension Int16: TextCastable {
    init?(castText: String) { guard let v = parseIntegerText(castText) else { return nil }; self = Int16(truncatingIfNeeded: v) }
    var castText: String { description }
}
extension UInt16: TextCastable {
    init?(castText: String) { guard let v = parseIntegerText(castText) else { return nil }; self = UInt16(truncatingIfNeeded: v) }
    var castText: String { description }
}
extension UInt32: TextCastable {
    init?(castText: String) { guard let v = parseIntegerText(castText) else { return nil }; self = UInt32(truncatingIfNeeded: v) }
    var castText: String { description }
}

extension Bool: TextCastable {
    init?(castText: String) {
        switch castText.lowercased() {
        case "true": self = true
        case "false": self = false
        default:
            guard let v: Double = parseFloatText(castText) else { return nil }
            self = v != 0
        }
    }
    var castText: String { self ? "1" : "0" }
}

/// Decimal or scientific text, or ONNX's special values (case-insensitive `NaN`, `INF`, `+INF`, `-INF`);
/// parsed directly in the target type, so float32 text rounds once. Overflow gives infinity.
private func parseFloatText<F: BinaryFloatingPoint & LosslessStringConvertible>(_ s: String) -> F? {
    switch s.lowercased() {
    case "nan", "+nan", "-nan": return .nan
    case "inf", "+inf", "infinity", "+infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    default: break
    }
    // Swift's parser also takes hexadecimal floats; ONNX text is decimal.
    guard !s.isEmpty, !s.lowercased().contains("x") else { return nil }
    return F(s)
}

/// An integer, or a float truncated toward zero (saturating, NaN -> 0).
private func parseIntegerText(_ s: String) -> Int64? {
    if let v = Int64(s) { return v }
    return (parseFloatText(s) as Double?).map(\.saturatingInt64)
}

/// CastLike (opset 15): Cast to the element type of the second input.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__CastLike.html
struct CastLike: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), like = try inputs.tensor(1, spec)
        return [.tensor(try Cast.convert(x, to: like.dtype, spec, context))]
    }
}
