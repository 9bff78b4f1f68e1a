import Foundation
import MLCoreKernels
import MLCoreTensor

/// A batch of matrix products `C[i] = alpha * op(A[aMatrix[i]]) * op(B[bMatrix[i]])` on ``GEMM``, the shared
/// engine of Einsum's contractions and Attention's `Q K^T` and `P V`.
///
/// `a` and `b` are read as stacks of contiguous matrices (`[m, k]`, or `[k, m]` when `transposeA`; `[k, n]`, or
/// `[n, k]` when `transposeB`); the index lists say which matrix each product reads, so a broadcast or a
/// grouped-query head is an index, not a copy. The result is `[count, m, n]`.
///
/// When each product is too small for GEMM to split (below 2^17 multiply-adds) and there are several, the
/// products themselves run in parallel, one thread each; otherwise they run in turn, each on all threads.
/// - Complexity: O(count * m * n * k).
func batchedGEMM(_ a: Tensor, _ aMatrix: [Int], transposeA: Bool, _ b: Tensor, _ bMatrix: [Int], transposeB: Bool,
                 m: Int, n: Int, k: Int, alpha: Double = 1, _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
    let count = aMatrix.count
    guard bMatrix.count == count else { throw spec.error("internal: \(count) left and \(bMatrix.count) right matrices") }
    let mk = try spec.product([m, k], "matrix"), kn = try spec.product([k, n], "matrix"), mn = try spec.product([m, n], "matrix")
    var out = try context.makeTensor([count, m, n], a.dtype, node: spec.name, zeroed: k == 0)
    if out.count == 0 || k == 0 { return out }
    guard a.dtype == b.dtype else { throw spec.error("operand types differ: \(a.dtype) and \(b.dtype)") }
    for i in aMatrix where i < 0 || i >= a.count / mk { throw spec.error("internal: left matrix \(i) is out of range") }
    for i in bMatrix where i < 0 || i >= b.count / kn { throw spec.error("internal: right matrix \(i) is out of range") }
    // Integers have no GEMM; products of a few multiply-adds each (Einsum's element-wise and broadcast
    // products) cost less as one loop than as one GEMM call each.
    let tiny = alpha == 1 && mn.multipliedReportingOverflow(by: k).partialValue <= 16 && count > 1
    guard (a.dtype == .float32 || a.dtype == .float64) && !tiny else {
        return try spec.visitNumeric(a.dtype, NaiveBatchedMatMul(a: a, aMatrix: aMatrix, transposeA: transposeA, b: b,
                                                                  bMatrix: bMatrix, transposeB: transposeB, m: m, n: n, k: k,
                                                                  out: out))
    }
    let aFlat = try a.viewed(as: [a.count], spec), bFlat = try b.viewed(as: [b.count], spec)
    let aShape: Shape = transposeA ? [k, m] : [m, k], bShape: Shape = transposeB ? [n, k] : [k, n]
    let work = mn.multipliedReportingOverflow(by: k).partialValue
    let perProductThreads = work >= 1 << 17 || count == 1 ? context.threads : 1
    let options = KernelOptions(threads: perProductThreads)
    let single = count == 1

    func product(_ i: Int) throws -> Tensor {
        let lhs = try aFlat.rows(aMatrix[i] * mk..<(aMatrix[i] + 1) * mk).viewed(as: aShape, spec)
        let rhs = try bFlat.rows(bMatrix[i] * kn..<(bMatrix[i] + 1) * kn).viewed(as: bShape, spec)
        do {
            return try GEMM.multiply(lhs, rhs, transposeA: transposeA, transposeB: transposeB, alpha: alpha, options: options)
        } catch let error as TensorError {
            throw spec.shapeError("\(error)")
        }
    }
    if single { return try product(0).viewed(as: [1, m, n], spec) }
    if perProductThreads == context.threads {
        // Products in turn, each on all threads: each writes its own rows of the output (no per-product tensor).
        var rows = try out.viewed(as: [count * m, n], spec)
        for i in 0..<count {
            let lhs = try aFlat.rows(aMatrix[i] * mk..<(aMatrix[i] + 1) * mk).viewed(as: aShape, spec)
            let rhs = try bFlat.rows(bMatrix[i] * kn..<(bMatrix[i] + 1) * kn).viewed(as: bShape, spec)
            do {
                try GEMM.multiply(lhs, rhs, into: &rows, firstRow: i * m, transposeA: transposeA, transposeB: transposeB,
                                  alpha: alpha, options: options)
            } catch let error as TensorError {
                throw spec.shapeError("\(error)")
            }
        }
        return try rows.viewed(as: [count, m, n], spec)
    }

    func copyProducts<T: TensorScalar>(_: T.Type) throws {
        try out.withUnsafeMutableBufferPointer(as: T.self) { dst in
            let base = NNUncheckedSendable(dst.baseAddress!)
            let failure = FirstError()
            NNParallel.forEach(count, threads: perProductThreads == 1 ? context.threads : 1,
                               work: work.multipliedReportingOverflow(by: count).partialValue) { range in
                for i in range {
                    do {
                        let c = try product(i)
                        try c.withUnsafeBufferPointer(as: T.self) { (base.value + i * mn).update(from: $0.baseAddress!, count: mn) }
                    } catch {
                        failure.record(error)
                        return
                    }
                }
            }
            if let error = failure.error { throw error }
        }
    }
    if a.dtype == .float32 { try copyProducts(Float.self) } else { try copyProducts(Double.self) }
    return out
}

/// The first error thrown by any of the parallel parts of a loop.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    var error: Error? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
    func record(_ error: Error) {
        lock.lock()
        defer { lock.unlock() }
        if stored == nil { stored = error }
    }
}

/// The integer and tiny products of ``batchedGEMM``: a plain triple loop (wrapping arithmetic for integers).
private struct NaiveBatchedMatMul: NumericVisitor {
    let a: Tensor, aMatrix: [Int], transposeA: Bool, b: Tensor, bMatrix: [Int], transposeB: Bool
    let m: Int, n: Int, k: Int
    var out: Tensor

    func visit<T: ONNXNumeric>(_: T.Type) throws -> Tensor {
        var out = self.out
        try a.withUnsafeBufferPointer(as: T.self) { pa in
            try b.withUnsafeBufferPointer(as: T.self) { pb in
                try out.withUnsafeMutableBufferPointer(as: T.self) { pc in
                    for (i, (ia, ib)) in zip(aMatrix, bMatrix).enumerated() {
                        let ao = ia * m * k, bo = ib * k * n, co = i * m * n
                        for r in 0..<m {
                            for c in 0..<n {
                                var s = T.zero
                                for p in 0..<k {
                                    let x = pa[ao + (transposeA ? p * m + r : r * k + p)]
                                    let y = pb[bo + (transposeB ? c * k + p : p * n + c)]
                                    s = s + x * y
                                }
                                pc[co + r * n + c] = s
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
