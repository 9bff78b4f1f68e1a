import MLCoreTensor

/// Mod (opset 10, 13): the remainder of `A / B` with NumPy broadcasting; both inputs share one type.
///
/// `fmod = 0` (default) is the modulus with the divisor's sign, as Python's `%` and NumPy's `mod` (for floats:
/// `fmod`, plus the divisor when the signs differ, and a zero result signed as the divisor, so `-3 mod inf`
/// is `inf`, as onnxruntime 1.32 computes it); `fmod = 1` is C's `fmod`, with the dividend's sign. Integer
/// `fmod = 1` runs in double precision, as onnxruntime's `std::fmod` on integers does. Floats take `fmod = 0`
/// from opset 28; before it they require `fmod = 1`, and onnxruntime rejects 0. A zero divisor,
/// undefined behaviour in onnxruntime, gives 0 for integers (NaN for floats, as `fmod`); so does the
/// overflowing `min % -1`. Opset 13 only adds bfloat16.
/// - Complexity: O(output elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Mod.html
struct Mod: Operator {
    let spec: NodeSpec
    let fmod: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let f = try spec.int("fmod", default: 0)
        guard f == 0 || f == 1 else { throw spec.error("fmod must be 0 or 1, got \(f)") }
        fmod = f == 1
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, spec), b = try inputs.tensor(1, spec)
        guard a.dtype == b.dtype else { throw spec.error("input types differ: \(a.dtype) and \(b.dtype)") }
        switch a.dtype {
        case .float32: return [.tensor(try floating(Float.self, a, b, context))]
        case .float64: return [.tensor(try floating(Double.self, a, b, context))]
        case .int32: return [.tensor(try integer(Int32.self, a, b, context))]
        case .int64: return [.tensor(try integer(Int64.self, a, b, context))]
        default: throw spec.error("element type \(a.dtype) is not supported")
        }
    }

    func floating<T: BinaryFloatingPoint & TensorScalar>(_: T.Type, _ a: Tensor, _ b: Tensor, _ context: RunContext) throws -> Tensor {
        if fmod { return try zipTensors(a, b, FloatRemainder<T>(), spec, context) }
        guard spec.opset >= 28 else {
            throw spec.error("fmod must be 1 for floating-point inputs (\(a.dtype)) before opset 28, got opset \(spec.opset)")
        }
        return try zipTensors(a, b, FloatModulus<T>(), spec, context)
    }

    func integer<T: FixedWidthInteger & TensorScalar>(_: T.Type, _ a: Tensor, _ b: Tensor, _ context: RunContext) throws -> Tensor {
        fmod ? try zipTensors(a, b, IntegerFMod<T>(), spec, context) : try zipTensors(a, b, IntegerModulus<T>(), spec, context)
    }
}

/// C `fmod`: the remainder of truncating division, with the dividend's sign.
struct FloatRemainder<T: BinaryFloatingPoint & TensorScalar>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { a.truncatingRemainder(dividingBy: b) }
}

/// NumPy's `mod` of floats: the remainder with the divisor's sign.
struct FloatModulus<T: BinaryFloatingPoint & TensorScalar>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T {
        let r = a.truncatingRemainder(dividingBy: b)
        if r == 0 { return b.sign == .minus ? -0.0 : 0 }
        return (r < 0) != (b < 0) ? r + b : r
    }
}

/// The remainder with the divisor's sign (Python's `%`).
struct IntegerModulus<T: FixedWidthInteger & TensorScalar>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T {
        if b == 0 { return 0 }
        let (r, overflow) = a.remainderReportingOverflow(dividingBy: b)
        if overflow { return 0 }
        return (r < 0 && b > 0) || (r > 0 && b < 0) ? r &+ b : r
    }
}

/// `fmod` of integers through double, as onnxruntime's `static_cast<T>(std::fmod(x, y))`.
struct IntegerFMod<T: FixedWidthInteger & TensorScalar>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T {
        if b == 0 { return 0 }
        let r = Double(a).truncatingRemainder(dividingBy: Double(b))
        // |r| < |b|, so it fits T; the guard only restates that for the converter.
        return T(exactly: r.rounded(.towardZero)) ?? 0
    }
}
