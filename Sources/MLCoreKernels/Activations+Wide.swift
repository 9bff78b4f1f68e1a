import MLCoreCKernels
import MLCoreTensor

extension ActivationKind {
    typealias KernelF32 = @convention(c) (mlc_isa, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void

    /// The C entry point (it accepts `out == in` for in-place work).
    var kernelF32: KernelF32 {
        switch self {
        case .relu: return mlc_relu_f32
        case .sigmoid: return mlc_sigmoid_f32
        case .tanh: return mlc_tanh_f32
        case .exp: return mlc_exp_f32
        case .log: return mlc_log_f32
        case .erf: return mlc_erf_f32
        }
    }
}

extension Activation {
    /// Float32 through the C bodies, split into contiguous ranges over threads. Ranges start at multiples of 64
    /// elements, so every element goes through the same code (vector body or tail) as on one thread, and the
    /// bodies are per-element and branch-free: the result does not depend on the thread count.
    static func activationWide(_ kind: ActivationKind, source: Tensor?, _ out: inout Tensor,
                               level: InstructionSet, threads: Int) throws {
        let kernel = kind.kernelF32
        let isa = level.cLevel
        let ranges = partition(out.count, parts: ElementwiseThreads.parts(elements: out.count, threads: threads), granule: 64)
        func body(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
            parallelFor(ranges.count, threads: threads) { t in
                let r = ranges[t]
                kernel(isa, x + r.lowerBound, y + r.lowerBound, r.count)
            }
        }
        if let source {
            try source.withUnsafeBufferPointer(as: Float.self) { x in
                try out.withUnsafeMutableBufferPointer(as: Float.self) { y in
                    guard let px = x.baseAddress, let py = y.baseAddress else { return }
                    body(px, py)
                }
            }
        } else {
            try out.withUnsafeMutableBufferPointer(as: Float.self) { y in
                guard let py = y.baseAddress else { return }
                body(UnsafePointer(py), py)
            }
        }
    }
}

extension Activation {
    /// `kind` of `count` floats at `x` into `y` (which may equal `x`), on the calling thread: for the short
    /// vectors of recurrent cells, where a tensor view and a thread partition per call cost more than the math.
    package static func apply(_ kind: ActivationKind, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                              count: Int, options: KernelOptions) {
        guard count > 0 else { return }
        kind.kernelF32((options.elementwiseLevel ?? .baseline).cLevel, x, y, count)
    }
}
