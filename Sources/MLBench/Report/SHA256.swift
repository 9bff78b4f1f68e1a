import MLCoreData

/// SHA-256 (FIPS 180-4) for machine fingerprints and dataset checksums: a thin front for MLCoreData's streaming
/// implementation (whole 64-byte blocks straight from the buffer), so there is one SHA-256 in MLCore.
public enum SHA256 {
    /// The incremental hasher: `update(_:)` with bytes, then `finalize()` for the 32-byte digest.
    public typealias Hasher = MLCoreData.SHA256

    /// The hex digest of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        MLCoreData.SHA256.hex(bytes)
    }

    /// The hex digest of a file, streamed in 1 MiB pieces.
    /// - Throws: `DataError` naming the file when it cannot be read.
    public static func hex(contentsOfFile path: String) throws -> String {
        try MLCoreData.SHA256.hex(contentsOfFile: path)
    }
}
