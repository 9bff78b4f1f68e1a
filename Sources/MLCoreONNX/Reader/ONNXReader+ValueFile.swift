import Foundation
import MLCoreTensor

extension ONNXReader {
    /// Reads a file that holds one serialized value of the declared `type`, such as the `input_<i>.pb` /
    /// `output_<i>.pb` files of ONNX's backend test data: a `TensorProto` for a tensor type (as
    /// ``readTensor(contentsOf:limits:)``), a `SequenceProto` for `seq(tensor(T))` and an `OptionalProto` for
    /// `optional(tensor(T))` or `optional(seq(tensor(T)))`.
    ///
    /// Each tensor inside passes the checks of ``readTensor(contentsOf:limits:)``. An empty sequence takes the
    /// declared element type (float32 when none is declared). Sequences of maps, of sequences and of sparse
    /// tensors, and map values, are not supported.
    /// - Throws: ``ONNXError/malformedModel(path:reason:)`` when the bytes are not a valid message of that type,
    ///   ``ONNXError/invalidInput(name:reason:)`` for a type MLCore cannot hold, and the errors of
    ///   ``readTensor(contentsOf:limits:)``.
    /// - SeeAlso: [onnx-data.proto](https://github.com/onnx/onnx/blob/main/onnx/onnx-data.proto)
    public static func readValue(contentsOf url: URL, type: ONNXType, limits: ONNXReadLimits = .init()) throws -> Value {
        let data = try fileContents(url, limits: limits)
        let reader = ValueFileReader(path: url.path, directory: url.deletingLastPathComponent(), limits: limits,
                                     name: url.deletingPathExtension().lastPathComponent)
        return try data.withUnsafeBytes { try reader.value($0, type: type, depth: 0) }
    }
}

/// Decodes the `onnx-data.proto` wrappers (`SequenceProto`, `OptionalProto`) around `TensorProto`s, which the
/// generated protobuf-c code (built from `onnx-ml.proto`) does not include. Only the fields MLCore can hold are
/// read; every length is checked against the buffer before it is used.
struct ValueFileReader {
    let path: String
    let directory: URL
    let limits: ONNXReadLimits
    let name: String

    /// `SequenceProto` / `OptionalProto` field numbers (they share them).
    enum Field: Int {
        case name = 1, elemType = 2, tensor = 3, sparseTensor = 4, sequence = 5, map = 6, optional = 7
    }

    func malformed(_ reason: String) -> ONNXError { .malformedModel(path: path, reason: reason) }

    func value(_ buffer: UnsafeRawBufferPointer, type: ONNXType, depth: Int) throws -> Value {
        guard depth < 8 else { throw malformed("values nest more than 8 deep") }
        switch type {
        case .sequence(let element):
            guard case let .tensor(elementType, _) = element else {
                throw ONNXError.invalidInput(name: name, reason: "a \(type.summary) value is not supported")
            }
            var tensors: [Tensor] = []
            for (field, bytes) in try fields(buffer) {
                switch field {
                case .tensor: tensors.append(try tensor(bytes, index: tensors.count))
                case .sparseTensor, .sequence, .map, .optional:
                    throw ONNXError.invalidInput(name: name, reason: "a sequence of non-tensor values is not supported")
                case .name, .elemType: break
                }
            }
            let dtype = elementType ?? tensors.first?.dtype ?? .float32
            if let odd = tensors.first(where: { $0.dtype != dtype }) {
                throw malformed("a sequence of \(dtype) holds a \(odd.dtype) tensor")
            }
            return .sequence(TensorSequence(elementType: dtype, tensors: tensors))
        case .optional(let inner):
            var result: Value? = nil
            for (field, bytes) in try fields(buffer) {
                switch field {
                case .tensor: result = .tensor(try tensor(bytes, index: 0))
                case .sequence: result = try value(bytes, type: inner, depth: depth + 1)
                case .sparseTensor, .map, .optional:
                    throw ONNXError.invalidInput(name: name, reason: "an optional of a sparse tensor, map or optional is not supported")
                case .name, .elemType: break
                }
            }
            return .optional(result)
        default:
            return .tensor(try tensor(buffer, index: nil))
        }
    }

    func tensor(_ bytes: UnsafeRawBufferPointer, index: Int?) throws -> Tensor {
        try ONNXReader.readTensor(buffer: bytes, directory: directory, path: path,
                                  fallbackName: index.map { "\(name)[\($0)]" } ?? name, limits: limits).tensor
    }

    /// The length-delimited fields of a wrapper message (numbers 1 to 7), in order; varint fields are skipped.
    func fields(_ buffer: UnsafeRawBufferPointer) throws -> [(Field, UnsafeRawBufferPointer)] {
        var result: [(Field, UnsafeRawBufferPointer)] = []
        var i = 0
        func varint() throws -> UInt64 {
            var v: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                guard i < buffer.count else { throw malformed("truncated varint") }
                let b = buffer[i]
                i += 1
                v |= UInt64(b & 0x7f) << UInt64(shift)
                if b & 0x80 == 0 { return v }
            }
            throw malformed("varint longer than 10 bytes")
        }
        while i < buffer.count {
            let key = try varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: _ = try varint()
            case 1, 5:
                let width = key & 7 == 1 ? 8 : 4
                guard buffer.count - i >= width else { throw malformed("truncated fixed-width field \(number)") }
                i += width
            case 2:
                let length = try varint()
                guard length <= UInt64(buffer.count - i) else { throw malformed("field \(number) runs past the end") }
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[i..<i + Int(length)])
                i += Int(length)
                if let field = Field(rawValue: number) { result.append((field, bytes)) }
            default:
                throw malformed("wire type \(key & 7) of field \(number) is not valid here")
            }
        }
        return result
    }
}
