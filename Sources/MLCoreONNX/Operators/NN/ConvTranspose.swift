import MLCoreKernels
import MLCoreTensor

/// ConvTranspose: the adjoint of Conv (1, 2 or 3 spatial axes) with groups, strides, dilations, pads or
/// `auto_pad`, `output_padding`, `output_shape` and an optional bias, on float32 and float64.
///
/// Per image and group, one GEMM `W_gᵀ · X_g` gives every input position's contribution to each
/// (output channel, kernel tap); col2im then adds those columns into the output, the exact reverse of
/// Conv's im2col.
///
/// Output size per axis: `stride * (in - 1) + output_padding + dilation * (kernel - 1) + 1 - pads`, or
/// `output_shape` when given, with the total padding then derived from it (split as `auto_pad` says, the
/// extra at the beginning unless SAME_UPPER; a negative total pads nothing and leaves zeros at the end, as
/// the ONNX reference does).
/// - Complexity: O(N * C * (M / group) * kernel size * input size).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__ConvTranspose.html
struct ConvTranspose: Operator {
    let spec: NodeSpec
    let window: SlidingWindowAttributes
    let group: Int
    let outputPadding: [Int]?
    let outputShape: [Int]?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        window = try SlidingWindowAttributes(spec, requireKernel: false)
        let g = try spec.int("group", default: 1)
        guard g >= 1, g <= SlidingWindowAttributes.maxValue else { throw spec.error("group \(g) must be >= 1") }
        group = Int(g)
        func list(_ name: String, minimum: Int64) throws -> [Int]? {
            guard spec.has(name) else { return nil }
            let values = try spec.ints(name)
            for v in values where v < minimum || v > SlidingWindowAttributes.maxValue {
                throw spec.error("\(name) \(values) must hold values in \(minimum)...\(SlidingWindowAttributes.maxValue)")
            }
            return values.map { Int($0) }
        }
        outputPadding = try list("output_padding", minimum: 0)
        outputShape = try list("output_shape", minimum: 0)
        if let r = window.spatialRank, let p = outputPadding, p.count != r {
            throw spec.error("output_padding \(p) must have one value per spatial axis (\(r))")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), w = try inputs.tensor(1, spec)
        let bias = try inputs.optionalTensor(2, spec)
        guard x.dtype == .float32 || x.dtype == .float64 else { throw spec.error("element type \(x.dtype) is not supported (float32, float64)") }
        guard w.dtype == x.dtype, bias.map({ $0.dtype == x.dtype }) ?? true else {
            throw spec.error("X, W and B must share one element type, got \(x.dtype), \(w.dtype), \(bias?.dtype.description ?? "-")")
        }
        guard x.rank >= 3, x.rank == w.rank else {
            throw spec.shapeError("input \(x.shape) and weight \(w.shape) must have the same rank >= 3 ([N, C, spatial...])")
        }
        let channels = x.shape[1]
        guard w.shape[0] == channels, channels % group == 0 else {
            throw spec.shapeError("weight \(w.shape) must be [C, M/group, k...] with C = \(channels) divisible by group \(group)")
        }
        let m = try nnProduct([w.shape[1], group], spec)
        if let bias, bias.shape != [m] { throw spec.shapeError("bias \(bias.shape) must be [\(m)]") }
        let g = try geometry(input: Array(x.shape.dims.dropFirst(2)), kernel: Array(w.shape.dims.dropFirst(2)))
        let outSpatial = Array(g.input.suffix(g.spatialRank))
        var y = try context.makeTensor(Shape([x.shape[0], m] + outSpatial), x.dtype, node: spec.name)
        if y.count == 0 { return [.tensor(y)] }
        switch x.dtype {
        case .float32: try transpose(Float.self, x, w, bias, g, &y, context)
        default: try transpose(Double.self, x, w, bias, g, &y, context)
        }
        return [.tensor(y)]
    }

    /// The window seen from the output: `input` holds the output's spatial size, `output` the input's, so
    /// that `position * stride + tap * dilation - padBegin` maps an input position to the output position
    /// it feeds (Conv's geometry, reversed).
    func geometry(input: [Int], kernel: [Int]) throws -> SlidingWindowGeometry {
        let r = input.count
        guard (1...3).contains(r) else { throw spec.shapeError("\(r) spatial axes are not supported (1, 2 or 3)") }
        if let k = window.kernelShape, k != kernel { throw spec.shapeError("kernel_shape \(k) differs from the weight's kernel \(kernel)") }
        if let sr = window.spatialRank, sr != r { throw spec.shapeError("attributes describe \(sr) spatial axes, the input has \(r)") }
        if let p = outputPadding, p.count != r { throw spec.shapeError("output_padding \(p) must have \(r) values") }
        var requested = outputShape
        if let o = requested, o.count == r + 2 { requested = Array(o.suffix(r)) }  // a full [N, M, ...] shape
        if let o = requested, o.count != r { throw spec.shapeError("output_shape \(o) must have \(r) spatial values") }
        var g = SlidingWindowGeometry(spatialRank: r)
        let lead = 3 - r
        for i in 0..<r {
            let inSize = input[i], k = kernel[i]
            let s = window.strides?[i] ?? 1, d = window.dilations?[i] ?? 1, extra = outputPadding?[i] ?? 0
            guard k >= 1 else { throw spec.shapeError("kernel \(kernel) has an empty axis") }
            let (dk, overflow) = d.multipliedReportingOverflow(by: k - 1)
            guard !overflow, dk < Int.max / 4 else { throw spec.error("dilated kernel size overflows") }
            let (span, overflow2) = s.multipliedReportingOverflow(by: Swift.max(inSize - 1, 0))
            guard !overflow2, span < Int.max / 4 else { throw spec.error("output size overflows") }
            let natural = span + extra + dk + 1  // the output size without padding
            var padBegin = 0, out: Int
            let same = window.autoPad == .sameUpper || window.autoPad == .sameLower
            if same || (requested != nil && window.pads == nil && window.autoPad == .notSet) {
                out = requested?[i] ?? inSize * s
                let total = Swift.max(0, natural - out)
                padBegin = window.autoPad == .sameUpper ? total / 2 : total - total / 2
            } else {
                let pads = window.autoPad == .valid ? nil : window.pads
                padBegin = pads?[i] ?? 0
                out = requested?[i] ?? natural - padBegin - (pads?[r + i] ?? 0)
            }
            guard out >= 0 else {
                throw spec.shapeError("pads \(window.pads ?? []) leave a negative output size for input \(input), kernel \(kernel)")
            }
            g.input[lead + i] = out
            g.output[lead + i] = inSize
            g.kernel[lead + i] = k
            g.stride[lead + i] = s
            g.dilation[lead + i] = d
            g.padBegin[lead + i] = padBegin
        }
        _ = try nnProduct(g.input, spec)
        _ = try nnProduct(g.output, spec)
        _ = try nnProduct(g.kernel, spec)
        return g
    }

    func transpose<T: NNFloat>(_: T.Type, _ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ g: SlidingWindowGeometry,
                               _ y: inout Tensor, _ context: RunContext) throws {
        let n = x.shape[0], c = x.shape[1], cg = c / group
        let kSp = g.kernelCount, inSp = g.outputCount, outSp = g.inputCount
        let mg = w.shape[1], m = mg * group
        let columnRows = try nnProduct([mg, kSp], spec)
        let weights = try w.reshaped([c, columnRows])
        let flatX = try x.reshaped([-1])
        var columns = try context.makeTensor([columnRows, inSp], T.dtype, node: spec.name)
        if cg > 0 && inSp > 0 {
            for image in 0..<n {
                for grp in 0..<group {
                    let start = (image * c + grp * cg) * inSp
                    let b = try flatX.rows(start..<start + cg * inSp).reshaped([cg, inSp])
                    let a = try weights.rows(grp * cg..<(grp + 1) * cg)
                    do {
                        try GEMM.multiply(a, b, into: &columns, transposeA: true, options: context.kernelOptions)
                    } catch let error as TensorError {
                        throw spec.shapeError("\(error)")
                    }
                    try fold(T.self, columns, g, into: &y, firstPlane: image * m + grp * mg, planes: mg, threads: context.threads)
                }
            }
        }
        if let bias {
            let values = try bias.scalars(as: T.self)
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                for plane in 0..<n * m {
                    let b = values[plane % m], p = py.baseAddress! + plane * outSp
                    for i in 0..<outSp { p[i] += b }
                }
            }
        }
    }

    /// col2im: adds column `(plane, tap)`'s value for each input position into the output position it maps to.
    func fold<T: NNFloat>(_: T.Type, _ columns: Tensor, _ g: SlidingWindowGeometry, into y: inout Tensor,
                          firstPlane: Int, planes: Int, threads: Int) throws {
        let kSp = g.kernelCount, inSp = g.outputCount, outSp = g.inputCount
        let (oD, oH, oW) = (g.input[0], g.input[1], g.input[2])  // output (Y) sizes
        let (iH, iW) = (g.output[1], g.output[2])                // input (X) sizes
        let iD = g.output[0]
        let (kH, kW) = (g.kernel[1], g.kernel[2])
        let (sD, sH, sW) = (g.stride[0], g.stride[1], g.stride[2])
        let (dD, dH, dW) = (g.dilation[0], g.dilation[1], g.dilation[2])
        let (pD, pH, pW) = (g.padBegin[0], g.padBegin[1], g.padBegin[2])
        try columns.withUnsafeBufferPointer(as: T.self) { pc in
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                let colBase = pc.baseAddress!, yBase = py.baseAddress!
                // Output planes are disjoint: split them over threads.
                NNParallel.forEach(planes, threads: threads, work: planes &* kSp &* inSp) { range in
                    for plane in range {
                        let dst = yBase + (firstPlane + plane) * outSp
                        for tap in 0..<kSp {
                            let kd = tap / (kH * kW), kh = (tap / kW) % kH, kw = tap % kW
                            let src = colBase + (plane * kSp + tap) * inSp
                            let (lo, hi) = g.validOutputRange(axis: 2, tap: kw)
                            guard hi > lo else { continue }
                            let offsetW = kw * dW - pW
                            for id in 0..<iD {
                                let od = id * sD + kd * dD - pD
                                guard od >= 0, od < oD else { continue }
                                for ih in 0..<iH {
                                    let oh = ih * sH + kh * dH - pH
                                    guard oh >= 0, oh < oH else { continue }
                                    let row = (od * oH + oh) * oW + offsetW, s = src + (id * iH + ih) * iW
                                    if sW == 1 {
                                        for iw in lo..<hi { dst[row + iw] += s[iw] }
                                    } else {
                                        for iw in lo..<hi { dst[row + iw * sW] += s[iw] }
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
