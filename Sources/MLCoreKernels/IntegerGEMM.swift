import MLCoreCKernels

/// 8-bit integer matrix multiplication with int32 accumulation, the kernel under MatMulInteger, ConvInteger,
/// QLinearMatMul, QLinearConv and QGemm:
/// `C[i, j] = sum_p (A[i, p] - aZero[i]) * (B[p, j] - bZero[j])`.
///
/// The wide bodies (AVX2, AVX-512 BW, AVX-512 VNNI, picked from CPUID) multiply the raw 8-bit values widened
/// to int16 pairs (`vpmaddwd` / `vpdpwssd`: exact, where `vpmaddubsw` would saturate) and subtract the zero
/// points afterwards through the row sums of A and the column sums of B; the scalar body is their reference
/// twin and computes the definition term by term. Sums wrap modulo 2^32, as int32 accumulators do.
///
/// - Complexity: O(m * n * k).
public enum IntegerGEMM {
    /// A body of the kernel.
    public enum Level: Int32, Sendable, CaseIterable, CustomStringConvertible {
        case scalar = 0, avx2 = 1, avx512bw = 2, avx512vnni = 3
        public var description: String { String(cString: mlc_qgemm_level_name(mlc_qgemm_level(UInt32(rawValue)))) }
    }

    /// The widest body this CPU supports.
    public static var detectedLevel: Level { Level(rawValue: Int32(mlc_qgemm_detected_level().rawValue)) ?? .scalar }

    /// The bodies this CPU can run, scalar first.
    public static var availableLevels: [Level] { Level.allCases.filter { $0.rawValue <= detectedLevel.rawValue } }

    /// An 8-bit operand: its address, element signedness and row stride (in elements).
    public struct Operand {
        public var base: UnsafeRawPointer
        public var isSigned: Bool
        public var rowStride: Int
        public init(_ base: UnsafeRawPointer, isSigned: Bool, rowStride: Int) {
            self.base = base
            self.isSigned = isSigned
            self.rowStride = rowStride
        }
    }

    /// Computes `c[m x n]` (row stride `ldc`) from `a` (`m x k`) and `b` (`k x n`), splitting the columns
    /// over up to `threads` threads when the product is large enough to pay for it.
    ///
    /// - Parameters:
    ///   - aZero: one zero point for all of A, or `m` (one per row of A).
    ///   - bZero: one zero point for all of B, or `n` (one per column of B).
    ///   - level: the body to run; `nil` runs the detected one. The caller passes a level the CPU supports.
    /// - Throws: nothing for valid sizes; fails only when the packing buffers cannot be allocated.
    /// The caller guarantees the operand extents (`a` covers `m` rows of `k`, `b` `k` rows of `n`).
    public static func multiply(m: Int, n: Int, k: Int, a: Operand, aZero: [Int32], b: Operand, bZero: [Int32],
                                c: UnsafeMutablePointer<Int32>, ldc: Int, threads: Int = 1,
                                level: Level? = nil) throws {
        precondition(aZero.count == 1 || aZero.count == m, "IntegerGEMM: aZero must hold 1 or m values")
        precondition(bZero.count == 1 || bZero.count == n, "IntegerGEMM: bZero must hold 1 or n values")
        if m == 0 || n == 0 { return }
        let lvl = mlc_qgemm_level(UInt32((level ?? detectedLevel).rawValue))
        let perColumn: Int32 = bZero.count == n && n != 1 ? 1 : 0
        let perRow: Int32 = aZero.count == m && m != 1 ? 1 : 0
        // Splitting the columns: each part packs all of A (m * k) and its own columns of B, so the parts are
        // independent; below 2^18 multiply-adds one thread is faster than waking another.
        let work = m.multipliedReportingOverflow(by: n).partialValue.multipliedReportingOverflow(by: Swift.max(k, 1))
        let parts = threads <= 1 || work.overflow == false && work.partialValue < (1 << 18) ? 1 : threads
        let ranges = partition(n, parts: parts, granule: 32)
        var status = [Int32](repeating: 0, count: ranges.count)
        status.withUnsafeMutableBufferPointer { st in
        let statusOut = UncheckedSendable(st.baseAddress!)
        aZero.withUnsafeBufferPointer { za in
        bZero.withUnsafeBufferPointer { zb in
            let shared = UncheckedSendable((zb.baseAddress!, c, za.baseAddress!))
            parallelFor(ranges.count, threads: threads) { index in
                let r = ranges[index]
                let bBase = b.base + r.lowerBound // one byte per element
                // Each part writes its own status slot and its own columns of C.
                statusOut.value[index] = mlc_qgemm(lvl, m, r.count, k,
                                       a.base, a.rowStride, a.isSigned ? 1 : 0, shared.value.2, perRow,
                                       bBase, b.rowStride, b.isSigned ? 1 : 0,
                                       shared.value.0 + (perColumn == 1 ? r.lowerBound : 0), perColumn,
                                       shared.value.1 + r.lowerBound, ldc)
            }
        }
        }
        }
        if status.contains(where: { $0 != 0 }) { throw IntegerGEMMError.allocationFailed(m: m, n: n, k: k) }
    }
}

/// Why ``IntegerGEMM`` could not run.
public enum IntegerGEMMError: Error, CustomStringConvertible {
    case allocationFailed(m: Int, n: Int, k: Int)
    public var description: String {
        switch self {
        case .allocationFailed(let m, let n, let k): return "integer GEMM m=\(m) n=\(n) k=\(k): packing buffers could not be allocated"
        }
    }
}
