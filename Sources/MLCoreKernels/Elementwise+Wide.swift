import MLCoreCKernels
import MLCoreTensor

/// The C entry points of one binary operator: vector-vector, vector-scalar, scalar-vector.
struct BinaryKernelsF32 {
    typealias VectorVector = @convention(c) (
        mlc_isa, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void
    typealias VectorScalar = @convention(c) (
        mlc_isa, UnsafePointer<Float>?, Float, UnsafeMutablePointer<Float>?, Int) -> Void
    typealias ScalarVector = @convention(c) (
        mlc_isa, Float, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void

    let vv: VectorVector
    let vs: VectorScalar
    let sv: ScalarVector

    init(_ op: BinaryOperator) {
        switch op {
        case .add: (vv, vs, sv) = (mlc_add_f32, mlc_add_vs_f32, mlc_add_sv_f32)
        case .sub: (vv, vs, sv) = (mlc_sub_f32, mlc_sub_vs_f32, mlc_sub_sv_f32)
        case .mul: (vv, vs, sv) = (mlc_mul_f32, mlc_mul_vs_f32, mlc_mul_sv_f32)
        case .div: (vv, vs, sv) = (mlc_div_f32, mlc_div_vs_f32, mlc_div_sv_f32)
        }
    }
}

extension Elementwise {
    /// Float32 through the C bodies: one kernel call per inner run of the ``BroadcastPlan``, runs spread over
    /// threads (whole rows, or column ranges of a long row). Each element is computed by the same IEEE
    /// operation wherever the split falls, so the result does not depend on the thread count.
    static func binaryWide(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor, _ out: inout Tensor,
                           level: InstructionSet, threads: Int) throws {
        let kernels = BinaryKernelsF32(op)
        let isa = level.cLevel
        // One contiguous run: skip the plan (its set-up is most of the cost of a small call). That is the case
        // when an operand has as many elements as the output (it is then the output, up to leading 1s) or one.
        let n = out.count
        if (a.count == n || a.count == 1) && (b.count == n || b.count == 1) {
            let ranges = partition(n, parts: ElementwiseThreads.parts(elements: n, threads: threads), granule: 64)
            let (scalarA, scalarB) = (a.count == 1 && n > 1, b.count == 1 && n > 1)
            try a.withUnsafeBufferPointer(as: Float.self) { bufA in
                try b.withUnsafeBufferPointer(as: Float.self) { bufB in
                    try out.withUnsafeMutableBufferPointer(as: Float.self) { bufOut in
                        guard let pa = bufA.baseAddress, let pb = bufB.baseAddress, let po = bufOut.baseAddress else { return }
                        parallelFor(ranges.count, threads: threads) { t in
                            let r = ranges[t]
                            // Both scalar would mean n == 1, where neither is marked scalar.
                            if scalarB {
                                kernels.vs(isa, pa + r.lowerBound, pb[0], po + r.lowerBound, r.count)
                            } else if scalarA {
                                kernels.sv(isa, pa[0], pb + r.lowerBound, po + r.lowerBound, r.count)
                            } else {
                                kernels.vv(isa, pa + r.lowerBound, pb + r.lowerBound, po + r.lowerBound, r.count)
                            }
                        }
                    }
                }
            }
            return
        }
        let plan = BroadcastPlan(a.shape, b.shape, output: out.shape)
        let tasks = plan.tasks(parts: ElementwiseThreads.parts(elements: out.count, threads: threads))
        try a.withUnsafeBufferPointer(as: Float.self) { bufA in
            try b.withUnsafeBufferPointer(as: Float.self) { bufB in
                try out.withUnsafeMutableBufferPointer(as: Float.self) { bufOut in
                    guard let pa = bufA.baseAddress, let pb = bufB.baseAddress, let po = bufOut.baseAddress else { return }
                    parallelFor(tasks.count, threads: threads) { t in
                        let (rows, columns) = tasks[t]
                        let n = columns.count
                        plan.forEachRow(in: rows) { row, offA, offB in
                            let o = po + row * plan.inner + columns.lowerBound
                            switch (plan.innerStrideA, plan.innerStrideB) {
                            case (1, 1):
                                kernels.vv(isa, pa + offA + columns.lowerBound, pb + offB + columns.lowerBound, o, n)
                            case (1, _):
                                kernels.vs(isa, pa + offA + columns.lowerBound, pb[offB], o, n)
                            default:
                                kernels.sv(isa, pa[offA], pb + offB + columns.lowerBound, o, n)
                            }
                        }
                    }
                }
            }
        }
    }
}
