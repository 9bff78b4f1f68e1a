/// Operators by (domain, op type), each with the opset versions where its semantics changed.
///
/// A node resolves to the entry with the highest `since` that is at most the model's opset for the node's
/// domain (tinygrad's rule). Adding an operator: write it in its family's file under `Operators/`, then
/// add one `r.add(...)` line to ``standard`` or to its family's `Registry+*.swift`.
struct OperatorRegistry: Sendable {
    typealias Factory = @Sendable (NodeSpec) throws -> any Operator

    struct Entry: Sendable {
        var since: Int64
        var factory: Factory
    }

    private var table: [String: [Entry]] = [:]

    private static func key(_ domain: String, _ opType: String) -> String { domain + "::" + opType }

    /// Registers `factory` for `opType` in `domain` from opset `since` on (until a later registration).
    mutating func add(_ domain: String, _ opType: String, since: Int64, _ factory: @escaping Factory) {
        table[Self.key(domain, opType), default: []].append(Entry(since: since, factory: factory))
        table[Self.key(domain, opType)]!.sort { $0.since < $1.since }
    }

    /// The factory for a node at `opset`, or nil when the operator or that opset is not supported.
    func resolve(domain: String, opType: String, opset: Int64) -> Entry? {
        table[Self.key(domain, opType)]?.last { $0.since <= opset }
    }

    /// Every registered (domain, op type), for documentation and conformance reports.
    var operatorNames: [String] { table.keys.sorted() }
}

extension OperatorRegistry {
    /// The operators MLCore runs. One line per operator (and per semantic version).
    static let standard: OperatorRegistry = {
        var r = OperatorRegistry()
        let onnx = "", ml = "ai.onnx.ml"

        // Element-wise arithmetic and math (Operators/Elementwise.swift).
        r.add(onnx, "Add", since: 1) { try BinaryArithmetic(.add, $0) }
        r.add(onnx, "Sub", since: 1) { try BinaryArithmetic(.sub, $0) }
        r.add(onnx, "Mul", since: 1) { try BinaryArithmetic(.mul, $0) }
        r.add(onnx, "Div", since: 1) { try BinaryArithmetic(.div, $0) }
        r.add(onnx, "Relu", since: 1) { try UnaryMath(.relu, $0) }
        r.add(onnx, "Sigmoid", since: 1) { try UnaryMath(.sigmoid, $0) }
        r.add(onnx, "Tanh", since: 1) { try UnaryMath(.tanh, $0) }
        r.add(onnx, "Exp", since: 1) { try UnaryMath(.exp, $0) }
        r.add(onnx, "Log", since: 1) { try UnaryMath(.log, $0) }
        r.add(onnx, "Erf", since: 9) { try UnaryMath(.erf, $0) }
        r.add(onnx, "Identity", since: 1) { _ in Identity() }

        // Linear algebra (Operators/MatMul.swift).
        r.add(onnx, "MatMul", since: 1) { try MatMul($0) }
        r.add(onnx, "Gemm", since: 1) { try Gemm($0) }

        _ = ml
        // Families whose registration lines live beside their code, one line per operator:
        registerTensorOperators(&r)   // Operators/Tensor/Registry+Tensor.swift
        registerNNOperators(&r)       // Operators/NN/Registry+NN.swift
        registerMLOperators(&r)       // Operators/ML/Registry+ML.swift
        registerRecurrentOperators(&r)     // Operators/Recurrent/Registry+Recurrent.swift
        registerVisionOperators(&r)        // Operators/Vision/Registry+Vision.swift
        registerTransformerOperators(&r)   // Operators/Transformer/Registry+Transformer.swift
        registerMathOperators(&r)          // Operators/Math/Registry+Math.swift
        registerQuantizationOperators(&r)  // Operators/Quantization/Registry+Quantization.swift
        registerControlFlowOperators(&r)   // Operators/ControlFlow/Registry+ControlFlow.swift
        registerSequenceOperators(&r)      // Operators/Sequence/Registry+Sequence.swift
        return r
    }()
}
