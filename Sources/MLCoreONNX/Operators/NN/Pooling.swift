import MLCoreKernels
import MLCoreTensor

/// MaxPool and AveragePool over 1, 2 or 3 spatial axes, float32 and float64 (MaxPool also int32 and int64,
/// which is how 8-bit inputs arrive): `kernel_shape`, `strides`,
/// `pads` or `auto_pad`, `dilations`, `ceil_mode`; AveragePool's `count_include_pad`; MaxPool's optional
/// `Indices` output (flat indices into the input, `storage_order` 0 row-major or 1 column-major).
///
/// Attributes added in later opsets (`ceil_mode` at 10, `dilations` at 10/19, `count_include_pad` at 7) default
/// to the earlier behaviour, so one implementation serves every version.
///
/// Windows follow the ONNX reference: with `ceil_mode` the last window must start inside the input or the
/// left padding; AveragePool divides by the taps inside the input (or, with `count_include_pad`, inside the
/// explicitly padded input, not the extra `ceil_mode` margin). MaxPool takes the first maximum.
/// - Complexity: O(N * C * output size * kernel size).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__MaxPool.html, https://onnx.ai/onnx/operators/onnx__AveragePool.html
struct Pooling: Operator {
    enum Kind: Sendable { case max, average }

    let kind: Kind
    let spec: NodeSpec
    let window: SlidingWindowAttributes
    let countIncludePad: Bool
    let columnMajorIndices: Bool
    let wantsIndices: Bool

    init(_ kind: Kind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
        window = try SlidingWindowAttributes(spec, requireKernel: true)
        countIncludePad = try spec.int("count_include_pad", default: 0) != 0
        let storageOrder = try spec.int("storage_order", default: 0)
        guard storageOrder == 0 || storageOrder == 1 else { throw spec.error("storage_order \(storageOrder) must be 0 or 1") }
        columnMajorIndices = storageOrder == 1
        wantsIndices = kind == .max && spec.node.outputs.count > 1 && !spec.node.outputs[1].isEmpty
        if kind == .average && spec.node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            throw spec.error("AveragePool has one output")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let integer = [.int32, .int64, .int8, .uint8].contains(x.dtype)
        guard x.dtype == .float32 || x.dtype == .float64 || (integer && kind == .max) else {
            throw spec.error("element type \(x.dtype) is not supported (float32, float64; MaxPool also int8, uint8, int32, int64)")
        }
        guard x.rank >= 3 else { throw spec.shapeError("input \(x.shape) must have rank >= 3 ([N, C, spatial...])") }
        let g = try window.geometry(input: Array(x.shape.dims.dropFirst(2)), kernel: window.kernelShape ?? [],
                                    pooling: true, spec)
        let outShape = Shape(Array(x.shape.dims.prefix(2)) + g.outputSpatial)
        var y = try context.makeTensor(outShape, x.dtype, node: spec.name)
        var indices = wantsIndices ? try context.makeTensor(outShape, .int64, node: spec.name) : nil
        if y.count > 0 {
            switch x.dtype {
            case .float32: try pool(Float.self, x, g, &y, &indices, threads: context.threads)
            case .float64: try pool(Double.self, x, g, &y, &indices, threads: context.threads)
            default:
                // Integer MaxPool (quantized models carry uint8 / int8): the direct path, which also gives indices.
                var flat = try context.makeTensor([y.count], .int64, node: spec.name)
                if x.dtype == .int32 {
                    try maxPoolWithIndices(Int32.self, lowest: .min, x, g, &y, &flat, threads: context.threads)
                } else if x.dtype == .uint8 {
                    try maxPoolWithIndices(UInt8.self, lowest: .min, x, g, &y, &flat, threads: context.threads)
                } else if x.dtype == .int8 {
                    try maxPoolWithIndices(Int8.self, lowest: .min, x, g, &y, &flat, threads: context.threads)
                } else {
                    try maxPoolWithIndices(Int64.self, lowest: .min, x, g, &y, &flat, threads: context.threads)
                }
                if indices != nil { indices = try flat.reshaped(outShape) }
            }
        }
        return [.tensor(y)] + (indices.map { [.tensor($0)] } ?? [])
    }

    func pool<T: NNFloat>(_: T.Type, _ x: Tensor, _ g: SlidingWindowGeometry, _ y: inout Tensor,
                          _ indices: inout Tensor?, threads: Int) throws {
        if indices != nil {
            var flat = try Tensor(zeros: [y.count], dtype: .int64)
            try maxPoolWithIndices(T.self, lowest: -T.infinity, x, g, &y, &flat, threads: threads)
            indices = try flat.reshaped(y.shape)
            return
        }
        let planes = x.shape[0] * x.shape[1]
        let inSp = g.inputCount, oSp = g.outputCount
        let (iH, iW) = (g.input[1], g.input[2])
        let (oD, oH, oW) = (g.output[0], g.output[1], g.output[2])
        let (sD, sH, sW) = (g.stride[0], g.stride[1], g.stride[2])
        let (dD, dH, dW) = (g.dilation[0], g.dilation[1], g.dilation[2])
        let (pD, pH, pW) = (g.padBegin[0], g.padBegin[1], g.padBegin[2])
        // Per axis and output position: the kernel taps inside the input, and that axis's divisor factor.
        let taps = (0..<3).map { axis in (0..<g.output[axis]).map { g.validTapRange(axis: axis, output: $0) } }
        let factors = (0..<3).map { axis in
            (0..<g.output[axis]).map { o in
                T(countIncludePad ? g.paddedTapCount(axis: axis, output: o) : taps[axis][o].hi - taps[axis][o].lo)
            }
        }
        // Width divisors as reciprocals; the depth and height ones are inverted once per output row.
        let reciprocalW = factors[2].map { 1 / $0 }
        let (tapsD, tapsH) = (taps[0], taps[1])
        let (factorD, factorH) = (factors[0], factors[1])
        // Per output column: where its first valid tap is in a combined row, and how many taps are valid.
        let firstTap = (0..<oW).map { ow in ow * sW - pW + taps[2][ow].lo * dW }
        let tapCount = (0..<oW).map { ow in taps[2][ow].hi - taps[2][ow].lo }
        let isMax = kind == .max, singleRow = g.kernel[0] * g.kernel[1] == 1
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                let xBase = px.baseAddress!, yBase = py.baseAddress!
                NNParallel.forEach(planes, threads: threads, work: planes &* oSp &* g.kernelCount) { range in
                    // Separable windows: first combine the window's input rows (max or sum, contiguous and
                    // vectorized) into one row, then slide the kernel's width over that row.
                    var scratch = [T](repeating: 0, count: iW)
                    scratch.withUnsafeMutableBufferPointer { pv in
                    firstTap.withUnsafeBufferPointer { pFirst in
                    tapCount.withUnsafeBufferPointer { pCount in
                    reciprocalW.withUnsafeBufferPointer { pReciprocalW in
                        let scratch = pv.baseAddress!
                        let first = pFirst.baseAddress!, count = pCount.baseAddress!, reciprocalW = pReciprocalW.baseAddress!
                        for plane in range {
                            let input = xBase + plane * inSp, out = yBase + plane * oSp
                            for od in 0..<oD {
                                let (d0, d1) = tapsD[od]
                                for oh in 0..<oH {
                                    let (h0, h1) = tapsH[oh]
                                    let row = out + (od * oH + oh) * oW
                                    if d1 <= d0 || h1 <= h0 {
                                        // The window lies entirely in the padding.
                                        row.update(repeating: isMax ? -T.infinity : (countIncludePad ? 0 : .nan), count: oW)
                                        continue
                                    }
                                    var combined = UnsafePointer(scratch)
                                    if singleRow {
                                        combined = input + ((od * sD - pD) * iH + oh * sH - pH) * iW
                                    } else {
                                        var rows = 0
                                        for kd in d0..<d1 {
                                            for kh in h0..<h1 {
                                                let src = input + ((od * sD - pD + kd * dD) * iH + oh * sH - pH + kh * dH) * iW
                                                if rows == 0 {
                                                    scratch.update(from: src, count: iW)
                                                } else {
                                                    Self.combineRow(scratch, src, iW, max: isMax)
                                                }
                                                rows += 1
                                            }
                                        }
                                    }
                                    if isMax {
                                        Self.maxAlongRow(combined, row, oW, first, count, dW)
                                    } else {
                                        Self.averageAlongRow(combined, row, oW, first, count, dW,
                                                             scale: 1 / (factorD[od] * factorH[oh]), reciprocalW)
                                    }
                                }
                            }
                        }
                    }
                    }
                    }
                    }
                }
            }
        }
    }

    /// `out[o] = max(v[first[o] + k * dilation])` for `k < count[o]` (`-inf` for an empty window).
    @inline(__always)
    static func maxAlongRow<T: NNFloat>(_ v: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ n: Int,
                                        _ first: UnsafePointer<Int>, _ count: UnsafePointer<Int>, _ dilation: Int) {
        for o in 0..<n {
            let c = count[o]
            if c == 0 { out[o] = -T.infinity; continue }
            let s = v + first[o]
            var best = s[0]
            for k in 1..<c { let a = s[k &* dilation]; best = a > best ? a : best }
            out[o] = best
        }
    }

    /// `out[o] = sum(v[first[o] + k * dilation]) * scale * scaleW[o]` for `k < count[o]` (the scales are
    /// reciprocal divisors: a division per output would dominate a small window's cost).
    @inline(__always)
    static func averageAlongRow<T: NNFloat>(_ v: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ n: Int,
                                            _ first: UnsafePointer<Int>, _ count: UnsafePointer<Int>, _ dilation: Int,
                                            scale: T, _ scaleW: UnsafePointer<T>) {
        for o in 0..<n {
            let s = v + first[o]
            var sum: T = 0
            for k in 0..<count[o] { sum += s[k &* dilation] }
            out[o] = sum * (scale * scaleW[o])
        }
    }

    /// `v = max(v, src)` (NaN in `v` stays) or `v += src`, 8 lanes at a time.
    @inline(__always)
    static func combineRow<T: NNFloat>(_ v: UnsafeMutablePointer<T>, _ src: UnsafePointer<T>, _ n: Int, max: Bool) {
        var i = 0
        if max {
            // A select the compiler turns into vector max instructions (SIMD mask types do not inline).
            while i < n { let a = src[i], b = v[i]; v[i] = a > b ? a : b; i += 1 }
        } else {
            while i + 8 <= n {
                NNVector.store(NNVector.load(v + i) + NNVector.load(src + i), v + i)
                i += 8
            }
            while i < n { v[i] += src[i]; i += 1 }
        }
    }

    /// MaxPool with its Indices output: a direct loop over each window, keeping the first maximum's position.
    func maxPoolWithIndices<T: TensorScalar & Comparable>(_: T.Type, lowest: T, _ x: Tensor, _ g: SlidingWindowGeometry,
                                                          _ y: inout Tensor, _ indices: inout Tensor, threads: Int) throws {
        let planes = x.shape[0] * x.shape[1]
        let inSp = g.inputCount, oSp = g.outputCount
        let taps = (0..<3).map { axis in (0..<g.output[axis]).map { g.validTapRange(axis: axis, output: $0) } }
        let (iD, iH, iW) = (g.input[0], g.input[1], g.input[2])
        let (oD, oH, oW) = (g.output[0], g.output[1], g.output[2])
        let (sD, sH, sW) = (g.stride[0], g.stride[1], g.stride[2])
        let (dD, dH, dW) = (g.dilation[0], g.dilation[1], g.dilation[2])
        let (pD, pH, pW) = (g.padBegin[0], g.padBegin[1], g.padBegin[2])
        let columnMajor = columnMajorIndices
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                try indices.withUnsafeMutableBufferPointer(as: Int64.self) { pi in
                    let xBase = px.baseAddress!, yBase = py.baseAddress!, iBase = pi.baseAddress!
                    NNParallel.forEach(planes, threads: threads, work: planes &* oSp &* g.kernelCount) { range in
                        for plane in range {
                            let input = xBase + plane * inSp
                            for od in 0..<oD {
                                let (d0, d1) = taps[0][od]
                                for oh in 0..<oH {
                                    let (h0, h1) = taps[1][oh]
                                    for ow in 0..<oW {
                                        let (w0, w1) = taps[2][ow]
                                        var best = lowest, bestIndex = -1
                                        for kd in d0..<d1 {
                                            for kh in h0..<h1 {
                                                let rowStart = ((od * sD - pD + kd * dD) * iH + oh * sH - pH + kh * dH) * iW + ow * sW - pW
                                                for kw in w0..<w1 {
                                                    let v = input[rowStart + kw * dW]
                                                    if v > best || bestIndex < 0 { best = v; bestIndex = rowStart + kw * dW }
                                                }
                                            }
                                        }
                                        let o = plane * oSp + (od * oH + oh) * oW + ow
                                        yBase[o] = best
                                        var flat = Swift.max(bestIndex, 0)
                                        if columnMajor {
                                            let iw = flat % iW, ih = (flat / iW) % iH, id = flat / (iW * iH)
                                            flat = id + ih * iD + iw * iD * iH
                                        }
                                        iBase[o] = Int64(plane * inSp + flat)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// GlobalAveragePool and GlobalMaxPool: the mean or maximum over all spatial axes, on the reduction kernels.
/// Output `[N, C, 1, ...]`. GlobalMaxPool of an empty spatial extent is an error (a maximum of nothing).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__GlobalAveragePool.html
struct GlobalPooling: Operator {
    let kind: Pooling.Kind
    let spec: NodeSpec

    init(_ kind: Pooling.Kind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.dtype == .float32 || x.dtype == .float64 else { throw spec.error("element type \(x.dtype) is not supported (float32, float64)") }
        guard x.rank >= 2 else { throw spec.shapeError("input \(x.shape) must have rank >= 2 ([N, C, spatial...])") }
        let outShape = Shape(Array(x.shape.dims.prefix(2)) + [Int](repeating: 1, count: x.rank - 2))
        var y = try context.makeTensor(outShape, x.dtype, node: spec.name)
        let rows = y.count
        if rows == 0 { return [.tensor(y)] }
        if x.count == 0 {
            // An empty spatial extent: the mean of nothing is NaN (as NumPy); the maximum of nothing is an error.
            guard kind == .average else { throw spec.shapeError("input \(x.shape) has an empty spatial extent") }
            if x.dtype == .float32 {
                try y.withUnsafeMutableBufferPointer(as: Float.self) { $0.update(repeating: .nan) }
            } else {
                try y.withUnsafeMutableBufferPointer(as: Double.self) { $0.update(repeating: .nan) }
            }
            return [.tensor(y)]
        }
        do {
            let matrix = try x.reshaped([rows, x.count / rows])
            let reduced = kind == .max
                ? try Reduction.max(matrix, axis: 1, options: context.kernelOptions)
                : try Reduction.mean(matrix, axis: 1, options: context.kernelOptions)
            y = try reduced.reshaped(outShape)
        } catch let error as TensorError {
            throw spec.shapeError("input \(x.shape): \(error)")
        }
        return [.tensor(y)]
    }
}
