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
    /// penalty). Eight parameters at a time; the squares are summed in float32 lanes and flushed to a float64 total
    /// every 512 parameters. (The scalar loop with a float64 sum did not vectorize and took 12% of an epoch.)
    mutating func update(_ network: inout MLPNetwork, _ gradients: MLPGradients) throws -> Double {
        step += 1
        let layers = network.layerCount
        var squares = 0.0
        // Each parameter tensor: the layer's weights (their squares count), then its biases.
        for l in 0..<layers {
            squares += try gradients.weights[l].withUnsafeBufferPointer(as: Float.self) { g in
                try network.weights[l].withUnsafeMutableBufferPointer(as: Float.self) { theta in
                    apply(theta, g, state: l)
                }
            }
            gradients.biases[l].withUnsafeBufferPointer { g in
                network.biases[l].withUnsafeMutableBufferPointer { theta in _ = apply(theta, g, state: layers + l) }
            }
        }
        return squares
    }

    /// One update of `theta` with gradient `g` and optimizer state number `state`; returns the sum of the updated
    /// squares.
    private mutating func apply(_ theta: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, state: Int) -> Double {
        let p = parameters
        let count = theta.count
        let t = theta.baseAddress!, gp = g.baseAddress!
        var total = 0.0, lanes = SIMD8<Float>(), i = 0
        @inline(__always) func load(_ q: UnsafePointer<Float>) -> SIMD8<Float> {
            UnsafeRawPointer(q).loadUnaligned(as: SIMD8<Float>.self)
        }
        @inline(__always) func store(_ v: SIMD8<Float>, _ q: UnsafeMutablePointer<Float>) {
            UnsafeMutableRawPointer(q).storeBytes(of: v, as: SIMD8<Float>.self)
        }
        if p.solver == .adam {
            let steps = Double(step)
            let correction: Double = (1 - pow(p.beta2, steps)).squareRoot() / (1 - pow(p.beta1, steps))
            let rate = Float(p.learningRate * correction)
            let b1 = Float(p.beta1), b2 = Float(p.beta2), eps = Float(p.epsilon)
            let c1 = 1 - b1, c2 = 1 - b2
            first[state].withUnsafeMutableBufferPointer { mb in
                second[state].withUnsafeMutableBufferPointer { vb in
                    let m = mb.baseAddress!, v = vb.baseAddress!
                    while i + 8 <= count {
                        let gv = load(gp + i)
                        let mv = b1 * load(m + i) + c1 * gv
                        let vv = b2 * load(v + i) + c2 * (gv * gv)
                        let tv = load(t + i) - rate * mv / (vv.squareRoot() + eps)
                        store(mv, m + i)
                        store(vv, v + i)
                        store(tv, t + i)
                        lanes += tv * tv
                        i += 8
                        if i % 512 == 0 { total += Double(lanes.sum()); lanes = .zero }
                    }
                    while i < count {
                        m[i] = b1 * m[i] + c1 * gp[i]
                        v[i] = b2 * v[i] + c2 * (gp[i] * gp[i])
                        t[i] -= rate * m[i] / (v[i].squareRoot() + eps)
                        total += Double(t[i]) * Double(t[i])
                        i += 1
                    }
                }
            }
        } else {
            let rate = Float(p.learningRate), mu = Float(p.momentum), nesterov = p.nesterov
            first[state].withUnsafeMutableBufferPointer { ub in
                let u = ub.baseAddress!
                while i + 8 <= count {
                    let gv = load(gp + i)
                    let uv = mu * load(u + i) - rate * gv
                    let tv = load(t + i) + (nesterov ? mu * uv - rate * gv : uv)
                    store(uv, u + i)
                    store(tv, t + i)
                    lanes += tv * tv
                    i += 8
                    if i % 512 == 0 { total += Double(lanes.sum()); lanes = .zero }
                }
                while i < count {
                    u[i] = mu * u[i] - rate * gp[i]
                    t[i] += nesterov ? mu * u[i] - rate * gp[i] : u[i]
                    total += Double(t[i]) * Double(t[i])
                    i += 1
                }
            }
        }
        return total + Double(lanes.sum())
    }
}
