import MLCoreTensor
import MLCoreKernels

/// The training rows as bins: each feature quantile-binned (``FeatureBins``), features grouped into columns
/// (a dense feature alone, or a bundle of mutually exclusive sparse features: LightGBM's exclusive feature
/// bundling), stored row-major as one byte per group.
///
/// In a bundle, bin 0 means "every feature of the bundle is at its default (zero) bin"; feature `f` owns the
/// bundle bins `offset + 0 ..< offset + binCount - 1` for its non-default bins, in order. Bundles are built
/// greedily over all rows with no conflict allowed, so bundling loses nothing: a feature's histogram is its
/// bundle bins plus, for its default bin, the leaf's total minus the rest.
/// - SeeAlso: G. Ke et al., "LightGBM: A Highly Efficient Gradient Boosting Decision Tree", NeurIPS 2017, §4.
struct BinnedDataset {
    struct Group {
        var features: [Int]
        var binCount: Int
        var isBundle: Bool { features.count > 1 }
    }

    var rows: Int
    var featureBins: [FeatureBins]
    var groups: [Group]
    /// Per feature: its group.
    var groupOf: [Int]
    /// Per feature: where its bins start in its group (bundles: where its non-default bins start).
    var offsetInGroup: [Int]
    /// Per group: where its bins start in a histogram.
    var histogramOffsets: [UInt32]
    var totalBins: Int
    /// `[rows][groups.count]`: histograms read a row's bins together.
    var bins: [UInt8]
    /// `[groups.count][rows]`: partitioning reads one group's bins along a leaf's rows.
    var columnBins: [UInt8]

    var featureCount: Int { featureBins.count }

    /// Bins float32 rows `[rows, features]` (row-major). Bounds come from up to `sampleRows` rows chosen with
    /// `seed`; bundling considers features that are at their default bin in at least `1 - maxSparseFraction`
    /// of the rows.
    init(features x: UnsafeBufferPointer<Float>, rows: Int, featureCount f: Int, maxBins: Int, minDataInBin: Int = 1, bundle: Bool,
         seed: UInt64, threads: Int, sampleRows: Int = 200_000, maxSparseFraction: Double = 0.25) {
        self.rows = rows
        // 1. Bounds from a seeded sample of rows.
        var sample = Array(0..<rows)
        if rows > sampleRows {
            var g = SplitMix64(seed: seed ^ 0xB1_0B1E)
            for i in 0..<sampleRows { sample.swapAt(i, i + Int(g.below(UInt64(rows - i)))) }
            sample = Array(sample[..<sampleRows]).sorted()
        }
        // One pass over the sampled rows (contiguous reads) collects each column's non-zero values; zeros and
        // NaN are only counted, so sparse columns cost nothing to sort.
        var nonZero = [[Float]](repeating: [], count: f)
        var zeros = [Int](repeating: 0, count: f), missing = [Int](repeating: 0, count: f)
        for r in sample {
            let row = x.baseAddress! + r * f
            for j in 0..<f {
                let v = row[j]
                if v == 0 { zeros[j] += 1 } else if v.isNaN { missing[j] += 1 } else { nonZero[j].append(v) }
            }
        }
        var mappers = [FeatureBins?](repeating: nil, count: f)
        mappers.withUnsafeMutableBufferPointer { mp in
            let out = UncheckedSendable(mp)
            nonZero.withUnsafeMutableBufferPointer { np in
                let columns = UncheckedSendable(np)
                parallelFor(f, threads: threads) { j in
                    columns.value[j].sort()
                    out.value[j] = FeatureBins(sortedNonZero: columns.value[j], zeros: zeros[j], missing: missing[j],
                                               maxBins: maxBins, minDataInBin: minDataInBin)
                }
            }
        }
        featureBins = mappers.map { $0! }
        nonZero = []

        // 2. Every value to its bin, column-major for now (one byte per feature); rows in blocks that stay in cache.
        var columns = [UInt8](repeating: 0, count: rows * f)
        let lookups = featureBins.map(BinLookup.init)
        let tables = lookups.flatMap(\.table)
        columns.withUnsafeMutableBufferPointer { cp in
            tables.withUnsafeBufferPointer { tp in
                let out = UncheckedSendable(cp), input = UncheckedSendable(x), table = UncheckedSendable(tp)
                let blocks = partition(rows, parts: (rows + 255) / 256, granule: 256)
                let parts = partition(blocks.count, parts: Swift.max(1, threads))
                parallelFor(parts.count, threads: threads) { p in
                    for b in parts[p] {
                        for j in 0..<f {
                            let t = table.value.baseAddress! + j * 256
                            let missing = UInt8(lookups[j].missingBin), firstStep = lookups[j].firstStep
                            let column = out.value.baseAddress! + j * rows
                            for r in blocks[b] {
                                let v = input.value[r * f + j]
                                column[r] = v.isNaN ? missing : UInt8(truncatingIfNeeded: t.binIndex(v, firstStep: firstStep))
                            }
                        }
                    }
                }
            }
        }

        // 3. Exclusive feature bundling over the sparse features.
        var groups: [Group] = []
        var groupOf = [Int](repeating: 0, count: f), offset = [Int](repeating: 0, count: f)
        var bundled = Set<Int>()
        if bundle {
            let words = (rows + 63) / 64
            var candidates: [(feature: Int, nonDefault: Int, mask: [UInt64])] = []
            for j in 0..<f where featureBins[j].binCount > 1 && featureBins[j].binCount <= 128 {
                let d = UInt8(featureBins[j].defaultBin)
                var mask = [UInt64](repeating: 0, count: words)
                var count = 0
                columns.withUnsafeBufferPointer { cp in
                    let column = cp.baseAddress! + j * rows
                    for r in 0..<rows where column[r] != d {
                        mask[r >> 6] |= 1 << UInt64(r & 63)
                        count += 1
                    }
                }
                if Double(count) <= maxSparseFraction * Double(rows) { candidates.append((j, count, mask)) }
            }
            candidates.sort { $0.nonDefault != $1.nonDefault ? $0.nonDefault > $1.nonDefault : $0.feature < $1.feature }
            var bundles: [(features: [Int], bins: Int, mask: [UInt64])] = []
            for c in candidates {
                let extra = featureBins[c.feature].binCount - 1
                var placed = false
                for i in bundles.indices where bundles[i].bins + extra <= 256 {
                    var conflict = false
                    for w in 0..<words where bundles[i].mask[w] & c.mask[w] != 0 { conflict = true; break }
                    if conflict { continue }
                    bundles[i].features.append(c.feature)
                    bundles[i].bins += extra
                    for w in 0..<words { bundles[i].mask[w] |= c.mask[w] }
                    placed = true
                    break
                }
                if !placed { bundles.append(([c.feature], 1 + extra, c.mask)) }
            }
            for b in bundles where b.features.count > 1 {
                var next = 1
                for j in b.features {
                    groupOf[j] = groups.count
                    offset[j] = next
                    next += featureBins[j].binCount - 1
                    bundled.insert(j)
                }
                groups.append(Group(features: b.features, binCount: next))
            }
        }
        for j in 0..<f where !bundled.contains(j) {
            groupOf[j] = groups.count
            offset[j] = 0
            groups.append(Group(features: [j], binCount: featureBins[j].binCount))
        }
        // Keep groups in the order of their first feature, so the layout does not depend on bundling order.
        let order = groups.indices.sorted { groups[$0].features.min()! < groups[$1].features.min()! }
        var newIndex = [Int](repeating: 0, count: groups.count)
        for (n, old) in order.enumerated() { newIndex[old] = n }
        groups = order.map { groups[$0] }
        for j in 0..<f { groupOf[j] = newIndex[groupOf[j]] }
        self.groups = groups
        self.groupOf = groupOf
        self.offsetInGroup = offset
        var offsets: [UInt32] = [], total = 0
        for g in groups { offsets.append(UInt32(total)); total += g.binCount }
        histogramOffsets = offsets
        totalBins = total

        // 4. Group columns (a feature's own column, or its bundle's), then the row-major copy.
        let g = groups.count
        var groupColumns = [UInt8](repeating: 0, count: rows * g)
        let featureBinsCopy = featureBins
        groupColumns.withUnsafeMutableBufferPointer { gp in
            columns.withUnsafeBufferPointer { cp in
                let out = UncheckedSendable(gp), input = UncheckedSendable(cp)
                parallelFor(g, threads: threads) { gi in
                    let target = out.value.baseAddress! + gi * rows
                    let group = groups[gi]
                    if !group.isBundle {
                        target.update(from: input.value.baseAddress! + group.features[0] * rows, count: rows)
                        return
                    }
                    for j in group.features {
                        let column = input.value.baseAddress! + j * rows
                        let d = featureBinsCopy[j].defaultBin, o = offset[j]
                        for r in 0..<rows {
                            let v = Int(column[r])
                            if v != d { target[r] = UInt8(Self.bundleBin(v, defaultBin: d, offset: o)) }
                        }
                    }
                }
            }
        }
        columns = []
        var rowMajor = [UInt8](repeating: 0, count: rows * g)
        rowMajor.withUnsafeMutableBufferPointer { bp in
            groupColumns.withUnsafeBufferPointer { cp in
                let out = UncheckedSendable(bp), input = UncheckedSendable(cp)
                let blocks = partition(rows, parts: (rows + 1023) / 1024, granule: 1024)
                let parts = partition(blocks.count, parts: Swift.max(1, threads))
                parallelFor(parts.count, threads: threads) { p in
                    for b in parts[p] {
                        for gi in 0..<g {
                            let column = input.value.baseAddress! + gi * rows
                            for r in blocks[b] { out.value[r * g + gi] = column[r] }
                        }
                    }
                }
            }
        }
        bins = rowMajor
        columnBins = groupColumns
    }

    /// The bundle (or group) bin that feature `j`'s bin `b` is stored as.
    func groupBin(feature j: Int, bin b: Int) -> Int {
        guard groups[groupOf[j]].isBundle else { return b }
        let d = featureBins[j].defaultBin
        return b == d ? 0 : Self.bundleBin(b, defaultBin: d, offset: offsetInGroup[j])
    }

    /// Where a feature's non-default bin `b` sits in its bundle: the feature's bins start at `offset`, its default
    /// bin left out.
    @inline(__always)
    static func bundleBin(_ b: Int, defaultBin d: Int, offset: Int) -> Int { offset + (b < d ? b : b - 1) }

    /// For a split of feature `j` at value bin `threshold` (bins `<= threshold` go left; the missing bin goes
    /// left when `missingLeft`): which group bins go left.
    func leftTable(feature j: Int, threshold: Int, missingLeft: Bool) -> [UInt8] {
        var table = [UInt8](repeating: 0, count: 256)
        let fb = featureBins[j]
        for b in 0..<fb.binCount {
            let left = b == fb.missingBin ? missingLeft : b <= threshold
            table[groupBin(feature: j, bin: b)] = left ? 1 : 0
        }
        if groups[groupOf[j]].isBundle {
            // Bins of the bundle's other features mean this feature is at its default bin.
            let d = fb.defaultBin
            let defaultLeft = d == fb.missingBin ? missingLeft : d <= threshold
            let own = offsetInGroup[j]..<(offsetInGroup[j] + fb.binCount - 1)
            for v in 0..<groups[groupOf[j]].binCount where !own.contains(v) { table[v] = defaultLeft ? 1 : 0 }
        }
        return table
    }
}
