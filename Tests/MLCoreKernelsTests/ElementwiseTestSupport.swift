@testable import MLCoreKernels
import MLCoreTensor
import MLCoreTestSupport

/// Lengths every element-wise kernel is swept over: every tail length around the 16-lane blocks, the 64-element
/// reduction blocks, and long odd runs.
let sweepLengths = Array(0...17) + [31, 32, 33, 63, 64, 65, 255, 256, 1000, 4099]

/// Options that force the wide path at `isa` with `threads` threads.
func wide(_ isa: InstructionSet, threads: Int = 1) -> KernelOptions {
    KernelOptions(threads: threads, path: .wide, instructionSet: isa)
}

let referenceOptions = KernelOptions(threads: 1, path: .reference)

/// Distance in ulps between two floats (0 for NaN and NaN, for -0 and +0, and for equal infinities;
/// `Int.max` when only one is NaN or infinite, or when infinities differ).
func ulpDistance(_ a: Float, _ b: Float) -> Int {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .max }
    if a.isInfinite || b.isInfinite { return a == b ? 0 : .max }
    func ordered(_ x: Float) -> Int {
        let bits = Int(x.bitPattern & 0x7fff_ffff)
        return x.sign == .minus ? -bits : bits
    }
    return abs(ordered(a) - ordered(b))
}

/// The first index where `got` and `expected` are more than `ulps` apart, with both values, or nil.
func firstUlpMismatch(_ got: [Float], _ expected: [Float], ulps: Int) -> (index: Int, got: Float, expected: Float)? {
    guard got.count == expected.count else { return (-1, .nan, .nan) }
    for i in got.indices where ulpDistance(got[i], expected[i]) > ulps {
        return (i, got[i], expected[i])
    }
    return nil
}

/// Whether two tensors hold bit-identical elements (NaN payloads aside).
func identical(_ a: Tensor, _ b: Tensor) throws -> Bool {
    guard a.shape == b.shape, a.dtype == b.dtype else { return false }
    switch a.dtype {
    case .float32:
        return zip(try a.scalars(as: Float.self), try b.scalars(as: Float.self)).allSatisfy {
            $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN)
        }
    case .float64:
        return zip(try a.scalars(as: Double.self), try b.scalars(as: Double.self)).allSatisfy {
            $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN)
        }
    case .int64:
        return try a.scalars(as: Int64.self) == b.scalars(as: Int64.self)
    default:
        return a.elementsEqual(b)
    }
}

/// Special values every math function is checked on.
let specialFloats: [Float] = [
    .nan, .infinity, -.infinity, 0, -0.0, 1, -1, 0.5, -0.5,
    .leastNonzeroMagnitude, -.leastNonzeroMagnitude, Float.leastNormalMagnitude / 3, -Float.leastNormalMagnitude / 3, .leastNormalMagnitude, -.leastNormalMagnitude,
    1e-30, -1e-30, 1e-7, -1e-7, 3e-4, -3e-4, 0.625, -0.625, 0.9999, 1.0001, 2.5, 3.92, 3.93, -3.92,
    9, -9, 20, -20, 44, -44, 87.3, -87.3, 88.72, 88.73, -88.72, -103.9, -104, -104.5, 150, -150,
    .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e30, -1e30,
]
