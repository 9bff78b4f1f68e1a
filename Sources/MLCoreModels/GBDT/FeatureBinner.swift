/// One feature's quantile bins (LightGBM's "bin mapper").
///
/// Value bins `0..<upperBounds.count` hold, in order, the values `x <= upperBounds[b]` not held by an earlier bin
/// (the last bound is `+inf`); when the training rows had NaN, one more bin (the last) holds NaN. Every bound is
/// a float32 value, so the exported model's `x <= threshold` test agrees exactly with the bin a training row
/// fell into.
struct FeatureBins: Sendable, Hashable {
    /// Ascending; the last is `+inf`.
    var upperBounds: [Float]
    /// Whether the last bin holds NaN.
    var hasMissing: Bool
    /// The bin of 0.0: the bin exclusive feature bundling elides.
    var defaultBin: Int

    var valueBinCount: Int { upperBounds.count }
    var binCount: Int { upperBounds.count + (hasMissing ? 1 : 0) }
    var missingBin: Int? { hasMissing ? upperBounds.count : nil }

    /// Bounds from a sample of the column: every distinct value its own bin when there are at most `maxBins` of
    /// them, otherwise bins of about equal count, a value never split across bins.
    init(sample: [Float], maxBins: Int, minDataInBin: Int = 1) {
        let nonZero = sample.filter { !$0.isNaN && $0 != 0 }.sorted()
        let zeros = sample.filter { $0 == 0 }.count
        self.init(sortedNonZero: nonZero, zeros: zeros, missing: sample.count - nonZero.count - zeros, maxBins: maxBins,
                  minDataInBin: minDataInBin)
    }

    /// Bounds from a sample given as its non-zero finite values (ascending), its count of zeros and of NaN (as
    /// LightGBM samples sparse columns: only the non-zero values are sorted). A bin holds at least
    /// `minDataInBin` sampled values (LightGBM's `min_data_in_bin`), except where one value alone is rarer.
    init(sortedNonZero: [Float], zeros: Int, missing: Int, maxBins: Int, minDataInBin: Int = 1) {
        hasMissing = missing > 0
        let valueBins = Swift.max(1, maxBins - (hasMissing ? 1 : 0))
        // Distinct values with their counts, zero inserted in its place.
        var values: [Float] = [], counts: [Int] = []
        var zeroPlaced = zeros == 0
        func add(_ x: Float, _ n: Int) {
            if let last = values.last, last == x { counts[counts.count - 1] += n } else { values.append(x); counts.append(n) }
        }
        for x in sortedNonZero {
            if !zeroPlaced && x > 0 { add(0, zeros); zeroPlaced = true }
            add(x, 1)
        }
        if !zeroPlaced { add(0, zeros) }
        let total = sortedNonZero.count + zeros
        var bounds: [Float] = []
        func boundary(_ a: Float, _ b: Float) -> Float {
            // Midpoint in float32; if rounding lands on b, a itself separates them (a <= a, b > a).
            let m = Float((Double(a) + Double(b)) / 2)
            return m < b && m >= a ? m : a
        }
        if values.count <= valueBins {
            var inBin = 0
            for i in 0..<Swift.max(0, values.count - 1) {
                inBin += counts[i]
                if inBin >= minDataInBin {
                    bounds.append(boundary(values[i], values[i + 1]))
                    inBin = 0
                }
            }
            // A last bin below the minimum joins the one before it.
            if counts.last.map({ $0 + inBin < minDataInBin }) == true, !bounds.isEmpty { bounds.removeLast() }
        } else {
            var remaining = total, binsLeft = valueBins, inBin = 0
            for i in 0..<(values.count - 1) {
                inBin += counts[i]
                let target = Double(remaining) / Double(binsLeft)
                // Close the bin when it reached its share, or when the next value alone would overfill it.
                if Double(inBin) >= target || Double(inBin + counts[i + 1]) > 1.5 * target && inBin >= minDataInBin {
                    bounds.append(boundary(values[i], values[i + 1]))
                    remaining -= inBin
                    binsLeft -= 1
                    inBin = 0
                    if binsLeft == 1 { break }
                }
            }
        }
        bounds.append(.infinity)
        upperBounds = bounds
        defaultBin = 0
        defaultBin = bin(0)
    }

    /// The bin of `x`.
    @inline(__always)
    func bin(_ x: Float) -> Int {
        if x.isNaN { return hasMissing ? upperBounds.count : (upperBounds.count - 1) }
        var lo = 0, hi = upperBounds.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if x <= upperBounds[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// Branch-free bin lookup over a bound table padded to 256 entries with `+inf`: eight fixed steps.
struct BinLookup {
    var table: [Float]
    var missingBin: Int32
    /// The first step of the search: the smallest power of two above the number of finite bounds.
    var firstStep: Int

    init(_ bins: FeatureBins) {
        firstStep = 1
        while firstStep <= bins.upperBounds.count - 1 { firstStep <<= 1 }
        table = [Float](repeating: .infinity, count: 256)
        for (i, u) in bins.upperBounds.dropLast().enumerated() { table[i] = u }
        missingBin = Int32(bins.missingBin ?? bins.valueBinCount - 1)
    }
}

extension UnsafePointer where Pointee == Float {
    /// The number of finite bounds below `x` (its bin), for a 256-entry table padded with `+inf` holding fewer
    /// than `firstStep` finite bounds.
    @inline(__always)
    func binIndex(_ x: Float, firstStep: Int = 256) -> Int {
        var i = 0
        var step = firstStep >> 1
        while step > 0 {
            i += self[i + step - 1] < x ? step : 0
            step >>= 1
        }
        return i
    }
}
