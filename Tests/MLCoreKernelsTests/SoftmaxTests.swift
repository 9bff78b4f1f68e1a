import Foundation
@testable import MLCoreKernels
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// Softmax and log-softmax along every axis on every runnable level against the Double reference.
@Suite struct SoftmaxTests {
    typealias Case = ReductionTests.Case

    static let cases: [Case] = ReductionTests.cases + [
        Case(shape: [4, 1000], axis: -1), Case(shape: [2, 3, 4], axis: 0), Case(shape: [6, 2100], axis: 0),
    ]

    static func check(_ x: Tensor, _ c: Case, _ isa: InstructionSet, threads: Int = 1, label: String = "") throws {
        let g = try AxisGeometry(c.shape, axis: c.axis, operation: "test")
        let xs = try x.scalars(as: Float.self)
        let context = "\(c.shape) axis \(c.axis) isa \(isa) threads \(threads) \(label)"

        let got = try Reduction.softmax(x, axis: c.axis, options: wide(isa, threads: threads)).scalars(as: Float.self)
        let expected = try Reduction.softmax(x, axis: c.axis, options: referenceOptions).scalars(as: Float.self)
        for o in 0..<g.outer {
            for i in 0..<g.inner {
                let index = { (k: Int) in (o * g.length + k) * g.inner + i }
                let m = (0..<g.length).map { xs[index($0)] }.max() ?? 0
                let spread = (0..<g.length).map { Swift.abs(xs[index($0)] - m) }.max() ?? 0
                let relative = Tolerance.softmaxFloat(length: g.length, spread: spread)
                if let k = (0..<g.length).first(where: {
                    let (a, b) = (got[index($0)], expected[index($0)])
                    return !(a == b || Swift.abs(a - b) <= relative * b || (a.isNaN && b.isNaN))
                }) {
                    Issue.record("softmax \(context) element \(index(k)): \(got[index(k)]) vs \(expected[index(k)]), relative tolerance \(relative)")
                    return
                }
            }
        }

        let gotLog = try Reduction.logSoftmax(x, axis: c.axis, options: wide(isa, threads: threads)).scalars(as: Float.self)
        let expectedLog = try Reduction.logSoftmax(x, axis: c.axis, options: referenceOptions).scalars(as: Float.self)
        for o in 0..<g.outer {
            for i in 0..<g.inner {
                let index = { (k: Int) in (o * g.length + k) * g.inner + i }
                let m = (0..<g.length).map { xs[index($0)] }.max() ?? 0
                let spread = (0..<g.length).map { Swift.abs(xs[index($0)] - m) }.max() ?? 0
                let tolerance = Tolerance.logSoftmaxFloat(length: g.length, magnitude: spread + Float(Foundation.log(Double(Swift.max(g.length, 1)))))
                for k in 0..<g.length {
                    let (a, b) = (gotLog[index(k)], expectedLog[index(k)])
                    if !(Swift.abs(a - b) <= tolerance || (a.isNaN && b.isNaN) || a == b) {
                        Issue.record("logSoftmax \(context) element \(index(k)): \(a) vs \(b), tolerance \(tolerance)")
                        return
                    }
                }
            }
        }
    }

    @Test("softmax and log-softmax against the reference", arguments: cases, InstructionSet.runnable)
    func sweep(_ c: Case, _ isa: InstructionSet) throws {
        let n = try c.shape.checkedElementCount()
        // Values spread over [-20, 20] so the exponentials span many binades.
        let x = try Tensor(shape: c.shape, scalars: randomFloats(n, seed: UInt64(n) + 17, in: -20...20))
        try Self.check(x, c, isa)
    }

    @Test("special values", arguments: InstructionSet.runnable)
    func specialValues(_ isa: InstructionSet) throws {
        let rows: [[Float]] = [
            [1000, 1000, -1000],          // large values: subtracting the max avoids overflow
            [-.infinity, 0, 1],           // -inf contributes exactly 0
            [.nan, 1, 2], [1, .infinity, 2], [-.infinity, -.infinity, -.infinity],
            [88, 89, 90], [-1e30, 0, 1e30], [0, 0, 0],
        ]
        for row in rows {
            let x = try Tensor(shape: [1, 3], scalars: row)
            try Self.check(x, Case(shape: [1, 3], axis: 1), isa, label: "\(row)")
            try Self.check(try x.reshaped([3, 1]), Case(shape: [3, 1], axis: 0), isa, label: "\(row) as a column")
        }
        let y = try Reduction.softmax(try Tensor(shape: [3], scalars: [1000, 1000, -1000] as [Float]), options: wide(isa))
        #expect(try y.scalars(as: Float.self) == [0.5, 0.5, 0], "softmax [1000, 1000, -1000] isa \(isa)")
        let n = try Reduction.softmax(try Tensor(shape: [3], scalars: [1, .nan, 2] as [Float]), options: wide(isa))
        #expect(try n.scalars(as: Float.self).allSatisfy { $0.isNaN }, "softmax with NaN isa \(isa)")
    }

    @Test("hand-computed values", arguments: InstructionSet.runnable)
    func handComputed(_ isa: InstructionSet) throws {
        // softmax([1, 2, 3]) = e^(k-3) / (e^-2 + e^-1 + 1), computed to 16 digits.
        let x = try Tensor(shape: [3], scalars: [1, 2, 3] as [Float])
        let expected: [Double] = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219]
        let y = try Reduction.softmax(x, options: wide(isa)).scalars(as: Float.self)
        for (g, e) in zip(y, expected) {
            #expect(Swift.abs(Double(g) - e) <= Double(Tolerance.softmaxFloat(length: 3, spread: 2)) * e, "softmax [1, 2, 3] isa \(isa): \(y)")
        }
        let ly = try Reduction.logSoftmax(x, options: wide(isa)).scalars(as: Float.self)
        let expectedLog: [Double] = [-2.4076059644443806, -1.4076059644443806, -0.4076059644443804]
        for (g, e) in zip(ly, expectedLog) {
            #expect(Swift.abs(Double(g) - e) <= 4e-7, "logSoftmax [1, 2, 3] isa \(isa): \(ly)")
        }
        // Each row sums to 1.
        let rows = try Tensor(shape: [4, 1000], scalars: randomFloats(4000, seed: 2, in: -5...5))
        let s = try Reduction.sum(try Reduction.softmax(rows, options: wide(isa)), axis: 1).scalars(as: Float.self)
        #expect(s.allSatisfy { Swift.abs($0 - 1) <= 1e-5 }, "softmax rows of [4, 1000] sum to \(s), isa \(isa)")
    }

    @Test("1 and 2 threads give identical results", arguments: InstructionSet.runnable)
    func threadCountInvariance(_ isa: InstructionSet) throws {
        for (shape, axis) in [([300, 301], 1), ([300, 301], 0), ([2, 40_000, 3], 1)] as [(Shape, Int)] {
            let x = try Tensor(shape: shape, scalars: randomFloats(try shape.checkedElementCount(), seed: 5, in: -10...10))
            for log in [false, true] {
                let f = log ? Reduction.logSoftmax : Reduction.softmax
                let one = try f(x, axis, wide(isa, threads: 1))
                let two = try f(x, axis, wide(isa, threads: 2))
                #expect(try identical(one, two), "\(log ? "logSoftmax" : "softmax") \(shape) axis \(axis) isa \(isa): threads 1 and 2 differ")
            }
        }
    }

    @Test("float64 runs the reference")
    func float64() throws {
        let x = try Tensor(shape: [3], scalars: [1, 2, 3] as [Double])
        let y = try Reduction.softmax(x, options: KernelOptions(path: .wide)).scalars(as: Double.self)
        let expected = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219]
        #expect(zip(y, expected).allSatisfy { Swift.abs($0 - $1) <= 4 * $1.ulp }, "\(y)")
    }

    @Test("bad axes and integer tensors throw; empty tensors pass through")
    func errors() throws {
        #expect(throws: TensorError.self) { try Reduction.softmax(try Tensor(zeros: [2, 3]), axis: 2) }
        #expect(throws: TensorError.self) { try Reduction.logSoftmax(Tensor(scalar: Float(1))) }
        #expect(throws: TensorError.unsupportedDType(operation: "softmax", .int32)) {
            try Reduction.softmax(try Tensor(zeros: [3], dtype: .int32))
        }
        #expect(try Reduction.softmax(try Tensor(zeros: [2, 0])).shape == [2, 0])
        #expect(try Reduction.logSoftmax(try Tensor(zeros: [0, 5]), axis: 0).shape == [0, 5])
    }
}
