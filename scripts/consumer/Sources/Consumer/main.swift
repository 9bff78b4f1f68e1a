#if canImport(Glibc)
import Glibc
#endif
import MLCore

// One real MLCore call: a small GEMM checked against its hand-computed result.
let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4] as [Float])
let b = try Tensor(shape: [2, 2], scalars: [5, 6, 7, 8] as [Float])
let c = try GEMM.multiply(a, b)
let values = try c.scalars(as: Float.self)
guard values == [19, 22, 43, 50] else {
    print("consumer: unexpected GEMM result \(values)")
    exit(1)
}
print("consumer: GEMM [[1,2],[3,4]] x [[5,6],[7,8]] = \(values) (isa \(InstructionSet.detected))")
