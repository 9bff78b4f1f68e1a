import Foundation
import MLCoreTensor
import ONNXProto

/// Reads ONNX `ModelProto` files into ``ONNXModel`` values.
///
/// The bytes first pass a wire-format check (``WireFormatCheck``: nesting depth, field lengths, node count), then
/// protobuf-c unpacks them, then every tensor, attribute, type and opset import is converted to Swift values with
/// its sizes checked against ``ONNXReadLimits`` before anything is allocated.
///
/// Tensors load as the ``DType`` MLCore computes in. FLOAT, DOUBLE, INT64, INT32, BOOL and STRING load as they are;
/// narrower types are widened on load: UINT8, INT8, UINT16 and INT16 to ``DType/int32``, UINT32 to
/// ``DType/int64``, FLOAT16 to ``DType/float32`` (exactly; every half value is a float). Declared types
/// (``ONNXType/tensor(elementType:shape:)``) are widened the same way, so a graph input declared UINT8 expects an
/// int32 tensor. Every other element type (UINT64, BFLOAT16, complex, 8/4/2-bit types) throws
/// ``ONNXError/unsupportedElementType(tensor:code:)`` when a tensor of that type is loaded.
///
/// ```swift
/// let model = try ONNXReader.read(contentsOf: URL(fileURLWithPath: "model.onnx"))
/// print(model.opset(for: ""), model.graph.nodes.count)
/// ```
/// - SeeAlso: [ONNX IR](https://github.com/onnx/onnx/blob/main/docs/IR.md),
///   [External data](https://github.com/onnx/onnx/blob/main/docs/ExternalData.md)
public enum ONNXReader {
    /// Reads a model file. External data is looked up relative to the file's folder.
    ///
    /// - Parameters:
    ///   - url: a `file:` URL of an `.onnx` file.
    ///   - limits: resource limits; the file itself may not be larger than `limits.maxTotalBytes`.
    /// - Throws: ``ONNXError/unreadableFile(path:reason:)`` when the file cannot be read, otherwise the errors of
    ///   ``read(bytes:modelDirectory:path:limits:)``.
    /// - Complexity: O(file size + loaded tensor bytes).
    public static func read(contentsOf url: URL, limits: ONNXReadLimits = .init()) throws -> ONNXModel {
        let data = try fileContents(url, limits: limits)
        return try data.withUnsafeBytes { bytes in
            try read(buffer: bytes, modelDirectory: url.deletingLastPathComponent(), path: url.path, limits: limits)
        }
    }

    /// The bytes of a file the reader is asked to open: it must exist, not be a directory, and not be larger than
    /// `limits.maxTotalBytes`.
    static func fileContents(_ url: URL, limits: ONNXReadLimits) throws -> Data {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ONNXError.unreadableFile(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw ONNXError.unreadableFile(path: path, reason: "is a directory") }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limits.maxTotalBytes {
            throw ONNXError.limitExceeded(what: "\(path): file size in bytes", value: size, limit: limits.maxTotalBytes)
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ONNXError.unreadableFile(path: path, reason: error.localizedDescription)
        }
    }

    /// Reads a model from bytes in memory.
    ///
    /// - Parameters:
    ///   - bytes: a serialized `ModelProto`.
    ///   - modelDirectory: the folder external-data locations are relative to; `nil` when the model has none
    ///     (a tensor with external data then throws ``ONNXError/externalData(tensor:reason:)``).
    ///   - path: how errors name the model.
    ///   - limits: resource limits.
    /// - Throws: ``ONNXError/malformedModel(path:reason:)`` for bytes that are not a valid model (truncated,
    ///   corrupt, nested too deep, no graph, no opset import for IR >= 3, ...);
    ///   ``ONNXError/unsupportedElementType(tensor:code:)``, ``ONNXError/tensorDataMismatch(tensor:declared:actual:)``,
    ///   ``ONNXError/externalData(tensor:reason:)``, ``ONNXError/externalDataOutsideModelFolder(tensor:location:)``
    ///   for tensors; ``ONNXError/invalidNode(node:opType:reason:)`` for attributes;
    ///   ``ONNXError/limitExceeded(what:value:limit:)`` when a limit is exceeded.
    /// - Complexity: O(byte count + loaded tensor bytes).
    public static func read(bytes: [UInt8], modelDirectory: URL?, path: String = "<memory>",
                            limits: ONNXReadLimits = .init()) throws -> ONNXModel {
        try bytes.withUnsafeBytes { buffer in
            try read(buffer: buffer, modelDirectory: modelDirectory, path: path, limits: limits)
        }
    }

    static func read(buffer: UnsafeRawBufferPointer, modelDirectory: URL?, path: String,
                     limits: ONNXReadLimits) throws -> ONNXModel {
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
            throw ONNXError.malformedModel(path: path, reason: "the file is empty")
        }
        _ = try WireFormatCheck.check(buffer, path: path, limits: limits)
        guard let message = onnx__model_proto__unpack(nil, buffer.count, base.assumingMemoryBound(to: UInt8.self)) else {
            throw ONNXError.malformedModel(path: path, reason: "protobuf-c could not decode the ModelProto "
                                           + "(a field has the wrong wire type or invalid contents)")
        }
        defer { onnx__model_proto__free_unpacked(message, nil) }
        let decoder = Decoder(path: path, modelDirectory: modelDirectory, limits: limits)
        return try decoder.model(message)
    }
}
