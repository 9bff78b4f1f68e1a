import MLCoreCKernels

/// The branch-free form of an ensemble for float32 rows (walked by `mlc_tree_walk8` in C): available when every
/// branch compares with `<=` or every branch with `<` (missing-value tracking allowed) and every threshold is
/// exactly a float, so comparing float rows with float thresholds gives exactly the double-precision result.
struct BranchFreeForest: Sendable {
    let nodes: [mlc_tree_node]
    /// Per node: its leaf index (leaves only).
    let leafOf: [Int32]
    /// Per tree: branch steps on the longest path.
    let depth: [Int32]
    let roots: [Int32]
    let lessEqual: Bool

    init?(_ e: TreeEnsemble) {
        guard let mode = e.sharedOrderedMode, mode == .lessOrEqual || mode == .less else { return nil }
        lessEqual = mode == .lessOrEqual
        var nodes: [mlc_tree_node] = []
        nodes.reserveCapacity(e.nodes.count)
        var leafOf = [Int32](repeating: -1, count: e.nodes.count)
        for (i, n) in e.nodes.enumerated() {
            if n.feature < 0 {
                nodes.append(mlc_tree_node(threshold: 0, feature: 0, child: (Int32(i), Int32(i))))
                leafOf[i] = n.trueChild
            } else {
                let t = Float(n.threshold)
                guard Double(t) == n.threshold else { return nil }
                let flag: UInt32 = e.missingTracksTrue[i] ? 0x8000_0000 : 0
                nodes.append(mlc_tree_node(threshold: t, feature: UInt32(n.feature) | flag, child: (Int32(i + 1), n.trueChild)))
            }
        }
        self.nodes = nodes
        self.leafOf = leafOf
        self.roots = e.roots
        var depthOf = [Int32](repeating: 0, count: e.nodes.count)
        var treeDepth = [Int32](repeating: 0, count: e.roots.count)
        var tree = -1
        for i in 0..<e.nodes.count {
            if tree + 1 < e.roots.count && Int(e.roots[tree + 1]) == i { tree += 1 }
            let n = e.nodes[i]
            if n.feature >= 0 {
                depthOf[i + 1] = depthOf[i] + 1
                depthOf[Int(n.trueChild)] = depthOf[i] + 1
            } else {
                treeDepth[tree] = Swift.max(treeDepth[tree], depthOf[i])
            }
        }
        depth = treeDepth
    }
}

extension TreeEnsemble {
    /// The one ordered comparison every branch uses, if any (missing-value tracking allowed).
    var sharedOrderedMode: Mode? {
        var mode: Mode? = nil
        for (i, n) in nodes.enumerated() where n.feature >= 0 {
            guard let m = Mode(rawValue: modes[i]), m != .equal, m != .notEqual, m != .member else { return nil }
            if mode == nil { mode = m } else if mode != m { return nil }
        }
        return mode ?? .lessOrEqual
    }

    /// Whether float32 rows can be scored directly on the branch-free walker.
    package var acceptsFloatRows: Bool { branchFree != nil }

    /// Scores float32 rows on the branch-free walker. Preconditions (checked by callers at the boundary):
    /// ``acceptsFloatRows`` and `featureStride >= featureCount`.
    package func scores(floatFeatures x: UnsafeBufferPointer<Float>, rows: Int, featureStride: Int,
                        aggregation: TreeAggregation, threads: Int) -> TreeScores {
        precondition(featureStride >= featureCount && x.count >= rows * featureStride)
        let forest = branchFree!
        return blockwise(rows: rows, aggregation: aggregation, threads: threads) { range, values, hasScore in
            branchFreeBlock(forest, x, rows: range, stride: featureStride, aggregation: aggregation,
                            values: values, hasScore: hasScore)
        }
    }

    /// With 8 or more rows each tree walks 8 rows at a time (the tree stays in cache); with fewer, each row
    /// walks 8 trees at a time.
    func branchFreeBlock(_ f: BranchFreeForest, _ x: UnsafeBufferPointer<Float>, rows: Range<Int>, stride: Int,
                         aggregation: TreeAggregation, values: UnsafeMutableBufferPointer<Double>,
                         hasScore: UnsafeMutableBufferPointer<Bool>) {
        let base = x.baseAddress!
        let le: Int32 = f.lessEqual ? 1 : 0
        f.nodes.withUnsafeBufferPointer { np in
            var start = [Int32](repeating: 0, count: 8), out = [Int32](repeating: 0, count: 8)
            var lanes = [UnsafePointer<Float>?](repeating: base, count: 8)
            start.withUnsafeMutableBufferPointer { sp in
                out.withUnsafeMutableBufferPointer { op in
                    lanes.withUnsafeMutableBufferPointer { lp in
                        if rows.count >= 8 {
                            for (tree, root) in f.roots.enumerated() {
                                let steps = f.depth[tree]
                                for g in 0..<8 { sp[g] = root }
                                var r = rows.lowerBound
                                while r < rows.upperBound {
                                    let valid = Swift.min(8, rows.upperBound - r)
                                    for g in 0..<8 { lp[g] = base + Swift.min(r + g, rows.upperBound - 1) * stride }
                                    mlc_tree_walk8(np.baseAddress, sp.baseAddress, lp.baseAddress, le, steps, op.baseAddress)
                                    for g in 0..<valid { addLeaf(Int(f.leafOf[Int(op[g])]), row: r + g, aggregation, values, hasScore) }
                                    r += 8
                                }
                            }
                        } else {
                            let trees = f.roots.count
                            for r in rows {
                                for g in 0..<8 { lp[g] = base + r * stride }
                                var t = 0
                                while t < trees {
                                    let valid = Swift.min(8, trees - t)
                                    var steps: Int32 = 0
                                    for g in 0..<8 {
                                        let tree = t + Swift.min(g, valid - 1)
                                        sp[g] = f.roots[tree]
                                        steps = Swift.max(steps, f.depth[tree])
                                    }
                                    mlc_tree_walk8(np.baseAddress, sp.baseAddress, lp.baseAddress, le, steps, op.baseAddress)
                                    for g in 0..<valid { addLeaf(Int(f.leafOf[Int(op[g])]), row: r, aggregation, values, hasScore) }
                                    t += 8
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    func addLeaf(_ leaf: Int, row r: Int, _ aggregation: TreeAggregation, _ values: UnsafeMutableBufferPointer<Double>,
                 _ hasScore: UnsafeMutableBufferPointer<Bool>) {
        let start = Int(leafStart[leaf]), count = Int(leafCount[leaf])
        for k in start..<start + count {
            let slot = r * targetCount + Int(weightTargets[k])
            let w = weights[k]
            switch aggregation {
            case .sum, .average: values[slot] += w
            case .min: values[slot] = hasScore[slot] ? Swift.min(values[slot], w) : w
            case .max: values[slot] = hasScore[slot] ? Swift.max(values[slot], w) : w
            }
            hasScore[slot] = true
        }
    }
}
