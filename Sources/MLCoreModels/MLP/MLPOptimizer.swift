import Foundation

/// The minibatch update rules of scikit-learn's `AdamOptimizer` and `SGDOptimizer` (constant learning rate), on
/// float32 parameters with float32 state.
///
///     Adam (step t):  m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
///                     theta -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
///     SGD:            u = mu u - lr g,  theta += mu u - lr g (Nesterov) or u
struct MLPOptimizer {
    let parameters: MLP.Parameters
    /// Updates applied so far (Adam's `t`).
    private(set) var step = 0
    /// Adam's first moments or SGD's velocities: weights per layer, then biases per layer.
    private var first: [[Float]]
    /// Adam's second moments (empty for SGD).
    private var second: [[Float]]

    init(_ network: MLPNetwork, parameters: MLP.Parameters) {
        self.parameters = parameters
        let shapes = network.weights.map(\.count) + network.biases.map(\.count)
        first = shapes.map { [Float](repeating: 0, count: $0) }
        second = parameters.solver == .adam ? first : []
    }

    /// Applies one update with `gradients` and returns `|W|^2` of the updated weights (for the next minibatch's
    /// penalty), summed in float64.
    mutating func update(_ network: inout MLPNetwork, _ gradients: MLPGradients) throws -> Double {
        step += 1
        let p = parameters
        let layers = network.layerCount
        var squares = 0.0
        if p.solver == .adam {
            let t = Double(step)
            let correction: Double = (1 - pow(p.beta2, t)).squareRoot() / (1 - pow(p.beta1, t))
            let rate = Float(p.learningRate * correction)
            let (b1, b2, eps) = (Float(p.beta1), Float(p.beta2), Float(p.epsilon))
            func adam(_ theta: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ index: Int) -> Double {
                var sum = 0.0
                first[index].withUnsafeMutableBufferPointer { m in
                    second[index].withUnsafeMutableBufferPointer { v in
                        for i in 0..<theta.count {
                            m[i] = b1 * m[i] + (1 - b1) * g[i]
                            v[i] = b2 * v[i] + (1 - b2) * (g[i] * g[i])
                            theta[i] -= rate * m[i] / (v[i].squareRoot() + eps)
                            sum += Double(theta[i]) * Double(theta[i])
                        }
                    }
                }
                return sum
            }
            for l in 0..<layers {
                squares += try gradients.weights[l].withUnsafeBufferPointer(as: Float.self) { g in
                    try network.weights[l].withUnsafeMutableBufferPointer(as: Float.self) { adam($0, g, l) }
                }
                gradients.biases[l].withUnsafeBufferPointer { g in
                    network.biases[l].withUnsafeMutableBufferPointer { _ = adam($0, g, layers + l) }
                }
            }
            return squares
        }
        let (rate, mu, nesterov) = (Float(p.learningRate), Float(p.momentum), p.nesterov)
        func sgd(_ theta: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ index: Int) -> Double {
            var sum = 0.0
            first[index].withUnsafeMutableBufferPointer { u in
                for i in 0..<theta.count {
                    u[i] = mu * u[i] - rate * g[i]
                    theta[i] += nesterov ? mu * u[i] - rate * g[i] : u[i]
                    sum += Double(theta[i]) * Double(theta[i])
                }
            }
            return sum
        }
        for l in 0..<layers {
            squares += try gradients.weights[l].withUnsafeBufferPointer(as: Float.self) { g in
                try network.weights[l].withUnsafeMutableBufferPointer(as: Float.self) { sgd($0, g, l) }
            }
            gradients.biases[l].withUnsafeBufferPointer { g in
                network.biases[l].withUnsafeMutableBufferPointer { _ = sgd($0, g, layers + l) }
            }
        }
        return squares
    }
}
