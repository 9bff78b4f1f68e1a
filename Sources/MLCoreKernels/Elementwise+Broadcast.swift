import MLCoreTensor

/// A NumPy broadcast of two operands, reduced to the fewest loops: rows of a contiguous inner run.
///
/// Dimensions of size 1 in the output are dropped and neighbouring dimensions are merged wherever both
/// operands step through them as one (so `[2, 3, 4] + [2, 3, 4]` is one run of 24 and `[5, 7, 11, 13] +
/// [7, 1, 13]` is 385 rows of 13). In the innermost run each operand either advances by one element or stays
/// put (its stride is 0), which picks the vector-vector, vector-scalar or scalar-vector kernel.
struct BroadcastPlan: Sendable {
    /// Sizes of the outer (row) loops, outermost first; their product is ``rows``.
    let outerDims: [Int]
    /// Element strides of each operand along ``outerDims`` (0 where the operand is broadcast).
    let outerStridesA: [Int]
    let outerStridesB: [Int]
    /// The length of the innermost run.
    let inner: Int
    /// 1 or 0: whether each operand advances along the inner run.
    let innerStrideA: Int
    let innerStrideB: Int
    /// The number of rows (inner runs).
    let rows: Int

    /// Plans `a op b` into `output`, which must be the (validated) broadcast of `a` and `b`.
    init(_ a: Shape, _ b: Shape, output: Shape) {
        let rank = output.rank
        func broadcastStrides(_ s: Shape) -> [Int] {
            let padded = [Int](repeating: 1, count: rank - s.rank) + s.dims
            let strides = Shape(padded).strides
            return (0..<rank).map { padded[$0] == 1 ? 0 : strides[$0] }
        }
        let sa = broadcastStrides(a), sb = broadcastStrides(b)
        // Keep only dimensions with more than one element, then merge neighbours that both operands step
        // through contiguously (stride[i] == stride[i + 1] * dim[i + 1], which holds for two broadcast 0s too).
        var dims: [Int] = [], stA: [Int] = [], stB: [Int] = []
        for i in 0..<rank where output.dims[i] != 1 {
            if let last = dims.indices.last,
               stA[last] == sa[i] * output.dims[i], stB[last] == sb[i] * output.dims[i] {
                dims[last] *= output.dims[i]
                stA[last] = sa[i]
                stB[last] = sb[i]
            } else {
                dims.append(output.dims[i])
                stA.append(sa[i])
                stB.append(sb[i])
            }
        }
        if dims.isEmpty {  // one element
            dims = [1]
            stA = [0]
            stB = [0]
        }
        inner = dims.removeLast()
        // With a run of one element the strides do not matter; call it vector-vector.
        innerStrideA = inner == 1 ? 1 : stA.removeLast()
        innerStrideB = inner == 1 ? 1 : stB.removeLast()
        if inner == 1 {
            stA.removeLast()
            stB.removeLast()
        }
        outerDims = dims
        outerStridesA = stA
        outerStridesB = stB
        rows = dims.reduce(1, *)
    }

    /// Calls `body(row, offsetA, offsetB)` for each row in `range`, in order (an odometer over ``outerDims``).
    func forEachRow(in range: Range<Int>, _ body: (Int, Int, Int) -> Void) {
        guard !range.isEmpty else { return }
        let rank = outerDims.count
        var index = [Int](repeating: 0, count: rank)
        var rest = range.lowerBound
        var offA = 0, offB = 0
        for d in stride(from: rank - 1, through: 0, by: -1) {
            index[d] = rest % outerDims[d]
            rest /= outerDims[d]
            offA += index[d] * outerStridesA[d]
            offB += index[d] * outerStridesB[d]
        }
        for row in range {
            body(row, offA, offB)
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                offA += outerStridesA[d]
                offB += outerStridesB[d]
                if index[d] < outerDims[d] { break }
                offA -= index[d] * outerStridesA[d]
                offB -= index[d] * outerStridesB[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// Pieces of work for `parts` threads: whole rows when there are enough rows, otherwise every row cut
    /// into column ranges (multiples of 64 elements, so each piece starts on a cache line when the row does).
    func tasks(parts: Int) -> [(rows: Range<Int>, columns: Range<Int>)] {
        if parts <= 1 { return [(0..<rows, 0..<inner)] }
        if rows >= parts { return partition(rows, parts: parts).map { ($0, 0..<inner) } }
        let perRow = (parts + rows - 1) / rows
        let columnRanges = partition(inner, parts: perRow, granule: 64)
        return (0..<rows).flatMap { r in columnRanges.map { (r..<r + 1, $0) } }
    }
}
