import MLCoreTensor

/// Element types that ONNX arithmetic and comparison operators accept here.
protocol ONNXNumeric: TensorScalar, Comparable {
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    /// Division with ONNX semantics: IEEE for floats; for integers truncation toward zero (division by
    /// zero yields 0 instead of trapping, so no input can crash the process).
    static func onnxDivide(_ a: Self, _ b: Self) -> Self
    init(clamping value: Double)
    var asDouble: Double { get }
}

extension Float: ONNXNumeric {
    static func onnxDivide(_ a: Float, _ b: Float) -> Float { a / b }
    init(clamping value: Double) { self = Float(value) }
    var asDouble: Double { Double(self) }
}
extension Double: ONNXNumeric {
    static func onnxDivide(_ a: Double, _ b: Double) -> Double { a / b }
    init(clamping value: Double) { self = value }
    var asDouble: Double { self }
}
extension Int64: ONNXNumeric {
    static func + (a: Int64, b: Int64) -> Int64 { a &+ b }
    static func - (a: Int64, b: Int64) -> Int64 { a &- b }
    static func * (a: Int64, b: Int64) -> Int64 { a &* b }
    static func onnxDivide(_ a: Int64, _ b: Int64) -> Int64 { b == 0 || (a == .min && b == -1) ? 0 : a / b }
    init(clamping value: Double) { self = value.isFinite ? Int64(Swift.max(Swift.min(value, 9.2e18), -9.2e18)) : 0 }
    var asDouble: Double { Double(self) }
}
extension Int32: ONNXNumeric {
    static func + (a: Int32, b: Int32) -> Int32 { a &+ b }
    static func - (a: Int32, b: Int32) -> Int32 { a &- b }
    static func * (a: Int32, b: Int32) -> Int32 { a &* b }
    static func onnxDivide(_ a: Int32, _ b: Int32) -> Int32 { b == 0 || (a == .min && b == -1) ? 0 : a / b }
    init(clamping value: Double) { self = value.isFinite ? Int32(Swift.max(Swift.min(value, 2.1e9), -2.1e9)) : 0 }
    var asDouble: Double { Double(self) }
}
