import MLCoreKernels
import MLCoreTensor

/// The parameterized activations, float32 and float64. Those built on exp, tanh, erf or log (Elu, Selu, Celu,
/// Softplus, Mish, Gelu) run those on MLCore's vector kernels and combine with plain loops; the others are
/// single loops the compiler vectorizes.
///
/// - LeakyRelu `x < 0 ? alpha x : x` (alpha 0.01); ThresholdedRelu `x > alpha ? x : 0` (alpha 1);
/// - Elu `x < 0 ? alpha (e^x - 1) : x` (alpha 1); Selu `gamma (x <= 0 ? alpha (e^x - 1) : x)`;
///   Celu `max(0, x) + min(0, alpha (e^(x / alpha) - 1))`;
/// - HardSigmoid `clamp(alpha x + beta, 0, 1)` (0.2, 0.5); HardSwish `x * clamp(x / 6 + 1/2, 0, 1)`;
/// - Softplus `log(1 + e^x)` (computed as `max(x, 0) + log(1 + e^-|x|)`, so large inputs do not overflow);
///   Softsign `x / (1 + |x|)`; Mish `x tanh(softplus(x))`;
/// - Gelu (opset 20) `x/2 (1 + erf(x / sqrt 2))`, or with `approximate = "tanh"`
///   `x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.
/// - Complexity: O(number of elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Elu.html, https://onnx.ai/onnx/operators/onnx__Gelu.html
struct ParameterizedActivation: Operator {
    enum Kind: Sendable {
        case leakyRelu, thresholdedRelu, elu, selu, celu, hardSigmoid, hardSwish, softplus, softsign, mish, gelu
    }

    let kind: Kind
    let spec: NodeSpec
    let alpha: Double
    let beta: Double
    let gamma: Double
    let tanhApproximation: Bool

    init(_ kind: Kind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
        let defaultAlpha: Float
        switch kind {
        case .leakyRelu: defaultAlpha = 0.01
        case .selu: defaultAlpha = 1.67326319217681884765625
        case .hardSigmoid: defaultAlpha = 0.2
        default: defaultAlpha = 1
        }
        alpha = Double(try spec.float("alpha", default: defaultAlpha))
        beta = Double(try spec.float("beta", default: 0.5))
        gamma = Double(try spec.float("gamma", default: 1.05070102214813232421875))
        if kind == .celu && alpha == 0 { throw spec.error("alpha must not be 0") }
        let approximate = try spec.string("approximate", default: "none")
        guard approximate == "none" || approximate == "tanh" else {
            throw spec.error("approximate '\(approximate)' must be 'none' or 'tanh'")
        }
        tanhApproximation = approximate == "tanh"
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        do {
            switch x.dtype {
            case .float32 where kind == .gelu && !tanhApproximation: return [.tensor(try erfGelu(x, context))]
            case .float32: return [.tensor(try apply(Float.self, x, context))]
            case .float64: return [.tensor(try apply(Double.self, x, context))]
            default: throw spec.error("element type \(x.dtype) is not supported (float32, float64)")
            }
        } catch let error as TensorError {
            throw spec.error("\(error)")
        }
    }

    /// The erf GELU in float32 in one pass (the fused-activation kernel), split over threads.
    func erfGelu(_ x: Tensor, _ context: RunContext) throws -> Tensor {
        var y = try context.makeTensor(x.shape, .float32, node: spec.name, zeroed: false)
        let n = x.count
        let source = x.unsafeElements(as: Float.self), out = y.unsafeMutableElements(as: Float.self)
        let gelu = FusedActivation(.gelu)
        NNParallel.forEach(n, threads: context.threads, work: n &* 32) { range in
            (out + range.lowerBound).update(from: source + range.lowerBound, count: range.count)
            gelu.apply(out + range.lowerBound, count: range.count)
        }
        withExtendedLifetime(x) {}
        return y
    }

    func apply<T: NNFloat>(_: T.Type, _ x: Tensor, _ context: RunContext) throws -> Tensor {
        let alpha = T(self.alpha), beta = T(self.beta), gamma = T(self.gamma)
        let options = context.kernelOptions
        func map(_ f: (T) -> T) throws -> Tensor { try mapElements(x, T.self, T.self, spec, context, f) }
        func kernel(_ k: ActivationKind, _ t: inout Tensor) throws { try Activation.applyInPlace(k, to: &t, options: options) }

        switch kind {
        case .leakyRelu: return try map { $0 < 0 ? alpha * $0 : $0 }
        case .thresholdedRelu: return try map { $0 > alpha ? $0 : 0 }
        case .hardSigmoid:
            return try map { v in let h = alpha * v + beta; return h < 0 ? 0 : (h > 1 ? 1 : h) }
        case .hardSwish:
            return try map { v in let h = v / 6 + 0.5; return v * (h < 0 ? 0 : (h > 1 ? 1 : h)) }
        case .softsign: return try map { $0 / (1 + Swift.abs($0)) }
        case .elu, .selu:
            var t = try map { Swift.min($0, 0) }
            try kernel(.exp, &t)
            let scale: T = kind == .selu ? gamma : 1
            if kind == .elu {
                try combine(x, &t) { v, e in v < 0 ? alpha * (e - 1) : v }
            } else {
                try combine(x, &t) { v, e in scale * (v <= 0 ? alpha * (e - 1) : v) }
            }
            return t
        case .celu:
            var t = try map { Swift.min($0, 0) / alpha }
            try kernel(.exp, &t)
            try combine(x, &t) { v, e in Swift.max(v, 0) + Swift.min(0, alpha * (e - 1)) }
            return t
        case .softplus, .mish:
            var t = try softplus(x, map, kernel)
            if kind == .mish {
                try kernel(.tanh, &t)
                try combine(x, &t) { (v: T, s: T) in v * s }
            }
            return t
        case .gelu:
            var t: Tensor
            if tanhApproximation {
                let c = T(0.7978845608028654)  // sqrt(2 / pi)
                t = try map { v in c * (v + T(0.044715) * v * v * v) }
                try kernel(.tanh, &t)
            } else {
                t = try map { $0 * T(0.7071067811865476) }  // x / sqrt(2)
                try kernel(.erf, &t)
            }
            try combine(x, &t) { v, s in T(0.5) * v * (1 + s) }
            return t
        }
    }

    /// `max(x, 0) + log(1 + exp(-|x|))`.
    func softplus<T: NNFloat>(_ x: Tensor, _ map: ((T) -> T) throws -> Tensor,
                              _ kernel: (ActivationKind, inout Tensor) throws -> Void) throws -> Tensor {
        var t = try map { -Swift.abs($0) }
        try kernel(.exp, &t)
        try t.withUnsafeMutableBufferPointer(as: T.self) { p in for i in 0..<p.count { p[i] += 1 } }
        try kernel(.log, &t)
        try combine(x, &t) { (v: T, l: T) in Swift.max(v, 0) + l }
        return t
    }

    /// `t[i] = f(x[i], t[i])`, in place.
    func combine<T: NNFloat>(_ x: Tensor, _ t: inout Tensor, _ f: (T, T) -> T) throws {
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try t.withUnsafeMutableBufferPointer(as: T.self) { pt in
                for i in 0..<pt.count { pt[i] = f(px[i], pt[i]) }
            }
        }
    }
}

/// PRelu: `x < 0 ? slope * x : x`, with `slope` unidirectionally broadcast to X (float32, float64, int32,
/// int64). A per-channel slope `[C, 1, 1]` on `[N, C, H, W]` is a common export.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__PRelu.html
struct PRelu: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), slope = try inputs.tensor(1, spec)
        guard x.dtype == slope.dtype else { throw spec.error("X \(x.dtype) and slope \(slope.dtype) must share one element type") }
        let plan = try BroadcastPlan([x.shape, slope.shape], node: spec)
        guard plan.outShape == x.shape else {
            throw spec.shapeError("slope \(slope.shape) does not broadcast to X \(x.shape)")
        }
        func prelu<T: ONNXNumeric>(_: T.Type) throws -> Tensor {
            try broadcastMap(x, slope, T.self, T.self, T.self, spec, context) { v, s in v < .zero ? s * v : v }
        }
        switch x.dtype {
        case .float32: return [.tensor(try prelu(Float.self))]
        case .float64: return [.tensor(try prelu(Double.self))]
        case .int32: return [.tensor(try prelu(Int32.self))]
        case .int64: return [.tensor(try prelu(Int64.self))]
        default: throw spec.error("element type \(x.dtype) is not supported")
        }
    }
}

/// Clip: `min(max(x, min), max)` (so `min > max` gives `max` everywhere, as the spec says); NaN stays NaN.
/// Before opset 11 the bounds are float attributes; from 11 they are optional scalar inputs of X's type.
/// Float32, float64, int32, int64.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Clip.html
struct Clip: Operator {
    let spec: NodeSpec
    let boundsAsInputs: Bool
    let attributeBounds: (min: Double, max: Double)

    init(_ spec: NodeSpec, boundsAsInputs: Bool) throws {
        self.spec = spec
        self.boundsAsInputs = boundsAsInputs
        if boundsAsInputs {
            attributeBounds = (-.infinity, .infinity)
        } else {
            attributeBounds = (Double(try spec.float("min", default: -Float.greatestFiniteMagnitude)),
                               Double(try spec.float("max", default: Float.greatestFiniteMagnitude)))
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        func bound<T: ONNXNumeric>(_ index: Int, _: T.Type) throws -> T? {
            guard boundsAsInputs, let t = try inputs.optionalTensor(index, spec) else { return nil }
            guard t.dtype == x.dtype else { throw spec.error("input \(index) has type \(t.dtype), X has \(x.dtype)") }
            guard t.count == 1 else { throw spec.shapeError("input \(index) must be a scalar, got \(t.shape)") }
            return try t.scalars(as: T.self)[0]
        }
        func clip<T: ONNXNumeric>(_: T.Type, lowest: T, highest: T) throws -> Tensor {
            let lo = try bound(1, T.self) ?? (boundsAsInputs ? lowest : T(clamping: attributeBounds.min))
            let hi = try bound(2, T.self) ?? (boundsAsInputs ? highest : T(clamping: attributeBounds.max))
            return try mapElements(x, T.self, T.self, spec, context) { v in
                let low = v < lo ? lo : v
                return low > hi ? hi : low
            }
        }
        switch x.dtype {
        case .float32: return [.tensor(try clip(Float.self, lowest: -.infinity, highest: .infinity))]
        case .float64: return [.tensor(try clip(Double.self, lowest: -.infinity, highest: .infinity))]
        case .int32: return [.tensor(try clip(Int32.self, lowest: .min, highest: .max))]
        case .int64: return [.tensor(try clip(Int64.self, lowest: .min, highest: .max))]
        default: throw spec.error("element type \(x.dtype) is not supported")
        }
    }
}
