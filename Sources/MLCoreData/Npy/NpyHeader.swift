import MLCoreTensor

/// The header of a NumPy `.npy` file: element type, shape and where the data starts.
///
/// Format (NumPy's `numpy.lib.format`, versions 1.0, 2.0 and 3.0): the magic `\x93NUMPY`, a major and minor
/// version byte, the header length (2 bytes little-endian in 1.0, 4 bytes in 2.0/3.0), then a Python dict literal
/// such as `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a newline so that
/// the data starts at a multiple of 64 bytes. MLCore reads and writes the little-endian types of
/// ``elementTypes`` in C order.
/// - SeeAlso: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
public struct NpyHeader: Sendable, Equatable {
    public var dtype: DType
    public var shape: [Int]
    /// Byte offset of the first element.
    public var dataOffset: Int
    /// The file-format version (major, minor).
    public var version: (major: UInt8, minor: UInt8)

    public static func == (a: NpyHeader, b: NpyHeader) -> Bool {
        a.dtype == b.dtype && a.shape == b.shape && a.dataOffset == b.dataOffset && a.version == b.version
    }

    /// The data size the header promises, checked for overflow.
    public func dataByteCount() throws -> Int {
        try Shape(shape).checkedByteCount(dtype)
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// The element types MLCore reads and writes as `.npy`: the ``DType``, NumPy's little-endian `descr` and the
    /// Swift scalar that holds one element. Adding an element type to `.npy` support is one line here.
    public static let elementTypes: [(dtype: DType, descr: String, scalar: any TensorScalar.Type)] = [
        (.float32, "<f4", Float.self),
        (.float64, "<f8", Double.self),
        (.int64, "<i8", Int64.self),
        (.int32, "<i4", Int32.self),
        (.bool, "|b1", Bool.self),
        (.int8, "|i1", Int8.self),
        (.uint8, "|u1", UInt8.self),
        (.int16, "<i2", Int16.self),
        (.uint16, "<u2", UInt16.self),
    ]

    /// The Swift scalar type of `dtype`'s elements in `.npy` files, or `nil` when `.npy` cannot hold it (strings).
    public static func scalarType(of dtype: DType) -> (any TensorScalar.Type)? {
        elementTypes.first { $0.dtype == dtype }?.scalar
    }

    /// The `descr` string of a dtype (`nil` for types `.npy` cannot hold in MLCore: strings).
    static func descr(_ dtype: DType) -> String? {
        elementTypes.first { $0.dtype == dtype }?.descr
    }

    /// The dtype of a `descr`: the byte-order mark may be `<` (little-endian), `=` (native, little-endian here)
    /// or `|` (not applicable: one-byte types).
    static func dtype(descr: String) -> DType? {
        guard let mark = descr.first, "<=|".contains(mark) else { return nil }
        let code = descr.dropFirst()
        return elementTypes.first { $0.descr.dropFirst() == code }?.dtype
    }

    /// Parses the header at the start of `bytes`; `file` names the source in errors.
    /// - Throws: ``DataError`` `.malformed` (bad magic, truncated or unparsable header) or `.unsupported`
    ///   (big-endian, Fortran order, another element type), with the byte position.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> NpyHeader {
        func malformed(_ position: Int, _ reason: String) -> DataError {
            DataError(.malformed, file: file, position: "byte \(position)", reason: reason)
        }
        guard bytes.count >= 10 else { throw malformed(0, "file too short for a .npy header (\(bytes.count) bytes)") }
        guard Array(bytes[0..<6]) == magic else { throw malformed(0, "not a .npy file (bad magic number)") }
        let major = bytes[6], minor = bytes[7]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw malformed(8, "file too short for a version \(major) header length") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw DataError(.unsupported, file: file, position: "byte 6", reason: "unsupported .npy version \(major).\(minor)")
        }
        let dataOffset = headerStart + headerLength
        guard dataOffset <= bytes.count else {
            throw malformed(8, "header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        var parser = PythonLiteralParser(bytes: UnsafeRawBufferPointer(rebasing: bytes[headerStart..<dataOffset]),
                                         base: headerStart, file: file)
        let dict = try parser.parseDict()
        guard case .string(let descr)? = dict["descr"] else { throw malformed(headerStart, "header has no 'descr' string") }
        guard case .bool(let fortran)? = dict["fortran_order"] else {
            throw malformed(headerStart, "header has no 'fortran_order' flag")
        }
        guard case .tuple(let shape)? = dict["shape"] else { throw malformed(headerStart, "header has no 'shape' tuple") }
        guard !fortran else {
            throw DataError(.unsupported, file: file, position: "byte \(headerStart)",
                            reason: "Fortran-order arrays are not supported; save with numpy.ascontiguousarray")
        }
        guard let dtype = dtype(descr: descr) else {
            let supported = elementTypes.map(\.descr).joined(separator: ", ")
            let why = descr.hasPrefix(">") ? "big-endian data is not supported" : "supported: \(supported)"
            throw DataError(.unsupported, file: file, position: "byte \(headerStart)", reason: "element type '\(descr)': \(why)")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw malformed(headerStart, "negative dimension in shape \(shape)") }
        return NpyHeader(dtype: dtype, shape: shape, dataOffset: dataOffset, version: (major, minor))
    }

    /// The header bytes NumPy's `np.save` writes for this dtype and shape (version 1.0, or 2.0 when the header
    /// does not fit 65,535 bytes): same key order, the 21-digit growth space after the first dimension, and
    /// space padding to a multiple of 64 bytes, so MLCore's `.npy` files are byte-identical to NumPy's.
    static func encode(dtype: DType, shape: [Int]) throws -> [UInt8] {
        guard let descr = descr(dtype) else {
            throw DataError(.unsupported, file: "<npy>", reason: "string tensors cannot be written as .npy")
        }
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        if let first = shape.first { dict += String(repeating: " ", count: Swift.max(0, 21 - String(first).count)) }
        let align = 64
        var major: UInt8 = 1
        var lengthBytes = 2
        var hlen = dict.utf8.count + 1
        var pad = align - (magic.count + 2 + lengthBytes + hlen) % align
        if hlen + pad > 65535 {
            major = 2
            lengthBytes = 4
            pad = align - (magic.count + 2 + lengthBytes + hlen) % align
        }
        hlen += pad
        var out = magic + [major, 0]
        for i in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: hlen >> (8 * i))) }
        out += Array(dict.utf8) + [UInt8](repeating: 0x20, count: pad) + [0x0A]
        return out
    }
}

/// Just enough of Python's literal syntax for `.npy` headers: a dict with string keys whose values are strings,
/// `True`/`False` or tuples of integers.
struct PythonLiteralParser {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
    }

    let bytes: UnsafeRawBufferPointer
    /// Offset of `bytes` in the file, for error positions.
    let base: Int
    let file: String
    var i = 0

    init(bytes: UnsafeRawBufferPointer, base: Int, file: String) {
        self.bytes = bytes
        self.base = base
        self.file = file
    }

    func error(_ reason: String) -> DataError {
        DataError(.malformed, file: file, position: "byte \(base + i)", reason: "bad .npy header: \(reason)")
    }

    mutating func skipSpace() {
        while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D) { i += 1 }
    }

    mutating func expect(_ c: Character) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == c.asciiValue! else { throw error("expected '\(c)'") }
        i += 1
    }

    mutating func peek() -> UInt8? {
        skipSpace()
        return i < bytes.count ? bytes[i] : nil
    }

    mutating func parseDict() throws -> [String: Value] {
        try expect("{")
        var out: [String: Value] = [:]
        while true {
            if peek() == UInt8(ascii: "}") {
                i += 1
                return out
            }
            let key = try parseString()
            try expect(":")
            out[key] = try parseValue()
            if peek() == UInt8(ascii: ",") { i += 1 } else {
                try expect("}")
                return out
            }
        }
    }

    mutating func parseString() throws -> String {
        guard let q = peek(), q == UInt8(ascii: "'") || q == UInt8(ascii: "\"") else { throw error("expected a string") }
        i += 1
        let start = i
        while i < bytes.count && bytes[i] != q { i += 1 }
        guard i < bytes.count else { throw error("unterminated string") }
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        i += 1
        return s
    }

    mutating func parseValue() throws -> Value {
        guard let c = peek() else { throw error("expected a value") }
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") { return .string(try parseString()) }
        if c == UInt8(ascii: "(") {
            i += 1
            var items: [Int] = []
            while true {
                if peek() == UInt8(ascii: ")") {
                    i += 1
                    return .tuple(items)
                }
                items.append(try parseInt())
                if peek() == UInt8(ascii: ",") { i += 1 } else {
                    try expect(")")
                    return .tuple(items)
                }
            }
        }
        for (word, value) in [("True", true), ("False", false)] where bytes.count - i >= word.utf8.count {
            if Array(bytes[i..<i + word.utf8.count]) == Array(word.utf8) {
                i += word.utf8.count
                return .bool(value)
            }
        }
        throw error("unexpected value")
    }

    mutating func parseInt() throws -> Int {
        skipSpace()
        var value = 0
        var digits = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            let (a, o1) = value.multipliedReportingOverflow(by: 10)
            let (b, o2) = a.addingReportingOverflow(Int(bytes[i] - 0x30))
            guard !o1, !o2 else { throw error("dimension too large") }
            value = b
            digits += 1
            i += 1
        }
        if i < bytes.count && bytes[i] == UInt8(ascii: "L") { i += 1 }  // Python 2 long suffix
        guard digits > 0 else { throw error("expected a dimension") }
        return value
    }
}
