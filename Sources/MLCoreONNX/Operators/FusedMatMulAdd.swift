import MLCoreKernels
import MLCoreTensor

/// `MatMul(x, W) + bias` as one GEMM, created by the planner (never by a model): the bias is written into
/// the output first and the product accumulates onto it (beta = 1), saving one pass and one allocation.
/// W `[K, N]` and bias `[N]` are constants, checked by the planner.
struct FusedMatMulAdd: Operator {
    let spec: NodeSpec
    let bias: [Float]

    init(_ spec: NodeSpec, bias: Tensor) throws {
        self.spec = spec
        self.bias = try bias.scalars(as: Float.self)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), w = try inputs.tensor(1, spec)
        guard x.dtype == .float32, w.dtype == .float32 else { throw spec.error("inputs must be float32, got \(x.dtype) and \(w.dtype)") }
        let k = w.shape[0], n = w.shape[1]
        guard x.rank >= 1, x.shape[x.rank - 1] == k else { throw spec.shapeError("x \(x.shape) does not match W \(w.shape)") }
        let rows = x.rank == 1 ? 1 : x.count / Swift.max(k, 1)
        let lhs = try x.reshaped([rows, k])
        var y = try context.makeTensor([rows, n], .float32, node: spec.name, zeroed: false)  // every row gets the bias
        try y.withUnsafeMutableBufferPointer(as: Float.self) { p in
            bias.withUnsafeBufferPointer { b in
                for r in 0..<rows { (p.baseAddress! + r * n).update(from: b.baseAddress!, count: n) }
            }
        }
        try GEMM.multiply(lhs, w, into: &y, alpha: 1, beta: 1, options: context.kernelOptions)
        let outShape: Shape = x.rank == 1 ? [n] : Shape(Array(x.shape.dims.dropLast()) + [n])
        return [.tensor(try y.reshaped(outShape))]
    }
}
