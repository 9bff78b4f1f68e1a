import MLCore

/// How the conformance runner decides that an output matches ONNX's expected output: the rule of ONNX's backend
/// test runner (`onnx/backend/test/runner/__init__.py`, `assert_similar_outputs`).
///
/// - Shapes must be equal, and element types too (after MLCore's widening on load, which applies to both sides).
/// - Floating point: `numpy.testing.assert_allclose` semantics, `|actual - expected| <= atol + rtol * |expected|`
///   element-wise; NaN matches NaN, and an infinity matches only the same infinity.
/// - Integers, booleans and strings: exact equality.
public struct ConformanceComparison: Sendable, Equatable {
    /// ONNX's default relative tolerance for node tests.
    public static let defaultRelativeTolerance = 1e-3
    /// ONNX's default absolute tolerance for node tests.
    public static let defaultAbsoluteTolerance = 1e-7

    public var rtol: Double
    public var atol: Double

    public init(rtol: Double = Self.defaultRelativeTolerance, atol: Double = Self.defaultAbsoluteTolerance) {
        self.rtol = rtol
        self.atol = atol
    }

    /// Whether two floating-point values match under this rule.
    public func matches(_ actual: Double, _ expected: Double) -> Bool {
        if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN }
        // An infinity matches only itself (numpy.isclose); the formula would accept -inf for +inf.
        if !actual.isFinite || !expected.isFinite { return actual == expected }
        return abs(actual - expected) <= atol + rtol * abs(expected)
    }

    /// `nil` when `actual` matches `expected`, otherwise what differs (shape, type, or how many elements and the
    /// worst one, with its row-major index).
    public func mismatch(actual: Tensor, expected: Tensor) -> String? {
        guard actual.shape == expected.shape else {
            return "shape \(actual.shape), expected \(expected.shape)"
        }
        guard actual.dtype == expected.dtype else {
            return "element type \(actual.dtype), expected \(expected.dtype)"
        }
        do {
            switch expected.dtype {
            case .float32:
                return floatMismatch(try actual.scalars(as: Float.self).map(Double.init),
                                     try expected.scalars(as: Float.self).map(Double.init))
            case .float64:
                return floatMismatch(try actual.scalars(as: Double.self), try expected.scalars(as: Double.self))
            case .int64: return exactMismatch(try actual.scalars(as: Int64.self), try expected.scalars(as: Int64.self))
            case .int32: return exactMismatch(try actual.scalars(as: Int32.self), try expected.scalars(as: Int32.self))
            case .bool: return exactMismatch(try actual.scalars(as: Bool.self), try expected.scalars(as: Bool.self))
            case .string: return exactMismatch(try actual.strings(), try expected.strings())
            case .int8: return exactMismatch(try actual.scalars(as: Int8.self), try expected.scalars(as: Int8.self))
            case .uint8: return exactMismatch(try actual.scalars(as: UInt8.self), try expected.scalars(as: UInt8.self))
            case .int16: return exactMismatch(try actual.scalars(as: Int16.self), try expected.scalars(as: Int16.self))
            case .uint16: return exactMismatch(try actual.scalars(as: UInt16.self), try expected.scalars(as: UInt16.self))
            case .uint32: return exactMismatch(try actual.scalars(as: UInt32.self), try expected.scalars(as: UInt32.self))
            case .uint64: return exactMismatch(try actual.scalars(as: UInt64.self), try expected.scalars(as: UInt64.self))
            // 16-bit floats: the expected values were computed in 16 bits, ours in float32 and rounded once, so
            // onnx's own 16-bit comparison tolerance applies (numpy.testing with rtol 1e-3, atol 1e-3 ... wider for bf16).
            case .float16:
                return floatMismatch(try actual.scalars(as: Half.self).map { Double($0.float) },
                                     try expected.scalars(as: Half.self).map { Double($0.float) }, rtol: max(rtol, 1e-3), atol: max(atol, 1e-3))
            case .bfloat16:
                return floatMismatch(try actual.scalars(as: BFloat16.self).map { Double($0.float) },
                                     try expected.scalars(as: BFloat16.self).map { Double($0.float) }, rtol: max(rtol, 1e-2), atol: max(atol, 1e-2))
            }
        } catch {
            return "cannot read the elements: \(error)"
        }
    }

    func floatMismatch(_ actual: [Double], _ expected: [Double]) -> String? {
        floatMismatch(actual, expected, rtol: rtol, atol: atol)
    }

    func floatMismatch(_ actual: [Double], _ expected: [Double], rtol: Double, atol: Double) -> String? {
        let rule = ConformanceComparison(rtol: rtol, atol: atol)
        var bad = 0
        var worst: (index: Int, excess: Double)?
        for i in expected.indices where !rule.matches(actual[i], expected[i]) {
            bad += 1
            // Rank by how far past the allowed difference the element is; NaN / infinity mismatches rank first.
            let excess = abs(actual[i] - expected[i]) - (atol + rtol * abs(expected[i]))
            let rank = excess.isFinite ? excess : .infinity
            if worst == nil || rank > worst!.excess { worst = (i, rank) }
        }
        guard let worst else { return nil }
        return "\(bad) of \(expected.count) elements differ beyond rtol \(rtol), atol \(atol); worst at index "
            + "\(worst.index): \(actual[worst.index]), expected \(expected[worst.index])"
    }

    func exactMismatch<T: Equatable>(_ actual: [T], _ expected: [T]) -> String? {
        var bad = 0
        var first: Int?
        for i in expected.indices where actual[i] != expected[i] {
            bad += 1
            if first == nil { first = i }
        }
        guard let first else { return nil }
        return "\(bad) of \(expected.count) elements differ (exact comparison); first at index \(first): "
            + "\(String(reflecting: actual[first])), expected \(String(reflecting: expected[first]))"
    }
}
