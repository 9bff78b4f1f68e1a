import MLCoreKernels
import MLCoreTensor

/// Conv: N-D convolution (1, 2 or 3 spatial axes) with groups, strides, dilations, explicit or automatic
/// padding and an optional bias, on float32 and float64.
///
/// Three paths: a pointwise convolution (1x1, stride 1, no padding) multiplies the weight with the input
/// image directly; a convolution whose groups each read one input channel (depthwise) runs a direct loop;
/// everything else unfolds the input (im2col) and multiplies on ``GEMM``, one product per image and group.
/// (Unfolding several small images side by side into one wider product was slower: 3.9 vs 3.1 ms for
/// `[64, 32, 12, 12]` 3x3 and 0.92 vs 0.86 ms for `[64, 16, 7, 7]`, best of 15, 1 thread; the wider B moves
/// the GEMM from our AVX2 kernel to OpenBLAS and the result needs a strided copy.)
///
/// - Complexity: O(N * M * (C / group) * kernel size * output size).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Conv.html
struct Conv: Operator {
    let spec: NodeSpec
    let window: SlidingWindowAttributes
    let group: Int
    /// `FusedConv` only: the activation applied in the write-back (``Conv+Epilogue.swift``).
    let activation: FusedActivation
    /// `FusedConv` only: whether input 3 (`Z`, added before the activation) may be given.
    let acceptsSum: Bool
    /// The Winograd-transformed weights, when the weight is a constant the Winograd path can use
    /// (``Conv+Winograd.swift``).
    private(set) var winogradWeights: Tensor?

    /// - Parameter fused: parse onnxruntime's `FusedConv` (com.microsoft): Conv's attributes plus `activation`
    ///   and `activation_params`, and a fourth input `Z` added before the activation.
    init(_ spec: NodeSpec, fused: Bool = false) throws {
        self.spec = spec
        acceptsSum = fused
        if fused {
            let name = try spec.string("activation", default: "Identity")
            guard let a = FusedActivation(onnxName: name, parameters: try spec.floats("activation_params", default: [])) else {
                throw spec.error("activation '\(name)' is not supported (Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish, Gelu)")
            }
            activation = a
        } else {
            activation = .none
        }
        window = try SlidingWindowAttributes(spec, requireKernel: false)
        let g = try spec.int("group", default: 1)
        guard g >= 1, g <= SlidingWindowAttributes.maxValue else { throw spec.error("group \(g) must be >= 1") }
        group = Int(g)
        winogradWeights = nil
        if let w = spec.constantInput(1) { _ = try checkWeight(w.shape, channels: nil) }
        if let b = spec.constantInput(2), let w = spec.constantInput(1) { try checkBias(b, outputChannels: w.shape[0]) }
        if let w = spec.constantInput(1), !spec.feedsQuantization { winogradWeights = Self.winogradWeights(w, window, group: group) }
    }

    /// Checks the weight `[M, C / group, k1, ...]` against the attributes (and the input's channels when
    /// known) and returns its kernel dimensions.
    func checkWeight(_ w: Shape, channels: Int?) throws -> [Int] {
        guard w.rank >= 3 else { throw spec.shapeError("weight \(w) must have rank >= 3 ([M, C/group, k1, ...])") }
        let kernel = Array(w.dims.dropFirst(2))
        if let k = window.kernelShape, k != kernel {
            throw spec.shapeError("kernel_shape \(k) differs from the weight's kernel \(kernel) (weight \(w))")
        }
        if let r = window.spatialRank, r != kernel.count {
            throw spec.shapeError("attributes describe \(r) spatial axes, the weight \(w) has \(kernel.count)")
        }
        guard w[0] % group == 0 else { throw spec.shapeError("weight \(w): \(w[0]) output channels do not divide into \(group) groups") }
        if let channels {
            let (expected, overflow) = w[1].multipliedReportingOverflow(by: group)
            guard !overflow, expected == channels else {
                throw spec.shapeError("input has \(channels) channels, weight \(w) with group \(group) expects C/group = \(w[1])")
            }
        }
        return kernel
    }

    func checkBias(_ b: Tensor, outputChannels: Int) throws {
        guard b.rank == 1, b.shape[0] == outputChannels else {
            throw spec.shapeError("bias \(b.shape) must be [\(outputChannels)] (one value per output channel)")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), w = try inputs.tensor(1, spec)
        let bias = try inputs.optionalTensor(2, spec)
        let sum = acceptsSum ? try inputs.optionalTensor(3, spec) : nil
        guard x.dtype == .float32 || x.dtype == .float64 else { throw spec.error("element type \(x.dtype) is not supported (float32, float64)") }
        guard w.dtype == x.dtype, bias.map({ $0.dtype == x.dtype }) ?? true else {
            throw spec.error("X, W and B must share one element type, got \(x.dtype), \(w.dtype), \(bias?.dtype.description ?? "-")")
        }
        guard x.rank >= 3, x.rank == w.rank else {
            throw spec.shapeError("input \(x.shape) and weight \(w.shape) must have the same rank >= 3 ([N, C, spatial...])")
        }
        let kernel = try checkWeight(w.shape, channels: x.shape[1])
        let m = w.shape[0]
        if let bias { try checkBias(bias, outputChannels: m) }
        let g = try window.geometry(input: Array(x.shape.dims.dropFirst(2)), kernel: kernel, pooling: false, spec)
        let outShape = Shape([x.shape[0], m] + g.outputSpatial)
        let problem = ConvProblem(batch: x.shape[0], channels: x.shape[1], outputChannels: m, groups: group, geometry: g)
        if x.shape[0] == 0 || m == 0 || g.outputCount == 0 {
            var y = try context.makeTensor(outShape, x.dtype, node: spec.name)
            if let sum, sum.shape != outShape {
                // An empty convolution still broadcasts with Z as the unfused Add would.
                switch x.dtype {
                case .float32: try applyEpilogue(Float.self, &y, bias: nil, sum: sum, planeSize: g.outputCount, context)
                default: try applyEpilogue(Double.self, &y, bias: nil, sum: sum, planeSize: g.outputCount, context)
                }
            }
            return [.tensor(y)]
        }
        switch x.dtype {
        case .float32: return [.tensor(try convolve(Float.self, x, w, bias, sum, problem, outShape, context))]
        default: return [.tensor(try convolve(Double.self, x, w, bias, sum, problem, outShape, context))]
        }
    }

    func convolve<T: NNFloat>(_: T.Type, _ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ sum: Tensor?, _ p: ConvProblem,
                              _ outShape: Shape, _ context: RunContext) throws -> Tensor {
        let biasValues = try bias?.scalars(as: T.self)
        // With an epilogue the bias is added there, in the same pass as Z and the activation.
        let fusedEpilogue = activation.kind != .none || sum != nil
        let kernelBias = fusedEpilogue ? nil : biasValues
        var y: Tensor
        if p.inputChannelsPerGroup == 1 && p.groups > 1 {
            y = try context.makeTensor(outShape, T.dtype, node: spec.name, zeroed: false)
            // The depthwise kernel applies bias, a same-shape Z and the activation in its own write-back;
            // a broadcast Z still takes the separate epilogue.
            if sum == nil || sum!.shape == outShape {
                try depthwise(x, w, biasValues, p, &y, threads: context.threads, activation: activation, residual: sum,
                              level: context.kernelOptions.instructionSet ?? .detected)
                return y
            }
            try depthwise(x, w, kernelBias, p, &y, threads: context.threads,
                          level: context.kernelOptions.instructionSet ?? .detected)
        } else if T.self == Float.self, p.groups == 1, !runsWinograd(p), sum == nil || sum!.shape == outShape {
            // Bias, Z and the activation applied to each block of the GEMM's output right after it is written.
            let epilogue = BlockEpilogue(bias: biasValues as! [Float]?, sum: sum, activation: activation)
            return try gemmConvolution(T.self, x, w, nil, p, outShape, context, epilogue: epilogue)
        } else {
            y = try gemmConvolution(T.self, x, w, kernelBias, p, outShape, context)
        }
        if fusedEpilogue {
            try applyEpilogue(T.self, &y, bias: biasValues, sum: sum, planeSize: p.geometry.outputCount, context)
        }
        return y
    }

    /// The im2col + GEMM path (and the pointwise path, which needs no unfolding).
    func gemmConvolution<T: NNFloat>(_: T.Type, _ x: Tensor, _ w: Tensor, _ bias: [T]?, _ p: ConvProblem,
                                     _ outShape: Shape, _ context: RunContext, epilogue: BlockEpilogue? = nil) throws -> Tensor {
        let g = p.geometry
        let k = try nnProduct([p.inputChannelsPerGroup, g.kernelCount], spec)
        let mg = p.outputChannelsPerGroup
        let oSp = g.outputCount
        let options = context.kernelOptions
        let weights = try w.reshaped([p.outputChannels, k])

        // One group: each image's GEMM writes its [M, output size] block of the output itself, bias preloaded
        // and accumulated (beta 1); no copy afterwards.
        if p.groups == 1, T.self == Float.self, k > 0, runsWinograd(p) {
            var c = try context.makeTensor([p.batch * p.outputChannels, oSp], T.dtype, node: spec.name, zeroed: false)
            try winograd(x, p, bias: bias as! [Float]?, into: &c, context)
            return try c.reshaped(outShape)
        }
        if p.groups == 1 {
            let m = p.outputChannels
            // Every element is written (bias, then the GEMM with beta 1; or the GEMM with beta 0) unless k == 0.
            var c = try context.makeTensor([p.batch * m, oSp], T.dtype, node: spec.name, zeroed: k == 0 && bias == nil)
            if c.count == 0 { return try c.reshaped(outShape) }
            if let bias {
                try c.withUnsafeMutableBufferPointer(as: T.self) { pc in
                    for row in 0..<p.batch * m { (pc.baseAddress! + row * oSp).update(repeating: bias[row % m], count: oSp) }
                }
            }
            if k > 0 {
                let imageStride = p.channels * g.inputCount
                let flatInput = try x.reshaped([-1])
                // Unfolded columns in blocks of whole output rows of about `columnBlockBytes`, each multiplied
                // while it is still in cache (one block when the output has a depth axis).
                let oH = g.output[1], oW = g.output[2]
                var rowsPerBlock = g.output[0] == 1 ? Swift.min(oH, Swift.max(1, Self.columnBlockBytes / Swift.max(1, k * oW * MemoryLayout<T>.stride))) : oH
                if epilogue != nil, g.output[0] == 1 {
                    rowsPerBlock = Swift.min(rowsPerBlock, Swift.max(1, Self.epilogueBlockBytes / Swift.max(1, m * oW * MemoryLayout<T>.stride)))
                }
                let blockColumns = g.output[0] * rowsPerBlock * oW
                var unfolded: Tensor? = g.isPointwise ? nil : try context.makeTensor([k, blockColumns], T.dtype, node: spec.name, zeroed: false)
                for image in 0..<p.batch {
                    if g.isPointwise, let epilogue {
                        try pointwise(weights, x, image: image, p, into: &c, epilogue, context)
                        continue
                    }
                    if g.isPointwise {
                        let columns = try flatInput.rows(image * imageStride..<image * imageStride + k * oSp).reshaped([k, oSp])
                        try gemm(weights, columns, &c, row: image * m, column: 0, beta: bias == nil ? 0 : 1, options)
                        continue
                    }
                    for first in stride(from: 0, to: oH, by: rowsPerBlock) {
                        let rows = first..<Swift.min(oH, first + rowsPerBlock)
                        let width = g.output[0] * rows.count * oW
                        if unfolded!.shape[1] != width { unfolded = try context.makeTensor([k, width], T.dtype, node: spec.name, zeroed: false) }
                        try unfold(T.self, x, p, images: image..<image + 1, group: 0,
                                   outputRows: g.output[0] == 1 ? rows : nil, into: &unfolded!, context)
                        try gemm(weights, unfolded!, &c, row: image * m, column: first * oW, beta: bias == nil ? 0 : 1, options)
                        if let epilogue {
                            epilogue.apply(to: c.unsafeMutableElements(as: Float.self), rows: image * m..<(image + 1) * m,
                                           channels: m, columns: first * oW..<first * oW + width, rowLength: oSp,
                                           threads: context.threads)
                        }
                    }
                }
            } else if let epilogue {
                epilogue.apply(to: c.unsafeMutableElements(as: Float.self), rows: 0..<p.batch * m, channels: m,
                               columns: 0..<oSp, rowLength: oSp, threads: context.threads)
            }
            return try c.reshaped(outShape)
        }

        var y = try context.makeTensor(outShape, T.dtype, node: spec.name)
        if y.count == 0 { return y }
        if k == 0 {
            // No input channels: the output is the bias.
            try scatter(nil, bias, p, images: 0..<p.batch, group: 0, groupsAll: true, &y)
            return y
        }
        let imageStride = p.channels * g.inputCount
        let flatInput = try x.reshaped([-1])
        // One column buffer and one product buffer serve every image and group.
        var product: Tensor? = nil, unfolded: Tensor? = nil
        for image in 0..<p.batch {
            let images = image..<image + 1, n = oSp
            for group in 0..<p.groups {
                let columns: Tensor
                if g.isPointwise {
                    let start = images.lowerBound * imageStride + group * p.inputChannelsPerGroup * g.inputCount
                    columns = try flatInput.rows(start..<start + k * oSp).reshaped([k, oSp])
                } else {
                    if unfolded?.shape != [k, n] { unfolded = try context.makeTensor([k, n], T.dtype, node: spec.name, zeroed: false) }
                    try unfold(T.self, x, p, images: images, group: group, into: &unfolded!, context)
                    columns = unfolded!
                }
                if product?.shape != [mg, n] { product = try context.makeTensor([mg, n], T.dtype, node: spec.name, zeroed: false) }
                let a = try weights.rows(group * mg..<(group + 1) * mg)
                try gemm(a, columns, &product!, beta: 0, options)
                try scatter(product!, bias, p, images: images, group: group, groupsAll: false, &y)
            }
        }
        return y
    }

    /// Bytes of one block of unfolded columns: the column buffer of a large early layer (7 MB for ResNet-18's
    /// first stage) shrinks to about 1 MB, unfolded and multiplied while much of it is in cache. Measured on
    /// ResNet-18 (1 thread, AMD Zen 4, p50): unblocked 42.9-43.6 ms, 1-1.5 MB blocks 41.7-42.4, 384 KB 45,
    /// 200 KB 52.9 (narrow blocks cost the GEMM more than the cache saves).
    static let columnBlockBytes = 1 << 20

    /// Output bytes per block of the im2col path when an epilogue follows each block's GEMM: small enough that
    /// the epilogue reads the block back from L2.
    static let epilogueBlockBytes = 128 << 10

    /// `c[row..., column...] = a * b (+ beta * c)`, the shape errors naming the node.
    func gemm(_ a: Tensor, _ b: Tensor, _ c: inout Tensor, row: Int, column: Int, beta: Double, _ options: KernelOptions) throws {
        do {
            try GEMM.multiply(a, b, into: &c, firstRow: row, firstColumn: column, beta: beta, options: options)
        } catch let error as TensorError {
            throw spec.shapeError("\(error)")
        }
    }

    func gemm(_ a: Tensor, _ b: Tensor, _ c: inout Tensor, beta: Double, _ options: KernelOptions) throws {
        do {
            try GEMM.multiply(a, b, into: &c, beta: beta, options: options)
        } catch let error as TensorError {
            throw spec.shapeError("\(error)")
        }
    }

    /// Copies a group's GEMM product `[M/group, images * outputSize]` into the output, adding the bias.
    /// With `product` nil (no input channels) writes only the bias, for every group when `groupsAll`.
    func scatter<T: NNFloat>(_ product: Tensor?, _ bias: [T]?, _ p: ConvProblem, images: Range<Int>, group: Int,
                             groupsAll: Bool, _ y: inout Tensor) throws {
        let oSp = p.geometry.outputCount, mg = p.outputChannelsPerGroup, m = p.outputChannels
        let channels = groupsAll ? 0..<m : group * mg..<(group + 1) * mg
        let columns = images.count * oSp
        try y.withUnsafeMutableBufferPointer(as: T.self) { py in
            let out = py.baseAddress!
            if let product {
                try product.withUnsafeBufferPointer(as: T.self) { pp in
                    let src = pp.baseAddress!
                    for (j, n) in images.enumerated() {
                        for (row, o) in channels.enumerated() {
                            let s = src + row * columns + j * oSp, d = out + (n * m + o) * oSp
                            if let bias {
                                let b = bias[o]
                                for i in 0..<oSp { d[i] = s[i] + b }
                            } else {
                                d.update(from: s, count: oSp)
                            }
                        }
                    }
                }
            } else if let bias {
                for n in images { for o in channels { (out + (n * m + o) * oSp).update(repeating: bias[o], count: oSp) } }
            }
        }
    }

    /// im2col: fills `columns`, `[C/group * kernel size, images * output size]`, so that the column of an
    /// output position holds the input values its window reads (zeros in the padding). Every element is
    /// written, so the buffer can be reused.
    /// `outputRows` (2-D and 1-D only: one output depth) restricts the columns to those output rows, so that a
    /// block of columns is unfolded and multiplied while it is in cache.
    func unfold<T: NNFloat>(_: T.Type, _ x: Tensor, _ p: ConvProblem, images: Range<Int>, group: Int,
                            outputRows: Range<Int>? = nil, into columns: inout Tensor, _ context: RunContext) throws {
        let g = p.geometry
        let cg = p.inputChannelsPerGroup, kSp = g.kernelCount, inSp = g.inputCount
        let rowRange = outputRows ?? 0..<g.output[1]
        precondition(outputRows == nil || g.output[0] == 1, "output row blocks need one output depth")
        let oSp = g.output[0] * rowRange.count * g.output[2]  // columns per image
        let ld = images.count * oSp
        let (iD, iH, iW) = (g.input[0], g.input[1], g.input[2])
        let (oD, oH, oW) = (g.output[0], g.output[1], g.output[2])
        let (kH, kW) = (g.kernel[1], g.kernel[2])
        let (sD, sH, sW) = (g.stride[0], g.stride[1], g.stride[2])
        let (dD, dH, dW) = (g.dilation[0], g.dilation[1], g.dilation[2])
        let (pD, pH, pW) = (g.padBegin[0], g.padBegin[1], g.padBegin[2])
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try columns.withUnsafeMutableBufferPointer(as: T.self) { pcol in
                let xBase = px.baseAddress!, colBase = pcol.baseAddress!
                // Rows (channel, tap) are independent: split them over threads.
                let rows = images.count * cg * kSp
                NNParallel.forEach(rows, threads: context.threads, work: rows &* oSp) { range in
                    for task in range {
                        let j = task / (cg * kSp), row = task % (cg * kSp)
                        let c = row / kSp, tap = row % kSp
                        let kd = tap / (kH * kW), kh = (tap / kW) % kH, kw = tap % kW
                        let plane = xBase + ((images.lowerBound + j) * p.channels + group * cg + c) * inSp
                        let dst = colBase + row * ld + j * oSp
                        let (lo, hi) = g.validOutputRange(axis: 2, tap: kw)
                        let offsetW = kw * dW - pW
                        for od in 0..<oD {
                            let id = od * sD + kd * dD - pD
                            for oh in rowRange {
                                let ih = oh * sH + kh * dH - pH
                                let d = dst + (od * rowRange.count + oh - rowRange.lowerBound) * oW
                                guard id >= 0, id < iD, ih >= 0, ih < iH, hi > lo else {
                                    d.update(repeating: 0, count: oW)
                                    continue
                                }
                                d.update(repeating: 0, count: lo)
                                (d + hi).update(repeating: 0, count: oW - hi)
                                let start = (id * iH + ih) * iW + offsetW
                                if sW == 1 {
                                    (d + lo).update(from: plane + (start + lo), count: hi - lo)
                                } else if sW == 2 {
                                    // A constant stride: LLVM vectorizes it as interleaved loads (the first
                                    // layer of most image networks is stride 2).
                                    let src = plane + start
                                    for ow in lo..<hi { d[ow] = src[ow &* 2] }
                                } else {
                                    for ow in lo..<hi { d[ow] = plane[start + ow * sW] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Direct convolution for groups of one input channel (depthwise, with any channel multiplier), with
    /// the write-back `y = activation((sum + bias) + residual)`. Float32 with 1 or 2 spatial axes runs the C
    /// kernel (``DepthwiseConvolution2D``); float64 and 3-D convolutions run the Swift loop below, where each
    /// output plane accumulates `kernel size` shifted, scaled rows of one input plane. (The C kernel vs this
    /// loop on float32, one 3x3 pads-1 Conv node, `bench inference` p50, 1 thread, AVX-512: 32x112x112 s1
    /// 0.48 -> 0.18 ms, 96x112x112 s2 1.15 -> 0.28, 144x56x56 s1 0.76 -> 0.25, 576x14x14 s1 0.46 -> 0.095,
    /// 960x7x7 0.36 -> 0.075; MobileNetV2 28.5 -> 23.0 ms.)
    ///
    /// - Parameters:
    ///   - residual: a tensor of the output's shape and type added before the activation (a fused Add), or nil.
    ///   - level: the instruction-set level of the C kernel (clamped to the CPU's).
    func depthwise<T: NNFloat>(_ x: Tensor, _ w: Tensor, _ bias: [T]?, _ p: ConvProblem, _ y: inout Tensor,
                               threads: Int, activation: FusedActivation = .none, residual: Tensor? = nil,
                               level: InstructionSet = .detected) throws {
        if let residual, residual.shape != y.shape || residual.dtype != y.dtype {
            throw spec.shapeError("residual \(residual.dtype) \(residual.shape) must match the output \(y.dtype) \(y.shape)")
        }
        let g = p.geometry
        if T.self == Float.self && g.spatialRank <= 2 {
            try depthwiseFloat32(x, w, bias as! [Float]?, p, &y, threads: threads, activation: activation,
                                 residual: residual, level: level)
            return
        }
        let mg = p.outputChannelsPerGroup, m = p.outputChannels, kSp = g.kernelCount
        let inSp = g.inputCount, oSp = g.outputCount
        let (iD, iH, iW) = (g.input[0], g.input[1], g.input[2])
        let (oD, oH, oW) = (g.output[0], g.output[1], g.output[2])
        let (kD, kH, kW) = (g.kernel[0], g.kernel[1], g.kernel[2])
        let (sD, sH, sW) = (g.stride[0], g.stride[1], g.stride[2])
        let (dD, dH, dW) = (g.dilation[0], g.dilation[1], g.dilation[2])
        let (pD, pH, pW) = (g.padBegin[0], g.padBegin[1], g.padBegin[2])
        let ranges = (0..<kW).map { g.validOutputRange(axis: 2, tap: $0) }
        // Output columns where every tap of a kernel row is inside the input: no bounds per tap there.
        let interiorLo = ranges.map(\.lo).max() ?? 0, interiorHi = ranges.map(\.hi).min() ?? 0
        let interior = interiorLo..<Swift.max(interiorLo, interiorHi)
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try w.withUnsafeBufferPointer(as: T.self) { pw in
                try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                    let xBase = px.baseAddress!, wBase = pw.baseAddress!, yBase = py.baseAddress!
                    let residualBase = residual.map { $0.unsafeElements(as: T.self) }
                    let planes = p.batch * m
                    NNParallel.forEach(planes, threads: threads, work: planes &* oSp &* kSp) { range in
                        for plane in range {
                            let n = plane / m, o = plane % m
                            let input = xBase + (n * p.channels + o / mg) * inSp
                            let kernel = wBase + o * kSp
                            let out = yBase + plane * oSp
                            out.update(repeating: bias?[o] ?? 0, count: oSp)
                            for od in 0..<oD {
                                for oh in 0..<oH {
                                    let row = out + (od * oH + oh) * oW
                                    for kd in 0..<kD {
                                        let id = od * sD + kd * dD - pD
                                        guard id >= 0, id < iD else { continue }
                                        for kh in 0..<kH {
                                            let ih = oh * sH + kh * dH - pH
                                            guard ih >= 0, ih < iH else { continue }
                                            Self.accumulateRow(row, input, start: (id * iH + ih) * iW - pW,
                                                               taps: kernel + (kd * kH + kh) * kW, kW: kW, dW: dW, sW: sW,
                                                               ranges: ranges, interior: interior)
                                        }
                                    }
                                }
                            }
                            if let residualBase {
                                let r = residualBase + plane * oSp
                                for i in 0..<oSp { out[i] = activation.apply(out[i] + r[i]) }
                            } else if activation.kind != .none {
                                for i in 0..<oSp { out[i] = activation.apply(out[i]) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The float32 path of ``depthwise(_:_:_:_:_:threads:activation:residual:level:)`` for 1 or 2 spatial
    /// axes (a 1-D convolution is a 2-D one of height 1), on the C kernel, split over (image, channel) planes.
    func depthwiseFloat32(_ x: Tensor, _ w: Tensor, _ bias: [Float]?, _ p: ConvProblem, _ y: inout Tensor,
                          threads: Int, activation: FusedActivation, residual: Tensor?, level: InstructionSet) throws {
        let g = p.geometry
        // Spatial axes are right-aligned in the geometry: (1, H, W) for 2-D, (1, 1, W) for 1-D.
        let conv = DepthwiseConvolution2D(
            batch: p.batch, channels: p.channels, multiplier: p.outputChannelsPerGroup,
            inputHeight: g.input[1], inputWidth: g.input[2], outputHeight: g.output[1], outputWidth: g.output[2],
            kernelHeight: g.kernel[1], kernelWidth: g.kernel[2], strideHeight: g.stride[1], strideWidth: g.stride[2],
            dilationHeight: g.dilation[1], dilationWidth: g.dilation[2], padTop: g.padBegin[1], padLeft: g.padBegin[2])
        guard conv.isValid else { throw spec.shapeError("depthwise convolution sizes \(conv) are not valid") }
        let input = x.unsafeElements(as: Float.self), weights = w.unsafeElements(as: Float.self)
        let residualBase = residual.map { $0.unsafeElements(as: Float.self) }
        try y.withUnsafeMutableBufferPointer(as: Float.self) { py in
            let out = py.baseAddress!
            func run(_ biasBase: UnsafePointer<Float>?) {
                NNParallel.forEach(conv.planes, threads: threads, work: conv.multiplyAdds) { range in
                    conv.run(input: input, weights: weights, bias: biasBase, residual: residualBase,
                             activation: activation, output: out, planes: range, level: level)
                }
            }
            if let bias { bias.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
        }
        withExtendedLifetime((x, w, residual)) {}
    }

    /// `row[ow] += sum over kw of taps[kw] * input[start + ow * sW + kw * dW]` for the valid `ow` of each tap
    /// (`ranges[kw]`). Inside `interior` all taps are valid and run fused in one pass (3 taps unrolled, the
    /// common 3x3 case); the edges run per tap.
    @inline(__always)
    static func accumulateRow<T: NNFloat>(_ row: UnsafeMutablePointer<T>, _ input: UnsafePointer<T>, start: Int,
                                          taps: UnsafePointer<T>, kW: Int, dW: Int, sW: Int,
                                          ranges: [(lo: Int, hi: Int)], interior: Range<Int>) {
        let a = interior.lowerBound, b = interior.upperBound
        guard a < b else {
            for kw in 0..<kW {
                let wk = taps[kw], (lo, hi) = ranges[kw]
                for ow in lo..<hi { row[ow] += wk * input[start + ow * sW + kw * dW] }
            }
            return
        }
        let out = row + a, n = b - a
        let src = input + (start + a * sW)  // in bounds: `a` is valid for every tap
        if sW == 1 {
            // Contiguous taps: 8 outputs per step, explicit vectors (the compiler cannot rule out overlap).
            var i = 0
            if kW == 3 {
                let w0 = taps[0], w1 = taps[1], w2 = taps[2], s1 = src + dW, s2 = src + 2 * dW
                let v0 = SIMD8<T>(repeating: w0), v1 = SIMD8<T>(repeating: w1), v2 = SIMD8<T>(repeating: w2)
                while i + 8 <= n {
                    var acc = NNVector.load(out + i)
                    acc += v0 * NNVector.load(src + i) + v1 * NNVector.load(s1 + i) + v2 * NNVector.load(s2 + i)
                    NNVector.store(acc, out + i)
                    i += 8
                }
                while i < n { out[i] += w0 * src[i] + w1 * s1[i] + w2 * s2[i]; i += 1 }
            } else {
                for kw in 0..<kW {
                    let wk = taps[kw], s = src + kw * dW, vk = SIMD8<T>(repeating: wk)
                    i = 0
                    while i + 8 <= n {
                        NNVector.store(NNVector.load(out + i) + vk * NNVector.load(s + i), out + i)
                        i += 8
                    }
                    while i < n { out[i] += wk * s[i]; i += 1 }
                }
            }
        } else if kW == 3 {
            let w0 = taps[0], w1 = taps[1], w2 = taps[2], o1 = dW, o2 = 2 * dW
            for i in 0..<n { let j = i * sW; out[i] += w0 * src[j] + w1 * src[j + o1] + w2 * src[j + o2] }
        } else {
            for kw in 0..<kW {
                let wk = taps[kw], s = src + kw * dW
                for i in 0..<n { out[i] += wk * s[i * sW] }
            }
        }
        for kw in 0..<kW {
            let wk = taps[kw], (lo, hi) = ranges[kw]
            for ow in lo..<Swift.min(hi, a) { row[ow] += wk * input[start + ow * sW + kw * dW] }
            for ow in Swift.max(lo, b)..<hi { row[ow] += wk * input[start + ow * sW + kw * dW] }
        }
    }
}

/// The sizes of one convolution, checked against each other by ``Conv/run(_:_:)``.
struct ConvProblem: Sendable {
    var batch: Int
    var channels: Int
    var outputChannels: Int
    var groups: Int
    var geometry: SlidingWindowGeometry

    var inputChannelsPerGroup: Int { channels / groups }
    var outputChannelsPerGroup: Int { outputChannels / groups }
}
