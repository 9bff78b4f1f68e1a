/// A tree as the GBDT grows it: branch nodes split one feature at a bin bound; leaves hold the value added to
/// the raw score (learning rate applied).
struct RegressionTree: Sendable, Hashable {
    struct Branch: Sendable, Hashable {
        /// The feature (a column of the training matrix).
        var feature: Int
        /// Rows whose bin is at most this go left.
        var thresholdBin: Int
        /// The same split on feature values: `x <= threshold` goes left (a float32 bin bound).
        var threshold: Float
        /// Where NaN goes.
        var missingLeft: Bool
        /// Child indices: `>= 0` a branch, `< 0` the leaf `~child`.
        var left: Int
        var right: Int
        /// The loss reduction of the split (for gain importance).
        var gain: Double
    }

    var branches: [Branch] = []
    var leafValues: [Double] = []

    /// The leaf a float32 row reaches (`x <= threshold` goes left; NaN as the branch says).
    func leaf(_ row: UnsafePointer<Float>) -> Int {
        if branches.isEmpty { return 0 }
        var node = 0
        while true {
            let b = branches[node]
            let x = row[b.feature]
            let next = x.isNaN ? (b.missingLeft ? b.left : b.right) : (x <= b.threshold ? b.left : b.right)
            if next < 0 { return ~next }
            node = next
        }
    }
}
