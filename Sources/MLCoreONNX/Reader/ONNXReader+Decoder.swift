import Foundation
import ONNXProto

extension ONNXReader {
    /// The state of one read: where the model came from, its limits, and the bytes loaded so far.
    ///
    /// Its methods (one file per concern: `+Model`, `+Graph`, `+Attribute`, `+Types`, `+Tensor`, `+SparseTensor`,
    /// `ExternalData`) turn protobuf-c messages into Swift values. They run while the unpacked message is alive
    /// and never keep a pointer into it.
    final class Decoder {
        let path: String
        let modelDirectory: URL?
        let limits: ONNXReadLimits
        /// Bytes of every tensor loaded so far, checked against ``ONNXReadLimits/maxTotalBytes``.
        private(set) var totalBytes = 0

        init(path: String, modelDirectory: URL?, limits: ONNXReadLimits) {
            self.path = path
            self.modelDirectory = modelDirectory
            self.limits = limits
        }

        func malformed(_ reason: String) -> ONNXError {
            .malformedModel(path: path, reason: reason)
        }

        /// Accounts for a tensor of `bytes` bytes before it is allocated.
        func charge(tensor: String, bytes: Int) throws {
            guard bytes <= limits.maxTensorBytes else {
                throw ONNXError.limitExceeded(what: "tensor '\(tensor)': size in bytes", value: bytes, limit: limits.maxTensorBytes)
            }
            let (total, overflow) = totalBytes.addingReportingOverflow(bytes)
            guard !overflow, total <= limits.maxTotalBytes else {
                throw ONNXError.limitExceeded(what: "\(path): total tensor bytes (at tensor '\(tensor)')",
                                              value: overflow ? Int.max : total, limit: limits.maxTotalBytes)
            }
            totalBytes = total
        }
    }
}

// MARK: - protobuf-c field access

/// A protobuf-c `string` field (`char *`, NULL when absent) as a Swift string; invalid UTF-8 is replaced.
@inline(__always)
func protoString(_ p: UnsafePointer<CChar>?) -> String {
    guard let p else { return "" }
    return String(cString: p)
}

/// A protobuf-c `bytes` field decoded as UTF-8; invalid sequences become U+FFFD.
@inline(__always)
func protoString(_ data: ProtobufCBinaryData) -> String {
    String(decoding: UnsafeBufferPointer(start: data.data, count: data.len), as: UTF8.self)
}

/// The elements of a protobuf-c repeated message or string field (`size_t n_x; T **x;`).
@inline(__always)
func protoRepeated<T>(_ count: Int, _ base: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?) -> UnsafeBufferPointer<UnsafeMutablePointer<T>?> {
    UnsafeBufferPointer(start: base, count: base == nil ? 0 : count)
}

/// A protobuf-c repeated scalar field (`size_t n_x; T *x;`).
@inline(__always)
func protoScalars<T>(_ count: Int, _ base: UnsafeMutablePointer<T>?) -> UnsafeBufferPointer<T> {
    UnsafeBufferPointer(start: base, count: base == nil ? 0 : count)
}
