import MLCoreTensor

/// RoiAlign: pools each region of interest `rois[r] = (x1, y1, x2, y2)` of image `batch_indices[r]` of an NCHW
/// input into `output_height x output_width` bins, each the average (or maximum) of a grid of bilinear samples.
///
/// Coordinates are scaled by `spatial_scale`; from opset 16 `coordinate_transformation_mode = half_pixel`
/// (default) shifts them by -0.5 pixel and keeps degenerate regions as they are, while `output_half_pixel` (the
/// only behaviour of opset 10) does not shift and widens regions to at least 1 pixel. `sampling_ratio` samples
/// per bin side, or `ceil(region / bins)` when 0. Samples more than one pixel outside the image count as 0.
///
/// Computed as onnxruntime's kernel does, operation for operation, including where it departs from the spec:
/// in `max` mode onnxruntime takes, for each sample, the largest of the four *weighted* corner terms
/// `w_i * x_i` (not their sum, the bilinear value the spec describes), then the maximum over the samples.
/// - Complexity: O(rois * channels * output cells * samples per bin).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__RoiAlign.html
struct RoiAlign: Operator {
    let spec: NodeSpec
    let maxMode: Bool
    let outputHeight: Int
    let outputWidth: Int
    let samplingRatio: Int
    let spatialScale: Float
    let halfPixel: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let mode = try spec.string("mode", default: "avg")
        guard mode == "avg" || mode == "max" else { throw spec.error("mode '\(mode)' must be avg or max") }
        maxMode = mode == "max"
        let h = try spec.int("output_height", default: 1), w = try spec.int("output_width", default: 1)
        guard h > 0, w > 0, h <= Int64(Int32.max), w <= Int64(Int32.max) else {
            throw spec.error("output_height \(h) and output_width \(w) must be positive")
        }
        outputHeight = Int(h)
        outputWidth = Int(w)
        let s = try spec.int("sampling_ratio", default: 0)
        guard s >= 0, s <= 1 << 16 else { throw spec.error("sampling_ratio \(s) must be in 0...65536") }
        samplingRatio = Int(s)
        spatialScale = try spec.float("spatial_scale", default: 1)
        if spec.opset >= 16 {
            let t = try spec.string("coordinate_transformation_mode", default: "half_pixel")
            guard t == "half_pixel" || t == "output_half_pixel" else {
                throw spec.error("coordinate_transformation_mode '\(t)' must be half_pixel or output_half_pixel")
            }
            halfPixel = t == "half_pixel"
        } else {
            halfPixel = false
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), rois = try inputs.tensor(1, spec), batchIndices = try inputs.tensor(2, spec)
        guard x.rank == 4 else { throw spec.shapeError("X must be 4-D [N, C, H, W], got \(x.shape)") }
        guard rois.rank == 2, rois.shape[1] == 4 else { throw spec.shapeError("rois must be [num_rois, 4], got \(rois.shape)") }
        guard batchIndices.rank == 1, batchIndices.shape[0] == rois.shape[0] else {
            throw spec.shapeError("batch_indices \(batchIndices.shape) must be [num_rois] for rois \(rois.shape)")
        }
        guard rois.dtype == x.dtype else { throw spec.error("rois are \(rois.dtype) but X is \(x.dtype)") }
        let indices = try spec.integers(batchIndices, "batch_indices")
        for (r, b) in indices.enumerated() where b < 0 || b >= Int64(x.shape[0]) {
            throw spec.error("batch_indices[\(r)] = \(b) is out of range for \(x.shape[0]) images")
        }
        let shape = Shape([rois.shape[0], x.shape[1], outputHeight, outputWidth])
        if rois.shape[0] > 0, x.shape[1] > 0, x.shape[2] == 0 || x.shape[3] == 0 {
            throw spec.shapeError("X \(x.shape) has an empty image to sample regions from")
        }
        switch x.dtype {
        case .float32: return [.tensor(try pool(x, rois, indices.map { Int($0) }, shape, Float.self, context))]
        case .float64: return [.tensor(try pool(x, rois, indices.map { Int($0) }, shape, Double.self, context))]
        default: throw spec.error("element type \(x.dtype) is not supported (float32, float64)")
        }
    }

    /// One bilinear sample: four offsets in the image plane and their weights (all zero outside the image).
    struct Sample<T> { var p1, p2, p3, p4: Int; var w1, w2, w3, w4: T }

    func pool<T: NNFloat>(_ x: Tensor, _ rois: Tensor, _ batch: [Int], _ shape: Shape, _: T.Type,
                          _ context: RunContext) throws -> Tensor {
        var y = try context.makeTensor(shape, T.dtype, node: spec.name, zeroed: false)
        if y.count == 0 { return y }
        let channels = x.shape[1], height = x.shape[2], width = x.shape[3]
        let ph = outputHeight, pw = outputWidth
        let perRoi = try spec.product([channels, ph, pw], "output")
        let rc = rois.shape[0]
        let samplingRatio = self.samplingRatio, maxMode = self.maxMode
        let scale = T(spatialScale), offset: T = halfPixel ? 0.5 : 0, halfPixel = self.halfPixel
        try x.withUnsafeBufferPointer(as: T.self) { src in
            try rois.withUnsafeBufferPointer(as: T.self) { roi in
                try y.withUnsafeMutableBufferPointer(as: T.self) { dst in
                    let out = NNUncheckedSendable(dst.baseAddress!)
                    NNParallel.forEach(rc, threads: context.threads, work: rc &* perRoi &* 16) { range in
                        var samples: [Sample<T>] = []
                        for n in range {
                            let startW = roi[4 * n] * scale - offset, startH = roi[4 * n + 1] * scale - offset
                            let endW = roi[4 * n + 2] * scale - offset, endH = roi[4 * n + 3] * scale - offset
                            var roiW = endW - startW, roiH = endH - startH
                            if !halfPixel {
                                roiW = max(roiW, 1)
                                roiH = max(roiH, 1)
                            }
                            let binH = roiH / T(ph), binW = roiW / T(pw)
                            let gridH = samplingRatio > 0 ? samplingRatio : Self.ceilCount(roiH / T(ph))
                            let gridW = samplingRatio > 0 ? samplingRatio : Self.ceilCount(roiW / T(pw))
                            let count = T(Swift.max(gridH * gridW, 1))  // an empty grid (degenerate half-pixel region) gives 0, as onnxruntime
                            samples.removeAll(keepingCapacity: true)
                            Self.precompute(&samples, height: height, width: width, ph: ph, pw: pw, startH: startH, startW: startW,
                                            binH: binH, binW: binW, gridH: gridH, gridW: gridW)
                            for c in 0..<channels {
                                let plane = src.baseAddress! + (batch[n] * channels + c) * height * width
                                var o = out.value + (n * channels + c) * ph * pw
                                var k = 0
                                for _ in 0..<(ph * pw) {
                                    var value: T = 0
                                    if maxMode {
                                        var first = true
                                        for _ in 0..<(gridH * gridW) {
                                            let s = samples[k]
                                            // onnxruntime's max mode: the largest weighted corner term (see the type's doc).
                                            let v = max(max(max(s.w1 * plane[s.p1], s.w2 * plane[s.p2]), s.w3 * plane[s.p3]), s.w4 * plane[s.p4])
                                            value = first ? v : max(value, v)
                                            first = false
                                            k += 1
                                        }
                                    } else {
                                        for _ in 0..<(gridH * gridW) {
                                            let s = samples[k]
                                            value += s.w1 * plane[s.p1] + s.w2 * plane[s.p2] + s.w3 * plane[s.p3] + s.w4 * plane[s.p4]
                                            k += 1
                                        }
                                        value /= count
                                    }
                                    o.pointee = value
                                    o += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// `ceil(v)` as a sample count; non-positive or NaN (a degenerate half-pixel region) gives 0 samples.
    static func ceilCount<T: NNFloat>(_ v: T) -> Int {
        let c = v.rounded(.up)
        return c > 0 ? Int(min(c, T(65536))) : 0
    }

    /// onnxruntime's `PreCalcForBilinearInterpolate`: the samples of every bin, bin by bin, row-major.
    static func precompute<T: NNFloat>(_ samples: inout [Sample<T>], height: Int, width: Int, ph: Int, pw: Int,
                                       startH: T, startW: T, binH: T, binW: T, gridH: Int, gridW: Int) {
        let h = T(height), w = T(width)
        for py in 0..<ph {
            for px in 0..<pw {
                for iy in 0..<gridH {
                    let yy = startH + T(py) * binH + T(Float(iy) + 0.5) * binH / T(gridH)
                    for ix in 0..<gridW {
                        let xx = startW + T(px) * binW + T(Float(ix) + 0.5) * binW / T(gridW)
                        var y = yy, x = xx
                        if y < -1 || y > h || x < -1 || x > w || y.isNaN || x.isNaN {
                            samples.append(Sample(p1: 0, p2: 0, p3: 0, p4: 0, w1: 0, w2: 0, w3: 0, w4: 0))
                            continue
                        }
                        if y <= 0 { y = 0 }
                        if x <= 0 { x = 0 }
                        var yLow = Int(y), xLow = Int(x)
                        let yHigh: Int, xHigh: Int
                        if yLow >= height - 1 {
                            yLow = height - 1
                            yHigh = yLow
                            y = T(yLow)
                        } else {
                            yHigh = yLow + 1
                        }
                        if xLow >= width - 1 {
                            xLow = width - 1
                            xHigh = xLow
                            x = T(xLow)
                        } else {
                            xHigh = xLow + 1
                        }
                        let ly = y - T(yLow), lx = x - T(xLow), hy = 1 - ly, hx = 1 - lx
                        samples.append(Sample(p1: yLow * width + xLow, p2: yLow * width + xHigh,
                                              p3: yHigh * width + xLow, p4: yHigh * width + xHigh,
                                              w1: hy * hx, w2: hy * lx, w3: ly * hx, w4: ly * lx))
                    }
                }
            }
        }
    }
}
