import MLCoreTensor
/// A benchm-ml-like binary classification task, generated deterministically at any size and streamed to disk.
///
/// Like the airline task it has a few numeric features, three categorical features of growing cardinality and a
/// minority positive class (about 20 %); the label depends non-linearly on them (a square, a product of two
/// features, a time-of-day window, a spike at zero, per-category effects and a category-by-category interaction),
/// plus Gaussian-like noise, and 5 % of labels are flipped.
///
/// Every value is computed in integer arithmetic from ``SplitMix64``: numeric features are fixed-point numbers with
/// four decimals (an `Int64` count of 1/10,000) and the score is a sum of such numbers, so there is no libm call,
/// no rounding and nothing a compiler could fuse: every machine writes the same bytes for the same `rows` and
/// `seed`. Rows are drawn in order, each from the same number of generator outputs, so row `i` does not depend on
/// how many rows follow. The last `rows / 5` rows form the test split.
///
/// Columns (label last):
///
/// | column         | kind                | distribution                                             |
/// |----------------|---------------------|----------------------------------------------------------|
/// | `num_uniform`  | numeric, 4 decimals | uniform on [-1, 1]                                       |
/// | `num_normal`   | numeric, 4 decimals | about N(0, 1): centred sum of four 12-bit uniforms       |
/// | `num_skewed`   | numeric, 4 decimals | 5 x (product of two uniforms on [0, 1)), density ~ -log |
/// | `num_minute`   | numeric, integer    | minute of the day, uniform on 0...1439                   |
/// | `num_spiky`    | numeric, 4 decimals | 0 with probability 0.3, else uniform on [0, 2]           |
/// | `cat_small`    | categorical code    | 20 levels, min of two uniform draws (skewed to 0)        |
/// | `cat_medium`   | categorical code    | 100 levels, uniform                                      |
/// | `cat_skewed`   | categorical code    | 100 levels, product of two uniform draws / 100           |
/// | `label`        | 0 or 1              | 1 when the score exceeds 1.3, then flipped with p = 0.05 |
///
/// - Complexity: O(rows) time, O(1) memory (two 1 MiB write buffers).
public struct SyntheticBinaryTask: Sendable {
    /// Bumped whenever the bytes written for a (rows, seed) change; the manifest records it.
    public static let version = 1
    public static let featureNames = ["num_uniform", "num_normal", "num_skewed", "num_minute", "num_spiky",
                                      "cat_small", "cat_medium", "cat_skewed"]
    public static let categoricalFeatures = ["cat_small", "cat_medium", "cat_skewed"]
    public static let labelName = "label"
    /// Accepted sizes: the benchm-ml sizes 10K ... 10M fit comfortably; 100M rows are about 4.5 GB of CSV.
    public static let rowRange = 1...100_000_000

    /// Total rows (train + test).
    public let rows: Int
    public let seed: UInt64

    /// - Throws: ``DataError`` `.invalidRequest` when `rows` is outside ``rowRange``.
    public init(rows: Int, seed: UInt64) throws {
        guard Self.rowRange.contains(rows) else {
            throw DataError(.invalidRequest, file: "synthetic", position: "rows",
                            reason: "rows must be in \(Self.rowRange.lowerBound)...\(Self.rowRange.upperBound), got \(rows)")
        }
        self.rows = rows
        self.seed = seed
    }

    public var testRows: Int { rows / 5 }
    public var trainRows: Int { rows - testRows }

    /// Writes `train.csv` (the first ``trainRows`` rows) and `test.csv` (the rest) into `directory`.
    /// - Parameter progress: called with the fraction done, about every 1 % of rows.
    /// - Returns: the files written, with their SHA-256.
    public func write(toDirectory directory: String, progress: (Double) -> Void = { _ in }) throws -> [WrittenFile] {
        var generator = SyntheticRowGenerator(seed: seed)
        var written: [WrittenFile] = []
        var done = 0
        let step = Swift.max(rows / 100, 10_000)
        for (name, count) in [("train.csv", trainRows), ("test.csv", testRows)] {
            let path = directory + "/" + name
            let out = try BufferedFileWriter(path: path)
            try out.append((Self.featureNames + [Self.labelName]).joined(separator: ",") + "\n")
            var left = count
            while left > 0 {
                let n = Swift.min(left, step)
                for _ in 0..<n { try generator.writeRow(to: out) }
                left -= n
                done += n
                progress(Double(done) / Double(rows))
            }
            let (bytes, sha) = try out.finish()
            written.append(WrittenFile(name: name, path: path, rows: count, bytes: bytes, sha256: sha))
        }
        return written
    }
}

/// A file a build wrote: its name, where, how many data rows (header excluded), its size and SHA-256.
public struct WrittenFile: Sendable, Equatable {
    public var name: String
    public var path: String
    public var rows: Int
    public var bytes: Int
    public var sha256: String
}

/// Draws the rows of ``SyntheticBinaryTask`` (eleven generator outputs per row, always).
struct SyntheticRowGenerator {
    /// Fixed-point scale: values are counts of 1/10,000.
    static let scale: Int64 = 10_000
    /// The per-category effects are part of the task, not of the sample: they come from a fixed seed, so data
    /// drawn with different seeds follow one distribution.
    static let effects: (small: [Int64], medium: [Int64], skewed: [Int64]) = {
        var g = SplitMix64(seed: 0x0DDB_1A5E_5BAD_5EED)
        let small = (0..<20).map { _ in g.below(16_001) - 8_000 }
        let medium = (0..<100).map { _ in g.below(10_001) - 5_000 }
        let skewed = (0..<100).map { _ in g.below(10_001) - 5_000 }
        return (small, medium, skewed)
    }()
    /// Score threshold (1.3), chosen for a positive rate near 20 % before label noise.
    static let threshold: Int64 = 13_000

    var g: SplitMix64
    let small: [Int64], medium: [Int64], skewed: [Int64]

    init(seed: UInt64) {
        g = SplitMix64(seed: seed)
        (small, medium, skewed) = Self.effects
    }

    /// A centred Irwin-Hall draw from one 64-bit output: four 12-bit uniforms summed, scaled to unit variance
    /// (their sum has mean 8190 and standard deviation 4096 sqrt(4/12) = 2364.8).
    @inline(__always)
    static func normal(_ r: UInt64) -> Int64 {
        let t = Int64(r & 4095) + Int64((r >> 16) & 4095) + Int64((r >> 32) & 4095) + Int64((r >> 48) & 4095)
        return (t - 8190) * scale / 2365
    }

    /// One row's values: five numeric (fixed-point, `minute` an integer), three codes and the label.
    @inline(__always)
    mutating func nextRow() -> (numeric: (Int64, Int64, Int64, Int64, Int64), codes: (Int64, Int64, Int64), label: Int64) {
        let s = Self.scale
        let uniform = g.below(20_001) - 10_000
        let normal = Self.normal(g.next())
        let a = g.next() >> 32, b = g.next() >> 32
        let skewedValue = Int64(truncatingIfNeeded: (((a &* b) >> 32) &* 50_001) >> 32)
        let minute = g.below(1440)
        let spikyDraw = g.next()
        let spiky: Int64 = (spikyDraw >> 32) % 10 < 3 ? 0 : Int64(truncatingIfNeeded: ((spikyDraw & 0xFFFF_FFFF) &* 20_001) >> 32)
        let smallDraw = g.next()
        let catSmall = Int64(Swift.min((smallDraw >> 32) % 20, (smallDraw & 0xFFFF_FFFF) % 20))
        let catMedium = g.below(100)
        let skewedDraw = g.next()
        let catSkewed = Int64((skewedDraw >> 32) % 100 * ((skewedDraw & 0xFFFF_FFFF) % 100) / 100)
        let noise = Self.normal(g.next())
        let flip = g.below(100) < 5

        var score = 8 * uniform / 10
        score += (normal * normal / s - s) / 2
        score += 6 * (uniform * skewedValue / s) / 10
        score -= 3 * skewedValue / 10
        if minute >= 1020 && minute < 1260 { score += 7_000 }
        if spiky == 0 { score += 4_000 }
        score -= 2 * spiky / 10
        score += small[Int(catSmall)] + medium[Int(catMedium)] + skewed[Int(catSkewed)]
        if catMedium % 9 == catSkewed % 9 { score += 8_000 }
        score += 6 * noise / 10
        var label: Int64 = score > Self.threshold ? 1 : 0
        if flip { label = 1 - label }
        return ((uniform, normal, skewedValue, minute, spiky), (catSmall, catMedium, catSkewed), label)
    }

    @inline(__always)
    mutating func writeRow(to out: BufferedFileWriter) throws {
        let row = nextRow()
        try out.appendFixed(row.numeric.0, decimals: 4)
        try out.append(byte: UInt8(ascii: ","))
        try out.appendFixed(row.numeric.1, decimals: 4)
        try out.append(byte: UInt8(ascii: ","))
        try out.appendFixed(row.numeric.2, decimals: 4)
        try out.append(byte: UInt8(ascii: ","))
        try out.append(row.numeric.3)
        try out.append(byte: UInt8(ascii: ","))
        try out.appendFixed(row.numeric.4, decimals: 4)
        try out.append(byte: UInt8(ascii: ","))
        try out.append(row.codes.0)
        try out.append(byte: UInt8(ascii: ","))
        try out.append(row.codes.1)
        try out.append(byte: UInt8(ascii: ","))
        try out.append(row.codes.2)
        try out.append(byte: UInt8(ascii: ","))
        try out.append(row.label)
        try out.append(byte: UInt8(ascii: "\n"))
    }
}
