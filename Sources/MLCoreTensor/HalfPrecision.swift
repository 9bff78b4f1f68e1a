/// An IEEE 754 binary16 value as a tensor stores it (ONNX `FLOAT16`).
///
/// MLCore keeps float16 tensors narrow in memory and converts to `Float` to compute (as onnxruntime's CPU
/// provider does for most operators). Written out rather than Swift's `Float16`, which is not available on
/// every platform MLCore builds on.
public struct Half: TensorScalar, Hashable, CustomStringConvertible {
    public static var dtype: DType { .float16 }
    public static var zero: Half { Half(bitPattern: 0) }

    /// The binary16 bits.
    public var bitPattern: UInt16

    public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    /// The nearest binary16 value (round to nearest even; overflow gives infinity; NaN stays NaN).
    public init(_ value: Float) {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {  // infinity or NaN (keep a quiet NaN)
            bitPattern = sign | 0x7C00 | (mantissa != 0 ? 0x200 | UInt16(mantissa >> 13) : 0)
            return
        }
        let e = exponent - 127 + 15
        if e >= 0x1F { bitPattern = sign | 0x7C00; return }
        if e <= 0 {
            // Subnormal or zero: shift the implicit-one mantissa right, rounding to nearest even.
            if e < -10 { bitPattern = sign; return }
            let m = mantissa | 0x80_0000
            let shift = UInt32(14 - e)
            var half = m >> shift
            let remainder = m & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
            bitPattern = sign | UInt16(half)
            return
        }
        var half = UInt32(e) << 10 | mantissa >> 13
        let remainder = mantissa & 0x1FFF
        if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }  // may carry into the exponent: correct
        bitPattern = sign | UInt16(half)
    }

    /// The value as a `Float`, exactly (subnormals, infinities and NaN included).
    public var float: Float {
        let h = bitPattern
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0:
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    public var description: String { float.description }
}

/// A bfloat16 value as a tensor stores it (ONNX `BFLOAT16`): the upper 16 bits of a float32.
public struct BFloat16: TensorScalar, Hashable, CustomStringConvertible {
    public static var dtype: DType { .bfloat16 }
    public static var zero: BFloat16 { BFloat16(bitPattern: 0) }

    public var bitPattern: UInt16

    public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    /// The nearest bfloat16 value (round to nearest even, as onnxruntime and PyTorch; NaN stays a quiet NaN).
    public init(_ value: Float) {
        let bits = value.bitPattern
        if value.isNaN { bitPattern = UInt16(bits >> 16) | 0x40; return }
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        bitPattern = UInt16(rounded >> 16)
    }

    public var float: Float { Float(bitPattern: UInt32(bitPattern) << 16) }

    public var description: String { float.description }
}
