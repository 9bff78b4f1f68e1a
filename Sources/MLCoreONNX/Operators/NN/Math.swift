import Foundation
import MLCoreKernels
import MLCoreTensor

/// Element-wise math with no dedicated kernel: Sqrt, Reciprocal, Floor, Ceil, Round (half to even) on
/// float32/float64; Abs, Neg, Sign also on int32/int64 (Abs and Neg wrap at the minimum integer, as two's
/// complement hardware and onnxruntime do, instead of trapping). Each is one loop the compiler vectorizes.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Sqrt.html, https://onnx.ai/onnx/operators/onnx__Round.html
struct MathFunction: Operator {
    enum Kind: String, Sendable { case sqrt, reciprocal, floor, ceil, round, abs, neg, sign }

    let kind: Kind
    let spec: NodeSpec

    init(_ kind: Kind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        switch x.dtype {
        case .float32: return [.tensor(try floating(Float.self, x, context))]
        case .float64: return [.tensor(try floating(Double.self, x, context))]
        case .int32 where [.abs, .neg, .sign].contains(kind): return [.tensor(try integer(Int32.self, x, context))]
        case .int64 where [.abs, .neg, .sign].contains(kind): return [.tensor(try integer(Int64.self, x, context))]
        default: throw spec.error("element type \(x.dtype) is not supported")
        }
    }

    func floating<T: NNFloat>(_: T.Type, _ x: Tensor, _ context: RunContext) throws -> Tensor {
        func map(_ f: (T) -> T) throws -> Tensor { try mapElements(x, T.self, T.self, spec, context, f) }
        switch kind {
        case .sqrt: return try map { $0.squareRoot() }
        case .reciprocal: return try map { 1 / $0 }
        case .floor: return try map { $0.rounded(.down) }
        case .ceil: return try map { $0.rounded(.up) }
        case .round: return try map { $0.rounded(.toNearestOrEven) }
        case .abs: return try map { Swift.abs($0) }
        case .neg: return try map { -$0 }
        case .sign: return try map { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) }  // ±0 and NaN map to themselves
        }
    }

    func integer<T: ONNXNumeric & FixedWidthInteger & SignedInteger>(_: T.Type, _ x: Tensor, _ context: RunContext) throws -> Tensor {
        func map(_ f: (T) -> T) throws -> Tensor { try mapElements(x, T.self, T.self, spec, context, f) }
        switch kind {
        case .abs: return try map { $0 < 0 ? 0 &- $0 : $0 }
        case .neg: return try map { 0 &- $0 }
        default: return try map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        }
    }
}

/// Pow: `base ^ exponent` with broadcasting; the output has the base's type. Base float32, float64, int32 or
/// int64; exponent any of those (opset 12 allows them to differ; before it they are the same type).
///
/// A constant scalar exponent of 2, 1, 0.5, 0 or -1 (variance and L2 norms in decomposed LayerNorm exports)
/// runs as a multiply, copy, square root, fill or division, each exactly what `pow` returns. Integer bases
/// with integer exponents use exact repeated squaring (wrapping on overflow); a negative integer exponent
/// gives `1 / base^e` truncated toward zero; integer bases with float exponents truncate `pow` in Double.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Pow.html
struct Pow: Operator {
    let spec: NodeSpec
    /// The exponent when it is a constant with one element.
    let constantExponent: Double?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        if let e = spec.constantInput(1), e.count == 1 {
            switch e.dtype {
            case .float32: constantExponent = Double(try e.scalars(as: Float.self)[0])
            case .float64: constantExponent = try e.scalars(as: Double.self)[0]
            case .int32: constantExponent = Double(try e.scalars(as: Int32.self)[0])
            case .int64: constantExponent = Double(try e.scalars(as: Int64.self)[0])
            default: throw spec.error("exponent element type \(e.dtype) is not supported")
            }
        } else {
            constantExponent = nil
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), e = try inputs.tensor(1, spec)
        switch x.dtype {
        case .float32: return [.tensor(try floating(Float.self, x, e, context))]
        case .float64: return [.tensor(try floating(Double.self, x, e, context))]
        case .int32: return [.tensor(try integer(Int32.self, x, e, context))]
        case .int64: return [.tensor(try integer(Int64.self, x, e, context))]
        default: throw spec.error("base element type \(x.dtype) is not supported")
        }
    }

    func floating<T: NNFloat>(_: T.Type, _ x: Tensor, _ e: Tensor, _ context: RunContext) throws -> Tensor {
        if let c = constantExponent, e.count == 1, e.rank <= x.rank {
            let shape = e.rank == 0 ? x.shape : try BroadcastPlan([x.shape, e.shape], node: spec).outShape
            if shape == x.shape, let y = try special(T.self, x, c, context) { return y }
        }
        func pow<E: ONNXNumeric>(_: E.Type) throws -> Tensor {
            try broadcastMap(x, e, T.self, E.self, T.self, spec, context) { b, p in T.power(b, T(p.asDouble)) }
        }
        switch e.dtype {
        case T.dtype: return try broadcastMap(x, e, T.self, T.self, T.self, spec, context) { T.power($0, $1) }
        case .float32: return try pow(Float.self)
        case .float64: return try pow(Double.self)
        case .int32: return try pow(Int32.self)
        case .int64: return try pow(Int64.self)
        default: throw spec.error("exponent element type \(e.dtype) is not supported")
        }
    }

    /// The exponents with an exact cheaper form.
    func special<T: NNFloat>(_: T.Type, _ x: Tensor, _ c: Double, _ context: RunContext) throws -> Tensor? {
        func map(_ f: (T) -> T) throws -> Tensor { try mapElements(x, T.self, T.self, spec, context, f) }
        switch c {
        case 2: return try map { $0 * $0 }
        case 1: return try map { $0 }
        case 0: return try map { _ in 1 }
        case -1: return try map { 1 / $0 }
        // pow(-0, 0.5) = +0 and pow(-inf, 0.5) = +inf, where sqrt gives -0 and NaN.
        case 0.5: return try map { $0 == -.infinity ? .infinity : ($0 + 0).squareRoot() }
        default: return nil
        }
    }

    func integer<T: ONNXNumeric & FixedWidthInteger & SignedInteger>(_: T.Type, _ x: Tensor, _ e: Tensor,
                                                                   _ context: RunContext) throws -> Tensor {
        switch e.dtype {
        case .int32: return try broadcastMap(x, e, T.self, Int32.self, T.self, spec, context) { Self.power($0, Int64($1)) }
        case .int64: return try broadcastMap(x, e, T.self, Int64.self, T.self, spec, context) { Self.power($0, $1) }
        case .float32: return try broadcastMap(x, e, T.self, Float.self, T.self, spec, context) { T(clamping: Foundation.pow(Double($0), Double($1))) }
        case .float64: return try broadcastMap(x, e, T.self, Double.self, T.self, spec, context) { T(clamping: Foundation.pow(Double($0), $1)) }
        default: throw spec.error("exponent element type \(e.dtype) is not supported")
        }
    }

    /// Exact integer power by squaring, wrapping on overflow.
    @inline(__always)
    static func power<T: FixedWidthInteger & SignedInteger>(_ base: T, _ exponent: Int64) -> T {
        if exponent < 0 {
            if base == 1 { return 1 }
            if base == -1 { return exponent & 1 == 0 ? 1 : -1 }
            return 0
        }
        var result: T = 1, b = base, n = exponent
        while n > 0 {
            if n & 1 == 1 { result = result &* b }
            n >>= 1
            if n > 0 { b = b &* b }
        }
        return result
    }
}

/// Sum, Mean, Max and Min of one or more inputs with broadcasting. Sum and Mean: float32, float64 (Sum on the
/// vector add kernel); Max and Min also int32, int64. Max and Min propagate NaN, as NumPy's `maximum` does.
/// Opsets before 8 required equal shapes, a subset of what broadcasting accepts.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Sum.html, https://onnx.ai/onnx/operators/onnx__Max.html
struct VariadicElementwise: Operator {
    enum Kind: Sendable { case sum, mean, max, min }

    let kind: Kind
    let spec: NodeSpec

    init(_ kind: Kind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
        guard !spec.node.inputs.isEmpty else { throw spec.error("needs at least one input") }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let xs = try (0..<inputs.count).map { try inputs.tensor($0, spec) }
        guard let first = xs.first else { throw spec.error("needs at least one input") }
        for t in xs where t.dtype != first.dtype {
            throw spec.error("inputs must share one element type, got \(xs.map(\.dtype))")
        }
        let supported: [DType] = kind == .sum || kind == .mean ? [.float32, .float64] : [.float32, .float64, .int32, .int64]
        guard supported.contains(first.dtype) else { throw spec.error("element type \(first.dtype) is not supported") }
        // The result's shape and size, checked before any arithmetic.
        let shape = try BroadcastPlan(xs.map(\.shape), node: spec).outShape
        try context.nnCheckSize(shape, first.dtype, node: spec.name)
        if xs.count == 1 { return [.tensor(first)] }  // tensors are values: sharing the input is safe
        switch (kind, first.dtype) {
        case (.sum, _), (.mean, _):
            var acc = xs[0]
            do {
                for t in xs.dropFirst() { acc = try Elementwise.apply(.add, acc, t, options: context.kernelOptions) }
            } catch let error as TensorError {
                throw spec.shapeError("\(error)")
            }
            if kind == .mean {
                let n = xs.count
                if first.dtype == .float32 {
                    try acc.withUnsafeMutableBufferPointer(as: Float.self) { p in for i in 0..<p.count { p[i] /= Float(n) } }
                } else {
                    try acc.withUnsafeMutableBufferPointer(as: Double.self) { p in for i in 0..<p.count { p[i] /= Double(n) } }
                }
            }
            return [.tensor(acc)]
        case (_, .float32): return [.tensor(try extremum(Float.self, xs, context))]
        case (_, .float64): return [.tensor(try extremum(Double.self, xs, context))]
        case (_, .int32): return [.tensor(try extremum(Int32.self, xs, context))]
        default: return [.tensor(try extremum(Int64.self, xs, context))]
        }
    }

    func extremum<T: ONNXNumeric>(_: T.Type, _ xs: [Tensor], _ context: RunContext) throws -> Tensor {
        var acc = xs[0]
        // `v != v` is NaN: it wins over any number, so NaN propagates whatever the order.
        if kind == .max {
            for t in xs.dropFirst() {
                acc = try broadcastMap(acc, t, T.self, T.self, T.self, spec, context) { a, b in (a > b || a != a) ? a : b }
            }
        } else {
            for t in xs.dropFirst() {
                acc = try broadcastMap(acc, t, T.self, T.self, T.self, spec, context) { a, b in (a < b || a != a) ? a : b }
            }
        }
        return acc
    }
}

extension RunContext {
    /// Throws when a tensor of `shape` would exceed the run's size limit (for results a kernel allocates).
    func nnCheckSize(_ shape: Shape, _ dtype: DType, node: String) throws {
        let bytes: Int
        do { bytes = try shape.checkedByteCount(dtype) } catch {
            throw ONNXError.limitExceeded(what: "node '\(node)': tensor \(shape) size", value: Int.max, limit: maxTensorBytes)
        }
        guard bytes <= maxTensorBytes else {
            throw ONNXError.limitExceeded(what: "node '\(node)': tensor \(shape) bytes", value: bytes, limit: maxTensorBytes)
        }
        try checkLiveBytes(adding: bytes, shape, dtype, node: node)
    }
}
