import Foundation

/// How one axis of a Resize is sampled: for each output index, `taps` source indices and weights (nearest:
/// one index, no weight), and which outputs fall outside the input under `tf_crop_and_resize`.
///
/// Every formula follows onnxruntime's (upsamplebase.h, upsample.cc, upsample_antialias.h) in float, in its
/// order of operations, so rounding decisions (nearest ties, the cubic fraction) come out the same.
struct ResizeAxis: Sendable {
    private(set) var inLength: Int
    private(set) var outLength: Int
    /// A scale of exactly 1: output index j reads input index j (onnxruntime applies no transformation).
    private(set) var identity: Bool
    private(set) var taps: Int
    var index: [Int] = []
    var weight: [Float] = []
    /// Per output index, whether its coordinate lies outside `[0, inLength - 1]` (only for `tf_crop_and_resize`).
    var outside: [Bool]?

    init(resize r: Resize, inLength: Int, outLength: Int, scale: Float, roiStart: Float, roiEnd: Float) {
        self.inLength = inLength
        self.outLength = outLength
        identity = scale == 1 && inLength == outLength
        switch r.mode {
        case .nearest: taps = 1
        case .linear: taps = r.antialias ? 0 : 2
        case .cubic: taps = r.antialias ? 0 : 4
        }
        if identity { return }
        let extrapolate = r.transform == .tfCropAndResize
        if extrapolate { outside = [Bool](repeating: false, count: outLength) }
        let last = Float(inLength - 1)
        func coordinate(_ j: Int) -> Float {
            Self.original(r.transform, Float(j), scale: scale, outLength: Float(outLength), inLength: Float(inLength),
                          roiStart: roiStart, roiEnd: roiEnd)
        }
        if r.antialias {
            self = Self.antialiased(self, r, scale: scale, coordinate: coordinate)
            return
        }
        index.reserveCapacity(outLength * taps)
        weight.reserveCapacity(outLength * taps)
        for j in 0..<outLength {
            let c = coordinate(j)
            if extrapolate, c < 0 || c > last { outside?[j] = true }
            switch r.mode {
            case .nearest:
                let i = Self.nearest(r.nearestMode, c, downsampling: scale < 1)
                index.append(Swift.min(Swift.max(i, 0), inLength - 1))
            case .linear:
                // onnxruntime's SetupUpsampleBilinear: clamp, then the two neighbours weighted by distance.
                let v = c > 0 ? (c < last ? c : last) : 0
                let i1 = Swift.min(Self.truncated(v), inLength - 1), i2 = Swift.min(i1 + 1, inLength - 1)
                var w1 = abs(v - Float(i2)), w2 = abs(v - Float(i1))
                if i1 == i2 { (w1, w2) = (0.5, 0.5) }
                index += [i1, i2]
                weight += [w1, w2]
            case .cubic:
                let f = c.rounded(.down)
                let base = Self.truncated(f)
                var coeffs = Self.cubicCoefficients(c - f, r.cubicCoeffA)
                if r.excludeOutside {
                    var sum: Float = 0
                    for k in 0..<4 {
                        let i = base - 1 + k
                        if i < 0 || i >= inLength { coeffs[k] = 0 }
                        sum += coeffs[k]
                    }
                    for k in 0..<4 { coeffs[k] /= sum }
                }
                for k in 0..<4 {
                    index.append(Swift.min(Swift.max(base - 1 + k, 0), inLength - 1))
                    weight.append(coeffs[k])
                }
            }
        }
    }

    private init(copying other: ResizeAxis, taps: Int) {
        inLength = other.inLength
        outLength = other.outLength
        identity = other.identity
        self.taps = taps
        outside = other.outside
    }

    /// onnxruntime's `GetOriginalCoordinateFromResizedCoordinate`.
    static func original(_ t: Resize.Transform, _ x: Float, scale: Float, outLength: Float, inLength: Float,
                         roiStart: Float, roiEnd: Float) -> Float {
        switch t {
        case .asymmetric: return x / scale
        case .pytorchHalfPixel: return outLength > 1 ? (x + 0.5) / scale - 0.5 : 0
        case .tfHalfPixelForNearest: return (x + 0.5) / scale
        case .alignCorners: return outLength == 1 ? 0 : x * (inLength - 1) / (outLength - 1)
        case .tfCropAndResize:
            if outLength > 1 {
                return roiStart * (inLength - 1) + (x * (roiEnd - roiStart) * (inLength - 1)) / (outLength - 1)
            }
            return Float(0.5 * Double(roiStart + roiEnd) * Double(inLength - 1))
        case .halfPixelSymmetric:
            let outputWidth = scale * inLength
            let adjustment = outLength / outputWidth
            let center = inLength / 2
            let offset = center * (1 - adjustment)
            return Float(Double(offset) + (Double(x) + 0.5) / Double(scale) - 0.5)
        case .halfPixel: return (x + 0.5) / scale - 0.5
        }
    }

    /// onnxruntime's `GetNearestPixelFromOriginal`.
    static func nearest(_ mode: Resize.NearestMode, _ x: Float, downsampling: Bool) -> Int {
        switch mode {
        case .simple: return downsampling ? truncated(x.rounded(.up)) : truncated(x)
        case .roundPreferCeil: return truncated(x.rounded(.toNearestOrAwayFromZero))
        case .floor: return truncated(x.rounded(.down))
        case .ceil: return truncated(x.rounded(.up))
        case .roundPreferFloor:
            if x == Float(truncated(x)) + 0.5 { return truncated(x.rounded(.down)) }
            return truncated(x.rounded(.toNearestOrAwayFromZero))
        }
    }

    /// `Int(x)` toward zero, saturating (NaN to 0) so no coordinate can trap; callers clamp to the axis.
    static func truncated(_ x: Float) -> Int {
        guard x.isFinite else { return x.isNaN ? 0 : (x > 0 ? Int(Int32.max) : Int(Int32.min)) }
        return Int(Swift.max(Swift.min(x, 2e9), -2e9))
    }

    /// Keys' cubic convolution weights of the four neighbours `floor(x) - 1 ... floor(x) + 2` for the fraction
    /// `s` (onnxruntime's `GetCubicCoeffs`).
    static func cubicCoefficients(_ s: Float, _ a: Float) -> [Float] {
        let s = abs(s)
        return [
            ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a,
            ((a + 2) * s - (a + 3)) * s * s + 1,
            ((a + 2) * (1 - s) - (a + 3)) * (1 - s) * (1 - s) + 1,
            ((a * (2 - s) - 5 * a) * (2 - s) + 8 * a) * (2 - s) - 4 * a,
        ]
    }

    /// The antialiasing filter (opset 18): the linear or cubic kernel stretched by `1 / scale` when downsampling,
    /// as onnxruntime's `SetupUpsampleFilterAntiAlias` computes it. Weights falling outside the input are
    /// dropped (`exclude_outside`) or moved onto the edge element; each window is normalized to sum 1.
    static func antialiased(_ axis: ResizeAxis, _ r: Resize, scale: Float, coordinate: (Int) -> Float) -> ResizeAxis {
        let inLength = axis.inLength, outLength = axis.outLength
        let supportSize: Float = r.mode == .cubic ? 4 : 2
        let a = r.cubicCoeffA
        func filter(_ v: Float) -> Float {
            let x = abs(v)
            if r.mode == .linear { return x < 1 ? 1 - x : 0 }
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        }
        let inverse = 1 / scale
        let support = inverse >= 1 ? (supportSize * 0.5) * inverse : supportSize * 0.5
        let window = truncated(support.rounded(.up)) * 2 + 1
        let invScale: Float = inverse >= 1 ? 1 / inverse : 1
        var result = ResizeAxis(copying: axis, taps: window)
        result.index = [Int](repeating: 0, count: outLength * window)
        result.weight = [Float](repeating: 0, count: outLength * window)
        var buffer = [Float](repeating: 0, count: window + 2)
        for j in 0..<outLength {
            let center: Float = 0.5 + (inverse == 1 ? Float(j) : coordinate(j))
            if result.outside != nil, center - 0.5 < 0 || center - 0.5 > Float(inLength - 1) { result.outside![j] = true }
            let xminReal = truncated((center - support + 0.5).rounded(.down))
            let xmaxReal = truncated((center + support + 0.5).rounded(.down))
            let xminCut = Swift.max(xminReal, 0), xmaxCut = Swift.min(xmaxReal, inLength)
            let xmin = r.excludeOutside ? xminCut : xminReal
            let span = Swift.max((r.excludeOutside ? xmaxCut : xmaxReal) - xmin, 0)
            if buffer.count < span { buffer = [Float](repeating: 0, count: span) }
            var total: Float = 0
            for k in 0..<span {
                let w = filter((Float(k + xmin) - center + 0.5) * invScale)
                buffer[k] = w
                total += w
            }
            var shift = 0
            if !r.excludeOutside && span > 0 {
                let below = xmin < 0 ? -xmin : 0
                if below > 0 && below < span {
                    for k in 0..<below { buffer[below] += buffer[k] }
                }
                let above = span + xmin > inLength ? span + xmin - inLength : 0
                if above > 0 && span - above - 1 >= 0 {
                    for k in (span - above)..<span { buffer[span - above - 1] += buffer[k] }
                }
                shift = below
            }
            let scaleBack: Float = total == 0 ? 1 : 1 / total
            let count = Swift.min(Swift.max(xmaxCut - xminCut, 0), window)
            for k in 0..<count where k + shift < span {
                result.index[j * window + k] = xminCut + k
                result.weight[j * window + k] = buffer[k + shift] * scaleBack
            }
        }
        return result
    }
}
