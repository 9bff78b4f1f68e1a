import Foundation
import MLCoreTensor

/// A CSV file of numbers: a header row of column names, then one row of numeric cells per record.
///
/// Fields may be quoted (`"1.5"`, with `""` for a quote inside); an empty cell is a missing value (NaN).
/// Every row must have as many cells as the header. Errors name the file, line and column.
public struct NumericCSV: Sendable {
    /// Column names from the header row.
    public var columns: [String]
    /// `[rows, columns]` float32 values, row-major.
    public var values: Tensor

    public var rowCount: Int { values.shape[0] }

    /// Reads and parses a file.
    /// - Throws: ``CSVError`` for a missing file, an empty file, a ragged row or a non-numeric cell.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CSVError(file: url.path, line: 0, column: 0, reason: "cannot read: \(error.localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), file: url.path)
    }

    /// Parses CSV bytes; `file` names the source in errors.
    public init(bytes: [UInt8], file: String = "<memory>") throws {
        var parser = CSVByteParser(bytes: bytes, file: file)
        guard let header = try parser.nextRecord() else {
            throw CSVError(file: file, line: 0, column: 0, reason: "the file is empty (a header row is required)")
        }
        columns = header.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        let width = columns.count
        var out: [Float] = []
        out.reserveCapacity(Swift.max(bytes.count / 8, 16))
        var rows = 0
        while let record = try parser.nextRecord() {
            if record.count == 1 && record[0].isEmpty { continue }  // blank line
            let line = parser.recordLine
            guard record.count == width else {
                throw CSVError(file: file, line: line, column: Swift.min(record.count, width) + 1,
                               reason: "row has \(record.count) cells, the header has \(width)")
            }
            for (c, cell) in record.enumerated() {
                guard let v = parseFloat(cell) else {
                    throw CSVError(file: file, line: line, column: c + 1,
                                   reason: "'\(String(decoding: cell.prefix(40), as: UTF8.self))' in column '\(columns[c])' is not a number")
                }
                out.append(v)
            }
            rows += 1
        }
        values = try Tensor(shape: [rows, width], scalars: out)
    }
}

/// Parses a decimal float cell (surrounding spaces allowed; empty means missing, NaN). `nil` when not a number.
func parseFloat(_ cell: ArraySlice<UInt8>) -> Float? {
    var s = cell
    while let f = s.first, f == 0x20 || f == 0x09 { s.removeFirst() }
    while let l = s.last, l == 0x20 || l == 0x09 || l == 0x0D { s.removeLast() }
    if s.isEmpty { return .nan }
    return s.withUnsafeBufferPointer { buf -> Float? in
        // strtof needs a NUL-terminated string; cells are short, so copy to a stack buffer.
        let n = buf.count
        if n >= 63 { return Float(String(decoding: buf, as: UTF8.self)) }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp -> Float? in
            for i in 0..<n { tmp[i] = CChar(bitPattern: buf[i]) }
            tmp[n] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtof(tmp.baseAddress!, &end)
            guard let end, end == tmp.baseAddress! + n else { return nil }
            return v
        }
    }
}

/// Splits CSV bytes into records of fields (RFC 4180 quoting), tracking line numbers.
struct CSVByteParser {
    let bytes: [UInt8]
    let file: String
    var position = 0
    var line = 1
    /// The line on which the last returned record started.
    var recordLine = 0

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        // Skip a UTF-8 byte-order mark.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    mutating func nextRecord() throws -> [ArraySlice<UInt8>]? {
        guard position < bytes.count else { return nil }
        recordLine = line
        var fields: [ArraySlice<UInt8>] = []
        var quotedBuffers: [[UInt8]] = []  // keeps unescaped quoted fields alive
        while true {
            if position < bytes.count && bytes[position] == 0x22 {  // quoted field
                var value: [UInt8] = []
                position += 1
                while true {
                    guard position < bytes.count else {
                        throw CSVError(file: file, line: recordLine, column: fields.count + 1, reason: "unterminated quoted field")
                    }
                    let b = bytes[position]
                    if b == 0x22 {
                        if position + 1 < bytes.count && bytes[position + 1] == 0x22 {
                            value.append(0x22)
                            position += 2
                            continue
                        }
                        position += 1
                        break
                    }
                    if b == 0x0A { line += 1 }
                    value.append(b)
                    position += 1
                }
                quotedBuffers.append(value)
                fields.append(value[...])
            } else {
                let start = position
                while position < bytes.count, bytes[position] != 0x2C, bytes[position] != 0x0A { position += 1 }
                var end = position
                if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                fields.append(bytes[start..<end])
            }
            if position >= bytes.count { break }
            let sep = bytes[position]
            position += 1
            if sep == 0x2C { continue }
            if sep == 0x0A { line += 1; break }
            if sep == 0x0D, position < bytes.count, bytes[position] == 0x0A { position += 1; line += 1; break }
            throw CSVError(file: file, line: recordLine, column: fields.count, reason: "unexpected character after a quoted field")
        }
        _ = quotedBuffers
        return fields
    }
}
