import MLCoreTensor

/// Standardization `(x - mean) / scale` per column, as scikit-learn's `StandardScaler`: the mean and the
/// population standard deviation (`ddof = 0`) are computed in Float64 over the non-missing values; missing values
/// (NaN) are ignored by ``fit(_:)`` and stay NaN through ``transform(_:)``; a constant column gets scale 1.
///
/// ```swift
/// var scaler = StandardScaler()
/// let z = try scaler.fitTransform(trainX)    // float32 in, float32 out
/// let zTest = try scaler.transform(testX)
/// ```
/// - Complexity: fit O(rows x columns), two passes (mean, then squared deviations); transform one pass.
public struct StandardScaler: Sendable, Equatable {
    /// Per-column mean (empty before ``fit(_:)``).
    public private(set) var mean: [Double] = []
    /// Per-column standard deviation, 1 for constant columns.
    public private(set) var scale: [Double] = []
    /// Per-column count of non-missing values seen by ``fit(_:)``.
    public private(set) var sampleCount: [Int] = []

    public init() {}

    /// Creates a fitted scaler.
    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
        sampleCount = [Int](repeating: 0, count: mean.count)
    }

    /// Learns mean and scale of each column of a float32 or float64 `[rows, columns]` tensor (rank 1: one column).
    /// - Throws: ``DataError`` `.invalidRequest` for another rank or element type.
    public mutating func fit(_ x: Tensor) throws {
        let (rows, columns) = try Self.matrixShape(x)
        var sum = [Double](repeating: 0, count: columns)
        var count = [Int](repeating: 0, count: columns)
        try Self.forEachRow(x, rows: rows, columns: columns) { row in
            for c in 0..<columns where !row[c].isNaN {
                sum[c] += row[c]
                count[c] += 1
            }
        }
        let m = (0..<columns).map { count[$0] > 0 ? sum[$0] / Double(count[$0]) : .nan }
        var squares = [Double](repeating: 0, count: columns)
        try Self.forEachRow(x, rows: rows, columns: columns) { row in
            for c in 0..<columns where !row[c].isNaN {
                let d = row[c] - m[c]
                squares[c] += d * d
            }
        }
        mean = m
        sampleCount = count
        scale = (0..<columns).map { c in
            guard count[c] > 0 else { return 1 }
            let n = Double(count[c])
            let variance = squares[c] / n
            // scikit-learn's `_is_constant_feature`: a variance within rounding noise of zero means constant.
            let eps = Double.ulpOfOne
            let bound = n * eps * variance + (n * m[c] * eps) * (n * m[c] * eps)
            return variance <= bound ? 1 : variance.squareRoot()
        }
    }

    /// Standardizes `x` (same number of columns as during fit), keeping its element type.
    /// - Throws: ``DataError`` `.invalidRequest` before fit or for a column-count mismatch.
    public func transform(_ x: Tensor) throws -> Tensor {
        try apply(x) { v, c in (v - mean[c]) / scale[c] }
    }

    /// The inverse: `z * scale + mean`.
    public func inverseTransform(_ z: Tensor) throws -> Tensor {
        try apply(z) { v, c in v * scale[c] + mean[c] }
    }

    /// ``fit(_:)`` then ``transform(_:)``.
    public mutating func fitTransform(_ x: Tensor) throws -> Tensor {
        try fit(x)
        return try transform(x)
    }

    private func apply(_ x: Tensor, _ f: (Double, Int) -> Double) throws -> Tensor {
        let (rows, columns) = try Self.matrixShape(x)
        guard columns == mean.count else {
            throw DataError(.invalidRequest, file: "StandardScaler", position: "input",
                            reason: mean.isEmpty ? "transform before fit" : "fitted on \(mean.count) columns, got \(columns)")
        }
        var out = x
        func run<T: BinaryFloatingPoint & TensorScalar>(_: T.Type) throws {
            try out.withUnsafeMutableBufferPointer(as: T.self) { o in
                for r in 0..<rows {
                    for c in 0..<columns {
                        let i = r * columns + c
                        o[i] = T(f(Double(o[i]), c))
                    }
                }
            }
        }
        if x.dtype == .float32 { try run(Float.self) } else { try run(Double.self) }
        return out
    }

    static func matrixShape(_ x: Tensor) throws -> (rows: Int, columns: Int) {
        guard x.dtype == .float32 || x.dtype == .float64 else {
            throw DataError(.invalidRequest, file: "StandardScaler", position: "input",
                            reason: "expected float32 or float64, got \(x.dtype)")
        }
        switch x.rank {
        case 1: return (x.shape[0], 1)
        case 2: return (x.shape[0], x.shape[1])
        default:
            throw DataError(.invalidRequest, file: "StandardScaler", position: "input",
                            reason: "expected a [rows, columns] tensor, got shape \(x.shape)")
        }
    }

    /// Calls `body` with each row converted to Double.
    static func forEachRow(_ x: Tensor, rows: Int, columns: Int, _ body: ([Double]) -> Void) throws {
        var row = [Double](repeating: 0, count: columns)
        if x.dtype == .float32 {
            try x.withUnsafeBufferPointer(as: Float.self) { v in
                for r in 0..<rows {
                    for c in 0..<columns { row[c] = Double(v[r * columns + c]) }
                    body(row)
                }
            }
        } else {
            try x.withUnsafeBufferPointer(as: Double.self) { v in
                for r in 0..<rows {
                    for c in 0..<columns { row[c] = v[r * columns + c] }
                    body(row)
                }
            }
        }
    }
}
