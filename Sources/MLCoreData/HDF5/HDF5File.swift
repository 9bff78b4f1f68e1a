import CHDF5
import Foundation
import MLCoreTensor

/// An HDF5 file opened read-only through the HDF5 C library, to read named datasets into tensors.
///
/// Element types: 32/64-bit floats become float32/float64; signed integers up to 32 bits and unsigned up to 16 bits
/// become int32; unsigned 32-bit and signed 64-bit become int64. Strings, compounds, enums (h5py's bools) and
/// unsigned 64-bit integers are refused with ``DataError`` `.unsupported`. Any layout and filter the library
/// handles (contiguous, chunked, gzip) is read.
///
/// The serial HDF5 library is not thread-safe, so every call into it holds one process-wide lock.
///
/// ```swift
/// let f = try HDF5File(path: "train.h5")
/// let x = try f.read(dataset: "/features")     // Tensor
/// ```
/// - SeeAlso: https://docs.hdfgroup.org/hdf5/v1_10/group___h5_d.html
public final class HDF5File: @unchecked Sendable {
    public let path: String
    private let id: hid_t

    /// Opens `path` read-only.
    /// - Throws: ``DataError`` `.notFound` for a missing file, `.malformed` for a file that is not HDF5.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw DataError(.notFound, file: path, reason: "no such file")
        }
        id = try HDF5Library.locked {
            guard H5Fis_hdf5(path) > 0 else { throw DataError(.malformed, file: path, reason: "not an HDF5 file") }
            let id = H5Fopen(path, mlcore_h5f_acc_rdonly(), mlcore_h5p_default())
            guard id >= 0 else { throw DataError(.io, file: path, reason: "the HDF5 library cannot open the file") }
            return id
        }
    }

    deinit {
        let id = self.id
        HDF5Library.locked { _ = H5Fclose(id) }
    }

    /// Reads a whole dataset.
    /// - Parameter dataset: its path in the file, such as `"/group/features"` (a leading `/` is optional).
    /// - Throws: ``DataError`` with the dataset path as position: `.notFound` (listing the datasets that exist),
    ///   `.invalidRequest` when the path is a group, `.unsupported` for an element type MLCore does not read.
    public static func read(dataset: String, from url: URL) throws -> Tensor {
        try HDF5File(path: url.path).read(dataset: dataset)
    }

    /// Reads a whole dataset; see ``read(dataset:from:)``.
    public func read(dataset name: String) throws -> Tensor {
        let full = name.hasPrefix("/") ? name : "/" + name
        let position = "dataset '\(full)'"
        return try HDF5Library.locked {
            try checkPath(full, position: position)
            let dataset = H5Dopen2(id, full, mlcore_h5p_default())
            guard dataset >= 0 else { throw DataError(.io, file: path, position: position, reason: "cannot open the dataset") }
            defer { H5Dclose(dataset) }

            let fileType = H5Dget_type(dataset)
            guard fileType >= 0 else { throw DataError(.io, file: path, position: position, reason: "cannot read the type") }
            defer { H5Tclose(fileType) }
            let (dtype, memoryType) = try elementType(fileType, position: position)

            let space = H5Dget_space(dataset)
            guard space >= 0 else { throw DataError(.io, file: path, position: position, reason: "cannot read the shape") }
            defer { H5Sclose(space) }
            let rank = Int(H5Sget_simple_extent_ndims(space))
            guard rank >= 0 else { throw DataError(.unsupported, file: path, position: position, reason: "not a simple dataspace") }
            var dims = [hsize_t](repeating: 0, count: Swift.max(rank, 1))
            if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
            let shape = Shape(dims.prefix(rank).map { Int(clamping: $0) })
            // A chunked dataset may declare any shape in a tiny file; refuse what cannot fit in memory rather than
            // failing the allocation.
            guard let bytes = try? shape.checkedByteCount(dtype), UInt64(bytes) <= ProcessInfo.processInfo.physicalMemory else {
                throw DataError(.unsupported, file: path, position: position,
                                reason: "shape \(shape) of \(dtype) does not fit in this machine's memory")
            }
            var tensor = try Tensor(zeros: shape, dtype: dtype)
            guard tensor.count > 0 else { return tensor }
            let status = try withMutableRawBytes(&tensor) { buffer in
                H5Dread(dataset, memoryType, mlcore_h5s_all(), mlcore_h5s_all(), mlcore_h5p_default(), buffer)
            }
            guard status >= 0 else {
                throw DataError(.io, file: path, position: position, reason: "the HDF5 library failed to read the data")
            }
            return tensor
        }
    }

    /// The paths of every dataset in the file, in name order (`"/features"`, `"/group/labels"`, ...).
    public func datasetNames() -> [String] {
        HDF5Library.locked { datasetNamesLocked() }
    }

    private func datasetNamesLocked() -> [String] {
        final class Names { var all: [String] = [] }
        let names = Names()
        let box = Unmanaged.passRetained(names)
        defer { box.release() }
        _ = mlcore_h5_visit_links(id, { name, context in
            guard let name, let context else { return }
            Unmanaged<Names>.fromOpaque(context).takeUnretainedValue().all.append(String(cString: name))
        }, box.toOpaque())
        return names.all.map { "/" + $0 }.filter { objectType($0) == H5I_DATASET }
    }

    private func objectType(_ path: String) -> H5I_type_t {
        let object = H5Oopen(id, path, mlcore_h5p_default())
        guard object >= 0 else { return H5I_BADID }
        defer { H5Oclose(object) }
        return H5Iget_type(object)
    }

    /// Checks every component of `full` so that a missing one is reported by name (H5Dopen on a missing path
    /// only says "failed").
    private func checkPath(_ full: String, position: String) throws {
        let parts = full.split(separator: "/")
        guard !parts.isEmpty else {
            throw DataError(.invalidRequest, file: path, position: position, reason: "'/' is the root group, not a dataset")
        }
        var prefix = ""
        for part in parts {
            prefix += "/" + part
            guard H5Lexists(id, prefix, mlcore_h5p_default()) > 0 else {
                let existing = datasetNamesLocked()
                throw DataError(.notFound, file: path, position: position,
                                reason: "no object '\(prefix)' in the file; datasets: "
                                    + (existing.isEmpty ? "(none)" : columnList(existing)))
            }
        }
        let type = objectType(full)
        guard type == H5I_DATASET else {
            throw DataError(.invalidRequest, file: path, position: position,
                            reason: type == H5I_GROUP ? "'\(full)' is a group, not a dataset" : "'\(full)' is not a dataset")
        }
    }

    /// The tensor type and the HDF5 memory type to read a dataset of `fileType` into.
    private func elementType(_ fileType: hid_t, position: String) throws -> (DType, hid_t) {
        let size = H5Tget_size(fileType)
        switch H5Tget_class(fileType) {
        case H5T_FLOAT:
            if size == 4 { return (.float32, mlcore_h5t_native_float()) }
            if size == 8 { return (.float64, mlcore_h5t_native_double()) }
            throw DataError(.unsupported, file: path, position: position, reason: "\(size * 8)-bit floats are not supported")
        case H5T_INTEGER:
            let signed = H5Tget_sign(fileType) != H5T_SGN_NONE
            if (signed && size <= 4) || (!signed && size <= 2) { return (.int32, mlcore_h5t_native_int32()) }
            if (signed && size == 8) || (!signed && size == 4) { return (.int64, mlcore_h5t_native_int64()) }
            throw DataError(.unsupported, file: path, position: position,
                            reason: "\(signed ? "" : "unsigned ")\(size * 8)-bit integers are not supported")
        case H5T_STRING:
            throw DataError(.unsupported, file: path, position: position, reason: "string datasets are not supported")
        case H5T_ENUM:
            throw DataError(.unsupported, file: path, position: position,
                            reason: "enum datasets (h5py writes bools as enums) are not supported")
        default:
            throw DataError(.unsupported, file: path, position: position,
                            reason: "HDF5 type class \(H5Tget_class(fileType).rawValue) is not supported")
        }
    }

    private func withMutableRawBytes<R>(_ t: inout Tensor, _ body: (UnsafeMutableRawPointer) -> R) throws -> R {
        switch t.dtype {
        case .float32: return try t.withUnsafeMutableBufferPointer(as: Float.self) { body($0.baseAddress!) }
        case .float64: return try t.withUnsafeMutableBufferPointer(as: Double.self) { body($0.baseAddress!) }
        case .int32: return try t.withUnsafeMutableBufferPointer(as: Int32.self) { body($0.baseAddress!) }
        case .int64: return try t.withUnsafeMutableBufferPointer(as: Int64.self) { body($0.baseAddress!) }
        default: throw DataError(.unsupported, file: path, reason: "unexpected element type \(t.dtype)")
        }
    }
}

/// The process-wide lock around the (serial, not thread-safe) HDF5 library, and its one-time set-up.
enum HDF5Library {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var initialized = false

    static func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        if !initialized {
            H5open()
            // MLCore reports HDF5 problems as DataError; the library's own stack dumps would only add noise.
            _ = mlcore_h5_silence_errors()
            initialized = true
        }
        return try body()
    }
}
