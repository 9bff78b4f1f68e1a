import MLCoreKernels
import MLCoreTensor

/// MatMul with NumPy semantics: 1-D operands are promoted (and the added axis removed afterwards), and
/// leading batch dimensions broadcast. Each matrix product runs on ``GEMM`` (our kernels or OpenBLAS by shape).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__MatMul.html
struct MatMul: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, spec), b = try inputs.tensor(1, spec)
        guard a.dtype == b.dtype else { throw spec.error("input types differ: \(a.dtype) and \(b.dtype)") }
        guard a.dtype == .float32 || a.dtype == .float64 else { throw spec.error("element type \(a.dtype) is not supported") }
        guard a.rank >= 1, b.rank >= 1 else { throw spec.shapeError("MatMul needs inputs of rank >= 1, got \(a.shape) and \(b.shape)") }

        // Promote 1-D operands.
        let a2 = a.rank == 1 ? try a.reshaped([1, a.shape[0]]) : a
        let b2 = b.rank == 1 ? try b.reshaped([b.shape[0], 1]) : b
        let m = a2.shape[a2.rank - 2], k = a2.shape[a2.rank - 1]
        let kb = b2.shape[b2.rank - 2], n = b2.shape[b2.rank - 1]
        guard k == kb else { throw spec.shapeError("inner dimensions differ: \(a.shape) x \(b.shape)") }

        let batchA = Shape(Array(a2.shape.dims.dropLast(2))), batchB = Shape(Array(b2.shape.dims.dropLast(2)))
        let plan = try BroadcastPlan([batchA, batchB], node: spec)
        var outDims = plan.outShape.dims + [m, n]
        let batches = plan.count
        let out: Tensor
        if batches == 1 {
            let lhs = try a2.reshaped([m, k]), rhs = try b2.reshaped([k, n])
            var c = try context.makeTensor([m, n], a.dtype, node: spec.name, zeroed: k == 0)  // the GEMM writes every element
            try GEMM.multiply(lhs, rhs, into: &c, options: context.kernelOptions)
            out = c
        } else {
            // The matrices each product reads (broadcast batch axes repeat an index, never a copy).
            var pairs: [(Int, Int)] = []
            pairs.reserveCapacity(batches)
            plan.forEachRow { _, offs, count, st in
                for j in 0..<count { pairs.append((offs[0] + j * st[0], offs[1] + j * st[1])) }
            }
            out = try batchedGEMM(a2, pairs.map(\.0), transposeA: false, b2, pairs.map(\.1), transposeB: false,
                                  m: m, n: n, k: k, spec, context)
        }
        if a.rank == 1 { outDims.remove(at: outDims.count - 2) }
        if b.rank == 1 { outDims.removeLast() }
        return [.tensor(try out.reshaped(Shape(outDims)))]
    }
}

/// Gemm: `Y = alpha * op(A) * op(B) + beta * C`, C broadcast to `[M, N]`.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Gemm.html
struct Gemm: Operator {
    let spec: NodeSpec
    let alpha: Double, beta: Double
    let transA: Bool, transB: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        alpha = Double(try spec.float("alpha", default: 1))
        beta = Double(try spec.float("beta", default: 1))
        transA = try spec.int("transA", default: 0) != 0
        transB = try spec.int("transB", default: 0) != 0
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, spec), b = try inputs.tensor(1, spec)
        guard a.rank == 2, b.rank == 2 else { throw spec.shapeError("A and B must be 2-D, got \(a.shape) and \(b.shape)") }
        guard a.dtype == b.dtype, a.dtype == .float32 || a.dtype == .float64 else {
            throw spec.error("A and B must both be float32 or float64, got \(a.dtype) and \(b.dtype)")
        }
        let m = transA ? a.shape[1] : a.shape[0], ka = transA ? a.shape[0] : a.shape[1]
        let kb = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1]
        guard ka == kb else { throw spec.shapeError("inner dimensions differ: A \(a.shape) transA=\(transA), B \(b.shape) transB=\(transB)") }
        var y = try context.makeTensor([m, n], a.dtype, node: spec.name)
        var beta = 0.0
        if let c = try inputs.optionalTensor(2, spec), self.beta != 0 {
            guard c.dtype == a.dtype else { throw spec.error("C has type \(c.dtype), A has \(a.dtype)") }
            // Broadcast C into Y, then accumulate with beta.
            let plan = try BroadcastPlan([c.shape, [m, n]], node: spec)
            guard plan.outShape == [m, n] else { throw spec.shapeError("C \(c.shape) does not broadcast to [\(m), \(n)]") }
            func fill<T: TensorScalar>(_: T.Type) throws {
                try c.withUnsafeBufferPointer(as: T.self) { pc in
                    try y.withUnsafeMutableBufferPointer(as: T.self) { py in
                        plan.forEachRow { o, offs, count, st in
                            var ic = offs[0]
                            for j in 0..<count { py[o + j] = pc[ic]; ic += st[0] }
                        }
                    }
                }
            }
            if a.dtype == .float32 { try fill(Float.self) } else { try fill(Double.self) }
            beta = self.beta
        }
        do {
            try GEMM.multiply(a, b, into: &y, transposeA: transA, transposeB: transB, alpha: alpha, beta: beta,
                              options: context.kernelOptions)
        } catch let error as TensorError {
            throw spec.shapeError("\(error)")
        }
        return [.tensor(y)]
    }
}
