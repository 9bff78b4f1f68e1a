import MLCoreTensor

/// One-hot encoding of categorical columns, as scikit-learn's `OneHotEncoder(sparse_output=False)`: ``fit(_:)``
/// learns each column's categories (sorted), ``transform(_:)`` writes one 0/1 float32 column per category.
///
/// Input is a `[rows, columns]` tensor (a rank-1 tensor is one column) of strings or numbers (float32, float64,
/// int32, int64). A missing value (NaN) is refused during ``fit(_:)`` and ``transform(_:)``: nothing is
/// silently dropped. A category not seen during fit raises an error, or with `handleUnknown: .ignore`
/// encodes as all zeros (scikit-learn's `handle_unknown="ignore"`).
///
/// ```swift
/// var enc = OneHotEncoder(handleUnknown: .ignore)
/// try enc.fit(carriers)                                    // [rows, 1] strings
/// let x = try enc.transform(carriers)                      // [rows, categories] float32
/// enc.featureNames(["carrier"])                            // ["carrier_9E", "carrier_AA", ...]
/// ```
/// - Complexity: fit O(rows x columns x log categories); transform O(rows x output columns).
public struct OneHotEncoder: Sendable, Equatable {
    /// A category value: a number or a string. Numbers sort before strings; numbers by value, strings by their
    /// Unicode scalars (byte order for UTF-8), as NumPy sorts them.
    public enum Category: Hashable, Comparable, Sendable, CustomStringConvertible {
        case number(Double)
        case text(String)

        public static func < (a: Category, b: Category) -> Bool {
            switch (a, b) {
            case let (.number(x), .number(y)): return x < y
            case let (.text(x), .text(y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
            case (.number, .text): return true
            case (.text, .number): return false
            }
        }

        /// The text used in feature names: integral numbers without a fraction (`3`, not `3.0`).
        public var description: String {
            switch self {
            case .number(let x):
                return x == x.rounded() && Swift.abs(x) < 9.007_199_254_740_992e15 ? String(Int64(x)) : String(x)
            case .text(let s): return s
            }
        }
    }

    public enum UnknownPolicy: Sendable, Equatable {
        /// Throw on a category not seen during fit.
        case error
        /// Encode it as all zeros.
        case ignore
    }

    public var handleUnknown: UnknownPolicy
    /// The sorted categories of each input column (empty before ``fit(_:)``).
    public private(set) var categories: [[Category]] = []
    private var lookup: [[Category: Int]] = []

    public init(handleUnknown: UnknownPolicy = .error) {
        self.handleUnknown = handleUnknown
    }

    /// Creates a fitted encoder from known categories (sorted and deduplicated here).
    public init(categories: [[Category]], handleUnknown: UnknownPolicy = .error) {
        self.handleUnknown = handleUnknown
        setCategories(categories.map { Array(Set($0)).sorted() })
    }

    private mutating func setCategories(_ c: [[Category]]) {
        categories = c
        lookup = c.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, $0) }) }
    }

    /// The number of output columns: the total number of categories.
    public var outputWidth: Int { categories.reduce(0) { $0 + $1.count } }

    /// Where each input column's block of outputs starts.
    public var outputOffsets: [Int] {
        var offsets: [Int] = []
        var acc = 0
        for c in categories {
            offsets.append(acc)
            acc += c.count
        }
        return offsets
    }

    /// Learns the categories of every column of `x`.
    /// - Throws: ``DataError`` `.invalidRequest` for a rank other than 1 or 2, a bool tensor, or a missing value
    ///   (naming row and column).
    public mutating func fit(_ x: Tensor) throws {
        let (rows, columns) = try Self.matrixShape(x)
        var seen = [Set<Category>](repeating: [], count: columns)
        try Self.forEach(x, rows: rows, columns: columns) { r, c, value in seen[c].insert(value) }
        setCategories(seen.map { $0.sorted() })
    }

    /// The output column of `value` in input column `column`, or `nil` when it was not seen during fit.
    public func outputIndex(column: Int, category: Category) -> Int? {
        guard column >= 0 && column < categories.count, let i = lookup[column][category] else { return nil }
        return outputOffsets[column] + i
    }

    /// Encodes `x` (same number of columns as during fit) as a `[rows, outputWidth]` float32 tensor of 0 and 1.
    /// - Throws: ``DataError`` `.invalidRequest` before ``fit(_:)``, for a column-count mismatch, a missing value,
    ///   or an unknown category when ``handleUnknown`` is `.error` (naming row, column and value).
    public func transform(_ x: Tensor) throws -> Tensor {
        let (rows, columns) = try Self.matrixShape(x)
        guard columns == categories.count else {
            throw DataError(.invalidRequest, file: "OneHotEncoder", position: "input",
                            reason: categories.isEmpty ? "transform before fit"
                                : "fitted on \(categories.count) columns, got \(columns)")
        }
        let width = outputWidth
        let offsets = outputOffsets
        var out = try Tensor(zeros: [rows, width])
        try out.withUnsafeMutableBufferPointer(as: Float.self) { o in
            try Self.forEach(x, rows: rows, columns: columns) { r, c, value in
                if let i = lookup[c][value] {
                    o[r * width + offsets[c] + i] = 1
                } else if handleUnknown == .error {
                    throw DataError(.invalidRequest, file: "OneHotEncoder", position: "row \(r), column \(c)",
                                    reason: "category '\(value)' was not seen during fit")
                }
            }
        }
        return out
    }

    /// ``fit(_:)`` then ``transform(_:)``.
    public mutating func fitTransform(_ x: Tensor) throws -> Tensor {
        try fit(x)
        return try transform(x)
    }

    /// Output column names, `"<input>_<category>"` as scikit-learn's `get_feature_names_out`.
    public func featureNames(_ inputNames: [String]) -> [String] {
        var names: [String] = []
        for (c, cats) in categories.enumerated() {
            let prefix = c < inputNames.count ? inputNames[c] : "x\(c)"
            for cat in cats { names.append("\(prefix)_\(cat)") }
        }
        return names
    }

    static func matrixShape(_ x: Tensor) throws -> (rows: Int, columns: Int) {
        switch x.rank {
        case 1: return (x.shape[0], 1)
        case 2: return (x.shape[0], x.shape[1])
        default:
            throw DataError(.invalidRequest, file: "OneHotEncoder", position: "input",
                            reason: "expected a [rows, columns] tensor, got shape \(x.shape)")
        }
    }

    /// Calls `body(row, column, category)` for every element in row-major order.
    static func forEach(_ x: Tensor, rows: Int, columns: Int,
                        _ body: (Int, Int, Category) throws -> Void) throws {
        func numbers<T: TensorScalar>(_: T.Type, _ convert: (T) -> Double) throws {
            try x.withUnsafeBufferPointer(as: T.self) { v in
                for r in 0..<rows {
                    for c in 0..<columns {
                        let d = convert(v[r * columns + c])
                        guard !d.isNaN else {
                            throw DataError(.invalidRequest, file: "OneHotEncoder", position: "row \(r), column \(c)",
                                            reason: "missing value (NaN); impute or drop it first")
                        }
                        try body(r, c, .number(d))
                    }
                }
            }
        }
        switch x.dtype {
        case .float32: try numbers(Float.self) { Double($0) }
        case .float64: try numbers(Double.self) { $0 }
        case .int32: try numbers(Int32.self) { Double($0) }
        case .int64: try numbers(Int64.self) { Double($0) }
        case .string:
            let s = try x.strings()
            for r in 0..<rows {
                for c in 0..<columns { try body(r, c, .text(s[r * columns + c])) }
            }
        case .bool:
            throw DataError(.invalidRequest, file: "OneHotEncoder", position: "input", reason: "bool tensors are already one-hot")
        default:
            throw DataError(.invalidRequest, file: "OneHotEncoder", position: "input", reason: "\(x.dtype) columns are not supported; cast to float32, int32, int64 or string")
        }
    }

    public static func == (a: OneHotEncoder, b: OneHotEncoder) -> Bool {
        a.handleUnknown == b.handleUnknown && a.categories == b.categories
    }
}
