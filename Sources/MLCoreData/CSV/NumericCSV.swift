import Foundation
import MLCoreTensor

/// A CSV file of numbers: a header row of column names, then one row of numeric cells per record.
///
/// Fields may be quoted (`"1.5"`, with `""` for a quote inside); an empty cell or a missing-value marker
/// (``CSVOptions/missingValues``) is a missing value (NaN). Every row must have as many cells as the header;
/// blank lines are skipped. Errors name the file, line and column. Values are parsed to Float32, correctly
/// rounded (see `DecimalParser.swift`).
///
/// ```swift
/// let csv = try NumericCSV(contentsOf: URL(fileURLWithPath: "datasets/build/airline-nyc2013/train.csv"))
/// let (x, y) = try csv.split(label: "dep_delayed_15min")   // [rows, 129] and [rows]
/// ```
/// - Complexity: O(bytes), one pass after a newline count; about 4 bytes of output per cell and no allocation per
///   cell. Measured with `Benchmarks/CSVBench` (see `datasets/README.md`).
public struct NumericCSV: Sendable {
    /// Column names from the header row.
    public var columns: [String]
    /// `[rows, columns]` float32 values, row-major.
    public var values: Tensor
    /// The source named in errors (a path, or `<memory>`).
    public var file: String

    public var rowCount: Int { values.shape[0] }

    /// Reads and parses a file.
    /// - Throws: ``DataError`` for a missing or unreadable file; ``CSVError`` for an empty file, a ragged row or a
    ///   non-numeric cell.
    public init(contentsOf url: URL, options: CSVOptions = CSVOptions()) throws {
        try self.init(bytes: FileBytes(path: url.path), options: options)
    }

    /// Parses CSV bytes; `file` names the source in errors.
    public init(bytes: [UInt8], file: String = "<memory>", options: CSVOptions = CSVOptions()) throws {
        let copy = bytes.withUnsafeBytes { FileBytes(copying: $0, file: file) }
        try self.init(bytes: copy, options: options)
    }

    init(bytes input: FileBytes, options: CSVOptions) throws {
        file = input.file
        (columns, values) = try NumericCSVParser(input: input, options: options).parse()
    }

    /// The index of the column named `name`.
    /// - Throws: ``CSVError`` on line 1 (the header) listing the columns that exist.
    public func columnIndex(named name: String) throws -> Int {
        guard let i = columns.firstIndex(of: name) else {
            throw CSVError(file: file, line: 1, column: 0,
                           reason: "no column named '\(name)'; the header has \(columns.count) columns: \(columnList(columns))")
        }
        return i
    }

    /// Splits off the label column: features `[rows, columns - 1]` (in file order, without the label) and labels
    /// `[rows]`, both float32.
    /// - Throws: ``CSVError`` when there is no column named `label`.
    public func split(label: String) throws -> (features: Tensor, labels: Tensor) {
        let l = try columnIndex(named: label)
        let rows = rowCount, width = columns.count
        var features = try Tensor(zeros: [rows, width - 1])
        var labels = try Tensor(zeros: [rows])
        try values.withUnsafeBufferPointer(as: Float.self) { v in
            try features.withUnsafeMutableBufferPointer(as: Float.self) { f in
                try labels.withUnsafeMutableBufferPointer(as: Float.self) { y in
                    for r in 0..<rows {
                        let src = v.baseAddress! + r * width
                        let dst = f.baseAddress! + r * (width - 1)
                        if l > 0 { dst.update(from: src, count: l) }
                        if l + 1 < width { (dst + l).update(from: src + l + 1, count: width - l - 1) }
                        y[r] = src[l]
                    }
                }
            }
        }
        return (features, labels)
    }

    /// The feature column names, without `label`.
    public func featureNames(label: String) throws -> [String] {
        let l = try columnIndex(named: label)
        var names = columns
        names.remove(at: l)
        return names
    }
}

/// "a, b, c" for up to 12 names, then "... (N more)".
func columnList(_ names: [String]) -> String {
    let shown = names.prefix(12).joined(separator: ", ")
    return names.count > 12 ? shown + ", ... (\(names.count - 12) more)" : shown
}

/// The single pass behind ``NumericCSV``.
///
/// Each cell is first tried on the fast path: the decimal scanner reads the number in place, and the byte after it
/// must be the separator expected at this column (`,` inside a row; `\n`, `\r\n` or the end after the last cell).
/// Anything else (quotes, spaces, missing values, long numbers, errors) goes through the general tokenizer and
/// `parseCell`, which is where every error is raised.
struct NumericCSVParser {
    let input: FileBytes
    let options: CSVOptions

    func parse() throws -> ([String], Tensor) {
        let file = input.file
        let end = input.end
        let tokenizer = CSVTokenizer(file: file, end: end)
        var (columns, p, line) = try tokenizer.header(of: input)
        let width = columns.count

        // Every record but the last ends with a newline, so the newline count bounds the row count; so does the
        // size, since a record takes at least `width` bytes (separators), which keeps a file of blank lines
        // from asking for a huge tensor.
        var capacity = 0
        if p < end {
            capacity = countNewlines(p, end) + (end[-1] == UInt8(ascii: "\n") ? 0 : 1)
            capacity = Swift.min(capacity, (end - p) / Swift.max(width, 1) + 1)
        }
        let (cells, overflow) = capacity.multipliedReportingOverflow(by: width)
        guard !overflow, cells < Int.max / 4 else {
            throw CSVError(file: file, line: 0, column: 0, reason: "too many cells (\(capacity) rows of \(width))")
        }
        var values = try Tensor(zeros: [capacity, width])
        let missing = options.missingMarkers
        let rows = try values.withUnsafeMutableBufferPointer(as: Float.self) { out -> Int in
            var row = 0
            var o = out.baseAddress!
            let last = width - 1
            while p < end {
                if p[0] == UInt8(ascii: "\n") {
                    p += 1
                    line += 1
                    continue
                }
                if p[0] == UInt8(ascii: "\r") && p[1] == UInt8(ascii: "\n") {
                    p += 2
                    line += 1
                    continue
                }
                let recordLine = line
                var c = 0
                while true {
                    // Fastest path: one digit and a comma (one-hot and small-count columns are mostly this).
                    let d = p[0] &- 48
                    if d <= 9 && p[1] == UInt8(ascii: ",") && c < last {
                        o[c] = Float(d)
                        p += 2
                        c += 1
                        continue
                    }
                    // Fast path: a plain number followed by the separator this column needs.
                    if let scan = scanDecimal(p), let v = scan.fastFloat {
                        let q = scan.end
                        let b = q[0]
                        if c < last {
                            if b == UInt8(ascii: ",") {
                                o[c] = v
                                p = q + 1
                                c += 1
                                continue
                            }
                        } else if b == UInt8(ascii: "\n") {
                            o[c] = v
                            p = q + 1
                            line += 1
                            break
                        } else if q == end {
                            o[c] = v
                            p = q
                            break
                        } else if b == UInt8(ascii: "\r") && q[1] == UInt8(ascii: "\n") {
                            o[c] = v
                            p = q + 2
                            line += 1
                            break
                        }
                    }
                    // General path.
                    let field = try tokenizer.field(at: p, line: &line, recordLine: recordLine, column: c + 1)
                    switch parseCell(field.bytes, as: Float.self, missing: missing) {
                    case .number(let v): o[c] = v
                    case .missing: o[c] = .nan
                    case .notANumber:
                        throw CSVError(file: file, line: recordLine, column: c + 1,
                                       reason: "'\(printable(field.bytes))' in column '\(columns[c])' is not a number")
                    }
                    let (next, ended) = tokenizer.skipSeparator(field.next, line: &line)
                    if ended != (c == last) {
                        let n = ended ? c + 1 : tokenizer.fieldCount(at: p, line: recordLine) + c
                        throw CSVError(file: file, line: recordLine, column: Swift.min(c + 2, width + 1),
                                       reason: "row has \(n) cells, the header has \(width)")
                    }
                    p = next
                    if ended { break }
                    c += 1
                }
                row += 1
                o += width
            }
            return row
        }
        if rows < capacity { values = try values.rows(0..<rows) }
        return (columns, values)
    }
}

/// The number of `\n` bytes in `[p, end)`, eight bytes at a time: a byte of `w ^ 0x0A..` is zero exactly where
/// `w` holds a newline, and `~(((x & 0x7F..) + 0x7F..) | x | 0x7F..)` sets the top bit of exactly the zero bytes
/// (no carry crosses bytes). memchr per line was slower on short lines, and a byte loop did not vectorize well.
func countNewlines(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let newlines = 0x0A &* ones, low7 = 0x7F &* ones
    var count = 0
    var q = UnsafeRawPointer(p)
    let stop = UnsafeRawPointer(end)
    while stop - q >= 8 {
        let x = q.loadUnaligned(as: UInt64.self) ^ newlines
        let zeros = ~(((x & low7) &+ low7) | x | low7)
        count &+= Int(truncatingIfNeeded: ((zeros >> 7) &* ones) >> 56)
        q += 8
    }
    while q < stop {
        if q.load(as: UInt8.self) == 0x0A { count += 1 }
        q += 1
    }
    return count
}
