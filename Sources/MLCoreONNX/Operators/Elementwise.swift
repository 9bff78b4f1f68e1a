import Foundation
import MLCoreKernels
import MLCoreTensor

/// Add, Sub, Mul, Div with multidirectional (NumPy) broadcasting.
/// Float32/Float64 run on MLCore's vector kernels; Int32/Int64 on a generic broadcast loop.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Add.html
struct BinaryArithmetic: Operator {
    let op: BinaryOperator
    let spec: NodeSpec

    init(_ op: BinaryOperator, _ spec: NodeSpec) throws {
        self.op = op
        self.spec = spec
        // Opset < 7 used an explicit `broadcast` attribute with limited broadcasting; with broadcast = 1
        // its cases are a subset of NumPy's, and without it shapes must match, which NumPy rules accept too.
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, spec), b = try inputs.tensor(1, spec)
        guard a.dtype == b.dtype else { throw spec.error("input types differ: \(a.dtype) and \(b.dtype)") }
        switch a.dtype {
        case .float32, .float64:
            do {
                return [.tensor(try Elementwise.apply(op, a, b, options: context.kernelOptions))]
            } catch let error as TensorError {
                throw spec.shapeError("\(error)")
            }
        case .int64: return [.tensor(try integer(a, b, Int64.self, context))]
        case .int32: return [.tensor(try integer(a, b, Int32.self, context))]
        default: throw spec.error("element type \(a.dtype) is not supported")
        }
    }

    func integer<T: ONNXNumeric>(_ a: Tensor, _ b: Tensor, _: T.Type, _ context: RunContext) throws -> Tensor {
        switch op {
        case .add: return try broadcastMap(a, b, T.self, T.self, T.self, spec, context) { $0 + $1 }
        case .sub: return try broadcastMap(a, b, T.self, T.self, T.self, spec, context) { $0 - $1 }
        case .mul: return try broadcastMap(a, b, T.self, T.self, T.self, spec, context) { $0 * $1 }
        case .div: return try broadcastMap(a, b, T.self, T.self, T.self, spec, context) { T.onnxDivide($0, $1) }
        }
    }
}

/// Relu, Sigmoid, Tanh, Exp, Log, Erf on MLCore's vector kernels.
struct UnaryMath: InPlaceOperator {
    let kind: ActivationKind
    let spec: NodeSpec

    init(_ kind: ActivationKind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        switch x.dtype {
        case .float32, .float64:
            return [.tensor(try Activation.apply(kind, to: x, options: context.kernelOptions))]
        case .int64 where kind == .relu:
            return [.tensor(try mapElements(x, Int64.self, Int64.self, spec, context) { Swift.max($0, 0) })]
        case .int32 where kind == .relu:
            return [.tensor(try mapElements(x, Int32.self, Int32.self, spec, context) { Swift.max($0, 0) })]
        default:
            throw spec.error("element type \(x.dtype) is not supported")
        }
    }

    func runInPlace(_ x: inout Tensor, _ context: RunContext) throws -> Bool {
        guard x.dtype == .float32 || x.dtype == .float64 else { return false }
        try Activation.applyInPlace(kind, to: &x, options: context.kernelOptions)
        return true
    }
}

/// Identity (and Dropout in inference): the input, shared without copying.
struct Identity: Operator {
    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        guard let first = inputs.first, let value = first else {
            throw ONNXError.invalidGraph(reason: "Identity without an input")
        }
        return [value]
    }
}
