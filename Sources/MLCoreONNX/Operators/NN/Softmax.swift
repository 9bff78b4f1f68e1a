import MLCoreKernels
import MLCoreTensor

/// Softmax, LogSoftmax and Hardmax, in both ONNX semantics:
/// - opset < 13 (`coercedTo2D`): the input is seen as a matrix `[d0 * ... * d(axis-1), d(axis) * ... * d(n-1)]`
///   and each row is normalized over all the trailing axes together; `axis` defaults to 1;
/// - opset >= 13: normalized along the single axis `axis`, default -1.
///
/// Softmax and LogSoftmax run on ``Reduction/softmax(_:axis:into:options:)``; Hardmax (1 at the first maximum
/// of each slice, 0 elsewhere) is a direct loop.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Softmax.html
struct SoftmaxFamily: Operator {
    enum Kind: Sendable { case softmax, logSoftmax, hardmax }

    let kind: Kind
    let spec: NodeSpec
    let coercedTo2D: Bool
    let axis: Int64

    init(_ kind: Kind, _ spec: NodeSpec, coercedTo2D: Bool) throws {
        self.kind = kind
        self.spec = spec
        self.coercedTo2D = coercedTo2D
        axis = try spec.int("axis", default: coercedTo2D ? 1 : -1)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.dtype == .float32 || x.dtype == .float64 else { throw spec.error("element type \(x.dtype) is not supported (float32, float64)") }
        guard x.rank >= 1 else { throw spec.shapeError("input must have rank >= 1, got a scalar") }
        let a = try normalizeAxis(axis, rank: x.rank, spec)
        // Both semantics reduce to [outer, length, inner]: one axis, or (before 13) all trailing axes as one.
        let outer = try nnProduct(x.shape.dims[..<a], spec)
        let length = coercedTo2D ? try nnProduct(x.shape.dims[a...], spec) : x.shape[a]
        let inner = coercedTo2D ? 1 : try nnProduct(x.shape.dims[(a + 1)...], spec)
        let view = try x.reshaped([outer, length, inner])
        var y = try context.makeTensor(view.shape, x.dtype, node: spec.name)
        do {
            switch kind {
            case .softmax: try Reduction.softmax(view, axis: 1, into: &y, options: context.kernelOptions)
            case .logSoftmax: try Reduction.logSoftmax(view, axis: 1, into: &y, options: context.kernelOptions)
            case .hardmax:
                if x.dtype == .float32 { try hardmax(Float.self, view, &y) } else { try hardmax(Double.self, view, &y) }
            }
        } catch let error as TensorError {
            throw spec.shapeError("\(error)")
        }
        return [.tensor(try y.reshaped(x.shape))]
    }

    func hardmax<T: NNFloat>(_: T.Type, _ x: Tensor, _ y: inout Tensor) throws {
        let outer = x.shape[0], length = x.shape[1], inner = x.shape[2]
        guard length > 0 else { return }
        try x.withUnsafeBufferPointer(as: T.self) { px in
            try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * length * inner + i
                        var best = 0
                        for k in 1..<length where px[base + k * inner] > px[base + best * inner] { best = k }
                        py[base + best * inner] = 1
                    }
                }
            }
        }
    }
}
