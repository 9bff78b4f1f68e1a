import MLCoreKernels
import MLCoreTensor

/// An 8-bit convolution accumulated in int32: im2col of the integer input (padding with the input's zero
/// point, so padded taps contribute nothing) and ``IntegerGEMM`` per image and group. Shared by ConvInteger
/// and QLinearConv (which requantizes the result).
struct IntegerConvolution: Sendable {
    let spec: NodeSpec
    let window: SlidingWindowAttributes
    let group: Int

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        window = try SlidingWindowAttributes(spec, requireKernel: false)
        let g = try spec.int("group", default: 1)
        guard g >= 1, g <= SlidingWindowAttributes.maxValue else { throw spec.error("group \(g) must be >= 1") }
        group = Int(g)
    }

    /// `Y[n, m, ...] = sum (X - xZero) * (W[m] - wZero[m])` as int32 `[N, M, spatial...]`.
    /// - Parameters:
    ///   - wZero: 1 value, or M (one per output channel).
    func run(_ x: Tensor, _ w: Tensor, xZero: Int32, wZero: [Int32], _ context: RunContext) throws -> Tensor {
        try checkEightBit(x, spec, role: "X")
        try checkEightBit(w, spec, role: "W")
        guard x.rank >= 3, x.rank == w.rank, x.rank <= 5 else {
            throw spec.shapeError("input \(x.shape) and weight \(w.shape) must have the same rank, 3 to 5 ([N, C, spatial...])")
        }
        let kernel = Array(w.shape.dims.dropFirst(2))
        if let k = window.kernelShape, k != kernel {
            throw spec.shapeError("kernel_shape \(k) differs from the weight's kernel \(kernel) (weight \(w.shape))")
        }
        let m = w.shape[0], c = x.shape[1]
        guard m % group == 0, c % group == 0, w.shape[1] == c / group else {
            throw spec.shapeError("input \(x.shape) and weight \(w.shape) do not agree with group \(group)")
        }
        guard wZero.count == 1 || wZero.count == m else {
            throw spec.shapeError("w_zero_point holds \(wZero.count) values; expected 1 or M = \(m)")
        }
        let g = try window.geometry(input: Array(x.shape.dims.dropFirst(2)), kernel: kernel, pooling: false, spec)
        var y = try context.makeTensor(Shape([x.shape[0], m] + g.outputSpatial), .int32, node: spec.name, zeroed: false)
        let batch = x.shape[0], outSp = g.outputCount, inSp = g.inputCount
        if y.count == 0 { return y }
        let cg = c / group, mg = m / group
        let (k, o1) = cg.multipliedReportingOverflow(by: g.kernelCount)
        let (colBytes, o2) = k.multipliedReportingOverflow(by: outSp)
        guard !o1, !o2, colBytes <= context.maxTensorBytes else {
            throw ONNXError.limitExceeded(what: "node '\(spec.name)': im2col buffer", value: o2 ? .max : colBytes, limit: context.maxTensorBytes)
        }
        let pointwise = g.isPointwise
        let columns = UnsafeMutablePointer<UInt8>.allocate(capacity: pointwise ? 1 : Swift.max(colBytes, 1))
        defer { columns.deallocate() }
        let xBase = UnsafeRawPointer(eightBitBase(x)).assumingMemoryBound(to: UInt8.self)
        let wBase = eightBitBase(w), yBase = y.unsafeMutableElements(as: Int32.self)
        let pad = UInt8(truncatingIfNeeded: xZero)
        let xSigned = x.dtype == .int8, wSigned = w.dtype == .int8
        try withExtendedLifetime((x, w)) {
            for image in 0..<batch {
                for gi in 0..<group {
                    let input = xBase + (image * c + gi * cg) * inSp
                    let bOperand: UnsafeRawPointer
                    if pointwise {
                        bOperand = UnsafeRawPointer(input)
                    } else {
                        unfold(input, cg, g, pad, columns)
                        bOperand = UnsafeRawPointer(columns)
                    }
                    let zw = wZero.count == 1 ? wZero : Array(wZero[gi * mg..<(gi + 1) * mg])
                    try IntegerGEMM.multiply(
                        m: mg, n: outSp, k: k,
                        a: .init(wBase + gi * mg * k, isSigned: wSigned, rowStride: k), aZero: zw,
                        b: .init(bOperand, isSigned: xSigned, rowStride: outSp), bZero: [xZero],
                        c: yBase + (image * m + gi * mg) * outSp, ldc: outSp, threads: context.threads)
                }
            }
        }
        return y
    }

    /// im2col of one group of one image: row `(c, kd, kh, kw)`, column = output position; out-of-image taps
    /// hold the zero point. Each output row's valid span is computed once (no per-element bounds test), and
    /// stride 1 copies it as one block.
    func unfold(_ input: UnsafePointer<UInt8>, _ channels: Int, _ g: SlidingWindowGeometry, _ pad: UInt8,
                _ out: UnsafeMutablePointer<UInt8>) {
        let (iH, iW) = (g.input[1], g.input[2])
        let (oD, oH, oW) = (g.output[0], g.output[1], g.output[2])
        let (kD, kH, kW) = (g.kernel[0], g.kernel[1], g.kernel[2])
        let sW = g.stride[2]
        let outSp = oD * oH * oW
        var row = 0
        for ch in 0..<channels {
            let plane = input + ch * g.inputCount
            for kd in 0..<kD {
                let (d0, d1) = g.validOutputRange(axis: 0, tap: kd)
                for kh in 0..<kH {
                    let (h0, h1) = g.validOutputRange(axis: 1, tap: kh)
                    for kw in 0..<kW {
                        let (w0, w1) = g.validOutputRange(axis: 2, tap: kw)
                        let dst = out + row * outSp
                        let wOffset = kw * g.dilation[2] - g.padBegin[2]
                        for od in 0..<oD {
                            let id = od * g.stride[0] + kd * g.dilation[0] - g.padBegin[0]
                            for oh in 0..<oH {
                                let seg = dst + (od * oH + oh) * oW
                                guard od >= d0, od < d1, oh >= h0, oh < h1, w1 > w0 else {
                                    seg.update(repeating: pad, count: oW)
                                    continue
                                }
                                let ih = oh * g.stride[1] + kh * g.dilation[1] - g.padBegin[1]
                                let src = plane + (id * iH + ih) * iW + wOffset
                                if w0 > 0 { seg.update(repeating: pad, count: w0) }
                                if sW == 1 {
                                    (seg + w0).update(from: src + w0, count: w1 - w0)
                                } else {
                                    for ow in w0..<w1 { seg[ow] = src[ow * sW] }
                                }
                                if w1 < oW { (seg + w1).update(repeating: pad, count: oW - w1) }
                            }
                        }
                        row += 1
                    }
                }
            }
        }
    }
}

/// ConvInteger: an 8-bit convolution with int32 output, `(X - x_zero_point) * (W - w_zero_point)`;
/// w_zero_point per tensor or per output channel.
///
/// - Complexity: O(N * M * (C / group) * kernel size * output size).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__ConvInteger.html
struct ConvInteger: Operator {
    let spec: NodeSpec
    let conv: IntegerConvolution
    init(_ spec: NodeSpec) throws {
        self.spec = spec
        conv = try IntegerConvolution(spec)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), w = try inputs.tensor(1, spec)
        let xz = try inputs.optionalTensor(2, spec)?.quantizationIntegers(spec, role: "x_zero_point") ?? [0]
        let wz = try inputs.optionalTensor(3, spec)?.quantizationIntegers(spec, role: "w_zero_point") ?? [0]
        let xZero = try scalarParameter(xz.isEmpty ? [0] : xz, spec, role: "x_zero_point")
        return [.tensor(try conv.run(x, w, xZero: xZero, wZero: wz.isEmpty ? [0] : wz, context))]
    }
}

/// QLinearConv: the 8-bit convolution plus the int32 bias, requantized as onnxruntime does: times
/// `x_scale * w_scale[m] / y_scale`, clamped, rounded half to even, plus y_zero_point.
///
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__QLinearConv.html
struct QLinearConv: Operator {
    let spec: NodeSpec
    let conv: IntegerConvolution
    init(_ spec: NodeSpec) throws {
        self.spec = spec
        conv = try IntegerConvolution(spec)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), w = try inputs.tensor(3, spec)
        let xScale = try scalarParameter(try inputs.tensor(1, spec).quantizationFloats(spec, role: "x_scale"), spec, role: "x_scale")
        let xZero = try scalarParameter(try inputs.tensor(2, spec).quantizationIntegers(spec, role: "x_zero_point"), spec, role: "x_zero_point")
        let wScales = try inputs.tensor(4, spec).quantizationFloats(spec, role: "w_scale")
        let wZero = try inputs.tensor(5, spec).quantizationIntegers(spec, role: "w_zero_point")
        let yScale = try scalarParameter(try inputs.tensor(6, spec).quantizationFloats(spec, role: "y_scale"), spec, role: "y_scale")
        let yZeroTensor = try inputs.tensor(7, spec)
        try checkEightBit(yZeroTensor, spec, role: "y_zero_point")
        let yType = try QuantizedType(yZeroTensor.dtype, spec, role: "y_zero_point")
        let yZero = try scalarParameter(try yZeroTensor.quantizationIntegers(spec, role: "y_zero_point"), spec, role: "y_zero_point")
        let bias = try inputs.optionalTensor(8, spec)
        let m = w.rank > 0 ? w.shape[0] : 0
        guard wScales.count == 1 || wScales.count == m else { throw spec.shapeError("w_scale holds \(wScales.count) values; expected 1 or M = \(m)") }
        var biasValues: [Int32]?
        if let bias {
            guard bias.dtype == .int32, bias.count == m else { throw spec.shapeError("B must be int32 [\(m)], got \(bias.dtype)\(bias.shape)") }
            biasValues = try bias.scalars(as: Int32.self)
        }
        let acc = try conv.run(x, w, xZero: xZero, wZero: wZero, context)
        let scales = wScales.map { xScale * $0 / yScale }
        let spatial = acc.rank > 2 ? acc.shape.dims.dropFirst(2).reduce(1, *) : 1
        let range = yType.range
        let planes = m > 0 ? acc.count / (m * Swift.max(spatial, 1)) : 0
        func write<T: TensorScalar & FixedWidthInteger>(_: T.Type) throws -> Tensor {
            var y = try context.makeTensor(acc.shape, T.dtype, node: spec.name, zeroed: false)
            try acc.withUnsafeBufferPointer(as: Int32.self) { p in
                try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                    for image in 0..<planes {
                        for ch in 0..<m {
                            let base = (image * m + ch) * spatial, b = biasValues?[ch] ?? 0
                            let scale = scales[scales.count > 1 ? ch : 0]
                            for i in base..<(base + spatial) {
                                py[i] = T(truncatingIfNeeded: requantize(p[i] &+ b, scale: scale, zeroPoint: yZero, range: range))
                            }
                        }
                    }
                }
            }
            return y
        }
        return [.tensor(yType == .uint8 ? try write(UInt8.self) : try write(Int8.self))]
    }
}
