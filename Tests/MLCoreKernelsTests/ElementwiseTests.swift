@testable import MLCoreKernels
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// Binary arithmetic: every operator, every runnable level, every broadcast form against the reference.
@Suite struct ElementwiseTests {
    /// A pair of operand shapes for a broadcast test.
    struct ShapePair: CustomTestStringConvertible, Sendable {
        let a: Shape, b: Shape
        var testDescription: String { "\(a)x\(b)" }
    }

    static let broadcastPairs: [ShapePair] = [
        ([3, 1], [1, 4]), ([2, 3, 4], [4]), ([4], [2, 3, 4]), ([5, 7, 11, 13], [7, 1, 13]),
        ([7, 1, 13], [5, 7, 11, 13]), ([], [2, 3]), ([2, 3], []), ([], []), ([1], [5]), ([5], [1]),
        ([0, 3], [3]), ([2, 0], [2, 1]), ([3, 0], [0]), ([2, 1, 3], [1, 4, 1]), ([1, 1], [1, 1]),
        ([2, 3, 4, 5], [1, 3, 1, 1]), ([6, 5], [6, 1]), ([1, 6, 1], [5, 1, 7]), ([33, 17], [17]),
        ([2, 2, 2, 2, 2], [2, 1, 2, 1, 2]), ([1, 65], [65, 1]),
        // Same element count up to leading 1s, and one-element operands of higher rank (the contiguous fast path).
        ([1], [1, 1]), ([70], [1, 1, 70]), ([1, 3, 70], [3, 70]), ([1, 1], [4, 33]), ([9, 5], [1, 1, 1]),
    ].map { ShapePair(a: Shape($0.0), b: Shape($0.1)) }

    static func tensor(_ shape: Shape, seed: UInt64, in range: ClosedRange<Float> = -1...1) throws -> Tensor {
        try Tensor(shape: shape, scalars: randomFloats(try shape.checkedElementCount(), seed: seed, in: range))
    }

    /// Divisors stay away from 0 so quotients are finite and comparable; 0 and infinities are in the
    /// special-value test.
    static func operands(_ op: BinaryOperator, _ a: Shape, _ b: Shape, seed: UInt64) throws -> (Tensor, Tensor) {
        let x = try tensor(a, seed: seed)
        let y = op == .div ? try tensor(b, seed: seed + 1, in: 0.25...4) : try tensor(b, seed: seed + 1)
        return (x, y)
    }

    static func check(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor, _ isa: InstructionSet, threads: Int = 1,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let got = try Elementwise.apply(op, a, b, options: wide(isa, threads: threads))
        let expected = try Elementwise.apply(op, a, b, options: referenceOptions)
        #expect(got.shape == expected.shape, "\(op) \(a.shape)x\(b.shape) isa \(isa) threads \(threads)",
                sourceLocation: sourceLocation)
        let mismatch = firstUlpMismatch(try got.scalars(as: Float.self), try expected.scalars(as: Float.self),
                                        ulps: Tolerance.arithmeticUlps)
        #expect(mismatch == nil,
                "\(op) \(a.shape)x\(b.shape) isa \(isa) threads \(threads): element \(mismatch?.index ?? -1) is \(mismatch?.got ?? 0), expected \(mismatch?.expected ?? 0)",
                sourceLocation: sourceLocation)
    }

    @Test("same-shape, vector-scalar and scalar-vector over the length sweep", arguments: BinaryOperator.allCases, InstructionSet.runnable)
    func lengthSweep(_ op: BinaryOperator, _ isa: InstructionSet) throws {
        for n in sweepLengths {
            let (a, b) = try Self.operands(op, [n], [n], seed: UInt64(n))
            try Self.check(op, a, b, isa)
            let (_, s) = try Self.operands(op, [n], [1], seed: UInt64(n) + 7)
            try Self.check(op, a, s, isa)
            let (t, _) = try Self.operands(.add, [], [1], seed: UInt64(n) + 9)
            try Self.check(op, t, op == .div ? b : a, isa)
        }
    }

    @Test("broadcast shape pairs", arguments: broadcastPairs, InstructionSet.runnable)
    func broadcast(_ pair: ShapePair, _ isa: InstructionSet) throws {
        for op in BinaryOperator.allCases {
            let (a, b) = try Self.operands(op, pair.a, pair.b, seed: 42)
            try Self.check(op, a, b, isa)
        }
    }

    @Test("broadcast shapes of the output", arguments: broadcastPairs)
    func outputShapes(_ pair: ShapePair) throws {
        let (a, b) = try Self.operands(.add, pair.a, pair.b, seed: 1)
        let y = try Elementwise.add(a, b)
        #expect(y.shape == (try Shape.broadcast(pair.a, pair.b)), "\(pair.a)x\(pair.b)")
    }

    /// Above the split threshold: rows split (first shapes), one long row split into column ranges (the last).
    @Test("1 and 2 threads give identical results", arguments: InstructionSet.runnable)
    func threadCountInvariance(_ isa: InstructionSet) throws {
        let pairs: [(Shape, Shape)] = [([300, 301], [301]), ([300, 301], [300, 1]), ([70_001], [70_001]),
                                       ([200_003], [1]), ([1], [131_075]), ([3, 1, 40_000], [1, 2, 1])]
        for (sa, sb) in pairs {
            for op in BinaryOperator.allCases {
                let (a, b) = try Self.operands(op, sa, sb, seed: 5)
                let one = try Elementwise.apply(op, a, b, options: wide(isa, threads: 1))
                let two = try Elementwise.apply(op, a, b, options: wide(isa, threads: 2))
                #expect(try identical(one, two), "\(op) \(sa)x\(sb) isa \(isa): threads 1 and 2 differ")
                try Self.check(op, a, b, isa, threads: 2)
            }
        }
    }

    @Test("IEEE special values", arguments: BinaryOperator.allCases, InstructionSet.runnable)
    func specialValues(_ op: BinaryOperator, _ isa: InstructionSet) throws {
        let values: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .greatestFiniteMagnitude,
                               .leastNonzeroMagnitude, Float.leastNormalMagnitude / 3, -3]
        let xs = values.flatMap { x in values.map { _ in x } }
        let ys = values.flatMap { _ in values }
        let a = try Tensor(shape: [xs.count], scalars: xs), b = try Tensor(shape: [ys.count], scalars: ys)
        try Self.check(op, a, b, isa)
        let got = try Elementwise.apply(op, a, b, options: wide(isa)).scalars(as: Float.self)
        for i in xs.indices {
            let expected = op(xs[i], ys[i])
            #expect(ulpDistance(got[i], expected) == 0, "\(op)(\(xs[i]), \(ys[i])) isa \(isa): \(got[i]) != \(expected)")
        }
    }

    @Test("hand-computed values")
    func handComputed() throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Float])
        let row = try Tensor(shape: [3], scalars: [10, 20, 30] as [Float])
        let column = try Tensor(shape: [2, 1], scalars: [100, 200] as [Float])
        #expect(try Elementwise.add(a, row).scalars(as: Float.self) == [11, 22, 33, 14, 25, 36])
        #expect(try Elementwise.sub(a, column).scalars(as: Float.self) == [-99, -98, -97, -196, -195, -194])
        #expect(try Elementwise.mul(row, a).scalars(as: Float.self) == [10, 40, 90, 40, 100, 180])
        #expect(try Elementwise.div(Tensor(scalar: Float(1)), row).scalars(as: Float.self) == [0.1, 0.05, 1 / Float(30)])
        let outer = try Elementwise.mul(try Tensor(shape: [3, 1], scalars: [1, 2, 3] as [Float]),
                                        try Tensor(shape: [1, 4], scalars: [1, 10, 100, 1000] as [Float]))
        #expect(outer.shape == [3, 4])
        #expect(try outer.scalars(as: Float.self) == [1, 10, 100, 1000, 2, 20, 200, 2000, 3, 30, 300, 3000])
    }

    @Test("every path and forced level agrees", arguments: [KernelPath.reference, .simd, .wide, .blas])
    func paths(_ path: KernelPath) throws {
        let (a, b) = try Self.operands(.mul, [4, 33], [33], seed: 3)
        let got = try Elementwise.mul(a, b, options: KernelOptions(threads: 1, path: path))
        let expected = try Elementwise.mul(a, b, options: referenceOptions)
        #expect(try identical(got, expected), "mul [4, 33]x[33] path \(path)")
    }

    @Test("float64 runs the reference on every path", arguments: [KernelPath.reference, .simd, .wide, .blas])
    func float64(_ path: KernelPath) throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Double])
        let b = try Tensor(shape: [3], scalars: [0.5, -1, 4] as [Double])
        let y = try Elementwise.div(a, b, options: KernelOptions(path: path))
        #expect(y.dtype == .float64)
        #expect(try y.scalars(as: Double.self) == [2, -2, 0.75, 8, -5, 1.5], "div float64 path \(path)")
    }

    @Test("writing into an output tensor")
    func into() throws {
        let (a, b) = try Self.operands(.sub, [3, 5], [5], seed: 8)
        var out = try Tensor(zeros: [3, 5])
        let alias = out  // shares storage: the kernel must copy, not write through it
        try Elementwise.apply(.sub, a, b, into: &out)
        #expect(try identical(out, try Elementwise.sub(a, b)))
        #expect(try alias.scalars(as: Float.self).allSatisfy { $0 == 0 })
        var wrong = try Tensor(zeros: [5, 3])
        #expect(throws: TensorError.shapeMismatch(operation: "sub output", [3, 5], [5, 3])) {
            try Elementwise.apply(.sub, a, b, into: &wrong)
        }
    }

    @Test("bad operands throw errors naming the shapes")
    func errors() throws {
        let a = try Tensor(zeros: [2, 3]), b = try Tensor(zeros: [4])
        do {
            _ = try Elementwise.add(a, b)
            Issue.record("[2, 3] + [4] did not throw")
        } catch let error as TensorError {
            #expect(error == .notBroadcastable(operation: "add", [2, 3], [4]))
            #expect("\(error)".contains("[2, 3]") && "\(error)".contains("[4]"), "\(error)")
        }
        #expect(throws: TensorError.self) { try Elementwise.mul(try Tensor(zeros: [3, 2]), try Tensor(zeros: [3])) }
        let d = try Tensor(zeros: [2, 3], dtype: .float64)
        do {
            _ = try Elementwise.sub(a, d)
            Issue.record("float32 - float64 did not throw")
        } catch let error as TensorError {
            #expect(error == .dtypeMismatch(operation: "sub of [2, 3] and [2, 3]", expected: .float32, actual: .float64))
        }
        let i = try Tensor(zeros: [2], dtype: .int64)
        #expect(throws: TensorError.unsupportedDType(operation: "div", .int64)) { try Elementwise.div(i, i) }
        // Empty operands whose other dimensions are huge broadcast to an empty result (a zero dimension
        // makes the element count 0 however large the rest is), without allocating or trapping.
        let tall = try Tensor(zeros: [1 << 40, 1, 0]), wide = try Tensor(zeros: [1, 1 << 40, 0])
        let empty = try Elementwise.add(tall, wide)
        #expect(empty.shape == [1 << 40, 1 << 40, 0] && empty.count == 0)
    }

    @Test("broadcast plan merges dimensions")
    func planShapes() {
        let same = BroadcastPlan([2, 3, 4], [2, 3, 4], output: [2, 3, 4])
        #expect(same.rows == 1 && same.inner == 24 && same.innerStrideA == 1 && same.innerStrideB == 1)
        let rowBias = BroadcastPlan([5, 7, 11, 13], [7, 1, 13], output: [5, 7, 11, 13])
        #expect(rowBias.rows == 385 && rowBias.inner == 13 && rowBias.innerStrideB == 1)
        let channel = BroadcastPlan([2, 3, 4, 5], [1, 3, 1, 1], output: [2, 3, 4, 5])
        #expect(channel.outerDims == [2, 3] && channel.inner == 20 && channel.innerStrideB == 0)
        let scalar = BroadcastPlan([], [], output: [])
        #expect(scalar.rows == 1 && scalar.inner == 1)
    }
}
