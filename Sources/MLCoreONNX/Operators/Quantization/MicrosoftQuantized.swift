import Foundation
import MLCoreKernels
import MLCoreTensor

// com.microsoft operators that onnxruntime.quantization emits (QOperator format), computed as onnxruntime's
// CPU kernels compute them. See https://github.com/microsoft/onnxruntime/blob/main/docs/ContribOperators.md

/// Scale (float) and zero point (int, 0 when omitted) of one quantized operand, both scalars.
func quantParameters(_ inputs: [Value?], scale: Int, zero: Int, _ spec: NodeSpec, role: String) throws -> (Float, Int32) {
    let s = try scalarParameter(try inputs.tensor(scale, spec).quantizationFloats(spec, role: "\(role) scale"), spec, role: "\(role) scale")
    let z = try inputs.optionalTensor(zero, spec)?.quantizationIntegers(spec, role: "\(role) zero point") ?? [0]
    return (s, try scalarParameter(z.isEmpty ? [0] : z, spec, role: "\(role) zero point"))
}

/// 8-bit elements as Int32, with the 8-bit type.
func eightBitValues(_ t: Tensor, _ spec: NodeSpec, role: String) throws -> ([Int32], QuantizedType) {
    try checkEightBit(t, spec, role: role)
    return (try t.quantizationIntegers(spec, role: role), try QuantizedType(t.dtype, spec, role: role))
}

/// QLinearAdd / QLinearMul (com.microsoft): dequantize both inputs, add or multiply with broadcasting,
/// quantize with C's scale and zero point (onnxruntime's MlasQLinearAdd / MlasQLinearMul, in float).
struct QLinearBinary: Operator {
    enum Kind: Sendable { case add, mul }
    let spec: NodeSpec
    let kind: Kind
    init(_ spec: NodeSpec, _ kind: Kind) throws {
        self.spec = spec
        self.kind = kind
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, spec), b = try inputs.tensor(3, spec)
        try checkEightBit(a, spec, role: "A")
        guard b.dtype == a.dtype else { throw spec.error("A is \(a.dtype), B is \(b.dtype): they must match") }
        let (sa, za) = try quantParameters(inputs, scale: 1, zero: 2, spec, role: "A")
        let (sb, zb) = try quantParameters(inputs, scale: 4, zero: 5, spec, role: "B")
        let (sc, zc) = try quantParameters(inputs, scale: 6, zero: 7, spec, role: "C")
        let type = try QuantizedType(a.dtype, spec, role: "A")
        let range = type.range
        let kind = self.kind
        let ra = sa / sc, rb = sb / sc, rab = sa * sb / sc
        func compute<T: TensorScalar & BinaryInteger>(_: T.Type) throws -> Tensor {
            try broadcastMap(a, b, T.self, T.self, T.self, spec, context) { x, y in
                let va = Int32(x) - za, vb = Int32(y) - zb
                let v: Float
                switch kind {
                case .add: v = ra * Float(va) + rb * Float(vb)
                case .mul: v = rab * Float(va) * Float(vb)
                }
                return T(truncatingIfNeeded: quantizeValue(v, scale: 1, zeroPoint: zc, range: range))
            }
        }
        return [.tensor(a.dtype == .int8 ? try compute(Int8.self) : try compute(UInt8.self))]
    }
}

/// QLinearSigmoid / QLinearLeakyRelu (com.microsoft): a 256-entry lookup table built as onnxruntime builds it
/// (each 8-bit value dequantized, the function applied in float, the result quantized with Y's parameters).
struct QLinearLookup: Operator {
    enum Kind: Sendable { case sigmoid, leakyRelu(Float) }
    let spec: NodeSpec
    let kind: Kind
    init(_ spec: NodeSpec, sigmoid: Bool) throws {
        self.spec = spec
        kind = sigmoid ? .sigmoid : .leakyRelu(try spec.float("alpha", default: 0.01))
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        try checkEightBit(x, spec, role: "X")
        let (sx, zx) = try quantParameters(inputs, scale: 1, zero: 2, spec, role: "X")
        let (sy, zy) = try quantParameters(inputs, scale: 3, zero: 4, spec, role: "Y")
        let signed = x.dtype == .int8
        let range = try QuantizedType(x.dtype, spec, role: "X").range
        var table = [UInt8](repeating: 0, count: 256)
        for byte in 0..<256 {
            let q = signed ? Int32(Int8(truncatingIfNeeded: byte)) : Int32(byte)
            let v = sx * Float(q - zx)
            let f: Float
            switch kind {
            case .sigmoid: f = 1 / (1 + Foundation.exp(-v))
            case .leakyRelu(let alpha): f = v >= 0 ? v : v * alpha
            }
            table[byte] = UInt8(truncatingIfNeeded: quantizeValue(f, scale: sy, zeroPoint: zy, range: range))
        }
        var y = try context.makeTensor(x.shape, x.dtype, node: spec.name, zeroed: false)
        let src = UnsafeRawPointer(eightBitBase(x)).assumingMemoryBound(to: UInt8.self)
        let dst = UnsafeMutableRawPointer(signed ? UnsafeMutableRawPointer(y.unsafeMutableElements(as: Int8.self))
                                                 : UnsafeMutableRawPointer(y.unsafeMutableElements(as: UInt8.self)))
            .assumingMemoryBound(to: UInt8.self)
        withExtendedLifetime(x) {
            for i in 0..<x.count { dst[i] = table[Int(src[i])] }
        }
        return [.tensor(y)]
    }
}

/// QLinearGlobalAveragePool (com.microsoft): the int32 sum over the spatial axes minus the zero point's share,
/// requantized with `x_scale / (y_scale * imageSize)` (onnxruntime's MlasQLinearGlobalAveragePool).
/// `channels_last` reads NHWC input.
struct QLinearGlobalAveragePool: Operator {
    let spec: NodeSpec
    let channelsLast: Bool
    init(_ spec: NodeSpec) throws {
        self.spec = spec
        channelsLast = try spec.int("channels_last", default: 0) != 0
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let (values, type) = try eightBitValues(x, spec, role: "X")
        let (sx, zx) = try quantParameters(inputs, scale: 1, zero: 2, spec, role: "X")
        let (sy, zy) = try quantParameters(inputs, scale: 3, zero: 4, spec, role: "Y")
        guard x.rank >= 3 else { throw spec.shapeError("input \(x.shape) must have rank >= 3") }
        let n = x.shape[0], c = channelsLast ? x.shape[x.rank - 1] : x.shape[1]
        let spatial = channelsLast ? Array(x.shape.dims[1..<(x.rank - 1)]) : Array(x.shape.dims.dropFirst(2))
        let image = spatial.reduce(1, *)
        var outDims = x.shape.dims
        for d in (channelsLast ? 1..<(x.rank - 1) : 2..<x.rank) { outDims[d] = 1 }
        let scale = sx / (sy * Float(image))
        let bias = -zx &* Int32(truncatingIfNeeded: image)
        var out = [Int32](repeating: 0, count: n * c)
        for b in 0..<n {
            for ch in 0..<c {
                var sum: Int32 = 0
                for s in 0..<image {
                    sum &+= values[channelsLast ? (b * image + s) * c + ch : (b * c + ch) * image + s]
                }
                out[b * c + ch] = requantize(sum &+ bias, scale: scale, zeroPoint: zy, range: type.range)
            }
        }
        try context.checkOutput(Shape(outDims), x.dtype, node: spec.name)
        return [.tensor(try Tensor.quantized(out, shape: Shape(outDims), type: type))]
    }
}

/// QLinearConcat (com.microsoft): inputs `Y_scale, Y_zero_point, (X, X_scale, X_zero_point)...`; each input is
/// re-expressed in Y's scale and zero point through a lookup table (dequantize, quantize), then concatenated.
struct QLinearConcat: Operator {
    let spec: NodeSpec
    let axis: Int64
    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis")
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let (sy, zy) = try quantParameters(inputs, scale: 0, zero: 1, spec, role: "Y")
        guard inputs.count >= 5, (inputs.count - 2) % 3 == 0 else {
            throw spec.error("expects Y_scale, Y_zero_point and triples (X, X_scale, X_zero_point), got \(inputs.count) inputs")
        }
        var parts: [([Int32], Shape)] = []
        var type: QuantizedType?
        for t in stride(from: 2, to: inputs.count, by: 3) {
            let x = try inputs.tensor(t, spec)
            let (values, ty) = try eightBitValues(x, spec, role: "input \(t)")
            if let type, type != ty { throw spec.error("inputs mix int8 and uint8") }
            type = ty
            let (sx, zx) = try quantParameters(inputs, scale: t + 1, zero: t + 2, spec, role: "input \(t)")
            let mapped = sx == sy && zx == zy ? values
                : values.map { quantizeValue(sx * Float($0 - zx), scale: sy, zeroPoint: zy, range: ty.range) }
            parts.append((mapped, x.shape))
        }
        guard let type, let first = parts.first?.1 else { throw spec.error("no inputs") }
        let a = try normalizeAxis(axis, rank: first.rank, spec)
        var outDims = first.dims
        outDims[a] = 0
        for (_, s) in parts {
            guard s.rank == first.rank, (0..<s.rank).allSatisfy({ $0 == a || s[$0] == first[$0] }) else {
                throw spec.shapeError("input shapes \(parts.map(\.1)) differ outside axis \(a)")
            }
            outDims[a] += s[a]
        }
        let outer = first.dims[..<a].reduce(1, *), inner = first.dims[(a + 1)...].reduce(1, *)
        try context.checkOutput(Shape(outDims), type.dtype, node: spec.name)
        var out: [Int32] = []
        out.reserveCapacity(outDims.reduce(1, *))
        for o in 0..<outer {
            for (values, s) in parts {
                let chunk = s[a] * inner
                out.append(contentsOf: values[(o * chunk)..<((o + 1) * chunk)])
            }
        }
        return [.tensor(try Tensor.quantized(out, shape: Shape(outDims), type: type))]
    }
}

/// QGemm (com.microsoft): `alpha * (A - a_zp) x (B - b_zp) + C` with int32 C, then requantized with y's scale
/// and zero point, or, without y_scale, scaled to float32 (`acc * alpha * a_scale * b_scale[j]`).
struct QGemm: Operator {
    let spec: NodeSpec
    let transA: Bool, transB: Bool
    let alpha: Float
    init(_ spec: NodeSpec) throws {
        self.spec = spec
        transA = try spec.int("transA", default: 0) != 0
        transB = try spec.int("transB", default: 0) != 0
        alpha = try spec.float("alpha", default: 1)
    }

    /// A 2-D 8-bit tensor transposed.
    func transposed(_ t: Tensor) throws -> Tensor {
        let r = t.shape[0], c = t.shape[1]
        let src = UnsafeRawPointer(eightBitBase(t)).assumingMemoryBound(to: UInt8.self)
        var bytes = [UInt8](repeating: 0, count: t.count)
        withExtendedLifetime(t) {
            for i in 0..<r { for j in 0..<c { bytes[j * r + i] = src[i * c + j] } }
        }
        if t.dtype == .int8 { return try Tensor(shape: [c, r], scalars: bytes.map { Int8(bitPattern: $0) }) }
        return try Tensor(shape: [c, r], scalars: bytes)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        var a = try inputs.tensor(0, spec), b = try inputs.tensor(3, spec)
        try checkEightBit(a, spec, role: "A")
        try checkEightBit(b, spec, role: "B")
        guard a.rank == 2, b.rank == 2 else { throw spec.shapeError("A \(a.shape) and B \(b.shape) must be 2-D") }
        if transA { a = try transposed(a) }
        if transB { b = try transposed(b) }
        let (sa, za) = try quantParameters(inputs, scale: 1, zero: 2, spec, role: "A")
        let bScales = try inputs.tensor(4, spec).quantizationFloats(spec, role: "b_scale")
        let bZero = try inputs.optionalTensor(5, spec)?.quantizationIntegers(spec, role: "b_zero_point") ?? [0]
        var acc = try integerMatMul(a, b, aZero: [za], bZero: bZero.isEmpty ? [0] : bZero, spec, context)
        let m = acc.shape[0], n = acc.shape[1]
        guard bScales.count == 1 || bScales.count == n else { throw spec.shapeError("b_scale holds \(bScales.count) values; expected 1 or N = \(n)") }
        if let c = try inputs.optionalTensor(6, spec) {
            guard c.dtype == .int32 else { throw spec.error("C must be int32, got \(c.dtype)") }
            let cv = try c.scalars(as: Int32.self)
            let rowwise: Bool
            if c.count == 1 || c.rank == 1 || (c.rank == 2 && c.shape[0] == 1) {
                guard c.count == 1 || c.count == n else { throw spec.shapeError("C \(c.shape) does not broadcast to [\(m), \(n)]") }
                rowwise = false
            } else {
                guard c.rank == 2, c.shape[0] == m, c.shape[1] == 1 || c.shape[1] == n else {
                    throw spec.shapeError("C \(c.shape) does not broadcast to [\(m), \(n)]")
                }
                rowwise = c.shape[1] == 1
            }
            try acc.withUnsafeMutableBufferPointer(as: Int32.self) { p in
                for i in 0..<m {
                    for j in 0..<n {
                        let v = c.count == 1 ? cv[0] : rowwise ? cv[i] : c.count == n ? cv[j] : cv[i * n + j]
                        p[i * n + j] &+= v
                    }
                }
            }
        }
        let yScaleTensor = try inputs.optionalTensor(7, spec)
        var scales = bScales.map { alpha * sa * $0 }
        guard let yScaleTensor else {
            return [.tensor(try scaleToFloat(acc, aScale: [1], bScales: scales, bias: nil, b: b, spec))]
        }
        let sy = try scalarParameter(try yScaleTensor.quantizationFloats(spec, role: "y_scale"), spec, role: "y_scale")
        scales = scales.map { $0 / sy }
        let yZeroTensor = try inputs.optionalTensor(8, spec)
        let yType = try yZeroTensor.map { try QuantizedType($0.dtype, spec, role: "y_zero_point") } ?? .uint8
        let yZero = try yZeroTensor.map { try scalarParameter(try $0.quantizationIntegers(spec, role: "y_zero_point"), spec, role: "y_zero_point") } ?? 0
        return [.tensor(try requantizeProduct(acc, scales: scales, zeroPoint: yZero, type: yType, columns: n, spec, context))]
    }
}

/// QLinearAveragePool (com.microsoft): as onnxruntime computes it, each input dequantized to float, averaged
/// over the window (divided by the taps inside the input, or by the kernel size with `count_include_pad`), and
/// quantized with `nearbyint(y / y_scale + y_zero_point)`, saturated. `channels_last` reads NHWC input.
struct QLinearAveragePool: Operator {
    let spec: NodeSpec
    let window: SlidingWindowAttributes
    let countIncludePad: Bool
    let channelsLast: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        window = try SlidingWindowAttributes(spec, requireKernel: true)
        countIncludePad = try spec.int("count_include_pad", default: 0) != 0
        channelsLast = try spec.int("channels_last", default: 0) != 0
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let (values, type) = try eightBitValues(x, spec, role: "X")
        let (sx, zx) = try quantParameters(inputs, scale: 1, zero: 2, spec, role: "X")
        let (sy, zy) = try quantParameters(inputs, scale: 3, zero: 4, spec, role: "Y")
        guard x.rank >= 3, x.rank <= 5 else { throw spec.shapeError("input \(x.shape) must have rank 3 to 5") }
        let n = x.shape[0], c = channelsLast ? x.shape[x.rank - 1] : x.shape[1]
        let spatial = channelsLast ? Array(x.shape.dims[1..<(x.rank - 1)]) : Array(x.shape.dims.dropFirst(2))
        let g = try window.geometry(input: spatial, kernel: window.kernelShape ?? [], pooling: true, spec)
        let outDims = channelsLast ? [n] + g.outputSpatial + [c] : [n, c] + g.outputSpatial
        try context.checkOutput(Shape(outDims), x.dtype, node: spec.name)
        let inSp = g.inputCount, outSp = g.outputCount
        var out = [Int32](repeating: 0, count: n * c * outSp)
        let range = type.range
        func index(_ b: Int, _ ch: Int, _ s: Int, _ size: Int) -> Int { channelsLast ? (b * size + s) * c + ch : (b * c + ch) * size + s }
        for b in 0..<n {
            for ch in 0..<c {
                for od in 0..<g.output[0] {
                    let (d0, d1) = g.validTapRange(axis: 0, output: od)
                    for oh in 0..<g.output[1] {
                        let (h0, h1) = g.validTapRange(axis: 1, output: oh)
                        for ow in 0..<g.output[2] {
                            let (w0, w1) = g.validTapRange(axis: 2, output: ow)
                            var sum: Float = 0
                            for kd in d0..<d1 {
                                let id = od * g.stride[0] + kd * g.dilation[0] - g.padBegin[0]
                                for kh in h0..<h1 {
                                    let ih = oh * g.stride[1] + kh * g.dilation[1] - g.padBegin[1]
                                    for kw in w0..<w1 {
                                        let iw = ow * g.stride[2] + kw * g.dilation[2] - g.padBegin[2]
                                        sum += sx * Float(values[index(b, ch, (id * g.input[1] + ih) * g.input[2] + iw, inSp)] - zx)
                                    }
                                }
                            }
                            let count = countIncludePad ? g.kernelCount : (d1 - d0) * (h1 - h0) * (w1 - w0)
                            let avg = count > 0 ? sum / Float(count) : 0
                            var v = (avg / sy + Float(zy)).rounded(.toNearestOrEven)
                            v = Swift.min(Float(range.max), Swift.max(Float(range.min), v))
                            out[index(b, ch, (od * g.output[1] + oh) * g.output[2] + ow, outSp)] = Int32(v)
                        }
                    }
                }
            }
        }
        return [.tensor(try Tensor.quantized(out, shape: Shape(outDims), type: type))]
    }
}
