import MLCoreKernels
import MLCoreTensor

/// The attributes LSTM, GRU and RNN share, checked once at load.
struct RecurrentAttributes: Sendable {
    enum Direction: String, Sendable { case forward, reverse, bidirectional }
    let direction: Direction
    let numDirections: Int
    /// nil: taken from R's last dimension.
    let hiddenSize: Int?
    /// nil: no clipping.
    let clip: Float?
    /// 1: X, Y, Y_h, Y_c and the initial states are batch-major (opset 14).
    let batchMajor: Bool

    init(_ spec: NodeSpec, clipMustBePositive: Bool) throws {
        let d = try spec.string("direction", default: "forward")
        guard let direction = Direction(rawValue: d) else {
            throw spec.error("direction '\(d)' must be forward, reverse or bidirectional")
        }
        self.direction = direction
        numDirections = direction == .bidirectional ? 2 : 1
        if spec.has("hidden_size") {
            let h = try spec.int("hidden_size")
            guard h > 0, h <= Int64(Int32.max) else { throw spec.error("hidden_size \(h) must be positive") }
            hiddenSize = Int(h)
        } else {
            hiddenSize = nil
        }
        if spec.has("clip") {
            let c = try spec.float("clip")
            if clipMustBePositive {
                guard c > 0 else { throw spec.error("clip \(c) must be positive") }
                clip = c
            } else {
                // onnxruntime's RNN treats a negative clip as none.
                clip = c < 0 ? nil : c
            }
        } else {
            clip = nil
        }
        let layout = try spec.int("layout", default: 0)
        guard layout == 0 || layout == 1 else { throw spec.error("layout \(layout) must be 0 or 1") }
        batchMajor = layout == 1
    }
}

/// The sizes of one run and the checked inputs (X, W, R, B, sequence_lens, initial_h), shared by the three
/// operators. `gates` is the number of gate blocks (LSTM 4, GRU 3, RNN 1).
struct RecurrentProblem {
    let seqLength: Int, batch: Int, inputSize: Int, hidden: Int, gates: Int, numDirections: Int
    let batchMajor: Bool
    let x: Tensor, w: Tensor, r: Tensor
    /// `[numDirections, 2 * gates * hidden]`, or nil.
    let b: Tensor?
    /// Per batch row, its number of valid steps.
    let lengths: [Int]

    init(_ inputs: [Value?], gates: Int, _ attributes: RecurrentAttributes, _ spec: NodeSpec) throws {
        let x = try inputs.tensor(0, spec), w = try inputs.tensor(1, spec), r = try inputs.tensor(2, spec)
        guard x.dtype == .float32 || x.dtype == .float64 else {
            throw spec.error("element type \(x.dtype) is not supported (float32, float64)")
        }
        for (name, t) in [("W", w), ("R", r)] where t.dtype != x.dtype {
            throw spec.error("\(name) has type \(t.dtype), X has \(x.dtype)")
        }
        guard x.rank == 3 else { throw spec.shapeError("X must be 3-D, got \(x.shape)") }
        guard w.rank == 3, r.rank == 3 else { throw spec.shapeError("W and R must be 3-D, got \(w.shape) and \(r.shape)") }
        let nd = attributes.numDirections
        let hidden = attributes.hiddenSize ?? r.shape[2]
        guard hidden > 0 else { throw spec.shapeError("hidden size must be positive, R is \(r.shape)") }
        let (gh, overflow) = hidden.multipliedReportingOverflow(by: gates)
        guard !overflow else { throw spec.shapeError("hidden_size \(hidden) overflows") }
        seqLength = attributes.batchMajor ? x.shape[1] : x.shape[0]
        batch = attributes.batchMajor ? x.shape[0] : x.shape[1]
        inputSize = x.shape[2]
        guard w.shape.dims == [nd, gh, inputSize] else {
            throw spec.shapeError("W must have shape [\(nd), \(gh), \(inputSize)], got \(w.shape)")
        }
        guard r.shape.dims == [nd, gh, hidden] else {
            throw spec.shapeError("R must have shape [\(nd), \(gh), \(hidden)], got \(r.shape)")
        }
        b = try inputs.optionalTensor(3, spec)
        if let b {
            guard b.dtype == x.dtype else { throw spec.error("B has type \(b.dtype), X has \(x.dtype)") }
            guard b.shape.dims == [nd, 2 * gh] else { throw spec.shapeError("B must have shape [\(nd), \(2 * gh)], got \(b.shape)") }
        }
        if let s = try inputs.optionalTensor(4, spec) {
            guard s.shape.dims == [batch] else { throw spec.shapeError("sequence_lens must have shape [\(batch)], got \(s.shape)") }
            let values: [Int]
            switch s.dtype {
            case .int32: values = try s.scalars(as: Int32.self).map(Int.init)
            case .int64: values = try s.scalars(as: Int64.self).map { Int(clamping: $0) }
            default: throw spec.error("sequence_lens must be int32, got \(s.dtype)")
            }
            for v in values where v < 0 || v > seqLength {
                throw spec.shapeError("sequence_lens value \(v) is outside [0, \(seqLength)]")
            }
            lengths = values
        } else {
            lengths = Array(repeating: seqLength, count: batch)
        }
        _ = try nnProduct([seqLength, batch, nd, gh, Swift.max(inputSize, hidden)], spec)
        self.hidden = hidden
        self.gates = gates
        numDirections = nd
        batchMajor = attributes.batchMajor
        self.x = x; self.w = w; self.r = r
    }

    var stateShape: Shape { batchMajor ? [batch, numDirections, hidden] : [numDirections, batch, hidden] }
    var outputShape: Shape { batchMajor ? [batch, seqLength, numDirections, hidden] : [seqLength, numDirections, batch, hidden] }

    /// Element offset of state `(direction, batch row)` in a Y_h-shaped tensor.
    func stateOffset(_ d: Int, _ b: Int) -> Int { (batchMajor ? b * numDirections + d : d * batch + b) * hidden }
    /// Element offset of `(time, direction, batch row)` in Y.
    func outputOffset(_ t: Int, _ d: Int, _ b: Int) -> Int {
        (batchMajor ? (b * seqLength + t) * numDirections + d : (t * numDirections + d) * batch + b) * hidden
    }
    /// Column of `(time, batch row)` in the input projection (X's row).
    func column(_ t: Int, _ b: Int) -> Int { batchMajor ? b * seqLength + t : t * batch + b }

    /// X W^T for every step and both directions in one GEMM, unit-major: `[numDirections * gates * hidden,
    /// seqLength * batch]`, so each gate's rows are contiguous for the activation kernels.
    func inputProjection(_ options: KernelOptions) throws -> Tensor {
        let wAll = try w.reshaped([numDirections * gates * hidden, inputSize])
        let xAll = try x.reshaped([seqLength * batch, inputSize])
        return try GEMM.multiply(wAll, xAll, transposeB: true, options: options)
    }

    /// R of `direction` as `[gates * hidden, hidden]` (a view).
    func recurrence(_ d: Int) throws -> Tensor {
        try r.reshaped([numDirections * gates * hidden, hidden]).rows(d * gates * hidden..<(d + 1) * gates * hidden)
    }

    /// Bias of `direction`: `(Wb, Rb)` each `gates * hidden` long (zeros without B).
    func bias<T: NNFloat>(_: T.Type, _ d: Int) throws -> (w: [T], r: [T]) {
        let n = gates * hidden
        guard let b else { return ([T](repeating: 0, count: n), [T](repeating: 0, count: n)) }
        let all = try b.scalars(as: T.self)
        return (Array(all[(2 * d) * n..<(2 * d + 1) * n]), Array(all[(2 * d + 1) * n..<(2 * d + 2) * n]))
    }

    /// Initial state `index` (initial_h, initial_c) of `direction`, unit-major `[hidden, batch]`.
    func initialState<T: NNFloat>(_: T.Type, _ inputs: [Value?], _ index: Int, _ d: Int, _ spec: NodeSpec) throws -> Tensor {
        var s = try Tensor(zeros: [hidden, batch], dtype: T.dtype)
        guard let t = try inputs.optionalTensor(index, spec) else { return s }
        guard t.dtype == x.dtype else { throw spec.error("input \(index) has type \(t.dtype), X has \(x.dtype)") }
        guard t.shape == stateShape else { throw spec.shapeError("input \(index) must have shape \(stateShape), got \(t.shape)") }
        let src = t.unsafeElements(as: T.self), dst = s.unsafeMutableElements(as: T.self)
        for b in 0..<batch {
            let o = stateOffset(d, b)
            for j in 0..<hidden { dst[j * batch + b] = src[o + j] }
        }
        return s
    }

    /// The time index batch row `b` reads at `step` of a direction, or nil once the row is done.
    @inline(__always) func time(_ step: Int, _ b: Int, reverse: Bool) -> Int? {
        let n = lengths[b]
        guard step < n else { return nil }
        return reverse ? n - 1 - step : step
    }

    /// Adds to `gates[row, b]` (unit-major, `rows` rows from `firstRow`) the input projection of the step and
    /// `bias[row]`, then clips; columns of finished rows get the projection of column 0 (never read after).
    func addProjection<T: NNFloat>(_ g: UnsafeMutablePointer<T>, rows: Range<Int>, gateBase: Int, projection p: UnsafePointer<T>,
                                   columns: [Int], bias: [T], clip: Float?) {
        let cols = seqLength * batch
        for row in rows {
            let src = p + (gateBase + row) * cols, dst = g + row * batch, bv = bias[row]
            for b in 0..<batch { dst[b] += src[columns[b]] + bv }
        }
        if let clip { clipRows(g, rows: rows, clip) }
    }

    func clipRows<T: NNFloat>(_ g: UnsafeMutablePointer<T>, rows: Range<Int>, _ clip: Float) {
        let c = T(Double(clip))
        for i in rows.lowerBound * batch..<rows.upperBound * batch { g[i] = Swift.max(-c, Swift.min(c, g[i])) }
    }

    /// Writes the unit-major state's active columns to Y at their time steps.
    func writeOutput<T: NNFloat>(_ y: UnsafeMutablePointer<T>, _ state: UnsafePointer<T>, step: Int, d: Int, reverse: Bool) {
        for b in 0..<batch {
            guard let t = time(step, b, reverse: reverse) else { continue }
            let o = outputOffset(t, d, b)
            for j in 0..<hidden { y[o + j] = state[j * batch + b] }
        }
    }

    /// Writes the final unit-major state to Y_h / Y_c (zero for rows of length 0, as onnxruntime).
    func writeState<T: NNFloat>(_ out: UnsafeMutablePointer<T>, _ state: UnsafePointer<T>, d: Int) {
        for b in 0..<batch {
            let o = stateOffset(d, b)
            for j in 0..<hidden { out[o + j] = lengths[b] == 0 ? 0 : state[j * batch + b] }
        }
    }

    /// Per batch row, its projection column at `step` (0 for finished rows).
    func columns(step: Int, reverse: Bool) -> [Int] {
        (0..<batch).map { b in time(step, b, reverse: reverse).map { column($0, b) } ?? 0 }
    }

    var maxLength: Int { lengths.max() ?? 0 }
}

extension NodeSpec {
    /// Whether output `index` is requested by the model.
    func wantsOutput(_ index: Int) -> Bool { index < node.outputs.count && !node.outputs[index].isEmpty }
}
