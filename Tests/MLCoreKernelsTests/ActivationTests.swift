import Foundation
@testable import MLCoreKernels
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// Activations and math functions: every function on every runnable level against the Double reference.
@Suite struct ActivationTests {
    /// Inputs that exercise each function's interesting range (log also gets negatives and zeros).
    static func inputs(_ kind: ActivationKind, count: Int, seed: UInt64) -> [Float] {
        switch kind {
        case .exp: return randomFloats(count, seed: seed, in: -100...90)
        case .log: return randomFloats(count, seed: seed, in: -1...1).map { $0 * $0 * $0 * 100 }
        case .sigmoid, .relu: return randomFloats(count, seed: seed, in: -30...30)
        case .tanh, .erf: return randomFloats(count, seed: seed, in: -5...5)
        }
    }

    static func check(_ kind: ActivationKind, _ xs: [Float], _ isa: InstructionSet, threads: Int = 1, label: String,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let x = try Tensor(shape: [xs.count], scalars: xs)
        let got = try Activation.apply(kind, to: x, options: wide(isa, threads: threads)).scalars(as: Float.self)
        let expected = try Activation.apply(kind, to: x, options: referenceOptions).scalars(as: Float.self)
        let mismatch = firstUlpMismatch(got, expected, ulps: Tolerance.activationUlps(kind))
        #expect(mismatch == nil,
                "\(kind) \(label) isa \(isa) threads \(threads): \(kind)(\(mismatch.map { xs[$0.index] } ?? 0)) = \(mismatch?.got ?? 0), expected \(mismatch?.expected ?? 0) (tolerance \(Tolerance.activationUlps(kind)) ulps)",
                sourceLocation: sourceLocation)
    }

    @Test("length sweep against the reference", arguments: ActivationKind.allCases, InstructionSet.runnable)
    func lengthSweep(_ kind: ActivationKind, _ isa: InstructionSet) throws {
        for n in sweepLengths {
            try Self.check(kind, Self.inputs(kind, count: n, seed: UInt64(n)), isa, label: "[\(n)]")
        }
    }

    /// A dense sweep backs the named tolerance: 200K evenly spaced points over each function's working range.
    @Test("dense sweep over the working range", arguments: ActivationKind.allCases, InstructionSet.runnable)
    func denseSweep(_ kind: ActivationKind, _ isa: InstructionSet) throws {
        let (lo, hi): (Float, Float) = switch kind {
        case .exp: (-104, 89)
        case .log: (0, 100)
        case .sigmoid: (-110, 20)
        case .tanh: (-10, 10)
        case .erf: (-4.5, 4.5)
        case .relu: (-2, 2)
        }
        let n = 200_000
        let xs = (0..<n).map { lo + (hi - lo) * Float($0) / Float(n - 1) }
        try Self.check(kind, xs, isa, label: "dense [\(lo), \(hi)]")
        let small = (0..<20_000).map { Float($0 - 10_000) * 1e-7 }  // around 0, where relative accuracy is hardest
        try Self.check(kind, small, isa, label: "dense near 0")
    }

    @Test("special values", arguments: ActivationKind.allCases, InstructionSet.runnable)
    func specialValues(_ kind: ActivationKind, _ isa: InstructionSet) throws {
        try Self.check(kind, specialFloats, isa, label: "special values")
        // Signs of zero and exact limits, which an ulp distance does not see.
        let x = try Tensor(shape: [6], scalars: [-0.0, 0, .infinity, -.infinity, .nan, -1e-30] as [Float])
        let y = try Activation.apply(kind, to: x, options: wide(isa)).scalars(as: Float.self)
        let context = "\(kind) isa \(isa)"
        switch kind {
        case .relu:
            #expect(y[0].sign == .plus && y[0] == 0 && y[2] == .infinity && y[3] == 0 && y[4].isNaN, "\(context)")
        case .sigmoid:
            #expect(y[0] == 0.5 && y[1] == 0.5 && y[2] == 1 && y[3] == 0 && y[4].isNaN, "\(context)")
        case .tanh:
            #expect(y[0] == 0 && y[0].sign == .minus && y[2] == 1 && y[3] == -1 && y[4].isNaN && y[5] == -1e-30, "\(context)")
        case .exp:
            #expect(y[0] == 1 && y[1] == 1 && y[2] == .infinity && y[3] == 0 && y[4].isNaN, "\(context)")
        case .log:
            #expect(y[0] == -.infinity && y[1] == -.infinity && y[2] == .infinity && y[3].isNaN && y[4].isNaN && y[5].isNaN,
                    "\(context)")
        case .erf:
            #expect(y[0] == 0 && y[0].sign == .minus && y[2] == 1 && y[3] == -1 && y[4].isNaN, "\(context)")
        }
    }

    @Test("hand-computed values from tables", arguments: InstructionSet.runnable)
    func handComputed(_ isa: InstructionSet) throws {
        func value(_ kind: ActivationKind, _ x: Float) throws -> Float {
            try Activation.apply(kind, to: try Tensor(shape: [1], scalars: [x]), options: wide(isa)).scalars(as: Float.self)[0]
        }
        // Abramowitz and Stegun table 7.1, e, ln 2, tanh 1 and 1/(1 + e^-1) to 16 digits.
        let cases: [(ActivationKind, Float, Double)] = [
            (.sigmoid, 0, 0.5), (.sigmoid, 1, 0.7310585786300049), (.erf, 1, 0.8427007929497149),
            (.erf, 0.5, 0.5204998778130465), (.erf, 2, 0.9953222650189527), (.exp, 1, 2.718281828459045),
            (.log, 2, 0.6931471805599453), (.tanh, 1, 0.7615941559557649), (.tanh, 0.5, 0.46211715726000974),
            (.relu, -2, 0), (.relu, 3, 3),
        ]
        for (kind, x, expected) in cases {
            let got = try value(kind, x)
            #expect(ulpDistance(got, Float(expected)) <= Tolerance.activationUlps(kind),
                    "\(kind)(\(x)) isa \(isa) = \(got), table value \(expected)")
        }
    }

    @Test("1 and 2 threads give identical results", arguments: ActivationKind.allCases, InstructionSet.runnable)
    func threadCountInvariance(_ kind: ActivationKind, _ isa: InstructionSet) throws {
        let x = try Tensor(shape: [3, 66_667], scalars: Self.inputs(kind, count: 200_001, seed: 11))
        let one = try Activation.apply(kind, to: x, options: wide(isa, threads: 1))
        let two = try Activation.apply(kind, to: x, options: wide(isa, threads: 2))
        #expect(try identical(one, two), "\(kind) [3, 66667] isa \(isa): threads 1 and 2 differ")
    }

    @Test("in place and into an output equal the allocating form", arguments: ActivationKind.allCases, InstructionSet.runnable)
    func inPlace(_ kind: ActivationKind, _ isa: InstructionSet) throws {
        for n in [0, 5, 33, 4099, 70_001] {
            let x = try Tensor(shape: [n], scalars: Self.inputs(kind, count: n, seed: 3))
            let expected = try Activation.apply(kind, to: x, options: wide(isa))
            var y = x
            try Activation.applyInPlace(kind, to: &y, options: wide(isa, threads: 2))
            #expect(try identical(y, expected), "\(kind) in place [\(n)] isa \(isa)")
            #expect(try identical(x, try Tensor(shape: [n], scalars: Self.inputs(kind, count: n, seed: 3))),
                    "\(kind) in place [\(n)] isa \(isa) changed a tensor sharing its storage")
            var out = try Tensor(zeros: [n])
            try Activation.apply(kind, to: x, into: &out, options: wide(isa))
            #expect(try identical(out, expected), "\(kind) into [\(n)] isa \(isa)")
        }
    }

    @Test("float64 matches Foundation on every path", arguments: ActivationKind.allCases)
    func float64(_ kind: ActivationKind) throws {
        let xs: [Double] = [-3, -0.5, 0, 0.25, 1, 7]
        for path in [KernelPath.reference, .wide, .simd] {
            let y = try Activation.apply(kind, to: try Tensor(shape: [2, 3], scalars: xs), options: KernelOptions(path: path))
            #expect(y.dtype == .float64 && y.shape == [2, 3])
            let got = try y.scalars(as: Double.self)
            for (x, g) in zip(xs, got) {
                let expected: Double = switch kind {
                case .relu: Swift.max(x, 0)
                case .sigmoid: 1 / (1 + Foundation.exp(-x))
                case .tanh: Foundation.tanh(x)
                case .exp: Foundation.exp(x)
                case .log: Foundation.log(x)
                case .erf: Foundation.erf(x)
                }
                #expect(g == expected || (g.isNaN && expected.isNaN) || Swift.abs(g - expected) <= 2 * expected.ulp,
                        "\(kind) float64 path \(path) at \(x): \(g) vs \(expected)")
            }
        }
    }

    @Test("shapes are kept, empty tensors pass through, integer tensors throw")
    func shapesAndErrors() throws {
        let x = try Tensor(shape: [2, 0, 3], scalars: [Float]())
        #expect(try Activation.apply(.tanh, to: x).shape == [2, 0, 3])
        let s = try Activation.apply(.exp, to: Tensor(scalar: Float(0)))
        #expect(s.shape == [])
        #expect(try s.scalars(as: Float.self) == [1])
        let i = try Tensor(zeros: [3], dtype: .int64)
        #expect(throws: TensorError.unsupportedDType(operation: "relu", .int64)) { try Activation.apply(.relu, to: i) }
        var out = try Tensor(zeros: [4])
        #expect(throws: TensorError.shapeMismatch(operation: "erf output", [3], [4])) {
            try Activation.apply(.erf, to: try Tensor(zeros: [3]), into: &out)
        }
    }
}
