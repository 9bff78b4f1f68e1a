/// A problem with a data file other than CSV syntax (which is a ``CSVError``): the file, where in it, and why.
///
/// `position` says where the problem is in the terms of the format: `"byte 128"` for a `.npy` file,
/// `"dataset '/group/x'"` for HDF5, `"column 'label'"` for a table, or empty when it concerns the whole file.
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is, for callers that react differently (for example, rebuild on `.notFound`).
    public enum Kind: String, Sendable, Equatable {
        /// The file (or a path inside it) does not exist.
        case notFound
        /// The file exists but cannot be read or written.
        case io
        /// The bytes do not have the SHA-256 the manifest records.
        case checksumMismatch
        /// The content contradicts its own format (a header that lies about the size, a bad magic number).
        case malformed
        /// Valid content that MLCore does not handle (a big-endian `.npy`, a string HDF5 dataset).
        case unsupported
        /// A column, dataset or parameter that was asked for does not exist or has the wrong shape.
        case invalidRequest
    }

    public var kind: Kind
    public var file: String
    public var position: String
    public var reason: String

    public init(_ kind: Kind, file: String, position: String = "", reason: String) {
        self.kind = kind
        self.file = file
        self.position = position
        self.reason = reason
    }

    public var description: String {
        position.isEmpty ? "\(file): \(reason)" : "\(file): \(position): \(reason)"
    }
}
