import MLCoreTensor

/// General matrix multiplication: `C = alpha * op(A) * op(B) + beta * C` on row-major 2-D tensors,
/// where `op(X)` is `X` or its transpose.
///
/// Four paths compute it (``KernelPath``): a scalar reference, portable Swift SIMD, our own wide
/// AVX2/AVX-512 kernels chosen from CPUID, and OpenBLAS. ``KernelPaths/gemm(m:n:k:dtype:)`` picks one by
/// shape unless ``KernelOptions/path`` forces it. `m == 1` or `n == 1` (GEMV) runs through the same entry.
///
/// - Complexity: O(m * n * k).
/// - SeeAlso: [BLAS `?gemm`](https://www.netlib.org/lapack/explore-html/) for the `alpha`/`beta` contract:
///   with `beta == 0`, `C` is written without being read, so NaN in `C` does not propagate.
public enum GEMM {
    /// Returns `alpha * op(a) * op(b)`.
    ///
    /// - Parameters:
    ///   - a: `[m, k]`, or `[k, m]` when `transposeA`.
    ///   - b: `[k, n]`, or `[n, k]` when `transposeB`.
    /// - Throws: ``TensorError`` when a tensor is not 2-D, the types differ or are not float32/float64,
    ///   or the inner dimensions disagree (the error names both shapes).
    public static func multiply(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Double = 1, options: KernelOptions = .init()
    ) throws -> Tensor {
        let problem = try validate(a, b, transposeA: transposeA, transposeB: transposeB)
        // beta = 0: C is written, never read.
        var c = try Tensor.uninitialized([problem.m, problem.n], dtype: a.dtype)
        run(problem, a, b, &c, alpha: alpha, beta: 0, options: options)
        return c
    }

    /// Computes `c = alpha * op(a) * op(b) + beta * c` in place, without allocating.
    ///
    /// - Throws: as ``multiply(_:_:transposeA:transposeB:alpha:options:)``, and when `c` is not `[m, n]`
    ///   of the same element type.
    public static func multiply(
        _ a: Tensor, _ b: Tensor, into c: inout Tensor, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Double = 1, beta: Double = 0, options: KernelOptions = .init()
    ) throws {
        let problem = try validate(a, b, transposeA: transposeA, transposeB: transposeB)
        guard c.dtype == a.dtype else { throw TensorError.dtypeMismatch(operation: "gemm output", expected: a.dtype, actual: c.dtype) }
        let sc = c.shape.dims
        guard sc.count == 2, sc[0] == problem.m, sc[1] == problem.n else {
            throw TensorError.shapeMismatch(operation: "gemm output", [problem.m, problem.n], c.shape)
        }
        run(problem, a, b, &c, alpha: alpha, beta: beta, options: options)
    }

    /// Computes `alpha * op(a) * op(b)` (plus `beta` times what is there) into the block of the 2-D `c`, `[rows, columns]`, at
    /// `firstRow`, `firstColumn`: a batch of products written in place into one output (a convolution's images
    /// and column blocks), with no copy.
    package static func multiply(
        _ a: Tensor, _ b: Tensor, into c: inout Tensor, firstRow: Int, firstColumn: Int = 0, transposeA: Bool = false,
        transposeB: Bool = false, alpha: Double = 1, beta: Double = 0, options: KernelOptions = .init()
    ) throws {
        var problem = try validate(a, b, transposeA: transposeA, transposeB: transposeB)
        guard c.dtype == a.dtype else { throw TensorError.dtypeMismatch(operation: "gemm output", expected: a.dtype, actual: c.dtype) }
        let sc = c.shape.dims
        guard sc.count == 2, firstRow >= 0, firstRow <= sc[0] - problem.m, firstColumn >= 0, firstColumn <= sc[1] - problem.n else {
            throw TensorError.shapeMismatch(operation: "gemm output block at (\(firstRow), \(firstColumn))", [problem.m, problem.n], c.shape)
        }
        problem.ldc = Swift.max(sc[1], 1)
        let offset = firstRow * sc[1] + firstColumn
        let path = options.path ?? KernelPaths.gemm(m: problem.m, n: problem.n, k: problem.k, dtype: a.dtype)
        switch a.dtype {
        case .float32:
            sgemm(problem, path: path, alpha: Float(alpha), a.unsafeElements(as: Float.self), b.unsafeElements(as: Float.self),
                  beta: Float(beta), c.unsafeMutableElements(as: Float.self) + offset, options: options)
        default:
            dgemm(problem, path: path, alpha: alpha, a.unsafeElements(as: Double.self), b.unsafeElements(as: Double.self),
                  beta: beta, c.unsafeMutableElements(as: Double.self) + offset, options: options)
        }
    }

    static func validate(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) throws -> GEMMProblem {
        // Each shape is read once: every `shape` access copies a Shape (a retain and a release).
        let sa = a.shape.dims, sb = b.shape.dims
        guard sa.count == 2 else { throw TensorError.shapeMismatch(operation: "gemm: A must be 2-D", a.shape, b.shape) }
        guard sb.count == 2 else { throw TensorError.shapeMismatch(operation: "gemm: B must be 2-D", a.shape, b.shape) }
        guard a.dtype == b.dtype else { throw TensorError.dtypeMismatch(operation: "gemm", expected: a.dtype, actual: b.dtype) }
        guard a.dtype == .float32 || a.dtype == .float64 else { throw TensorError.unsupportedDType(operation: "gemm", a.dtype) }
        let (m, ka) = transposeA ? (sa[1], sa[0]) : (sa[0], sa[1])
        let (kb, n) = transposeB ? (sb[1], sb[0]) : (sb[0], sb[1])
        guard ka == kb else { throw TensorError.shapeMismatch(operation: "gemm: inner dimensions differ", a.shape, b.shape) }
        return GEMMProblem(m: m, n: n, k: ka, transA: transposeA, transB: transposeB,
                           lda: Swift.max(sa[1], 1), ldb: Swift.max(sb[1], 1), ldc: Swift.max(n, 1))
    }

    static func run(_ p: GEMMProblem, _ a: Tensor, _ b: Tensor, _ c: inout Tensor,
                    alpha: Double, beta: Double, options: KernelOptions) {
        let path = options.path ?? KernelPaths.gemm(m: p.m, n: p.n, k: p.k, dtype: a.dtype)
        // validate() checked that a, b and c share one float type. a and b are borrowed for this whole call
        // and c is inout, so their element pointers stay valid until we return.
        switch a.dtype {
        case .float32:
            sgemm(p, path: path, alpha: Float(alpha), a.unsafeElements(as: Float.self), b.unsafeElements(as: Float.self),
                  beta: Float(beta), c.unsafeMutableElements(as: Float.self), options: options)
        default:
            dgemm(p, path: path, alpha: alpha, a.unsafeElements(as: Double.self), b.unsafeElements(as: Double.self),
                  beta: beta, c.unsafeMutableElements(as: Double.self), options: options)
        }
    }

    static func sgemm(_ p: GEMMProblem, path: KernelPath, alpha: Float, _ a: UnsafePointer<Float>,
                      _ b: UnsafePointer<Float>, beta: Float, _ c: UnsafeMutablePointer<Float>, options: KernelOptions) {
        switch path {
        case .reference: gemmReference(p, alpha: alpha, a, b, beta: beta, c)
        case .blas: sgemmBLAS(p, alpha: alpha, a, b, beta: beta, c)
        case .simd:
            p.parallel(threads: options.threads, a, b, c) { gemmSIMD($0, alpha: alpha, $1, $2, beta: beta, $3, vector: SIMD8<Float>.self) }
        case .wide:
            let level = options.wideLevel
            // The packed body measured fastest here, for problems large enough to pack (a forced level runs as is).
            let large = p.k.multipliedReportingOverflow(by: p.n).partialValue > KernelPaths.gemmWideMaxBElements
            let packed = options.instructionSet == nil && level == .avx512 && large ? GEMMChoice.current.packedLevel : level
            p.parallel(threads: options.threads, a, b, c) {
                sgemmWide($0, level: level, packedLevel: packed, alpha: alpha, $1, $2, beta: beta, $3)
            }
        }
    }

    static func dgemm(_ p: GEMMProblem, path: KernelPath, alpha: Double, _ a: UnsafePointer<Double>,
                      _ b: UnsafePointer<Double>, beta: Double, _ c: UnsafeMutablePointer<Double>, options: KernelOptions) {
        switch path {
        case .reference: gemmReference(p, alpha: alpha, a, b, beta: beta, c)
        case .blas: dgemmBLAS(p, alpha: alpha, a, b, beta: beta, c)
        // Float64 has no wide C body yet: the wide path runs the portable SIMD body.
        case .simd, .wide:
            p.parallel(threads: options.threads, a, b, c) { gemmSIMD($0, alpha: alpha, $1, $2, beta: beta, $3, vector: SIMD4<Double>.self) }
        }
    }
}

extension GEMM {
    /// `c = a * b (+ beta * c)` for row-major float32 buffers with leading dimensions (`a` `[m, k]`, `b` `[k, n]`,
    /// `c` `[m, n]`), with `options.threads` threads and no tensor checks: for kernels that run many products on
    /// parts of their own buffers from several threads at once (Winograd's 16 products). The caller guarantees
    /// the sizes and that no two concurrent calls write the same elements.
    package static func multiply(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>,
                                 ldb: Int, into c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0,
                                 options: KernelOptions) {
        let p = GEMMProblem(m: m, n: n, k: k, transA: false, transB: false, lda: lda, ldb: ldb, ldc: ldc)
        sgemm(p, path: options.path ?? KernelPaths.gemm(m: m, n: n, k: k, dtype: .float32), alpha: 1, a, b, beta: beta, c,
              options: options)
    }
}
