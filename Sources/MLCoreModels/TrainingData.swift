import MLCoreTensor

/// Checked training input: features kept as given (no copy), labels as class indices into ``classes``.
/// Every check that user data can fail is made here, before a kernel runs.
struct TrainingData {
    var rows: Int
    var featureCount: Int
    /// `[rows, featureCount]` float32 or float64 (integer inputs are converted to float64 once).
    var features: Tensor
    /// Class index per row (into `classes`).
    var y: [Int]
    var classes: [Int]

    /// - Parameters:
    ///   - classes: the class numbers to index into; `nil` takes the distinct labels found, ascending.
    ///   - allowNonFinite: keep NaN and infinities in the features (tree models treat NaN as missing).
    init(features: Tensor, labels: Tensor, classes knownClasses: [Int]? = nil, what: String = "training",
         allowNonFinite: Bool = false) throws {
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
        self.features = allowNonFinite ? features : try floatingFeatures(features, what: "\(what) features")
        // NaN and infinities are not class numbers: refused below as invalid labels, like -1 or 0.5.
        let raw = try doubles(labels, what: "\(what) labels", columns: 1, finite: false)
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
                guard let i = index[c] else { throw ModelError.unknownClass(what: what, row: r, value: c) }
                return i
            }
        } else {
            classes = Array(Set(ints)).sorted()
            guard classes.count <= maxClasses else { throw ModelError.tooManyClasses(classes.count) }
            guard classes.count >= 2 else { throw ModelError.oneClass(classes[0]) }
            var index: [Int: Int] = [:]
            for (i, c) in classes.enumerated() { index[c] = i }
            y = ints.map { index[$0]! }
        }
    }
}

extension TrainingData {
    /// The training set and, when given, the validation set, checked together: validation labels must be
    /// training classes and the feature counts must agree.
    static func checked(features: Tensor, labels: Tensor, validation: ValidationSet?,
                        allowNonFinite: Bool = false) throws -> (train: TrainingData, validation: TrainingData?) {
        let data = try TrainingData(features: features, labels: labels, allowNonFinite: allowNonFinite)
        let valid = try validation.map {
            try TrainingData(features: $0.features, labels: $0.labels, classes: data.classes, what: "validation",
                             allowNonFinite: allowNonFinite)
        }
        if let valid, valid.featureCount != data.featureCount {
            throw ModelError.featureCountMismatch(expected: data.featureCount, actual: valid.featureCount)
        }
        return (data, valid)
    }
}

/// `x` as float32 or float64 (as given; integers become float64), after checking every value is finite.
func floatingFeatures(_ x: Tensor, what: String) throws -> Tensor {
    let columns = x.rank == 2 ? max(x.shape[1], 1) : 1
    func check<T: BinaryFloatingPoint & TensorScalar>(_: T.Type) throws {
        let bad = try x.withUnsafeBufferPointer(as: T.self) { p -> Int? in
            for i in 0..<p.count where !p[i].isFinite { return i }
            return nil
        }
        if let bad { throw ModelError.nonFinite(what: what, row: bad / columns, column: bad % columns) }
    }
    switch x.dtype {
    case .float32: try check(Float.self); return x
    case .float64: try check(Double.self); return x
    default: return try Tensor(shape: x.shape, scalars: try doubles(x, what: what, columns: columns))
    }
}

/// Per-column mean and standard deviation (population, as scikit-learn's `StandardScaler`) of a float32 or
/// float64 `[rows, columns]` tensor, accumulated in float64. A constant column gets scale 1.
func columnMoments(_ x: Tensor) throws -> (mean: [Double], scale: [Double]) {
    let rows = x.shape[0], f = x.shape[1]
    func moments<T: BinaryFloatingPoint>(_ p: UnsafeBufferPointer<T>) -> ([Double], [Double]) {
        var mean = [Double](repeating: 0, count: f), variance = [Double](repeating: 0, count: f)
        for r in 0..<rows { for j in 0..<f { mean[j] += Double(p[r * f + j]) } }
        for j in 0..<f { mean[j] /= Double(rows) }
        for r in 0..<rows { for j in 0..<f { let d = Double(p[r * f + j]) - mean[j]; variance[j] += d * d } }
        let scale = variance.map { v -> Double in
            let s = (v / Double(rows)).squareRoot()
            return s > 0 && s.isFinite ? s : 1
        }
        return (mean, scale)
    }
    switch x.dtype {
    case .float32: return try x.withUnsafeBufferPointer(as: Float.self) { moments($0) }
    default: return try x.withUnsafeBufferPointer(as: Double.self) { moments($0) }
    }
}

/// `(x - mean) / scale` as a float32 `[rows, columns]` tensor, in one pass (`mean`/`scale` may be empty: no
/// transform; a float32 input is then returned as is).
func designMatrix(_ x: Tensor, mean: [Double], scale: [Double]) throws -> Tensor {
    if mean.isEmpty && x.dtype == .float32 { return x }
    let rows = x.shape[0], f = x.shape[1]
    var out = try Tensor(zeros: [rows, f], dtype: .float32)
    let inverse = scale.map { 1 / $0 }
    try out.withUnsafeMutableBufferPointer(as: Float.self) { o in
        func fill<T: BinaryFloatingPoint>(_ p: UnsafeBufferPointer<T>) {
            if mean.isEmpty {
                for i in 0..<(rows * f) { o[i] = Float(p[i]) }
                return
            }
            for r in 0..<rows { for j in 0..<f { o[r * f + j] = Float((Double(p[r * f + j]) - mean[j]) * inverse[j]) } }
        }
        switch x.dtype {
        case .float32: try x.withUnsafeBufferPointer(as: Float.self) { fill($0) }
        default: try x.withUnsafeBufferPointer(as: Double.self) { fill($0) }
        }
    }
    return out
}

/// A numeric tensor's elements as float64, refusing NaN and infinity (named by row and column) unless `finite` is
/// false.
func doubles(_ t: Tensor, what: String, columns: Int, finite: Bool = true) throws -> [Double] {
    let values: [Double]
    switch t.dtype {
    case .float32: values = try t.withUnsafeBufferPointer(as: Float.self) { $0.map(Double.init) }
    case .float64: values = try t.scalars(as: Double.self)
    case .int64: values = try t.withUnsafeBufferPointer(as: Int64.self) { $0.map(Double.init) }
    case .int32: values = try t.withUnsafeBufferPointer(as: Int32.self) { $0.map(Double.init) }
    default: throw ModelError.invalidShape("\(what) have element type \(t.dtype); expected float32, float64, int64 or int32")
    }
    if finite, let bad = values.firstIndex(where: { !$0.isFinite }) {
        throw ModelError.nonFinite(what: what, row: bad / max(columns, 1), column: bad % max(columns, 1))
    }
    return values
}
