import Foundation
import MLCoreTensor

/// A CSV file of mixed columns: each column is read as numbers (Float64) when every non-missing cell is one, and
/// as categories (strings) otherwise, or when ``CSVOptions/categoricalColumns`` names it.
///
/// Quoting, missing values and errors follow ``NumericCSV``. ``report`` is the column-type report: type,
/// missing count, distinct values, range. Use ``NumericCSV`` for all-numeric files: it is faster and reads
/// Float32 directly.
///
/// ```swift
/// let t = try CSVTable(contentsOf: URL(fileURLWithPath: "flights.csv"))
/// print(t.reportText)
/// let carriers = try t.categorical("carrier")   // codes and levels
/// ```
/// - Complexity: O(bytes); two passes (cell boundaries, then one column at a time).
public struct CSVTable: Sendable {
    /// A column's values.
    public enum Column: Sendable, Equatable {
        /// Numbers; a missing cell is NaN.
        case numeric([Double])
        /// Categories: `codes[row]` indexes `levels` (in order of first appearance); `-1` is a missing cell.
        case categorical(codes: [Int32], levels: [String])
    }

    /// The source named in errors.
    public var file: String
    /// Column names from the header row.
    public var columnNames: [String]
    /// One entry per column, in file order.
    public var columns: [Column]
    /// The number of records (rows after the header; blank lines are not records).
    public var rowCount: Int
    /// The 1-based line on which each record starts, for errors about a row.
    public var lineNumbers: [Int32]

    /// Reads and parses a file.
    /// - Throws: ``DataError`` for a missing or unreadable file, ``CSVError`` for malformed CSV.
    public init(contentsOf url: URL, options: CSVOptions = CSVOptions()) throws {
        try self.init(input: FileBytes(path: url.path), options: options)
    }

    /// Parses CSV bytes; `file` names the source in errors.
    public init(bytes: [UInt8], file: String = "<memory>", options: CSVOptions = CSVOptions()) throws {
        try self.init(input: bytes.withUnsafeBytes { FileBytes(copying: $0, file: file) }, options: options)
    }

    init(input: FileBytes, options: CSVOptions) throws {
        file = input.file
        let end = input.end
        let tokenizer = CSVTokenizer(file: file, end: end)
        var (header, p, line) = try tokenizer.header(of: input)
        columnNames = header
        let width = columnNames.count

        // Pass 1: cell boundaries. A cell is (start, length) into the file; an unescaped quoted cell is copied to
        // `arena` and stored with a negative start, `-(offset + 1)`. A quoted empty cell has length -1 (empty
        // string, not missing).
        let base = UnsafePointer(input.base)
        var starts: [Int] = []
        var lengths: [Int32] = []
        var arena: [UInt8] = []
        var lines: [Int32] = []
        starts.reserveCapacity(input.count / 4)
        lengths.reserveCapacity(input.count / 4)
        while p < end {
            if p[0] == UInt8(ascii: "\n") || (p[0] == UInt8(ascii: "\r") && p[1] == UInt8(ascii: "\n")) {
                p += p[0] == UInt8(ascii: "\n") ? 1 : 2
                line += 1
                continue
            }
            let recordLine = line
            lines.append(Int32(truncatingIfNeeded: recordLine))
            var c = 0
            while true {
                let f = try tokenizer.field(at: p, line: &line, recordLine: recordLine, column: c + 1)
                guard f.bytes.count < Int32.max else {
                    throw CSVError(file: file, line: recordLine, column: c + 1, reason: "cell longer than 2 GiB")
                }
                if f.quoted && f.bytes.count == 0 {
                    starts.append(0)
                    lengths.append(-1)
                } else if let b = f.bytes.baseAddress, b >= base && b < end {
                    starts.append(b - base)
                    lengths.append(Int32(f.bytes.count))
                } else {
                    starts.append(-(arena.count + 1))
                    lengths.append(Int32(f.bytes.count))
                    arena.append(contentsOf: f.bytes)
                }
                let (next, ended) = tokenizer.skipSeparator(f.next, line: &line)
                if ended != (c == width - 1) {
                    let n = ended ? c + 1 : tokenizer.fieldCount(at: p, line: recordLine) + c
                    throw CSVError(file: file, line: recordLine, column: Swift.min(c + 2, width + 1),
                                   reason: "row has \(n) cells, the header has \(width)")
                }
                p = next
                if ended { break }
                c += 1
            }
        }
        let rowCount = lines.count
        let names = columnNames

        // Pass 2: one column at a time.
        let missing = options.missingMarkers
        var parsed: [Column] = []
        parsed.reserveCapacity(width)
        arena.withUnsafeBufferPointer { arenaBuffer in
            func cell(_ i: Int) -> (bytes: UnsafeBufferPointer<UInt8>, quoted: Bool) {
                let s = starts[i], n = Int(lengths[i])
                if n < 0 { return (UnsafeBufferPointer(start: base, count: 0), true) }
                if s >= 0 { return (UnsafeBufferPointer(start: base + s, count: n), false) }
                return (UnsafeBufferPointer(rebasing: arenaBuffer[(-s - 1)..<(-s - 1 + n)]), true)
            }
            for c in 0..<width {
                var numbers: [Double] = []
                if !options.categoricalColumns.contains(names[c]) {
                    numbers.reserveCapacity(rowCount)
                    for r in 0..<rowCount {
                        let (bytes, quoted) = cell(r * width + c)
                        if quoted && bytes.isEmpty { break }
                        if let b = bytes.baseAddress, !quoted, let scan = scanDecimal(b), scan.end == b + bytes.count,
                           let v = scan.fastDouble {
                            numbers.append(v)
                            continue
                        }
                        switch parseCell(bytes, as: Double.self, missing: missing) {
                        case .number(let v): numbers.append(v)
                        case .missing: numbers.append(.nan)
                        case .notANumber: break
                        }
                        if numbers.count == r { break }
                    }
                }
                if !options.categoricalColumns.contains(names[c]) && numbers.count == rowCount {
                    parsed.append(.numeric(numbers))
                    continue
                }
                var codes = [Int32](repeating: -1, count: rowCount)
                var levels: [String] = []
                var index: [String: Int32] = [:]
                for r in 0..<rowCount {
                    let (bytes, quoted) = cell(r * width + c)
                    var text = String(decoding: bytes, as: UTF8.self)
                    if !quoted {
                        text = text.trimmingCharacters(in: .whitespaces)
                        if text.isEmpty || options.missingValues.contains(text) { continue }
                    }
                    if let code = index[text] {
                        codes[r] = code
                    } else {
                        let code = Int32(levels.count)
                        index[text] = code
                        levels.append(text)
                        codes[r] = code
                    }
                }
                parsed.append(.categorical(codes: codes, levels: levels))
            }
        }
        self.columns = parsed
        self.rowCount = rowCount
        lineNumbers = lines
    }

    /// The index of the column named `name`.
    /// - Throws: ``CSVError`` on line 1 (the header) listing the columns that exist.
    public func columnIndex(named name: String) throws -> Int {
        guard let i = columnNames.firstIndex(of: name) else {
            throw CSVError(file: file, line: 1, column: 0,
                           reason: "no column named '\(name)'; the header has \(columnNames.count) columns: \(columnList(columnNames))")
        }
        return i
    }

    /// The values of a numeric column.
    /// - Throws: ``CSVError`` when the column does not exist or is categorical: on the line of the first cell that
    ///   is not a number, or on the header line when ``CSVOptions/categoricalColumns`` made it categorical (also
    ///   when the table has no rows).
    public func numeric(_ name: String) throws -> [Double] {
        let i = try columnIndex(named: name)
        switch columns[i] {
        case .numeric(let v): return v
        case .categorical(let codes, let levels):
            if let r = codes.firstIndex(where: { $0 >= 0 && Double(levels[Int($0)]) == nil }) {
                throw CSVError(file: file, line: Int(lineNumbers[r]), column: i + 1,
                               reason: "column '\(name)' is not numeric: '\(levels[Int(codes[r])])' is not a number")
            }
            throw CSVError(file: file, line: 1, column: i + 1,
                           reason: "column '\(name)' is read as categories (CSVOptions.categoricalColumns names it), not as numbers")
        }
    }

    /// The codes and levels of a categorical column (a numeric column is turned into categories of its texts).
    /// - Throws: ``CSVError`` when the column does not exist.
    public func categorical(_ name: String) throws -> (codes: [Int32], levels: [String]) {
        let i = try columnIndex(named: name)
        switch columns[i] {
        case .categorical(let codes, let levels): return (codes, levels)
        case .numeric(let values):
            var index: [Double: Int32] = [:]
            var levels: [String] = []
            let codes = values.map { v -> Int32 in
                if v.isNaN { return -1 }
                if let c = index[v] { return c }
                let c = Int32(levels.count)
                index[v] = c
                levels.append(v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v))
                return c
            }
            return (codes, levels)
        }
    }

    /// Numeric columns as one float32 `[rows, names.count]` tensor.
    /// - Throws: ``CSVError`` when a column does not exist or is not numeric.
    public func tensor(columns names: [String]) throws -> Tensor {
        let data = try names.map { try numeric($0) }
        var out = try Tensor(zeros: [rowCount, names.count])
        try out.withUnsafeMutableBufferPointer(as: Float.self) { o in
            for (j, column) in data.enumerated() {
                for r in 0..<rowCount { o[r * names.count + j] = Float(column[r]) }
            }
        }
        return out
    }
}
