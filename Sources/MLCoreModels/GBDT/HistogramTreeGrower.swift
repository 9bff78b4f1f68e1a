import MLCoreCKernels
import MLCoreKernels

/// Grows one regression tree on gradient statistics, leaf-wise (best-first, as LightGBM): the leaf whose best
/// split reduces the loss most is split next, until `numLeaves` leaves or no split gains.
///
/// Split search reads per-leaf histograms of (sum of gradients, sum of hessians) per bin. Only the smaller
/// child of a split is histogrammed from its rows; the larger one's is the parent's minus it (the histogram
/// subtraction trick). Histograms of a large leaf are built on several threads, each into its own buffer,
/// summed in a fixed order, so a thread count always gives the same tree.
final class HistogramTreeGrower {
    struct Settings {
        var numLeaves: Int
        var maxDepth: Int
        var minDataInLeaf: Int
        var minSumHessian: Double
        var lambdaL2: Double
        var minGainToSplit: Double
        var learningRate: Double
        var threads: Int
    }

    struct Split {
        var gain = -Double.infinity
        var feature = -1
        var thresholdBin = 0
        var missingLeft = false
        var leftGradient = 0.0
        var leftHessian = 0.0
    }

    struct Leaf {
        var start: Int
        var count: Int
        var gradient: Double
        var hessian: Double
        var depth: Int
        var slot: Int
        var best = Split()
        /// The branch whose child this leaf is (-1 for the root) and which side.
        var parent: Int
        var isLeft: Bool
    }

    let data: BinnedDataset
    let settings: Settings
    /// Up to `slots` histograms of `histogramSize` doubles (sum of gradients, sum of hessians per bin), each
    /// allocated when first used (a tree holds at most one per leaf that may still split), then one
    /// buffer per extra thread.
    private var storage: [UnsafeMutablePointer<Double>?]
    private let threadStorage: UnsafeMutablePointer<Double>
    private let slots: Int
    private let threadBuffers: Int
    private let histogramSize: Int
    private var scratch: [Int32]
    /// Row indices of the current tree, grouped by leaf.
    private(set) var rowIndex: [Int32]
    private var featureGradient = [Double](repeating: 0, count: 256)
    private var featureHessian = [Double](repeating: 0, count: 256)

    init(data: BinnedDataset, settings: Settings) {
        self.data = data
        self.settings = settings
        histogramSize = data.totalBins * 2
        slots = Swift.max(2, settings.numLeaves)
        threadBuffers = Swift.max(0, settings.threads - 1)
        storage = Array(repeating: nil, count: slots)
        threadStorage = .allocate(capacity: Swift.max(1, threadBuffers * histogramSize))
        scratch = [Int32](repeating: 0, count: data.rows)
        rowIndex = [Int32](repeating: 0, count: data.rows)
    }

    deinit {
        for p in storage { p?.deallocate() }
        threadStorage.deallocate()
    }

    /// Grows a tree on `rows` (ascending row numbers; the bagged rows) with per-row (gradient, hessian) pairs.
    /// - Parameter allowedFeatures: the features this tree may split on (feature subsampling).
    /// - Returns: the tree and, per leaf, its range in ``rowIndex`` (to update the training scores).
    func grow(rows: [Int32], gradients: UnsafeBufferPointer<Float>, allowedFeatures: [Bool])
        -> (tree: RegressionTree, leafRows: [Range<Int>]) {
        let n = rows.count
        rowIndex.withUnsafeMutableBufferPointer { target in
            rows.withUnsafeBufferPointer { target.baseAddress!.update(from: $0.baseAddress!, count: n) }
        }
        var totalG = 0.0, totalH = 0.0
        for r in rows { totalG += Double(gradients[2 * Int(r)]); totalH += Double(gradients[2 * Int(r) + 1]) }
        var leaves = [Leaf(start: 0, count: n, gradient: totalG, hessian: totalH, depth: 0, slot: 0, parent: -1, isLeft: false)]
        var freeSlots = Array((1..<slots).reversed())
        var tree = RegressionTree()
        buildHistogram(slot: 0, start: 0, count: n, allRows: n == data.rows, gradients: gradients)
        leaves[0].best = bestSplit(leaves[0], allowedFeatures)

        while leaves.count < settings.numLeaves {
            var pick = -1
            for (i, l) in leaves.enumerated() where l.best.feature >= 0 && l.best.gain > settings.minGainToSplit {
                if pick < 0 || l.best.gain > leaves[pick].best.gain { pick = i }
            }
            if pick < 0 { break }
            let leaf = leaves[pick], s = leaf.best
            let fb = data.featureBins[s.feature]
            let table = data.leftTable(feature: s.feature, threshold: s.thresholdBin, missingLeft: s.missingLeft)
            let leftCount = partitionRows(start: leaf.start, count: leaf.count, group: data.groupOf[s.feature], table: table)
            // The branch replaces the leaf in its parent.
            let branch = tree.branches.count
            tree.branches.append(.init(feature: s.feature, thresholdBin: s.thresholdBin,
                                       threshold: fb.upperBounds[s.thresholdBin], missingLeft: s.missingLeft,
                                       left: -1, right: -1, gain: s.gain))
            if leaf.parent >= 0 {
                if leaf.isLeft { tree.branches[leaf.parent].left = branch } else { tree.branches[leaf.parent].right = branch }
            }
            var left = Leaf(start: leaf.start, count: leftCount, gradient: s.leftGradient, hessian: s.leftHessian,
                            depth: leaf.depth + 1, slot: -1, parent: branch, isLeft: true)
            var right = Leaf(start: leaf.start + leftCount, count: leaf.count - leftCount,
                             gradient: leaf.gradient - s.leftGradient, hessian: leaf.hessian - s.leftHessian,
                             depth: leaf.depth + 1, slot: -1, parent: branch, isLeft: false)
            let canSplitLeft = splittable(left), canSplitRight = splittable(right)
            if canSplitLeft || canSplitRight {
                // Histogram the smaller child; the larger one is the parent's minus it.
                let smallerIsLeft = left.count <= right.count
                let fresh = freeSlots.removeLast()
                if smallerIsLeft { left.slot = fresh; right.slot = leaf.slot } else { right.slot = fresh; left.slot = leaf.slot }
                let small = smallerIsLeft ? left : right
                buildHistogram(slot: fresh, start: small.start, count: small.count, allRows: false,
                               gradients: gradients)
                subtract(from: leaf.slot, fresh)
                if canSplitLeft { left.best = bestSplit(left, allowedFeatures) }
                if canSplitRight { right.best = bestSplit(right, allowedFeatures) }
            } else {
                freeSlots.append(leaf.slot)
            }
            leaves[pick] = left
            leaves.append(right)
            // Leaves that cannot split any more give their histogram back.
            for i in [pick, leaves.count - 1] where leaves[i].best.feature < 0 && leaves[i].slot >= 0 {
                if !freeSlots.contains(leaves[i].slot) { freeSlots.append(leaves[i].slot) }
                leaves[i].slot = -1
            }
        }

        // Leaves in order; number them and point the branches at them.
        var leafRows: [Range<Int>] = []
        for (i, l) in leaves.enumerated() {
            let denominator = l.hessian + settings.lambdaL2
            tree.leafValues.append(denominator > 0 ? -l.gradient / denominator * settings.learningRate : 0)
            leafRows.append(l.start..<(l.start + l.count))
            if l.parent >= 0 {
                if l.isLeft { tree.branches[l.parent].left = ~i } else { tree.branches[l.parent].right = ~i }
            }
        }
        return (tree, leafRows)
    }

    /// Stable partition of `rowIndex[start ..< start + count]` by a split's left table; returns the left count.
    /// Large leaves are cut into one chunk per thread, each partitioned in place, then the chunks' left parts
    /// and right parts are gathered in order (the same result as one pass).
    private func partitionRows(start: Int, count: Int, group: Int, table: [UInt8]) -> Int {
        // Thresholds from alternating A/B runs of `bench train --algorithm gbdt --threads 2` (1M x 28 rows and
        // airline): partitions from 20K rows and histograms from 5K rows on 2 threads are 3-5% faster than from
        // 50K / 20K; 8K / 2K measured the same as 20K / 5K.
        let chunks = partition(count, parts: count >= 20_000 ? settings.threads : 1, granule: 4096)
        return rowIndex.withUnsafeMutableBufferPointer { rp in
            scratch.withUnsafeMutableBufferPointer { sp in
                data.columnBins.withUnsafeBufferPointer { cp in
                    table.withUnsafeBufferPointer { tp in
                        let rows = rp.baseAddress! + start, temp = sp.baseAddress!
                        let column = cp.baseAddress! + group * data.rows
                        if chunks.count <= 1 {
                            return Int(mlc_gbdt_partition(column, tp.baseAddress!, rows, Int64(count), temp))
                        }
                        var lefts = [Int](repeating: 0, count: chunks.count)
                        lefts.withUnsafeMutableBufferPointer { lp in
                            let r = UncheckedSendable(rows), t = UncheckedSendable(temp), c = UncheckedSendable(column)
                            let g = UncheckedSendable(tp.baseAddress!), l = UncheckedSendable(lp.baseAddress!)
                            // Each chunk works on its own rows and its own part of the scratch buffer.
                            parallelFor(chunks.count, threads: chunks.count) { i in
                                let range = chunks[i]
                                l.value[i] = Int(mlc_gbdt_partition(c.value, g.value, r.value + range.lowerBound,
                                                                    Int64(range.count), t.value + range.lowerBound))
                            }
                        }
                        // Gather: every chunk's left rows, then every chunk's right rows.
                        temp.update(from: rows, count: count)
                        var left = 0
                        for (i, range) in chunks.enumerated() {
                            (rows + left).update(from: temp + range.lowerBound, count: lefts[i])
                            left += lefts[i]
                        }
                        var right = left
                        for (i, range) in chunks.enumerated() {
                            let n = range.count - lefts[i]
                            (rows + right).update(from: temp + range.lowerBound + lefts[i], count: n)
                            right += n
                        }
                        return left
                    }
                }
            }
        }
    }

    private func splittable(_ l: Leaf) -> Bool {
        l.count >= 2 * settings.minDataInLeaf && l.hessian >= 2 * settings.minSumHessian
            && (settings.maxDepth <= 0 || l.depth < settings.maxDepth)
    }

    private func histogram(_ slot: Int) -> UnsafeMutablePointer<Double> {
        if let p = storage[slot] { return p }
        let p = UnsafeMutablePointer<Double>.allocate(capacity: histogramSize)
        storage[slot] = p
        return p
    }

    private func buildHistogram(slot: Int, start: Int, count: Int, allRows: Bool, gradients gp: UnsafeBufferPointer<Float>) {
        let size = histogramSize
        let threads = count >= 5_000 ? Swift.min(settings.threads, threadBuffers + 1) : 1
        let chunks = partition(count, parts: threads, granule: 1024)
        let target = histogram(slot)
        target.update(repeating: 0, count: size)
        var buffers = [target]
        for t in 0..<Swift.max(0, chunks.count - 1) {
            let p = threadStorage + t * size
            p.update(repeating: 0, count: size)
            buffers.append(p)
        }
        let groups = data.groups.count
        data.bins.withUnsafeBufferPointer { bp in
            rowIndex.withUnsafeBufferPointer { rp in
                data.histogramOffsets.withUnsafeBufferPointer { op in
                    let b = UncheckedSendable(bp.baseAddress!), r = UncheckedSendable(rp.baseAddress!)
                    let g = UncheckedSendable(gp.baseAddress!)
                    let o = UncheckedSendable(op.baseAddress!), out = UncheckedSendable(buffers)
                    // Each chunk writes only its own buffer.
                    parallelFor(chunks.count, threads: chunks.count) { c in
                        let range = chunks[c]
                        if allRows {
                            // Row i is row i: the chunk is a block of the matrix.
                            mlc_gbdt_histogram(b.value + range.lowerBound * groups, Int32(groups), nil,
                                               Int64(range.count), g.value + 2 * range.lowerBound, o.value, out.value[c])
                        } else {
                            mlc_gbdt_histogram(b.value, Int32(groups), r.value + start + range.lowerBound,
                                               Int64(range.count), g.value, o.value, out.value[c])
                        }
                    }
                }
            }
        }
        for t in 1..<Swift.max(1, chunks.count) {
            let p = buffers[t]
            for i in 0..<size { target[i] += p[i] }
        }
    }

    private func subtract(from parent: Int, _ child: Int) {
        let p = histogram(parent), c = histogram(child)
        for i in 0..<histogramSize { p[i] -= c[i] }
    }

    /// The best split of `leaf` over the allowed features.
    private func bestSplit(_ leaf: Leaf, _ allowed: [Bool]) -> Split {
        var best = Split()
        let lambda = settings.lambdaL2
        let parentGain = leaf.gradient * leaf.gradient / (leaf.hessian + lambda)
        let countPerHessian = leaf.hessian > 0 ? Double(leaf.count) / leaf.hessian : 0
        // Leaf sizes are estimated from hessians (LightGBM's rule: rows = round(hessian * rows / leaf hessian)),
        // so "at least minDataInLeaf rows" is a bound on the hessian: estimate >= m - 0.5.
        let minHessianForRows = countPerHessian > 0 ? (Double(settings.minDataInLeaf) - 0.5) / countPerHessian : .infinity
        let minHessian = Swift.max(settings.minSumHessian, minHessianForRows)
        let hist = histogram(leaf.slot)
        featureGradient.withUnsafeMutableBufferPointer { fg in
            featureHessian.withUnsafeMutableBufferPointer { fh in
                for j in 0..<data.featureCount where allowed[j] {
                    let fb = data.featureBins[j]
                    let k = fb.binCount
                    if fb.valueBinCount < 2 { continue }
                    // This feature's histogram.
                    let g = data.groupOf[j]
                    let base = Int(data.histogramOffsets[g])
                    if !data.groups[g].isBundle {
                        for b in 0..<k { fg[b] = hist[2 * (base + b)]; fh[b] = hist[2 * (base + b) + 1] }
                    } else {
                        let d = fb.defaultBin, o = data.offsetInGroup[j]
                        var sg = 0.0, sh = 0.0
                        for b in 0..<k where b != d {
                            let v = base + BinnedDataset.bundleBin(b, defaultBin: d, offset: o)
                            fg[b] = hist[2 * v]; fh[b] = hist[2 * v + 1]
                            sg += fg[b]; sh += fh[b]
                        }
                        fg[d] = leaf.gradient - sg
                        fh[d] = leaf.hessian - sh
                    }
                    let values = fb.valueBinCount
                    let missingG = fb.hasMissing ? fg[values] : 0, missingH = fb.hasMissing ? fh[values] : 0
                    let directions = fb.hasMissing && missingH > 0 ? 2 : 1
                    for direction in 0..<directions {
                        let missingLeft = direction == 1
                        var gl = missingLeft ? missingG : 0, hl = missingLeft ? missingH : 0
                        for t in 0..<(values - 1) {
                            gl += fg[t]; hl += fh[t]
                            let gr = leaf.gradient - gl, hr = leaf.hessian - hl
                            if hl < minHessian || hr < minHessian { continue }
                            let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parentGain
                            if gain > best.gain {
                                best = Split(gain: gain, feature: j, thresholdBin: t, missingLeft: missingLeft,
                                             leftGradient: gl, leftHessian: hl)
                            }
                        }
                    }
                }
            }
        }
        return best
    }
}
