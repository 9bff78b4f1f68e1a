/// How the weights of the leaves that rows reach are combined per target.
public enum TreeAggregation: String, Sendable, CaseIterable {
    case sum = "SUM", average = "AVERAGE", min = "MIN", max = "MAX"
}

/// Raw per-row, per-target scores of a tree ensemble, before base values and transforms.
public struct TreeScores: Sendable {
    /// `[rows * targetCount]`, row-major.
    public var values: [Double]
    /// Whether any reached leaf had a weight for that row and target (onnxruntime's `has_score`).
    public var hasScore: [Bool]
}

extension TreeEnsemble {
    /// Rows per block: trees are walked tree-by-tree over a block of rows, so each tree's nodes stay in
    /// cache while the block passes through them (onnxruntime's "section F" trick).
    ///
    /// This branchy walker is the general path (any mode, set membership, double thresholds). Float rows on
    /// ensembles with one ordered comparison take the branch-free C walker (``BranchFreeForest``): on the
    /// 500-tree LightGBM benchmark model, `bench predict` on 10,000 rows, 1 thread, took 0.50 s of CPU here
    /// and 0.30 s there, including about 0.15 s of loading and CSV parsing in both. (Lock-step walkers
    /// written in Swift with SIMD8 lanes were slower than this one: 0.83 s and 1.3 s.)
    static let blockRows = 128

    /// Walks every tree for each row of `features` (`rows x featureStride`, row-major, as Double) and
    /// aggregates the reached leaves' weights.
    /// Precondition (checked by callers at the boundary): `featureStride >= featureCount`.
    /// - Complexity: O(rows * trees * depth).
    package func scores(features: UnsafeBufferPointer<Double>, rows: Int, featureStride: Int,
                        aggregation: TreeAggregation, threads: Int) -> TreeScores {
        precondition(featureStride >= featureCount && features.count >= rows * featureStride)
        return blockwise(rows: rows, aggregation: aggregation, threads: threads) { range, values, hasScore in
            scoreBlock(features, rows: range, stride: featureStride, aggregation: aggregation, values: values, hasScore: hasScore)
        }
    }

    /// Runs `block` over blocks of ``blockRows`` rows, spread over up to `threads` threads, on the scores every
    /// block adds into (`rows x targetCount`, starting at 0 for sums and averages, NaN for min and max).
    func blockwise(rows: Int, aggregation: TreeAggregation, threads: Int,
                   _ block: (Range<Int>, UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Bool>) -> Void) -> TreeScores {
        let t = targetCount
        var values = [Double](repeating: aggregation == .sum || aggregation == .average ? 0 : .nan, count: rows * t)
        var hasScore = [Bool](repeating: false, count: rows * t)
        let blocks = (rows + Self.blockRows - 1) / Self.blockRows
        // Below ~64 rows x 100 trees, a second thread costs more than it saves.
        let worth = rows * treeCount >= 64 * 100
        let workers = Swift.max(1, Swift.min(threads, blocks))
        values.withUnsafeMutableBufferPointer { vp in
            hasScore.withUnsafeMutableBufferPointer { hp in
                let v = UncheckedSendable(vp), h = UncheckedSendable(hp)
                // Each worker writes the rows of its own blocks.
                parallelFor(workers, threads: worth ? workers : 1) { w in
                    var b = blocks * w / workers
                    while b < blocks * (w + 1) / workers {
                        let r0 = b * Self.blockRows, r1 = Swift.min(rows, r0 + Self.blockRows)
                        block(r0..<r1, v.value, h.value)
                        b += 1
                    }
                }
            }
        }
        return TreeScores(values: values, hasScore: hasScore)
    }

    func scoreBlock(_ x: UnsafeBufferPointer<Double>, rows: Range<Int>, stride: Int, aggregation: TreeAggregation,
                    values: UnsafeMutableBufferPointer<Double>, hasScore: UnsafeMutableBufferPointer<Bool>) {
        nodes.withUnsafeBufferPointer { np in
            let base = x.baseAddress!
            for root in roots {
                for r in rows {
                    addLeaf(Int(walk(Int(root), base + r * stride, np)), row: r, aggregation, values, hasScore)
                }
            }
        }
    }

    /// The leaf index a row reaches from `root`.
    @inline(__always)
    func walk(_ root: Int, _ row: UnsafePointer<Double>, _ np: UnsafeBufferPointer<Node>) -> Int32 {
        switch uniformMode {
        case .lessOrEqual?: return walkUniform(root, row, np) { $0 <= $1 }
        case .less?: return walkUniform(root, row, np) { $0 < $1 }
        case .greaterOrEqual?: return walkUniform(root, row, np) { $0 >= $1 }
        case .greater?: return walkUniform(root, row, np) { $0 > $1 }
        case .equal?: return walkUniform(root, row, np) { $0 == $1 }
        case .notEqual?: return walkUniform(root, row, np) { $0 != $1 }
        default: return walkGeneral(root, row, np)
        }
    }

    @inline(__always)
    func walkUniform(_ root: Int, _ row: UnsafePointer<Double>, _ np: UnsafeBufferPointer<Node>,
                     _ goesTrue: (Double, Double) -> Bool) -> Int32 {
        var i = root
        while true {
            let n = np[i]
            if n.feature < 0 { return n.trueChild }
            i = goesTrue(row[Int(n.feature)], n.threshold) ? Int(n.trueChild) : i + 1
        }
    }

    func walkGeneral(_ root: Int, _ row: UnsafePointer<Double>, _ np: UnsafeBufferPointer<Node>) -> Int32 {
        var i = root
        while true {
            let n = np[i]
            if n.feature < 0 { return n.trueChild }
            let x = row[Int(n.feature)], t = n.threshold
            let result: Bool
            switch Mode(rawValue: modes[i]) ?? .lessOrEqual {
            case .lessOrEqual: result = x <= t
            case .less: result = x < t
            case .greaterOrEqual: result = x >= t
            case .greater: result = x > t
            case .equal: result = x == t
            case .notEqual: result = x != t
            case .member: result = memberSets[Int(memberSetIndex[i])].contains(x)
            }
            i = result || (missingTracksTrue[i] && x.isNaN) ? Int(n.trueChild) : i + 1
        }
    }
}
