import MLCoreTensor

/// Transpose: output axis `k` is input axis `perm[k]` (default: the axes reversed).
///
/// Runs as a strided copy with the input's strides permuted: axes that stay adjacent merge, a permutation
/// that keeps the element order returns a view, and a 2-D transpose (possibly batched) copies in tiles.
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Transpose.html
struct Transpose: Operator {
    let spec: NodeSpec
    let perm: [Int64]?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        perm = spec.has("perm") ? try spec.ints("perm") : nil
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let rank = x.rank
        let order: [Int]
        if let perm {
            guard perm.count == rank else { throw spec.error("perm \(perm) has \(perm.count) entries for an input of rank \(rank) \(x.shape)") }
            order = perm.map { Int($0) }
            // A permutation: every axis in range, none twice (a flag array: two Sets per run cost more than the
            // copy of a small tensor).
            var seen = [Bool](repeating: false, count: rank)
            for axis in order {
                guard axis >= 0, axis < rank, !seen[axis] else { throw spec.error("perm \(perm) is not a permutation of 0..<\(rank)") }
                seen[axis] = true
            }
        } else {
            order = Array((0..<rank).reversed())
        }
        let inStrides = x.shape.strides
        let shape = Shape(order.map { x.shape[$0] })
        let strides = order.map { inStrides[$0] }
        return [.tensor(try stridedCopy(x, shape: shape, strides: strides, base: 0, spec, context))]
    }
}
