import Foundation
import MLCoreKernels
import MLCoreTensor

/// BatchNormalization in inference mode: `y = (x - mean) / sqrt(var + epsilon) * scale + B` per channel,
/// folded to `y = x * a + b` (and folded at load when the four parameters are constants, as exported
/// models have them).
///
/// Opsets before 9 have `spatial`: with `spatial = 0` the statistics are per activation (`[C, D1, ...]`)
/// rather than per channel. Training mode (`training_mode = 1` from opset 14, or the running-statistics
/// outputs of earlier opsets) is not supported: it is an error at load. Parameters may be float32 or
/// float64 independently of X (opset 15).
/// - Complexity: O(number of elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__BatchNormalization.html
struct BatchNormalization: Operator {
    let spec: NodeSpec
    let epsilon: Double
    let perActivation: Bool
    /// `(a, b)` when scale, B, mean and var are constants.
    let folded: (a: [Double], b: [Double])?

    /// - Parameter spatialAttribute: whether the opset has `spatial` (before 9).
    init(_ spec: NodeSpec, spatialAttribute: Bool) throws {
        self.spec = spec
        epsilon = Double(try spec.float("epsilon", default: 1e-5))
        let spatial = spatialAttribute ? try spec.int("spatial", default: 1) : 1
        perActivation = spatial == 0
        if try spec.int("training_mode", default: 0) != 0 {
            throw spec.error("training_mode = 1 is not supported (inference only)")
        }
        if spec.node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            throw spec.error("outputs beyond Y (running or saved statistics) exist only in training mode, which is not supported")
        }
        if let params = try? (1...4).map({ i -> Tensor in
            guard let t = spec.constantInput(i) else { throw ONNXError.invalidGraph(reason: "not constant") }
            return t
        }) {
            folded = try Self.fold(params, epsilon: epsilon, spec)
        } else {
            folded = nil
        }
    }

    static func fold(_ params: [Tensor], epsilon: Double, _ spec: NodeSpec) throws -> (a: [Double], b: [Double]) {
        let values: [[Double]]
        do { values = try params.map { try $0.nnDoubles() } } catch {
            throw spec.error("scale, B, mean and var must be float32 or float64, got \(params.map(\.dtype))")
        }
        let count = values[0].count
        guard values.allSatisfy({ $0.count == count }) else {
            throw spec.shapeError("scale, B, mean and var have different shapes \(params.map(\.shape.description))")
        }
        var a = [Double](repeating: 0, count: count), b = a
        for i in 0..<count {
            a[i] = values[0][i] / (values[3][i] + epsilon).squareRoot()
            b[i] = values[1][i] - values[2][i] * a[i]
        }
        return (a, b)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.dtype == .float32 || x.dtype == .float64 else { throw spec.error("element type \(x.dtype) is not supported (float32, float64)") }
        guard x.rank >= 2 else { throw spec.shapeError("input \(x.shape) must have rank >= 2 ([N, C, ...])") }
        let (a, b) = try folded ?? Self.fold(try (1...4).map { try inputs.tensor($0, spec) }, epsilon: epsilon, spec)
        let features = perActivation ? try nnProduct(x.shape.dims.dropFirst(), spec) : x.shape[1]
        let inner = perActivation ? 1 : try nnProduct(x.shape.dims.dropFirst(2), spec)
        guard a.count == features else {
            throw spec.shapeError("input \(x.shape) has \(features) \(perActivation ? "activations" : "channels"), the parameters \(a.count) values")
        }
        var y = try context.makeTensor(x.shape, x.dtype, node: spec.name)
        switch x.dtype {
        case .float32: try Self.affine(x, &y, a.map { Float($0) }, b.map { Float($0) }, inner: inner, threads: context.threads)
        default: try Self.affine(x, &y, a, b, inner: inner, threads: context.threads)
        }
        return [.tensor(y)]
    }

    /// `y = x * a[f] + b[f]` with x seen as `[outer, a.count, inner]`.
    static func affine<T: NNFloat>(_ x: Tensor, _ y: inout Tensor, _ a: [T], _ b: [T], inner: Int, threads: Int) throws {
        let features = a.count
        guard features > 0, inner > 0 else { return }
        let rows = x.count / inner
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                let src = px.baseAddress!, dst = py.baseAddress!
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        let pa = pa.baseAddress!, pb = pb.baseAddress!
                        if inner == 1 {
                            // Per-activation or [N, C]: rows of `features` values.
                            NNParallel.forEach(rows / features, threads: threads, work: x.count) { range in
                                for r in range {
                                    let s = src + r * features, d = dst + r * features
                                    for i in 0..<features { d[i] = s[i] * pa[i] + pb[i] }
                                }
                            }
                        } else {
                            NNParallel.forEach(rows, threads: threads, work: x.count) { range in
                                for r in range {
                                    let scale = pa[r % features], shift = pb[r % features]
                                    let s = src + r * inner, d = dst + r * inner
                                    for i in 0..<inner { d[i] = s[i] * scale + shift }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// InstanceNormalization: each `(n, c)` plane normalized by its own mean and variance, then
/// `scale[c] * x̂ + B[c]`.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__InstanceNormalization.html
struct InstanceNormalization: Operator {
    let spec: NodeSpec
    let epsilon: Double

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        epsilon = Double(try spec.float("epsilon", default: 1e-5))
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), scale = try inputs.tensor(1, spec), bias = try inputs.tensor(2, spec)
        guard x.dtype == .float32 || x.dtype == .float64 else { throw spec.error("element type \(x.dtype) is not supported (float32, float64)") }
        guard scale.dtype == x.dtype, bias.dtype == x.dtype else { throw spec.error("scale and B must have X's element type \(x.dtype)") }
        guard x.rank >= 3 else { throw spec.shapeError("input \(x.shape) must have rank >= 3 ([N, C, spatial...])") }
        let channels = x.shape[1]
        guard scale.shape == [channels], bias.shape == [channels] else {
            throw spec.shapeError("scale \(scale.shape) and B \(bias.shape) must be [\(channels)] for input \(x.shape)")
        }
        var y = try context.makeTensor(x.shape, x.dtype, node: spec.name)
        let inner = try nnProduct(x.shape.dims.dropFirst(2), spec)
        switch x.dtype {
        case .float32: try normalize(Float.self, x, scale, bias, &y, inner: inner, context)
        default: try normalize(Double.self, x, scale, bias, &y, inner: inner, context)
        }
        return [.tensor(y)]
    }

    func normalize<T: NNFloat>(_: T.Type, _ x: Tensor, _ scale: Tensor, _ bias: Tensor, _ y: inout Tensor,
                               inner: Int, _ context: RunContext) throws {
        let gamma = try scale.scalars(as: T.self), beta = try bias.scalars(as: T.self)
        let channels = gamma.count, eps = T(epsilon)
        guard inner > 0, channels > 0 else { return }
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                let src = px.baseAddress!, dst = py.baseAddress!
                NNParallel.forEach(x.count / inner, threads: context.threads, work: 3 * x.count) { range in
                    for r in range {
                        let s = src + r * inner, d = dst + r * inner
                        let (mean, variance) = RowStatistics.meanVariance(s, inner)
                        let a = gamma[r % channels] / (variance + eps).squareRoot()
                        let b = beta[r % channels] - mean * a
                        for i in 0..<inner { d[i] = s[i] * a + b }
                    }
                }
            }
        }
    }
}

/// LayerNormalization (opset 17): each row over axes `axis...` normalized by its mean and variance, then
/// `* Scale + B` (both unidirectionally broadcast to the normalized shape). Optional outputs Mean and
/// InvStdDev have shape `[d0, ..., d(axis-1), 1, ..., 1]` in the stash type (float32 for `stash_type = 1`).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__LayerNormalization.html
struct LayerNormalization: Operator {
    let spec: NodeSpec
    let axis: Int64
    let epsilon: Double
    let statsType: DType
    let outputsStatistics: (mean: Bool, invStdDev: Bool)
    /// Float32 Scale and B read once at load when they are initializers (used when they already have the
    /// normalized shape, the usual case): a copy of each per run was a third of a small LayerNorm's time.
    let constantScale: [Float]?, constantBias: [Float]?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        constantScale = spec.constantInput(1).flatMap { $0.dtype == .float32 ? try? $0.scalars(as: Float.self) : nil }
        constantBias = spec.constantInput(2).flatMap { $0.dtype == .float32 ? try? $0.scalars(as: Float.self) : nil }
        axis = try spec.int("axis", default: -1)
        epsilon = Double(try spec.float("epsilon", default: 1e-5))
        let stash = try spec.int("stash_type", default: 1)
        switch stash {
        case 1: statsType = .float32
        case 11: statsType = .float64
        default: throw spec.error("stash_type \(stash) is not supported (1 float, 11 double)")
        }
        let outs = spec.node.outputs
        outputsStatistics = (outs.count > 1 && !outs[1].isEmpty, outs.count > 2 && !outs[2].isEmpty)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), scale = try inputs.tensor(1, spec)
        let bias = try inputs.optionalTensor(2, spec)
        guard x.dtype == .float32 || x.dtype == .float64 else { throw spec.error("element type \(x.dtype) is not supported (float32, float64)") }
        guard scale.dtype == x.dtype, bias.map({ $0.dtype == x.dtype }) ?? true else {
            throw spec.error("Scale and B must have X's element type \(x.dtype)")
        }
        let a = try normalizeAxis(axis, rank: x.rank, spec)
        guard x.rank >= 1 else { throw spec.shapeError("input must have rank >= 1") }
        let normalizedShape = Shape(Array(x.shape.dims[a...]))
        let length = try nnProduct(normalizedShape.dims, spec)
        let rows = try nnProduct(x.shape.dims[..<a], spec)
        let statsShape = Shape(Array(x.shape.dims[..<a]) + [Int](repeating: 1, count: x.rank - a))
        var y = try context.makeTensor(x.shape, x.dtype, node: spec.name, zeroed: false)
        // The statistics are outputs only when the model asks for them.
        let wantsStatistics = outputsStatistics.mean || outputsStatistics.invStdDev
        var mean = try context.makeTensor(wantsStatistics ? statsShape : [0], statsType, node: spec.name)
        var invStdDev = try context.makeTensor(wantsStatistics ? statsShape : [0], statsType, node: spec.name)
        switch x.dtype {
        case .float32:
            let g = try constantScale.flatMap { scale.shape == normalizedShape ? $0 : nil }
                ?? broadcast(scale, to: normalizedShape, Float.self, "Scale")
            let b = try bias.map { t in
                try constantBias.flatMap { t.shape == normalizedShape ? $0 : nil } ?? broadcast(t, to: normalizedShape, Float.self, "B")
            }
            try normalize(Float.self, x, g, b, &y, &mean, &invStdDev, rows: rows, length: length, context)
        default:
            try normalize(Double.self, x, try broadcast(scale, to: normalizedShape, Double.self, "Scale"),
                          try bias.map { try broadcast($0, to: normalizedShape, Double.self, "B") },
                          &y, &mean, &invStdDev, rows: rows, length: length, context)
        }
        var outputs: [Value] = [.tensor(y)]
        if wantsStatistics { outputs += [.tensor(mean), .tensor(invStdDev)] }
        return outputs
    }

    /// A parameter expanded to the normalized shape (contiguous), or an error when it does not broadcast
    /// to it unidirectionally.
    func broadcast<T: NNFloat>(_ t: Tensor, to shape: Shape, _: T.Type, _ name: String) throws -> [T] {
        let count = try nnProduct(shape.dims, spec)
        if t.shape == shape { return try t.scalars(as: T.self) }
        let plan = try BroadcastPlan([t.shape, shape], node: spec)
        guard plan.outShape == shape else {
            throw spec.shapeError("\(name) \(t.shape) does not broadcast to the normalized shape \(shape)")
        }
        var out = [T](repeating: 0, count: count)
        try t.withUnsafeBufferPointer(as: T.self) { pt in
            plan.forEachRow { o, offs, n, st in
                var i = offs[0]
                for j in 0..<n { out[o + j] = pt[i]; i += st[0] }
            }
        }
        return out
    }

    func normalize<T: NNFloat>(_: T.Type, _ x: Tensor, _ gamma: [T], _ beta: [T]?, _ y: inout Tensor,
                               _ mean: inout Tensor, _ invStdDev: inout Tensor, rows: Int, length: Int,
                               _ context: RunContext) throws {
        guard rows > 0 else { return }
        var means = [T](repeating: 0, count: rows), invs = means
        let eps = T(epsilon)
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                let src = px.baseAddress!, dst = py.baseAddress!
                gamma.withUnsafeBufferPointer { pg in
                    (beta ?? []).withUnsafeBufferPointer { pb in
                        means.withUnsafeMutableBufferPointer { pm in
                            invs.withUnsafeMutableBufferPointer { pi in
                                let g = pg.baseAddress!, b = beta == nil ? nil : pb.baseAddress, m = pm.baseAddress!, inv = pi.baseAddress!
                                NNParallel.forEach(rows, threads: context.threads, work: 4 * x.count) { range in
                                    for r in range {
                                        let s = src + r * length, d = dst + r * length
                                        let (mu, variance) = length > 0 ? RowStatistics.meanVariance(s, length) : (0, 0)
                                        let k = 1 / (variance + eps).squareRoot()
                                        m[r] = mu
                                        inv[r] = k
                                        if let b {
                                            for i in 0..<length { d[i] = (s[i] - mu) * k * g[i] + b[i] }
                                        } else {
                                            for i in 0..<length { d[i] = (s[i] - mu) * k * g[i] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if outputsStatistics.mean || outputsStatistics.invStdDev {
            func store<U: NNFloat>(_: U.Type) throws {
                try mean.withUnsafeMutableBufferPointer(as: U.self) { p in for r in 0..<rows { p[r] = U(Double(means[r])) } }
                try invStdDev.withUnsafeMutableBufferPointer(as: U.self) { p in for r in 0..<rows { p[r] = U(Double(invs[r])) } }
            }
            if statsType == .float32 { try store(Float.self) } else { try store(Double.self) }
        }
    }
}

/// GroupNormalization: the channels of each image split into `num_groups` groups, each group (its channels
/// and spatial positions, contiguous) normalized by its own mean and variance, then scaled and shifted.
/// Opset 18 has one scale and bias per group; opset 21 one per channel (opset 18 was deprecated for that).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__GroupNormalization.html
struct GroupNormalization: Operator {
    let spec: NodeSpec
    let epsilon: Double
    let groups: Int
    let perChannelParameters: Bool

    init(_ spec: NodeSpec, perChannelParameters: Bool) throws {
        self.spec = spec
        self.perChannelParameters = perChannelParameters
        epsilon = Double(try spec.float("epsilon", default: 1e-5))
        let g = try spec.int("num_groups")
        guard g >= 1, g <= SlidingWindowAttributes.maxValue else { throw spec.error("num_groups \(g) must be >= 1") }
        groups = Int(g)
        let stash = try spec.int("stash_type", default: 1)
        guard stash == 1 || stash == 11 else { throw spec.error("stash_type \(stash) is not supported (1 float, 11 double)") }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), scale = try inputs.tensor(1, spec), bias = try inputs.tensor(2, spec)
        guard x.dtype == .float32 || x.dtype == .float64 else { throw spec.error("element type \(x.dtype) is not supported (float32, float64)") }
        guard scale.dtype == x.dtype, bias.dtype == x.dtype else { throw spec.error("scale and bias must have X's element type \(x.dtype)") }
        guard x.rank >= 2 else { throw spec.shapeError("input \(x.shape) must have rank >= 2 ([N, C, ...])") }
        let channels = x.shape[1]
        guard channels % groups == 0 else { throw spec.shapeError("\(channels) channels do not divide into \(groups) groups") }
        let parameters = perChannelParameters ? channels : groups
        guard scale.shape == [parameters], bias.shape == [parameters] else {
            throw spec.shapeError("scale \(scale.shape) and bias \(bias.shape) must be [\(parameters)]")
        }
        var y = try context.makeTensor(x.shape, x.dtype, node: spec.name)
        if y.count == 0 { return [.tensor(y)] }
        let inner = try nnProduct(x.shape.dims.dropFirst(2), spec)
        switch x.dtype {
        case .float32: try normalize(Float.self, x, scale, bias, &y, inner: inner, context)
        default: try normalize(Double.self, x, scale, bias, &y, inner: inner, context)
        }
        return [.tensor(y)]
    }

    func normalize<T: NNFloat>(_: T.Type, _ x: Tensor, _ scale: Tensor, _ bias: Tensor, _ y: inout Tensor,
                               inner: Int, _ context: RunContext) throws {
        let gamma = try scale.scalars(as: T.self), beta = try bias.scalars(as: T.self)
        let channels = x.shape[1], perGroup = channels / groups, length = perGroup * inner
        let eps = T(epsilon), perChannel = perChannelParameters, groups = self.groups
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                let src = px.baseAddress!, dst = py.baseAddress!
                NNParallel.forEach(x.count / length, threads: context.threads, work: 3 &* x.count) { range in
                    for r in range {
                        let group = r % groups
                        let s = src + r * length, d = dst + r * length
                        let (mean, variance) = RowStatistics.meanVariance(s, length)
                        let inv = 1 / (variance + eps).squareRoot()
                        for c in 0..<perGroup {
                            let p = perChannel ? group * perGroup + c : group
                            let a = gamma[p] * inv, b = beta[p] - mean * a
                            let sc = s + c * inner, dc = d + c * inner
                            for i in 0..<inner { dc[i] = sc[i] * a + b }
                        }
                    }
                }
            }
        }
    }
}

/// LRN, local response normalization across channels:
/// `y = x / (bias + alpha / size * sum of x² over the `size` neighbouring channels)^beta`.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__LRN.html
struct LRN: Operator {
    let spec: NodeSpec
    let alpha: Double, beta: Double, bias: Double
    let size: Int

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        alpha = Double(try spec.float("alpha", default: 1e-4))
        beta = Double(try spec.float("beta", default: 0.75))
        bias = Double(try spec.float("bias", default: 1))
        let s = try spec.int("size")
        guard s >= 1, s <= SlidingWindowAttributes.maxValue else { throw spec.error("size \(s) must be >= 1") }
        size = Int(s)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.dtype == .float32 || x.dtype == .float64 else { throw spec.error("element type \(x.dtype) is not supported (float32, float64)") }
        guard x.rank >= 2 else { throw spec.shapeError("input \(x.shape) must have rank >= 2 ([N, C, ...])") }
        var y = try context.makeTensor(x.shape, x.dtype, node: spec.name)
        if y.count == 0 { return [.tensor(y)] }
        let inner = try nnProduct(x.shape.dims.dropFirst(2), spec)
        switch x.dtype {
        case .float32: try normalize(Float.self, x, &y, inner: inner)
        default: try normalize(Double.self, x, &y, inner: inner)
        }
        return [.tensor(y)]
    }

    func normalize<T: NNFloat>(_: T.Type, _ x: Tensor, _ y: inout Tensor, inner: Int) throws {
        let channels = x.shape[1], images = x.shape[0]
        let before = (size - 1) / 2, after = size - 1 - before  // floor and ceil of (size - 1) / 2
        let scale = T(alpha / Double(size)), b = T(bias), exponent = T(beta)
        var sums = [T](repeating: 0, count: inner)
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                for n in 0..<images {
                    for c in 0..<channels {
                        for i in 0..<inner { sums[i] = 0 }
                        for k in Swift.max(0, c - before)...Swift.min(channels - 1, c + after) {
                            let s = (n * channels + k) * inner
                            for i in 0..<inner { let v = px[s + i]; sums[i] += v * v }
                        }
                        let o = (n * channels + c) * inner
                        for i in 0..<inner { py[o + i] = px[o + i] / T.power(b + scale * sums[i], exponent) }
                    }
                }
            }
        }
    }
}
