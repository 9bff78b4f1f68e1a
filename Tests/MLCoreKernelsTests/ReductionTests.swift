@testable import MLCoreKernels
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// Reductions over every axis: sum, mean, max and argmax on every runnable level against the reference.
@Suite struct ReductionTests {
    /// A shape and an axis to reduce.
    struct Case: CustomTestStringConvertible, Sendable {
        let shape: Shape, axis: Int
        var testDescription: String { "\(shape) axis \(axis)" }
    }

    /// The length sweep along a contiguous axis, plus middle and first axes of odd shapes and zero-size ones.
    static let cases: [Case] = sweepLengths.map { Case(shape: [3, $0], axis: 1) } + [
        ([5, 7, 11, 13], 0), ([5, 7, 11, 13], 1), ([5, 7, 11, 13], 2), ([5, 7, 11, 13], -1), ([4099], 0),
        ([2, 4099], 0), ([3, 1000, 5], 1), ([1, 1], 0), ([7], -1), ([2, 3, 0], 1), ([0, 4], 1), ([3, 0, 4], 1), ([2, 5000, 3], 2),
        ([17, 2100], 0), ([2, 17, 2100], 1), ([64, 65], 0), ([65, 64], 1),
    ].map { Case(shape: Shape($0.0), axis: $0.1) }

    static func input(_ shape: Shape, seed: UInt64) throws -> Tensor {
        try Tensor(shape: shape, scalars: randomFloats(try shape.checkedElementCount(), seed: seed))
    }

    /// Sum and mean within ``Tolerance/sumFloat(length:absSum:)`` of each output's own magnitude.
    static func checkSums(_ x: Tensor, _ c: Case, _ isa: InstructionSet, threads: Int = 1) throws {
        let g = try AxisGeometry(c.shape, axis: c.axis, operation: "test")
        let xs = try x.scalars(as: Float.self)
        for kind in [ReductionKind.sum, .mean] {
            let got = try Reduction.reduce(kind, x, axis: c.axis, keepDims: false, options: wide(isa, threads: threads))
            let expected = try Reduction.reduce(kind, x, axis: c.axis, keepDims: false, options: referenceOptions)
            #expect(got.shape == expected.shape)
            let gs = try got.scalars(as: Float.self), es = try expected.scalars(as: Float.self)
            for o in 0..<g.outer {
                for i in 0..<g.inner {
                    let absSum = (0..<g.length).reduce(Float(0)) { $0 + Swift.abs(xs[(o * g.length + $1) * g.inner + i]) }
                    let scale = kind == .mean ? 1 / Float(Swift.max(g.length, 1)) : 1
                    let tolerance = Tolerance.sumFloat(length: g.length, absSum: absSum) * scale
                    let j = o * g.inner + i
                    #expect(Swift.abs(gs[j] - es[j]) <= tolerance || (gs[j].isNaN && es[j].isNaN),
                            "\(kind) \(c.shape) axis \(c.axis) isa \(isa) threads \(threads) output \(j): \(gs[j]) vs \(es[j]), tolerance \(tolerance)")
                }
            }
        }
    }

    /// Max and argmax are exact: the same element wins on every path.
    static func checkExact(_ x: Tensor, _ c: Case, _ isa: InstructionSet, threads: Int = 1, label: String = "") throws {
        for kind in [ReductionKind.max, .argmax] {
            let got = try Reduction.reduce(kind, x, axis: c.axis, keepDims: true, options: wide(isa, threads: threads))
            let expected = try Reduction.reduce(kind, x, axis: c.axis, keepDims: true, options: referenceOptions)
            #expect(try identical(got, expected), "\(kind) \(c.shape) axis \(c.axis) isa \(isa) threads \(threads) \(label)")
        }
    }

    @Test("sum, mean, max, argmax against the reference", arguments: cases, InstructionSet.runnable)
    func sweep(_ c: Case, _ isa: InstructionSet) throws {
        let x = try Self.input(c.shape, seed: UInt64(c.shape.dims.reduce(7, { $0 * 31 + $1 })))
        try Self.checkSums(x, c, isa)
        let g = try AxisGeometry(c.shape, axis: c.axis, operation: "test")
        if g.length > 0 { try Self.checkExact(x, c, isa) }
    }

    /// Ties (many equal maxima), NaN at every position, infinities, and all -inf.
    @Test("max and argmax special values", arguments: InstructionSet.runnable)
    func maxSpecials(_ isa: InstructionSet) throws {
        for n in [1, 2, 5, 16, 17, 64, 65, 100] {
            let ties = (0..<n).map { Float($0 % 3) }  // the first 2 is the answer
            try Self.checkExact(try Tensor(shape: [1, n], scalars: ties), Case(shape: [1, n], axis: 1), isa, label: "ties")
            try Self.checkExact(try Tensor(shape: [n, 1], scalars: ties), Case(shape: [n, 1], axis: 0), isa, label: "ties")
            let lows = [Float](repeating: -.infinity, count: n)
            try Self.checkExact(try Tensor(shape: [n], scalars: lows), Case(shape: [n], axis: 0), isa, label: "all -inf")
            for p in Set([0, n / 2, n - 1]) {
                var xs = randomFloats(n, seed: UInt64(p))
                xs[p] = .nan
                if n > 3 { xs[(p + 2) % n] = .infinity }
                let x = try Tensor(shape: [n], scalars: xs)
                let m = try Reduction.max(x, axis: 0, options: wide(isa)).scalars(as: Float.self)
                let i = try Reduction.argmax(x, axis: 0, options: wide(isa)).scalars(as: Int64.self)
                #expect(m[0].isNaN && i == [Int64(p)], "max/argmax [\(n)] NaN at \(p) isa \(isa): \(m), \(i)")
                let column = try x.reshaped([n, 1])
                let ic = try Reduction.argmax(column, axis: 0, options: wide(isa)).scalars(as: Int64.self)
                #expect(ic == [Int64(p)], "argmax [\(n), 1] axis 0 NaN at \(p) isa \(isa): \(ic)")
                try Self.checkExact(x, Case(shape: [n], axis: 0), isa, label: "NaN at \(p)")
            }
        }
    }

    @Test("hand-computed values")
    func handComputed() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6] as [Float])
        #expect(try Reduction.sum(x, axis: 1).scalars(as: Float.self) == [9, 12])
        #expect(try Reduction.sum(x, axis: 0).scalars(as: Float.self) == [5, 7, 9])
        #expect(try Reduction.mean(x, axis: -1).scalars(as: Float.self) == [3, 4])
        #expect(try Reduction.max(x, axis: 0).scalars(as: Float.self) == [4, 5, 6])
        #expect(try Reduction.argmax(x, axis: 1).scalars(as: Int64.self) == [1, 2])
        #expect(try Reduction.argmax(x, axis: 0).scalars(as: Int64.self) == [1, 0, 1])
        #expect(try Reduction.sum(x, axis: 1, keepDims: true).shape == [2, 1])
        #expect(try Reduction.argmax(x, axis: 0, keepDims: true).shape == [1, 3])
        #expect(try Reduction.argmax(x, axis: 0).dtype == .int64)
        let empty = try Tensor(zeros: [2, 0])
        #expect(try Reduction.sum(empty, axis: 1).scalars(as: Float.self) == [0, 0])
        #expect(try Reduction.mean(empty, axis: 1).scalars(as: Float.self).allSatisfy { $0.isNaN })
    }

    @Test("1 and 2 threads give identical results", arguments: InstructionSet.runnable)
    func threadCountInvariance(_ isa: InstructionSet) throws {
        for (shape, axis) in [([300, 301], 1), ([300, 301], 0), ([2, 40_000, 3], 1), ([70_001], 0), ([3, 30_000], 0)] as [(Shape, Int)] {
            let x = try Self.input(shape, seed: 9)
            for kind in ReductionKind.allCases {
                let one = try Reduction.reduce(kind, x, axis: axis, keepDims: false, options: wide(isa, threads: 1))
                let two = try Reduction.reduce(kind, x, axis: axis, keepDims: false, options: wide(isa, threads: 2))
                #expect(try identical(one, two), "\(kind) \(shape) axis \(axis) isa \(isa): threads 1 and 2 differ")
            }
            try Self.checkSums(x, Case(shape: shape, axis: axis), isa, threads: 2)
        }
    }

    @Test("the summation order is the same at every level")
    func levelInvariance() throws {
        let x = try Self.input([5, 4099], seed: 4)
        let sums = try InstructionSet.runnable.map { try Reduction.sum(x, axis: 1, options: wide($0)) }
        for (isa, s) in zip(InstructionSet.runnable, sums) {
            #expect(try identical(s, sums[0]), "sum [5, 4099] axis 1: \(isa) differs from baseline")
        }
    }

    @Test("float64 runs the reference", arguments: [KernelPath.reference, .wide])
    func float64(_ path: KernelPath) throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6] as [Double])
        let options = KernelOptions(path: path)
        #expect(try Reduction.sum(x, axis: 0, options: options).scalars(as: Double.self) == [5, 7, 9])
        #expect(try Reduction.mean(x, axis: 1, options: options).scalars(as: Double.self) == [3, 4])
        #expect(try Reduction.max(x, axis: 1, options: options).scalars(as: Double.self) == [5, 6])
        #expect(try Reduction.argmax(x, axis: 1, options: options).scalars(as: Int64.self) == [1, 2])
    }

    @Test("bad axes, empty axes and integer tensors throw")
    func errors() throws {
        let x = try Tensor(zeros: [2, 3])
        do {
            _ = try Reduction.sum(x, axis: 2)
            Issue.record("sum axis 2 of [2, 3] did not throw")
        } catch let error as TensorError {
            #expect("\(error)".contains("[2, 3]") && "\(error)".contains("2"), "\(error)")
        }
        #expect(throws: TensorError.self) { try Reduction.mean(x, axis: -3) }
        #expect(throws: TensorError.self) { try Reduction.argmax(Tensor(scalar: Float(1)), axis: 0) }
        #expect(throws: TensorError.self) { try Reduction.max(try Tensor(zeros: [3, 0]), axis: 1) }
        #expect(throws: TensorError.self) { try Reduction.argmax(try Tensor(zeros: [0, 3]), axis: 0) }
        #expect(throws: TensorError.unsupportedDType(operation: "sum", .int64)) {
            try Reduction.sum(try Tensor(zeros: [3], dtype: .int64), axis: 0)
        }
    }
}
