/// Splits NUL-padded CSV bytes into fields (RFC 4180: `,` between fields, `\n` or `\r\n` between records,
/// `"..."` quoting with `""` for a quote inside), one field at a time, without allocating.
///
/// A quoted field without inner quotes is returned in place; one with `""` is unescaped into a scratch buffer
/// owned by the tokenizer, valid until the next call.
final class CSVTokenizer {
    let file: String
    let end: UnsafePointer<UInt8>
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 256

    init(file: String, end: UnsafePointer<UInt8>) {
        self.file = file
        self.end = end
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit { scratch.deallocate() }

    /// Reads the header row of `input`: skips a UTF-8 byte-order mark and leading blank lines (they are not a
    /// header), then returns the trimmed column names, the first byte after the header and the line number there.
    /// - Throws: ``CSVError`` for a file with no header row.
    func header(of input: FileBytes) throws -> (names: [String], next: UnsafePointer<UInt8>, line: Int) {
        var p = UnsafePointer(input.base)
        if input.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { p += 3 }
        var line = 1
        while p < end && (p[0] == UInt8(ascii: "\n") || (p[0] == UInt8(ascii: "\r") && p[1] == UInt8(ascii: "\n"))) {
            p += p[0] == UInt8(ascii: "\n") ? 1 : 2
            line += 1
        }
        guard p < end else {
            throw CSVError(file: file, line: 0, column: 0, reason: "the file is empty (a header row is required)")
        }
        let (header, next) = try record(at: p, line: &line)
        return (header.map { $0.trimmingCharacters(in: .whitespaces) }, next, line)
    }

    /// One field.
    struct Field {
        /// The field's content (unescaped when it was quoted).
        var bytes: UnsafeBufferPointer<UInt8>
        /// The byte after the field: `,`, `\n`, `\r` of a `\r\n`, or `end`.
        var next: UnsafePointer<UInt8>
        /// Whether it was quoted (a quoted empty field is an empty string, not a missing value).
        var quoted: Bool
    }

    /// Reads the field starting at `p`. `line` is advanced past newlines inside a quoted field; `recordLine` and
    /// `column` only name the position in errors.
    func field(at p: UnsafePointer<UInt8>, line: inout Int, recordLine: Int, column: Int) throws -> Field {
        if p < end && p[0] == UInt8(ascii: "\"") {
            return try quotedField(at: p + 1, line: &line, recordLine: recordLine, column: column)
        }
        var q = p
        while q < end && q[0] != UInt8(ascii: ",") && q[0] != UInt8(ascii: "\n") { q += 1 }
        var stop = q
        if stop > p && stop[-1] == UInt8(ascii: "\r") && (q == end || q[0] == UInt8(ascii: "\n")) { stop -= 1 }
        return Field(bytes: UnsafeBufferPointer(start: p, count: stop - p), next: stop, quoted: false)
    }

    private func quotedField(at start: UnsafePointer<UInt8>, line: inout Int, recordLine: Int, column: Int) throws -> Field {
        var q = start
        var escaped = false
        // First pass: find the closing quote.
        while true {
            guard q < end else {
                throw CSVError(file: file, line: recordLine, column: column, reason: "unterminated quoted field")
            }
            let b = q[0]
            if b == UInt8(ascii: "\"") {
                if q + 1 < end && q[1] == UInt8(ascii: "\"") {
                    escaped = true
                    q += 2
                    continue
                }
                break
            }
            if b == UInt8(ascii: "\n") { line += 1 }
            q += 1
        }
        let close = q
        let after = close + 1
        if after < end {
            let b = after[0]
            let ok = b == UInt8(ascii: ",") || b == UInt8(ascii: "\n")
                || (b == UInt8(ascii: "\r") && after + 1 < end && after[1] == UInt8(ascii: "\n"))
                || (b == UInt8(ascii: "\r") && after + 1 == end)
            guard ok else {
                throw CSVError(file: file, line: line, column: column,
                               reason: "unexpected character '\(printable(b))' after a quoted field")
            }
        }
        guard escaped else {
            return Field(bytes: UnsafeBufferPointer(start: start, count: close - start), next: after, quoted: true)
        }
        let length = close - start
        if length > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = length
            scratch = .allocate(capacity: length)
        }
        var n = 0
        var r = start
        while r < close {
            scratch[n] = r[0]
            n += 1
            r += r[0] == UInt8(ascii: "\"") ? 2 : 1
        }
        return Field(bytes: UnsafeBufferPointer(start: scratch, count: n), next: after, quoted: true)
    }

    /// Moves past the separator at `p` (the `next` of a field). Returns the start of the next field and whether
    /// the record ended (newline or end of input).
    @inline(__always)
    func skipSeparator(_ p: UnsafePointer<UInt8>, line: inout Int) -> (next: UnsafePointer<UInt8>, recordEnded: Bool) {
        if p >= end { return (end, true) }
        switch p[0] {
        case UInt8(ascii: ","): return (p + 1, false)
        case UInt8(ascii: "\n"):
            line += 1
            return (p + 1, true)
        default:  // "\r\n" (or a lone "\r" at the very end)
            if p + 1 < end && p[1] == UInt8(ascii: "\n") {
                line += 1
                return (p + 2, true)
            }
            return (p + 1, true)
        }
    }

    /// Reads a whole record as strings (the header row).
    func record(at p: UnsafePointer<UInt8>, line: inout Int) throws -> (fields: [String], next: UnsafePointer<UInt8>) {
        var fields: [String] = []
        var q = p
        let recordLine = line
        while true {
            let f = try field(at: q, line: &line, recordLine: recordLine, column: fields.count + 1)
            fields.append(String(decoding: f.bytes, as: UTF8.self))
            let (next, ended) = skipSeparator(f.next, line: &line)
            q = next
            if ended { return (fields, q) }
        }
    }

    /// Counts the fields of the record starting at `p` (for the message about a ragged row).
    func fieldCount(at p: UnsafePointer<UInt8>, line: Int) -> Int {
        var count = 0
        var q = p
        var l = line
        while true {
            guard let f = try? field(at: q, line: &l, recordLine: line, column: count + 1) else { return count + 1 }
            count += 1
            let (next, ended) = skipSeparator(f.next, line: &l)
            if ended { return count }
            q = next
        }
    }
}

/// A byte as it may be shown in an error message.
func printable(_ b: UInt8) -> String {
    if (0x20..<0x7F).contains(b) { return String(UnicodeScalar(b)) }
    let hex = Array("0123456789ABCDEF".utf8)
    return "\\x" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
}

/// A cell's text as it may be shown in an error message (at most 40 bytes).
func printable(_ cell: UnsafeBufferPointer<UInt8>) -> String {
    let shown = String(decoding: UnsafeBufferPointer(rebasing: cell.prefix(40)), as: UTF8.self)
    return cell.count > 40 ? shown + "..." : shown
}
