import Foundation
import MLCoreKernels
import MLCoreTensor

/// One gate activation of LSTM, GRU or RNN (`activations` with its `activation_alpha`/`activation_beta`), as
/// onnxruntime computes it (rnn_activation_functors.h): Sigmoid, Tanh and Relu run on MLCore's vector kernels,
/// the others are one plain loop each over the gate block.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__LSTM.html
struct RecurrentActivation: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case relu, tanh, sigmoid, affine, leakyrelu, thresholdedrelu, scaledtanh, hardsigmoid, elu, softsign, softplus

        /// Whether the function reads alpha and beta (onnxruntime consumes the lists only for those that do).
        var usesAlpha: Bool { [.affine, .leakyrelu, .thresholdedrelu, .scaledtanh, .hardsigmoid, .elu].contains(self) }
        var usesBeta: Bool { [.affine, .scaledtanh, .hardsigmoid].contains(self) }
        /// onnxruntime's defaults when the lists run out (0 for the others, including ThresholdedRelu, Affine and
        /// ScaledTanh, where the ONNX operators of the same name would use 1).
        var defaults: (alpha: Float, beta: Float) {
            switch self {
            case .leakyrelu: return (0.01, 0)
            case .hardsigmoid: return (0.2, 0.5)
            case .elu: return (1, 0)
            default: return (0, 0)
            }
        }
    }

    var kind: Kind
    var alpha: Float
    var beta: Float

    static let sigmoid = RecurrentActivation(kind: .sigmoid, alpha: 0, beta: 0)
    static let tanh = RecurrentActivation(kind: .tanh, alpha: 0, beta: 0)

    /// Whether this is `kind`, which ignores alpha and beta (Sigmoid, Tanh, Relu).
    func isPlain(_ kind: Kind) -> Bool { self.kind == kind && !kind.usesAlpha && !kind.usesBeta }

    static func kind(_ name: String, _ spec: NodeSpec) throws -> Kind {
        guard let kind = Kind(rawValue: name.lowercased()) else {
            throw spec.error("activation '\(name)' is not one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus")
        }
        return kind
    }

    /// LSTM and GRU: `names` with alphas and betas consumed in order by the functions that use them
    /// (onnxruntime's ActivationFuncs); `defaults` when the attribute is absent. Grouped per direction.
    static func parseConsumed(_ spec: NodeSpec, perDirection: Int, numDirections: Int,
                              defaults: [RecurrentActivation]) throws -> [[RecurrentActivation]] {
        guard spec.has("activations") else { return Array(repeating: defaults, count: numDirections) }
        let names = try spec.strings("activations")
        guard names.count == perDirection * numDirections else {
            throw spec.error("activations has \(names.count) entries, expected \(perDirection * numDirections) (\(perDirection) per direction)")
        }
        let alphas = try spec.floats("activation_alpha", default: []), betas = try spec.floats("activation_beta", default: [])
        var ia = 0, ib = 0
        var all: [RecurrentActivation] = []
        for name in names {
            let kind = try Self.kind(name, spec)
            var a: Float = 0, b: Float = 0
            if kind.usesAlpha { if ia < alphas.count { a = alphas[ia]; ia += 1 } else { a = kind.defaults.alpha } }
            if kind.usesBeta { if ib < betas.count { b = betas[ib]; ib += 1 } else { b = kind.defaults.beta } }
            all.append(RecurrentActivation(kind: kind, alpha: a, beta: b))
        }
        return (0..<numDirections).map { Array(all[$0 * perDirection..<($0 + 1) * perDirection]) }
    }

    /// `self` of `source` (a `[n, batch]` block of gate pre-activations) into `out` of the same shape.
    func apply<T: NNFloat>(_: T.Type, _ source: Tensor, into out: inout Tensor, _ options: KernelOptions) throws {
        switch kind {
        case .sigmoid: try Activation.apply(.sigmoid, to: source, into: &out, options: options); return
        case .tanh: try Activation.apply(.tanh, to: source, into: &out, options: options); return
        case .relu: try Activation.apply(.relu, to: source, into: &out, options: options); return
        default: break
        }
        let n = source.count
        let x = source.unsafeElements(as: T.self), y = out.unsafeMutableElements(as: T.self)
        let a = T(Double(alpha)), b = T(Double(beta))
        switch kind {
        case .affine: for i in 0..<n { y[i] = a * x[i] + b }
        case .leakyrelu: for i in 0..<n { y[i] = x[i] >= 0 ? x[i] : a * x[i] }
        case .thresholdedrelu: for i in 0..<n { y[i] = x[i] > a ? x[i] : 0 }
        case .hardsigmoid: for i in 0..<n { y[i] = Swift.min(1, Swift.max(0, a * x[i] + b)) }
        case .softsign: for i in 0..<n { y[i] = x[i] / (1 + Swift.abs(x[i])) }
        case .scaledtanh:
            // alpha * tanh(beta * x), tanh as onnxruntime writes it: 2 sigmoid(2x) - 1.
            for i in 0..<n { y[i] = 2 * b * x[i] }
            try Activation.applyInPlace(.sigmoid, to: &out, options: options)
            let z = out.unsafeMutableElements(as: T.self)
            for i in 0..<n { z[i] = a * (2 * z[i] - 1) }
        case .elu:
            for i in 0..<n { y[i] = Swift.min(x[i], 0) }
            try Activation.applyInPlace(.exp, to: &out, options: options)
            let z = out.unsafeMutableElements(as: T.self)
            for i in 0..<n { z[i] = x[i] >= 0 ? x[i] : a * (z[i] - 1) }
        case .softplus:
            // log(1 + e^x), as onnxruntime computes it (no rewrite for large x).
            for i in 0..<n { y[i] = x[i] }
            try Activation.applyInPlace(.exp, to: &out, options: options)
            let z = out.unsafeMutableElements(as: T.self)
            for i in 0..<n { z[i] += 1 }
            try Activation.applyInPlace(.log, to: &out, options: options)
        case .sigmoid, .tanh, .relu: break
        }
    }
}
