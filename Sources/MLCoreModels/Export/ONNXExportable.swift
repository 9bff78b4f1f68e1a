import Foundation

/// A model that serializes itself as an ONNX file.
public protocol ONNXExportable {
    /// The model as the bytes of an ONNX `ModelProto`.
    func onnxBytes() -> [UInt8]
}

extension ONNXExportable {
    /// Writes ``onnxBytes()`` to `url` (atomically).
    /// - Throws: ``ModelError/exportFailed(_:)`` when the file cannot be written.
    public func save(to url: URL) throws {
        do {
            try Data(onnxBytes()).write(to: url, options: .atomic)
        } catch {
            throw ModelError.exportFailed("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}

extension ONNXModelWriter {
    /// The interface every MLCore classifier exports: input `X` (float `[N, featureCount]`), outputs `label`
    /// (int64 `[N]`) and `probabilities` (float `[N, classes]`).
    mutating func setClassifierInterface(featureCount: Int, classes: Int) {
        inputs = [.init(name: "X", elementType: 1, shape: [.param("N"), .value(Int64(featureCount))])]
        outputs = [
            .init(name: "label", elementType: 7, shape: [.param("N")]),
            .init(name: "probabilities", elementType: 1, shape: [.param("N"), .value(Int64(classes))]),
        ]
    }
}
