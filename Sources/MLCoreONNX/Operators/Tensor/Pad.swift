import MLCoreTensor

/// Pad: adds `pads[k]` elements before and `pads[rank + k]` after each axis k (negative values crop).
///
/// Modes: `constant` (the value: attribute `value` before opset 11, optional input 2 from 11; 0, false or "" by
/// default), `reflect` (mirror without repeating the edge, NumPy's `reflect`, also for pads wider than the
/// axis), `edge` (repeat the edge element) and `wrap` (opset 19, periodic). Pads are the attribute `paddings`
/// (opset 1) or `pads` (2 to 10), or input 1 from opset 11; from opset 18 the optional input 3 lists the
/// axes they apply to. `reflect`, `edge` and `wrap` need a non-empty axis to read from.
///
/// Each axis gets a map from output to input index (or "pad value"); the innermost axis's map is cut into
/// runs, so the copied middle of each row is one `memcpy` and a constant border one fill.
/// - Complexity: O(output elements + sum of output dimensions).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Pad.html
struct Pad: Operator {
    enum Mode: String { case constant, reflect, edge, wrap }

    let spec: NodeSpec
    let mode: Mode
    /// Opset < 11: the pads attribute and the constant value attribute.
    let padsAttribute: [Int64]?
    let valueAttribute: Float

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let name = try spec.string("mode", default: "constant")
        guard let mode = Mode(rawValue: name), mode != .wrap || spec.opset >= 19 else {
            throw spec.error("mode '\(name)' is not supported at opset \(spec.opset)")
        }
        self.mode = mode
        if spec.opset < 11 {
            padsAttribute = try spec.ints(spec.opset < 2 ? "paddings" : "pads")
            valueAttribute = try spec.float("value", default: 0)
        } else {
            padsAttribute = nil
            valueAttribute = 0
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let rank = x.rank
        let pads = try padsAttribute ?? spec.integerList(inputs.tensor(1, spec), "pads")
        var axes = Array(0..<rank)
        if spec.opset >= 18, let t = try inputs.optionalTensor(3, spec) {
            axes = try spec.normalizedAxes(spec.integerList(t, "axes"), rank: rank)
        }
        guard pads.count == 2 * axes.count else {
            throw spec.error("pads has \(pads.count) entries, expected \(2 * axes.count) (twice the number of axes)")
        }
        var before = [Int](repeating: 0, count: rank), after = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() {
            // Pads beyond Int32 cannot make a valid tensor; bounding them keeps the arithmetic below exact.
            let limit = Int64(Int32.max)
            guard (-limit...limit).contains(pads[i]), (-limit...limit).contains(pads[axes.count + i]) else {
                throw spec.error("pads \(pads) has a value beyond ±\(limit)")
            }
            before[a] = Int(pads[i])
            after[a] = Int(pads[axes.count + i])
        }
        var dims: [Int] = []
        for k in 0..<rank {
            let (grown, overflow) = x.shape[k].addingReportingOverflow(before[k] + after[k])
            guard !overflow else { throw spec.shapeError("pads \(pads) overflow axis \(k) of \(x.shape)") }
            let d = grown
            guard d >= 0 else { throw spec.shapeError("pads \(pads) crop axis \(k) of \(x.shape) below zero") }
            if mode != .constant, x.shape[k] == 0, d > 0 {
                throw spec.shapeError("\(mode.rawValue) padding needs elements on axis \(k) of \(x.shape)")
            }
            dims.append(d)
        }
        let shape = Shape(dims)
        let value = try padValue(inputs, x.dtype)
        return [.tensor(try x.dtype.visitLane(PadKernel(x: x, value: value, shape: shape, before: before, mode: mode,
                                                         spec: spec, context: context)))]
    }

    /// The constant as a one-element tensor of the data's type.
    func padValue(_ inputs: [Value?], _ dtype: DType) throws -> Tensor {
        if spec.opset >= 11, let v = try inputs.optionalTensor(2, spec) {
            guard v.dtype == dtype else { throw spec.error("constant_value has type \(v.dtype), data has \(dtype)") }
            guard v.count == 1 else { throw spec.error("constant_value must be a scalar, got shape \(v.shape)") }
            return v
        }
        if dtype == .string { return try Tensor(shape: [], strings: [""]) }
        return try Cast.convert(Tensor(scalar: valueAttribute), to: dtype, spec, RunContext(threads: 1, maxTensorBytes: 64))
    }

    /// Output index -> input index along an axis of `dim` padded by `before`, or -1 for the pad value.
    static func indexMap(outCount: Int, dim: Int, before: Int, mode: Mode) -> [Int] {
        (0..<outCount).map { o in
            let i = o - before
            if i >= 0 && i < dim { return i }
            switch mode {
            case .constant: return -1
            case .edge: return i < 0 ? 0 : dim - 1
            case .wrap: return ((i % dim) + dim) % dim
            case .reflect:
                if dim == 1 { return 0 }
                let period = 2 * (dim - 1)
                let m = ((i % period) + period) % period
                return m < dim ? m : period - m
            }
        }
    }
}

private struct PadKernel: LaneVisitor {
    let x: Tensor
    let value: Tensor
    let shape: Shape
    let before: [Int]
    let mode: Pad.Mode
    let spec: NodeSpec
    let context: RunContext

    /// A piece of an output row: `count` elements from input offset `source` on (contiguous), or the value
    /// when `source` is nil.
    struct Run { var start: Int; var count: Int; var source: Int? }

    func visit<L: Lane>(_: L.Type) throws -> Tensor {
        try L.read(value) { v in
            try L.read(x) { src in
                try L.make(shape, x.dtype, spec, context) { dst in
                    if dst.isEmpty { return }
                    fill(src, dst, v[0])
                }
            }
        }
    }

    func fill<L>(_ src: UnsafeBufferPointer<L>, _ dst: UnsafeMutableBufferPointer<L>, _ value: L) {
        let rank = shape.rank
        if rank == 0 {
            dst[0] = src[0]
            return
        }
        let maps = (0..<rank).map { Pad.indexMap(outCount: shape[$0], dim: x.shape[$0], before: before[$0], mode: mode) }
        let inStrides = x.shape.strides
        let runs = Self.runs(maps[rank - 1])
        let inner = shape[rank - 1]
        var index = [Int](repeating: 0, count: rank - 1)
        var out = 0
        for _ in 0..<(dst.count / inner) {
            // The input row this output row reads, or none when an outer index falls in a constant border.
            // Wrapping arithmetic: an input without elements (padded with constants) may have wrapped strides,
            // but then some outer map is -1 or the inner runs are all fills, and the offset is never read.
            var row: Int? = 0
            for k in 0..<(rank - 1) {
                let i = maps[k][index[k]]
                if i < 0 { row = nil; break }
                row = row! &+ i &* inStrides[k]
            }
            if let row {
                for run in runs {
                    if let s = run.source {
                        if run.count == 1 { dst[out + run.start] = src[row + s] } else { dst.copy(from: src, row + s, to: out + run.start, count: run.count) }
                    } else {
                        dst.fill(value, at: out + run.start, count: run.count)
                    }
                }
            } else {
                dst.fill(value, at: out, count: inner)
            }
            out += inner
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Cuts an index map into runs of consecutive input indices and runs of the pad value.
    static func runs(_ map: [Int]) -> [Run] {
        var runs: [Run] = []
        for (o, i) in map.enumerated() {
            if var last = runs.last {
                let extendsCopy = i >= 0 && last.source.map { $0 + last.count == i } == true
                let extendsFill = i < 0 && last.source == nil
                if extendsCopy || extendsFill {
                    last.count += 1
                    runs[runs.count - 1] = last
                    continue
                }
            }
            runs.append(Run(start: o, count: 1, source: i < 0 ? nil : i))
        }
        return runs
    }
}
