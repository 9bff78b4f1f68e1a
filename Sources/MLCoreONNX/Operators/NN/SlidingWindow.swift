import MLCoreTensor

/// ONNX `auto_pad`: how Conv and the pooling operators pad when `pads` is not given.
enum AutoPad: String, Sendable {
    case notSet = "NOTSET"
    /// Output size `ceil(in / stride)`; odd total padding goes at the end.
    case sameUpper = "SAME_UPPER"
    /// Output size `ceil(in / stride)`; odd total padding goes at the beginning.
    case sameLower = "SAME_LOWER"
    /// No padding.
    case valid = "VALID"
}

/// The sliding-window attributes shared by Conv and the pooling operators (`auto_pad`, `kernel_shape`,
/// `strides`, `dilations`, `pads`, `ceil_mode`), parsed and checked when the session loads.
///
/// Every value is checked to be in range (kernel, strides and dilations >= 1, pads >= 0, all below 2^31) and
/// the lists to agree in length, so no attribute can make a run overflow or index outside a tensor.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Conv.html, https://onnx.ai/onnx/operators/onnx__MaxPool.html
struct SlidingWindowAttributes: Sendable {
    var autoPad: AutoPad
    /// `kernel_shape`; nil when not given (Conv takes it from the weight).
    var kernelShape: [Int]?
    var strides: [Int]?
    var dilations: [Int]?
    /// `[x1_begin, x2_begin, ..., x1_end, x2_end, ...]`.
    var pads: [Int]?
    var ceilMode: Bool
    /// The number of spatial axes when an attribute fixes it.
    var spatialRank: Int?

    /// Largest accepted attribute value: keeps every size computation far from `Int` overflow.
    static let maxValue: Int64 = Int64(Int32.max)

    init(_ spec: NodeSpec, requireKernel: Bool) throws {
        let autoPadString = try spec.string("auto_pad", default: "NOTSET")
        // Some old exporters write an empty string for the default.
        guard let autoPad = AutoPad(rawValue: autoPadString.isEmpty ? "NOTSET" : autoPadString) else {
            throw spec.error("auto_pad '\(autoPadString)' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID")
        }
        self.autoPad = autoPad

        func list(_ name: String, minimum: Int64) throws -> [Int]? {
            guard spec.has(name) else { return nil }
            let values = try spec.ints(name)
            for v in values where v < minimum || v > Self.maxValue {
                throw spec.error("\(name) \(values) must hold values in \(minimum)...\(Self.maxValue)")
            }
            return values.map { Int($0) }
        }
        kernelShape = try list("kernel_shape", minimum: 1)
        strides = try list("strides", minimum: 1)
        dilations = try list("dilations", minimum: 1)
        pads = try list("pads", minimum: 0)
        ceilMode = try spec.int("ceil_mode", default: 0) != 0
        if requireKernel && kernelShape == nil { throw spec.error("missing attribute 'kernel_shape'") }

        var rank: Int? = kernelShape?.count
        func agree(_ name: String, _ count: Int?) throws {
            guard let count else { return }
            if let r = rank, r != count {
                throw spec.error("\(name) implies \(count) spatial axes, other attributes \(r)")
            }
            rank = count
        }
        try agree("strides", strides?.count)
        try agree("dilations", dilations?.count)
        if let pads {
            guard pads.count % 2 == 0 else { throw spec.error("pads \(pads) must hold a begin and an end per spatial axis") }
            try agree("pads", pads.count / 2)
        }
        if let rank, !(1...3).contains(rank) {
            throw spec.error("\(rank) spatial axes are not supported (1, 2 or 3)")
        }
        spatialRank = rank
    }

    /// The window geometry for an input of spatial size `input` and a kernel of size `kernel`.
    ///
    /// - Parameter pooling: pooling operators apply `ceil_mode`, and reject padding as large as the window
    ///   (a window then could lie entirely in the padding).
    /// - Throws: when the ranks disagree, or the (padded) input is smaller than the dilated kernel.
    func geometry(input: [Int], kernel: [Int], pooling: Bool, _ spec: NodeSpec) throws -> SlidingWindowGeometry {
        let r = input.count
        guard (1...3).contains(r) else { throw spec.shapeError("\(r) spatial axes are not supported (1, 2 or 3)") }
        guard kernel.count == r else { throw spec.shapeError("kernel \(kernel) has \(kernel.count) axes, the input \(r) spatial axes") }
        if let spatialRank, spatialRank != r {
            throw spec.shapeError("attributes describe \(spatialRank) spatial axes, the input has \(r)")
        }
        var g = SlidingWindowGeometry(spatialRank: r)
        let lead = 3 - r
        for i in 0..<r {
            let inSize = input[i], k = kernel[i]
            let s = strides?[i] ?? 1, d = dilations?[i] ?? 1
            guard k >= 1 else { throw spec.shapeError("kernel \(kernel) has an empty axis") }
            // d, s < 2^31 and k <= a real tensor dimension: the product stays far below Int.max.
            let (dk, overflow) = d.multipliedReportingOverflow(by: k - 1)
            guard !overflow, dk < Int.max / 4 else { throw spec.error("dilated kernel size overflows") }
            let window = dk + 1
            var padBegin = 0, padEnd = 0, out: Int
            switch autoPad {
            case .notSet, .valid:
                if autoPad == .notSet, let pads { padBegin = pads[i]; padEnd = pads[r + i] }
                if pooling && (padBegin >= window || padEnd >= window) {
                    throw spec.error("pads \(pads ?? []) must be smaller than the (dilated) kernel \(kernel)")
                }
                let span = inSize + padBegin + padEnd - window
                guard span >= 0 else {
                    throw spec.shapeError("the kernel \(kernel) (dilations \(dilations ?? [])) is larger than the padded input \(input) (pads \(pads ?? []))")
                }
                if pooling && ceilMode && autoPad == .notSet {
                    out = (span + s - 1) / s + 1
                    // The last window must start inside the input or the left padding.
                    if (out - 1) * s >= inSize + padBegin { out -= 1 }
                } else {
                    out = span / s + 1
                }
            case .sameUpper, .sameLower:
                out = (inSize + s - 1) / s
                let total = Swift.max(0, (out - 1) * s + window - inSize)
                padBegin = autoPad == .sameUpper ? total / 2 : total - total / 2
                padEnd = total - padBegin
            }
            g.input[lead + i] = inSize
            g.output[lead + i] = out
            g.kernel[lead + i] = k
            g.stride[lead + i] = s
            g.dilation[lead + i] = d
            g.padBegin[lead + i] = padBegin
            g.padEnd[lead + i] = padEnd
        }
        // The geometry's counts are multiplied freely later: check them once here.
        _ = try nnProduct(g.input, spec)
        _ = try nnProduct(g.output, spec)
        _ = try nnProduct(g.kernel, spec)
        return g
    }
}

/// A resolved sliding window, always as three spatial axes (depth, height, width): lower ranks get leading
/// axes of size 1, so one loop nest serves 1-D, 2-D and 3-D operators.
struct SlidingWindowGeometry: Sendable, Equatable {
    var spatialRank: Int
    var input = [1, 1, 1]
    var output = [1, 1, 1]
    var kernel = [1, 1, 1]
    var stride = [1, 1, 1]
    var dilation = [1, 1, 1]
    var padBegin = [0, 0, 0]
    var padEnd = [0, 0, 0]

    init(spatialRank: Int) { self.spatialRank = spatialRank }

    /// The output's spatial dimensions (the operator's rank, not padded to three).
    var outputSpatial: [Int] { Array(output.suffix(spatialRank)) }
    var inputCount: Int { input[0] * input[1] * input[2] }
    var outputCount: Int { output[0] * output[1] * output[2] }
    var kernelCount: Int { kernel[0] * kernel[1] * kernel[2] }

    /// Whether the window is a plain 1x1 (x1) pass-through: each output element reads the same input element.
    var isPointwise: Bool {
        kernel == [1, 1, 1] && stride == [1, 1, 1] && padBegin == [0, 0, 0] && padEnd == [0, 0, 0]
    }

    /// For axis `axis`, kernel tap `k`: the output positions `lo..<hi` whose input position
    /// `o * stride + k * dilation - padBegin` falls inside the input.
    @inline(__always)
    func validOutputRange(axis: Int, tap k: Int) -> (lo: Int, hi: Int) {
        let s = stride[axis], offset = k * dilation[axis] - padBegin[axis], n = input[axis], o = output[axis]
        let lo = offset >= 0 ? 0 : (-offset + s - 1) / s
        let hi = n - offset <= 0 ? 0 : (n - offset + s - 1) / s
        let clampedLo = Swift.min(lo, o)
        return (clampedLo, Swift.max(clampedLo, Swift.min(hi, o)))
    }

    /// For axis `axis`, output position `o`: the kernel taps `lo..<hi` that fall inside the input.
    @inline(__always)
    func validTapRange(axis: Int, output o: Int) -> (lo: Int, hi: Int) {
        let start = o * stride[axis] - padBegin[axis], d = dilation[axis], n = input[axis], k = kernel[axis]
        let lo = start >= 0 ? 0 : (-start + d - 1) / d
        let hi = n - start <= 0 ? 0 : (n - start + d - 1) / d
        let clampedLo = Swift.min(lo, k)
        return (clampedLo, Swift.max(clampedLo, Swift.min(hi, k)))
    }

    /// For axis `axis`, output position `o`: the taps inside the explicitly padded input
    /// `-padBegin..<input + padEnd` (AveragePool's divisor with `count_include_pad`).
    func paddedTapCount(axis: Int, output o: Int) -> Int {
        let start = o * stride[axis] - padBegin[axis], d = dilation[axis], k = kernel[axis]
        let limit = input[axis] + padEnd[axis]
        if limit - start <= 0 { return 0 }
        return Swift.min(k, (limit - start + d - 1) / d)
    }
}
