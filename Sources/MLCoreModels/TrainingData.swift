import MLCoreTensor

/// Checked training input: features as float64 row-major, labels as class indices into ``classes``.
/// Every check that user data can fail is made here, before a kernel runs.
struct TrainingData {
    var rows: Int
    var featureCount: Int
    /// `[rows * featureCount]`, row-major.
    var x: [Double]
    /// Class index per row (into `classes`).
    var y: [Int]
    var classes: [Int]

    /// - Parameter classes: the class numbers to index into; `nil` takes the distinct labels found, ascending.
    init(features: Tensor, labels: Tensor, classes knownClasses: [Int]? = nil, what: String = "training") throws {
        guard features.rank == 2 else {
            throw ModelError.invalidShape("\(what) features must be [rows, features], got \(features.shape)")
        }
        rows = features.shape[0]
        featureCount = features.shape[1]
        guard rows > 0 else { throw ModelError.emptyData("the \(what) set has no rows") }
        guard featureCount > 0 else { throw ModelError.emptyData("the \(what) set has no feature columns") }
        guard labels.count == rows, labels.rank <= 2, labels.rank == 1 || labels.shape.dims.last == 1 else {
            throw ModelError.invalidShape("\(what) labels must be [\(rows)], got \(labels.shape)")
        }
        x = try doubles(features, what: "\(what) features", columns: featureCount)
        let raw = try doubles(labels, what: "\(what) labels", columns: 1)
        var ints = [Int](repeating: 0, count: rows)
        for (r, v) in raw.enumerated() {
            guard v >= 0, v <= Double(Int32.max), v.rounded() == v else { throw ModelError.invalidLabel(row: r, value: v) }
            ints[r] = Int(v)
        }
        if let knownClasses {
            classes = knownClasses
            var index: [Int: Int] = [:]
            for (i, c) in knownClasses.enumerated() { index[c] = i }
            y = try ints.enumerated().map { r, c in
                guard let i = index[c] else { throw ModelError.invalidLabel(row: r, value: Double(c)) }
                return i
            }
        } else {
            classes = Array(Set(ints)).sorted()
            guard classes.count >= 2 else { throw ModelError.oneClass(classes[0]) }
            var index: [Int: Int] = [:]
            for (i, c) in classes.enumerated() { index[c] = i }
            y = ints.map { index[$0]! }
        }
    }
}

/// A numeric tensor's elements as float64, refusing NaN and infinity (named by row and column).
func doubles(_ t: Tensor, what: String, columns: Int) throws -> [Double] {
    let values: [Double]
    switch t.dtype {
    case .float32: values = try t.withUnsafeBufferPointer(as: Float.self) { $0.map(Double.init) }
    case .float64: values = try t.scalars(as: Double.self)
    case .int64: values = try t.withUnsafeBufferPointer(as: Int64.self) { $0.map(Double.init) }
    case .int32: values = try t.withUnsafeBufferPointer(as: Int32.self) { $0.map(Double.init) }
    default: throw ModelError.invalidShape("\(what) have element type \(t.dtype); expected float32, float64, int64 or int32")
    }
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
        throw ModelError.nonFinite(what: what, row: bad / max(columns, 1), column: bad % max(columns, 1))
    }
    return values
}
