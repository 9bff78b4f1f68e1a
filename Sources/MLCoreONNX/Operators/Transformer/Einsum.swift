import MLCoreTensor

/// Einsum (opset 12, 28): Einstein summation over any number of operands, with explicit (`->`) or implicit output
/// (the labels appearing once, in ASCII order, after the ellipsis dimensions), `...` broadcasting (every ellipsis
/// stands for the same number of axes, as the spec requires; size-1 ellipsis axes broadcast; an explicit output
/// without `...` sums the ellipsis axes, as NumPy does), repeated labels within a term (diagonals) and labels absent from the output summed.
///
/// The equation is parsed once at load. A run takes diagonals as strided views, sums each label as soon as no later
/// operand and not the output needs it, then contracts the operands left to right: each pairwise contraction
/// groups the labels into batch (both operands, still needed), contracted (both, no longer needed) and free
/// (one operand) labels and becomes one batched ``GEMM`` (`"bhid,bhjd->bhij"` is one product per `(b, h)`
/// with B transposed, and operands already in GEMM order are not copied). Integer types contract with a plain loop.
/// - Complexity: O(sum over contractions of batch * m * n * k) plus one copy per operand that needs reordering.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Einsum.html
struct Einsum: Operator {
    enum Token: Equatable, Sendable { case label(Int), ellipsis }

    let spec: NodeSpec
    let terms: [[Token]]
    let output: [Token]?

    /// Ellipsis dimension `j` (counted from the left of the widest ellipsis) is label `ellipsisBase + j`; letters
    /// are their ASCII codes.
    static let ellipsisBase = 1000

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let equation = try spec.string("equation").filter { $0 != " " }
        let sides = equation.components(separatedBy: "->")
        guard sides.count <= 2 else { throw spec.error("equation '\(equation)' has more than one '->'") }
        terms = try sides[0].split(separator: ",", omittingEmptySubsequences: false).map { try Self.parse(Substring($0), equation, spec) }
        if sides.count == 2 {
            let out = try Self.parse(Substring(sides[1]), equation, spec)
            var seen = Set<Int>()
            for case .label(let l) in out where !seen.insert(l).inserted {
                throw spec.error("equation '\(equation)': output label '\(Self.name(l))' appears more than once")
            }
            output = out
        } else {
            output = nil
        }
        let inputs = spec.node.inputs.count
        guard terms.count == inputs else {
            throw spec.error("equation '\(equation)' has \(terms.count) input terms for \(inputs) inputs")
        }
    }

    static func parse(_ term: Substring, _ equation: String, _ spec: NodeSpec) throws -> [Token] {
        var tokens: [Token] = []
        var chars = term.unicodeScalars[...]
        while let c = chars.first {
            if c == "." {
                guard chars.starts(with: "...".unicodeScalars) else { throw spec.error("equation '\(equation)': '.' outside an ellipsis '...'") }
                guard !tokens.contains(.ellipsis) else { throw spec.error("equation '\(equation)': a term has more than one ellipsis") }
                tokens.append(.ellipsis)
                chars = chars.dropFirst(3)
                continue
            }
            guard (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") else {
                throw spec.error("equation '\(equation)': invalid character '\(c)' (labels are letters a-z, A-Z)")
            }
            tokens.append(.label(Int(c.value)))
            chars = chars.dropFirst()
        }
        return tokens
    }

    static func name(_ label: Int) -> String {
        label >= ellipsisBase ? "...[\(label - ellipsisBase)]" : String(UnicodeScalar(UInt8(label)))
    }

    /// An operand during the evaluation: a tensor with one label per axis.
    struct Operand {
        var tensor: Tensor
        var labels: [Int]
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let tensors = try (0..<terms.count).map { try inputs.tensor($0, spec) }
        guard let dtype = tensors.first?.dtype else { throw spec.error("Einsum needs at least one input") }
        for t in tensors where t.dtype != dtype { throw spec.error("input types differ: \(dtype) and \(t.dtype)") }
        guard dtype == .float32 || dtype == .float64 || dtype == .int32 || dtype == .int64 else {
            throw spec.error("element type \(dtype) is not supported (float32, float64, int32, int64)")
        }

        // Expand ellipses and collect each label's size.
        var ellipsisRank = 0, ellipsisRankSeen: Int? = nil
        for (t, term) in zip(tensors, terms) {
            let letters = term.count - (term.contains(.ellipsis) ? 1 : 0)
            if term.contains(.ellipsis) {
                guard t.rank >= letters else { throw spec.shapeError("term \(describe(term)) has more labels than input \(t.shape) has axes") }
                // The spec (and onnxruntime) require every ellipsis to stand for the same number of axes.
                if let rank = ellipsisRankSeen, rank != t.rank - letters {
                    throw spec.shapeError("the ellipses stand for \(rank) and \(t.rank - letters) axes (inputs \(tensors.map(\.shape))); they must agree")
                }
                ellipsisRankSeen = t.rank - letters
                ellipsisRank = t.rank - letters
            } else {
                guard t.rank == letters else { throw spec.shapeError("term \(describe(term)) has \(letters) labels for input \(t.shape)") }
            }
        }
        var operands: [Operand] = []
        var sizes: [Int: Int] = [:]
        for (t, term) in zip(tensors, terms) {
            var labels: [Int] = []
            let own = t.rank - (term.count - (term.contains(.ellipsis) ? 1 : 0))
            for token in term {
                switch token {
                case .label(let l): labels.append(l)
                case .ellipsis: labels += (0..<own).map { Self.ellipsisBase + ellipsisRank - own + $0 }
                }
            }
            for (l, d) in zip(labels, t.shape.dims) {
                guard let s = sizes[l] else { sizes[l] = d; continue }
                if s == d { continue }
                if l >= Self.ellipsisBase, s == 1 || d == 1 {
                    sizes[l] = s == 1 ? d : s
                    continue
                }
                throw spec.shapeError("label '\(Self.name(l))' has size \(s) and size \(d) (inputs \(tensors.map(\.shape)))")
            }
            operands.append(Operand(tensor: t, labels: labels))
        }
        let ellipsisLabels = (0..<ellipsisRank).map { Self.ellipsisBase + $0 }
        let outputLabels: [Int]
        if let output {
            outputLabels = output.flatMap { token -> [Int] in
                if case .label(let l) = token { return [l] }
                return ellipsisLabels
            }
            for l in outputLabels where sizes[l] == nil {
                throw spec.error("output label '\(Self.name(l))' does not appear in any input term")
            }
        } else {
            var counts: [Int: Int] = [:]
            for term in terms { for case .label(let l) in term { counts[l, default: 0] += 1 } }
            outputLabels = ellipsisLabels + counts.filter { $0.value == 1 }.keys.sorted()
        }

        // Diagonals, broadcast size-1 ellipsis axes dropped, labels only this operand has summed.
        for i in operands.indices {
            operands[i] = try diagonal(operands[i], context)
            var op = operands[i]
            let dims = op.tensor.shape.dims
            let keep = dims.indices.filter { dims[$0] != 1 || sizes[op.labels[$0]] == 1 }
            if keep.count != dims.count {
                op = Operand(tensor: try op.tensor.viewed(as: Shape(keep.map { dims[$0] }), spec), labels: keep.map { op.labels[$0] })
            }
            operands[i] = op
        }
        let outputSet = Set(outputLabels)
        var acc = operands[0]
        for i in 1..<Swift.max(operands.count, 1) {
            var keep = outputSet
            for later in operands[(i + 1)...] { keep.formUnion(later.labels) }
            let other = operands[i]
            acc = try sumOut(acc, keeping: keep.union(other.labels), context)
            let rhs = try sumOut(other, keeping: keep.union(acc.labels), context)
            acc = try contract(acc, rhs, keeping: keep, context)
        }
        acc = try sumOut(acc, keeping: outputSet, context)

        // Output order; an output label the result lacks (a broadcast axis) is a zero stride.
        let strides = acc.tensor.shape.strides
        let outDims = outputLabels.map { sizes[$0]! }
        let outStrides = outputLabels.map { l in acc.labels.firstIndex(of: l).map { strides[$0] } ?? 0 }
        if acc.labels == outputLabels { return [.tensor(try acc.tensor.viewed(as: Shape(outDims), spec))] }
        return [.tensor(try stridedCopy(acc.tensor, shape: Shape(outDims), strides: outStrides, base: 0, spec, context))]
    }

    func describe(_ term: [Token]) -> String {
        "'" + term.map { if case .label(let l) = $0 { return Self.name(l) } else { return "..." } }.joined() + "'"
    }

    /// The operand with each repeated label reduced to its diagonal (a strided copy).
    func diagonal(_ op: Operand, _ context: RunContext) throws -> Operand {
        guard Set(op.labels).count != op.labels.count else { return op }
        let dims = op.tensor.shape.dims, strides = op.tensor.shape.strides
        var labels: [Int] = [], newDims: [Int] = [], newStrides: [Int] = []
        for (k, l) in op.labels.enumerated() {
            if let j = labels.firstIndex(of: l) {
                guard newDims[j] == dims[k] else {
                    throw spec.shapeError("repeated label '\(Self.name(l))' has sizes \(newDims[j]) and \(dims[k]) in one input")
                }
                newStrides[j] += strides[k]
            } else {
                labels.append(l)
                newDims.append(dims[k])
                newStrides.append(strides[k])
            }
        }
        let t = try stridedCopy(op.tensor, shape: Shape(newDims), strides: newStrides, base: 0, spec, context)
        return Operand(tensor: t, labels: labels)
    }

    /// The operand with every label outside `keep` summed away.
    func sumOut(_ op: Operand, keeping keep: Set<Int>, _ context: RunContext) throws -> Operand {
        let kept = op.labels.indices.filter { keep.contains(op.labels[$0]) }
        guard kept.count != op.labels.count else { return op }
        let summed = op.labels.indices.filter { !keep.contains(op.labels[$0]) }
        let order = kept + summed
        let dims = op.tensor.shape.dims, strides = op.tensor.shape.strides
        let permuted = try stridedCopy(op.tensor, shape: Shape(order.map { dims[$0] }), strides: order.map { strides[$0] },
                                       base: 0, spec, context)
        let outDims = kept.map { dims[$0] }
        let groups = try spec.product(outDims, "Einsum"), group = try spec.product(summed.map { dims[$0] }, "Einsum")
        let t = try spec.visitNumeric(op.tensor.dtype, GroupSum(x: permuted, shape: Shape(outDims), groups: groups, group: group,
                                                                 spec: spec, context: context))
        return Operand(tensor: t, labels: kept.map { op.labels[$0] })
    }

    /// `a` and `b` contracted over their shared labels outside `keep`, as one batched GEMM; the result's labels
    /// are the batch labels, then `a`'s free labels, then `b`'s.
    func contract(_ a: Operand, _ b: Operand, keeping keep: Set<Int>, _ context: RunContext) throws -> Operand {
        let inA = Set(a.labels), inB = Set(b.labels)
        let batch = a.labels.filter { inB.contains($0) && keep.contains($0) }
        let inner = a.labels.filter { inB.contains($0) && !keep.contains($0) }
        let rows = a.labels.filter { !inB.contains($0) }
        let cols = b.labels.filter { !inA.contains($0) }
        func size(_ labels: [Int], _ op: Operand) throws -> Int {
            try spec.product(labels.map { op.tensor.shape[op.labels.firstIndex(of: $0)!] }, "Einsum")
        }
        let count = try size(batch, a), m = try size(rows, a), k = try size(inner, a), n = try size(cols, b)
        // Use an operand as it lies when its labels already are in one of GEMM's two orders; else reorder it.
        let (lhs, transposeA) = try arranged(a, batch + rows + inner, batch + inner + rows, context)
        let (rhs, transposeB) = try arranged(b, batch + inner + cols, batch + cols + inner, context)
        let product = try batchedGEMM(lhs, Array(0..<count), transposeA: transposeA, rhs, Array(0..<count), transposeB: transposeB,
                                      m: m, n: n, k: k, spec, context)
        let labels = batch + rows + cols
        let dims = try labels.map { l in try size([l], inA.contains(l) ? a : b) }
        return Operand(tensor: try product.viewed(as: Shape(dims), spec), labels: labels)
    }

    /// The operand's tensor in `preferred` label order (false), or as it lies when that is `alternative` (true).
    func arranged(_ op: Operand, _ preferred: [Int], _ alternative: [Int], _ context: RunContext) throws -> (Tensor, Bool) {
        if op.labels == preferred { return (op.tensor, false) }
        if op.labels == alternative { return (op.tensor, true) }
        let order = preferred.map { op.labels.firstIndex(of: $0)! }
        let dims = op.tensor.shape.dims, strides = op.tensor.shape.strides
        let t = try stridedCopy(op.tensor, shape: Shape(order.map { dims[$0] }), strides: order.map { strides[$0] }, base: 0, spec, context)
        return (t, false)
    }
}

/// `out[i] = sum(x[i * group ..< (i + 1) * group])`, accumulated in the element type in order.
private struct GroupSum: NumericVisitor {
    let x: Tensor, shape: Shape, groups: Int, group: Int, spec: NodeSpec, context: RunContext
    func visit<T: ONNXNumeric>(_: T.Type) throws -> Tensor {
        var out = try context.makeTensor(shape, x.dtype, node: spec.name)
        if out.count == 0 || group == 0 { return out }
        try x.withUnsafeBufferPointer(as: T.self) { src in
            try out.withUnsafeMutableBufferPointer(as: T.self) { dst in
                for i in 0..<groups {
                    var s = T.zero
                    for j in i * group..<(i + 1) * group { s = s + src[j] }
                    dst[i] = s
                }
            }
        }
        return out
    }
}
