import MLCoreTensor

/// Resize (opsets 10, 11, 13, 18, 19) and Upsample (7, 9): samples every axis of the input at coordinates
/// mapped from the output's, with nearest, (n-)linear or (n-)cubic interpolation.
///
/// The output size comes from `scales` (`floor(scale * size)`, computed in float as onnxruntime) or `sizes`
/// (scales then `size_out / size_in`; from opset 18 adjusted by `keep_aspect_ratio_policy`). From opset 18
/// `axes` names the axes that `roi`, `scales` and `sizes` list. Before opset 11 (and for Upsample) coordinates
/// are `asymmetric` and nearest rounds down when upsampling and up when downsampling ("simple").
///
/// Every axis is resampled on its own with a table of source indices and weights (see `ResizeAxis`), which is
/// what N-linear and N-cubic interpolation are; an axis whose scale is exactly 1 is copied, and an output of
/// the input's shape is the input, as in onnxruntime (whose bilinear, trilinear and bicubic kernels treat a
/// scale of 1 as the identity). Nearest is one gather for every element type; linear and cubic run one
/// weighted pass per resized axis (float32, float64), rows split over threads.
///
/// Where onnxruntime and the spec's reference differ, this follows onnxruntime: `align_corners` divides by the
/// integer output length minus 1 (the reference by the fractional `scale * length` minus 1; the two
/// `*_align_corners` downsampling node tests hold the reference's numbers), and a scale of exactly 1 leaves its
/// axis untouched under every transformation mode. One exception: a negative entry of `axes` counts in
/// `keep_aspect_ratio_policy` (onnxruntime leaves it out of the common scale, comparing the raw attribute
/// with 0..<rank).
/// - Complexity: O(output elements * taps) per resized axis (taps: 2 linear, 4 cubic, more with antialias).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Resize.html, https://onnx.ai/onnx/operators/onnx__Upsample.html
struct Resize: Operator {
    enum Mode: String { case nearest, linear, cubic }
    enum Transform: String {
        case halfPixel = "half_pixel", halfPixelSymmetric = "half_pixel_symmetric", pytorchHalfPixel = "pytorch_half_pixel"
        case alignCorners = "align_corners", asymmetric, tfHalfPixelForNearest = "tf_half_pixel_for_nn"
        case tfCropAndResize = "tf_crop_and_resize"
    }
    enum NearestMode: String {
        case simple, roundPreferFloor = "round_prefer_floor", roundPreferCeil = "round_prefer_ceil", floor, ceil
    }
    enum AspectPolicy: String { case stretch, notLarger = "not_larger", notSmaller = "not_smaller" }

    let spec: NodeSpec
    let isUpsample: Bool
    let mode: Mode
    let transform: Transform
    let nearestMode: NearestMode
    let cubicCoeffA: Float
    let excludeOutside: Bool
    let extrapolationValue: Float
    let antialias: Bool
    let policy: AspectPolicy
    let axes: [Int64]?
    /// Upsample-7's `scales` attribute.
    let scalesAttribute: [Float]?

    init(_ spec: NodeSpec, upsample: Bool = false) throws {
        self.spec = spec
        isUpsample = upsample
        let modeName = try spec.string("mode", default: "nearest")
        guard let mode = Mode(rawValue: modeName), mode != .cubic || (!upsample && spec.opset >= 11) else {
            throw spec.error("mode '\(modeName)' is not supported at opset \(spec.opset) (nearest, linear\(upsample || spec.opset < 11 ? "" : ", cubic"))")
        }
        self.mode = mode
        let modern = !upsample && spec.opset >= 11
        let transformName = modern ? try spec.string("coordinate_transformation_mode", default: "half_pixel") : "asymmetric"
        guard let transform = Transform(rawValue: transformName) else {
            throw spec.error("coordinate_transformation_mode '\(transformName)' is not supported")
        }
        self.transform = transform
        let nearestName = !modern ? "simple"
            : mode == .nearest ? try spec.string("nearest_mode", default: "round_prefer_floor") : "round_prefer_floor"
        guard let nearest = NearestMode(rawValue: nearestName), nearest != .simple || !modern else {
            throw spec.error("nearest_mode '\(nearestName)' is not supported")
        }
        nearestMode = nearest
        cubicCoeffA = try spec.float("cubic_coeff_a", default: -0.75)
        excludeOutside = try spec.int("exclude_outside", default: 0) != 0
        extrapolationValue = try spec.float("extrapolation_value", default: 0)
        if !upsample && spec.opset >= 18 {
            antialias = try spec.int("antialias", default: 0) != 0
            guard !antialias || mode != .nearest else { throw spec.error("antialias needs mode linear or cubic, not nearest") }
            let p = try spec.string("keep_aspect_ratio_policy", default: "stretch")
            guard let policy = AspectPolicy(rawValue: p) else { throw spec.error("keep_aspect_ratio_policy '\(p)' is not supported") }
            self.policy = policy
            axes = spec.has("axes") ? try spec.ints("axes") : nil
        } else {
            antialias = false
            policy = .stretch
            axes = nil
        }
        if upsample && spec.opset < 9 {
            let s = try spec.floats("scales")
            scalesAttribute = s
        } else {
            scalesAttribute = nil
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let rank = x.rank
        guard rank >= 1 else { throw spec.shapeError("input must have at least one dimension, got a scalar") }
        let geometry = try outputGeometry(x, inputs)
        let outShape = Shape(geometry.dims)
        if geometry.dims == x.shape.dims { return [.tensor(x)] }
        if try spec.product(geometry.dims, "output shape") == 0 {
            return [.tensor(try context.makeTensor(outShape, x.dtype, node: spec.name))]
        }
        let plans = (0..<rank).map { a in
            ResizeAxis(resize: self, inLength: x.shape[a], outLength: geometry.dims[a], scale: geometry.scales[a],
                       roiStart: geometry.roi[a], roiEnd: geometry.roi[rank + a])
        }
        if mode == .nearest {
            let fill = try extrapolationTensor(x.dtype)
            return [.tensor(try x.dtype.visitLane(ResizeNearestKernel(x: x, shape: outShape, axes: plans, fill: fill,
                                                                       spec: spec, context: context)))]
        }
        switch x.dtype {
        case .float32: return [.tensor(try interpolate(x, plans, outShape, Float.self, context))]
        case .float64: return [.tensor(try interpolate(x, plans, outShape, Double.self, context))]
        default: throw spec.error("mode \(mode.rawValue) does not support element type \(x.dtype) (float32, float64)")
        }
    }

    /// Output dimensions, the per-axis scales the coordinate mapping uses, and the full-rank roi
    /// (starts then ends; [0..., 1...] when absent).
    func outputGeometry(_ x: Tensor, _ inputs: [Value?]) throws -> (dims: [Int], scales: [Float], roi: [Float]) {
        let rank = x.rank, inDims = x.shape.dims
        let listed = try axes.map { try spec.normalizedAxes($0, rank: rank) } ?? Array(0..<rank)
        var roi = [Float](repeating: 0, count: rank) + [Float](repeating: 1, count: rank)
        var scales = [Float](repeating: 1, count: rank)
        var sizes: [Int64]?
        if let scalesAttribute {
            guard scalesAttribute.count == rank else {
                throw spec.error("scales attribute has \(scalesAttribute.count) values for an input of rank \(rank)")
            }
            scales = scalesAttribute
        } else if isUpsample || spec.opset < 11 {
            scales = try floats(inputs.tensor(1, spec), "scales")
            guard scales.count == rank else { throw spec.error("scales has \(scales.count) values for an input of rank \(rank)") }
        } else {
            if transform == .tfCropAndResize, let r = try inputs.optionalTensor(1, spec), r.count > 0 {
                let values = try floats(r, "roi")
                guard values.count == 2 * listed.count else {
                    throw spec.error("roi has \(values.count) values, expected \(2 * listed.count) (starts and ends of \(listed.count) axes)")
                }
                for (i, a) in listed.enumerated() {
                    roi[a] = values[i]
                    roi[rank + a] = values[listed.count + i]
                }
            }
            let s = try inputs.optionalTensor(2, spec), z = try inputs.optionalTensor(3, spec)
            if let s, s.count > 0 {
                if let z, z.count > 0 { throw spec.error("only one of scales and sizes may be given") }
                let values = try floats(s, "scales")
                guard values.count == listed.count else {
                    throw spec.error("scales has \(values.count) values, expected \(listed.count)")
                }
                for (i, a) in listed.enumerated() { scales[a] = values[i] }
            } else if let z, z.count > 0 {
                let values = try spec.integerList(z, "sizes")
                guard values.count == listed.count else { throw spec.error("sizes has \(values.count) values, expected \(listed.count)") }
                var full = inDims.map(Int64.init)
                for (i, a) in listed.enumerated() { full[a] = values[i] }
                sizes = full
            } else {
                throw spec.error("one of scales and sizes must be given")
            }
        }
        var dims = inDims
        if let sizes {
            for a in 0..<rank {
                guard sizes[a] >= 0, sizes[a] <= Int64(Int32.max) else { throw spec.error("sizes value \(sizes[a]) is out of range") }
                dims[a] = Int(sizes[a])
                if inDims[a] == 0 {
                    guard dims[a] == 0 else { throw spec.shapeError("axis \(a) is empty but sizes asks for \(dims[a])") }
                    scales[a] = 1
                } else {
                    scales[a] = Float(dims[a]) / Float(inDims[a])
                }
            }
            if policy != .stretch {
                var chosen: Float = policy == .notLarger ? .greatestFiniteMagnitude : .leastNormalMagnitude
                for a in listed { chosen = policy == .notLarger ? Swift.min(chosen, scales[a]) : Swift.max(chosen, scales[a]) }
                for a in 0..<rank {
                    if listed.contains(a) {
                        scales[a] = chosen
                        dims[a] = try dimension((chosen * Float(inDims[a])).rounded(.toNearestOrAwayFromZero), a)
                    } else {
                        scales[a] = 1
                    }
                }
            }
        } else {
            for a in 0..<rank { dims[a] = try dimension((scales[a] * Float(inDims[a])).rounded(.towardZero), a) }
        }
        for a in 0..<rank {
            let ok = isUpsample ? scales[a] >= 1 : scales[a] > 0
            guard ok, scales[a].isFinite else {
                throw spec.error("scale \(scales[a]) of axis \(a) must be \(isUpsample ? ">= 1" : "> 0") and finite")
            }
        }
        return (dims, scales, roi)
    }

    func dimension(_ v: Float, _ axis: Int) throws -> Int {
        guard v >= 0, v <= Float(Int32.max) else { throw spec.shapeError("output size \(v) of axis \(axis) is out of range") }
        return Int(v)
    }

    func floats(_ t: Tensor, _ what: String) throws -> [Float] {
        guard t.rank <= 1 else { throw spec.error("\(what) must be 1-D, got shape \(t.shape)") }
        do { return try t.nnDoubles().map { Float($0) } } catch { throw spec.error("\(what) must be a float tensor, got \(t.dtype)") }
    }

    /// `extrapolation_value` as a one-element tensor of the data's type (nearest mode's fill).
    func extrapolationTensor(_ dtype: DType) throws -> Tensor {
        if dtype == .string { return try Tensor(shape: [], strings: [""]) }
        return try Cast.convert(Tensor(scalar: extrapolationValue), to: dtype, spec, RunContext(threads: 1, maxTensorBytes: 64))
    }

    /// Linear and cubic: one weighted pass per resized axis (last axis first), then the extrapolation value
    /// where any axis maps outside the input (`tf_crop_and_resize`).
    func interpolate<T: NNFloat>(_ x: Tensor, _ plans: [ResizeAxis], _ outShape: Shape, _: T.Type,
                                 _ context: RunContext) throws -> Tensor {
        var current = x
        var dims = x.shape.dims
        let resized = (0..<plans.count).filter { !plans[$0].identity }
        for a in resized.reversed() {
            dims[a] = plans[a].outLength
            var next = try context.makeTensor(Shape(dims), T.dtype, node: spec.name, zeroed: false)
            let outer = try spec.product(dims[..<a], "resize"), inner = try spec.product(dims[(a + 1)...], "resize")
            try resamplePass(current, &next, plans[a], outer: outer, inner: inner, T.self, context)
            current = next
        }
        if plans.contains(where: { $0.outside != nil }) {
            try fillOutside(&current, plans, T(extrapolationValue))
        }
        return current
    }

    /// `out[o, j, i] = Σ_t w[j, t] · in[o, index[j, t], i]` over one axis, rows split over threads.
    func resamplePass<T: NNFloat>(_ x: Tensor, _ y: inout Tensor, _ plan: ResizeAxis, outer: Int, inner: Int, _: T.Type,
                                  _ context: RunContext) throws {
        let inLength = plan.inLength, outLength = plan.outLength, taps = plan.taps
        let rows = outer * outLength
        try x.withUnsafeBufferPointer(as: T.self) { src in
            try y.withUnsafeMutableBufferPointer(as: T.self) { dst in
                let s = NNUncheckedSendable(src.baseAddress!), d = NNUncheckedSendable(dst.baseAddress!)
                plan.index.withUnsafeBufferPointer { index in
                    plan.weight.withUnsafeBufferPointer { weight in
                        let idx = NNUncheckedSendable(index.baseAddress!), wt = NNUncheckedSendable(weight.baseAddress!)
                        NNParallel.forEach(rows, threads: context.threads, work: rows &* inner &* taps) { range in
                            for row in range {
                                let o = row / outLength, j = row - o * outLength
                                let out = d.value + row * inner
                                let base = s.value + o * inLength * inner
                                let ti = idx.value + j * taps, tw = wt.value + j * taps
                                if inner == 1 {
                                    var acc: T = 0
                                    for t in 0..<taps { acc += T(tw[t]) * base[ti[t]] }
                                    out.pointee = acc
                                    continue
                                }
                                for t in 0..<taps {
                                    Self.axpy(T(tw[t]), base + ti[t] * inner, out, inner, first: t == 0)
                                }
                                if taps == 0 { out.update(repeating: 0, count: inner) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `y = w * x` (first) or `y += w * x` over `n` contiguous elements, 8 lanes at a time.
    @inline(__always)
    static func axpy<T: NNFloat>(_ w: T, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int, first: Bool) {
        let w8 = SIMD8<T>(repeating: w)
        var i = 0
        if first {
            while i + 8 <= n { NNVector.store(w8 * NNVector.load(x + i), y + i); i += 8 }
            while i < n { y[i] = w * x[i]; i += 1 }
        } else {
            while i + 8 <= n { NNVector.store(NNVector.load(y + i) + w8 * NNVector.load(x + i), y + i); i += 8 }
            while i < n { y[i] += w * x[i]; i += 1 }
        }
    }

    /// Writes `value` over every output element with an axis index flagged outside the input.
    func fillOutside<T: NNFloat>(_ y: inout Tensor, _ plans: [ResizeAxis], _ value: T) throws {
        let dims = y.shape.dims
        try y.withUnsafeMutableBufferPointer(as: T.self) { out in
            var stride = 1
            for a in (0..<plans.count).reversed() {
                defer { stride *= dims[a] }
                guard let outside = plans[a].outside else { continue }
                let length = dims[a], blocks = out.count / (length * stride)
                for j in 0..<length where outside[j] {
                    for b in 0..<blocks {
                        (out.baseAddress! + (b * length + j) * stride).update(repeating: value, count: stride)
                    }
                }
            }
        }
    }
}

/// Nearest mode for every element type: `out[i_0, ..., i_{r-1}] = x[map_0(i_0), ..., map_{r-1}(i_{r-1})]`, or
/// the extrapolation value where a map says "outside"; output rows split over threads.
private struct ResizeNearestKernel: LaneVisitor {
    let x: Tensor
    let shape: Shape
    let axes: [ResizeAxis]
    let fill: Tensor
    let spec: NodeSpec
    let context: RunContext

    func visit<L: Lane>(_: L.Type) throws -> Tensor {
        let rank = shape.rank, dims = shape.dims, inStrides = x.shape.strides
        // Per axis: the source offset of each output index, or -1 for the extrapolation value.
        let offsets: [[Int]] = (0..<rank).map { a in
            let plan = axes[a]
            return (0..<dims[a]).map { j in
                if plan.identity { return j * inStrides[a] }
                if let outside = plan.outside, outside[j] { return -1 }
                return plan.index[j] * inStrides[a]
            }
        }
        let fillValue = try L.read(fill) { $0[0] }
        let last = dims[rank - 1]
        let rows = dims.count > 1 ? dims[..<(rank - 1)].reduce(1, *) : 1
        return try L.read(x) { src in
            try L.make(shape, x.dtype, spec, context) { dst in
                let s = NNUncheckedSendable(src), d = NNUncheckedSendable(dst)
                NNParallel.forEach(rows, threads: context.threads, work: rows &* last &* 2) { range in
                    // Odometer over the outer axes, started at the range's first row.
                    var index = [Int](repeating: 0, count: Swift.max(rank - 1, 0))
                    var rest = range.lowerBound
                    for a in stride(from: rank - 2, through: 0, by: -1) {
                        index[a] = rest % dims[a]
                        rest /= dims[a]
                    }
                    let inner = offsets[rank - 1]
                    for row in range {
                        var base = 0, outside = false
                        for a in 0..<(rank - 1) {
                            let o = offsets[a][index[a]]
                            if o < 0 { outside = true }
                            base += o
                        }
                        let out = row * last
                        if outside {
                            for j in 0..<last { d.value[out + j] = fillValue }
                        } else {
                            for j in 0..<last {
                                let o = inner[j]
                                d.value[out + j] = o < 0 ? fillValue : s.value[base + o]
                            }
                        }
                        var a = rank - 2
                        while a >= 0 {
                            index[a] += 1
                            if index[a] < dims[a] { break }
                            index[a] = 0
                            a -= 1
                        }
                    }
                }
            }
        }
    }
}
