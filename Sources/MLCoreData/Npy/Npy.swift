import Foundation
import MLCoreTensor

/// NumPy `.npy` files: read into a ``Tensor``, map without reading, write byte-identical to `np.save`.
///
/// ```swift
/// let x = try Npy.read(contentsOf: URL(fileURLWithPath: "X.npy"))       // any of NpyHeader.elementTypes
/// try Npy.write(x, to: URL(fileURLWithPath: "copy.npy"))
/// let mapped = try MappedNpyArray(contentsOf: URL(fileURLWithPath: "big.npy"))
/// let first = try mapped.rows(0..<1000)                                  // touches only those pages
/// ```
public enum Npy {
    /// Reads a whole `.npy` file (memory-mapped, then copied once into the tensor).
    /// - Throws: ``DataError``: `.notFound`/`.io` for the file, `.malformed` for a bad header or a data size that
    ///   differs from what the header says, `.unsupported` for Fortran order, big-endian or other dtypes.
    public static func read(contentsOf url: URL) throws -> Tensor {
        try MappedNpyArray(contentsOf: url).tensor()
    }

    /// The bytes of a `.npy` file holding `tensor` (C order, little-endian).
    /// - Throws: ``DataError`` `.unsupported` for a string or bfloat16 tensor.
    public static func encode(_ tensor: Tensor) throws -> [UInt8] {
        var out = try NpyHeader.encode(dtype: tensor.dtype, shape: tensor.shape.dims)
        try withRawBytes(tensor) { out.append(contentsOf: $0) }
        return out
    }

    /// Writes `tensor` as a `.npy` file (atomically: to a temporary name, then renamed).
    /// - Throws: ``DataError`` `.io` when the file cannot be written, `.unsupported` for a string or bfloat16 tensor.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        let out = try BufferedFileWriter(path: url.path)
        let header = try NpyHeader.encode(dtype: tensor.dtype, shape: tensor.shape.dims)
        try header.withUnsafeBytes { try out.append($0) }
        try withRawBytes(tensor) { try out.append($0) }
        try out.finish()
    }

    static func withRawBytes<R>(_ t: Tensor, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let scalar = NpyHeader.scalarType(of: t.dtype) else {
            throw DataError(.unsupported, file: "<npy>", reason: NpyHeader.unsupportedReason(t.dtype))
        }
        func bytes<T: TensorScalar>(_: T.Type) throws -> R {
            try t.withUnsafeBufferPointer(as: T.self) { try body(UnsafeRawBufferPointer($0)) }
        }
        return try bytes(scalar)
    }
}

/// A `.npy` file mapped into memory: the header is parsed and checked against the file size up front, the data
/// pages are read only when touched.
public final class MappedNpyArray: @unchecked Sendable {
    public let header: NpyHeader
    public let file: MappedFile

    public var dtype: DType { header.dtype }
    public var shape: [Int] { header.shape }

    /// Maps `url` and validates its header.
    /// - Throws: see ``Npy/read(contentsOf:)``.
    public init(contentsOf url: URL) throws {
        file = try MappedFile(path: url.path)
        let path = url.path
        header = try file.withUnsafeBytes { bytes in
            let h = try NpyHeader.parse(bytes, file: path)
            let promised: Int
            do { promised = try h.dataByteCount() } catch {
                throw DataError(.malformed, file: path, position: "byte 10", reason: "shape \(h.shape) overflows")
            }
            let actual = bytes.count - h.dataOffset
            guard actual == promised else {
                throw DataError(.malformed, file: path, position: "byte \(h.dataOffset)",
                                reason: "the header promises shape \(h.shape) of \(h.dtype) = \(promised) data bytes, "
                                    + "but the file has \(actual) bytes after the \(h.dataOffset)-byte header")
            }
            return h
        }
    }

    /// Calls `body` with the mapped data bytes (valid only during the call).
    public func withUnsafeDataBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try file.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[header.dataOffset...])) }
    }

    /// The whole array, copied into a tensor.
    public func tensor() throws -> Tensor {
        var t = try Tensor(zeros: Shape(header.shape), dtype: header.dtype)
        try copy(into: &t, fromByte: 0)
        return t
    }

    /// Rows `range` along the first axis, copied into a tensor; only their pages are read.
    /// - Throws: ``DataError`` `.invalidRequest` for a rank-0 array or a range outside the rows.
    public func rows(_ range: Range<Int>) throws -> Tensor {
        guard let n = header.shape.first else {
            throw DataError(.invalidRequest, file: file.path, reason: "a rank-0 array has no rows")
        }
        guard range.lowerBound >= 0 && range.upperBound <= n else {
            throw DataError(.invalidRequest, file: file.path, reason: "rows \(range) are outside 0..<\(n)")
        }
        var dims = header.shape
        dims[0] = range.count
        var t = try Tensor(zeros: Shape(dims), dtype: header.dtype)
        let rowBytes = n == 0 ? 0 : (try header.dataByteCount()) / n
        try copy(into: &t, fromByte: range.lowerBound * rowBytes)
        return t
    }

    private func copy(into t: inout Tensor, fromByte offset: Int) throws {
        func fill<T: TensorScalar>(_: T.Type) throws {
            try t.withUnsafeMutableBufferPointer(as: T.self) { dst in
                guard dst.count > 0 else { return }
                withUnsafeDataBytes { src in
                    UnsafeMutableRawPointer(dst.baseAddress!).copyMemory(
                        from: src.baseAddress! + offset, byteCount: dst.count * MemoryLayout<T>.stride)
                }
            }
        }
        if header.dtype == .bool {
            // A Swift Bool must hold 0 or 1; anything else in the file is refused, not reinterpreted.
            let count = t.count
            let bad = withUnsafeDataBytes { src in (0..<count).first { src[offset + $0] > 1 } }
            if let bad {
                throw DataError(.malformed, file: file.path, position: "byte \(header.dataOffset + offset + bad)",
                                reason: "a bool element must be 0 or 1")
            }
        }
        guard let scalar = NpyHeader.scalarType(of: header.dtype) else {
            throw DataError(.unsupported, file: file.path, reason: "\(header.dtype) arrays are not supported")
        }
        try fill(scalar)
    }
}
