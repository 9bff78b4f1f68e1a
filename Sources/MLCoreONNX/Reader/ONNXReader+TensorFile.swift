import Foundation
import MLCoreTensor
import ONNXProto

extension ONNXReader {
    /// Reads a file that holds one serialized `TensorProto`, such as the `input_0.pb` / `output_0.pb` files of
    /// ONNX's backend test data.
    ///
    /// The bytes pass the same wire-format check as a model (rooted at `TensorProto`), and the tensor is decoded,
    /// widened and charged against `limits` exactly like an initializer (see ``ONNXReader``). External data is
    /// looked up relative to the file's folder. Errors name a tensor without a `name` by the file name.
    ///
    /// The file carries no type tag, so a `SequenceProto`, `MapProto` or `OptionalProto` (what ONNX writes for
    /// inputs and outputs of those types) cannot be told apart with certainty: when its bytes do not decode as a
    /// tensor, the error says that the file may hold one of them, which MLCore does not read. Callers that know the
    /// declared type (``ONNXType``) should check it first.
    /// - Parameters:
    ///   - url: a `file:` URL of a `.pb` file.
    ///   - limits: resource limits; the file itself may not be larger than `limits.maxTotalBytes`.
    /// - Throws: ``ONNXError/unreadableFile(path:reason:)`` when the file cannot be read;
    ///   ``ONNXError/malformedModel(path:reason:)`` when the bytes are not a valid `TensorProto`; otherwise the
    ///   tensor errors of ``read(bytes:modelDirectory:path:limits:)`` (unsupported element type, data mismatch,
    ///   external data, limits).
    /// - Complexity: O(file size + loaded tensor bytes).
    /// - SeeAlso: [onnx/backend/test/data](https://github.com/onnx/onnx/tree/main/onnx/backend/test/data)
    public static func readTensor(contentsOf url: URL, limits: ONNXReadLimits = .init()) throws -> Tensor {
        try readNamedTensor(contentsOf: url, limits: limits).tensor
    }

    /// Reads a file that holds one serialized `TensorProto`, and its `name` (empty when the file has none);
    /// see ``readTensor(contentsOf:limits:)``.
    public static func readNamedTensor(contentsOf url: URL, limits: ONNXReadLimits = .init()) throws -> (name: String, tensor: Tensor) {
        let path = url.path
        let data = try fileContents(url, limits: limits)
        let fallbackName = url.deletingPathExtension().lastPathComponent
        return try data.withUnsafeBytes { buffer in
            try readTensor(buffer: buffer, directory: url.deletingLastPathComponent(), path: path,
                           fallbackName: fallbackName, limits: limits)
        }
    }

    /// Reads one serialized `TensorProto` from bytes in memory, and its `name`; see ``readTensor(contentsOf:limits:)``.
    /// - Parameters:
    ///   - directory: the folder external-data locations are relative to; `nil` when there is none.
    ///   - path: how errors name the bytes.
    public static func readNamedTensor(bytes: [UInt8], directory: URL?, path: String = "<memory>",
                                       limits: ONNXReadLimits = .init()) throws -> (name: String, tensor: Tensor) {
        try bytes.withUnsafeBytes { buffer in
            try readTensor(buffer: buffer, directory: directory, path: path, fallbackName: "tensor", limits: limits)
        }
    }

    static func readTensor(buffer: UnsafeRawBufferPointer, directory: URL?, path: String, fallbackName: String,
                           limits: ONNXReadLimits) throws -> (name: String, tensor: Tensor) {
        let notATensor = "the file may hold a SequenceProto, MapProto or OptionalProto (sequence, map or optional "
            + "value), which MLCore does not read"
        // Zero bytes would decode as a TensorProto without an element type; say what is wrong instead.
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
            throw ONNXError.malformedModel(path: path, reason: "the file is empty")
        }
        _ = try WireFormatCheck.check(buffer, path: path, limits: limits, schema: .tensorFile)
        guard let message = onnx__tensor_proto__unpack(nil, buffer.count, base.assumingMemoryBound(to: UInt8.self)) else {
            throw ONNXError.malformedModel(path: path, reason: "protobuf-c could not decode a TensorProto; " + notATensor)
        }
        defer { onnx__tensor_proto__free_unpacked(message, nil) }
        // Field 3 is `segment` here but the first value in SequenceProto and OptionalProto, and ONNX's tools never
        // write segments: a segment almost surely means one of those was read as a tensor.
        if message.pointee.segment != nil {
            throw ONNXError.malformedModel(path: path, reason: "TensorProto.segment is set, which MLCore does not "
                                           + "support and ONNX's tools do not write; " + notATensor)
        }
        let name = protoString(message.pointee.name)
        let decoder = Decoder(path: path, modelDirectory: directory, limits: limits)
        do {
            return (name, try decoder.tensor(message, fallbackName: fallbackName))
        } catch let error as ONNXError {
            // The other value protos put their name in field 1, which a TensorProto reads as `dims` (one dimension
            // per byte), so they usually fail here with an absurd shape and no tensor name.
            if case .unsupportedElementType = error { throw error }
            guard name.isEmpty, message.pointee.n_dims > 0 else { throw error }
            var reason = error.description
            if case .malformedModel(_, let inner) = error { reason = inner }
            throw ONNXError.malformedModel(path: path, reason: reason + "; " + notATensor)
        }
    }
}

extension WireSchema {
    /// The ONNX schema rooted at `TensorProto`, for files that hold one tensor.
    static let tensorFile: WireSchema = {
        var schema = WireSchema.onnx
        guard let root = schema.messages.firstIndex(where: { $0.name == "TensorProto" }) else {
            preconditionFailure("onnx-ml.proto has no TensorProto; regenerate Sources/ONNXProto")
        }
        schema.root = root
        return schema
    }()
}
