import Foundation
import ONNXProto
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A checked slice of an external-data file: inside the model's folder, a regular file, and long enough.
///
/// - SeeAlso: [External data](https://github.com/onnx/onnx/blob/main/docs/ExternalData.md)
struct ExternalDataFile {
    /// The resolved path (symlinks and `..` resolved).
    var path: String
    var offset: Int
    var byteCount: Int

    /// Reads the slice. The size was checked when the file was resolved; a short read (the file shrank since)
    /// still throws.
    func read(tensor: String) throws -> Data {
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(offset))
            let data = byteCount == 0 ? Data() : (try handle.read(upToCount: byteCount) ?? Data())
            guard data.count == byteCount else {
                throw ONNXError.externalData(tensor: tensor, reason: "read \(data.count) of \(byteCount) bytes from '\(path)'")
            }
            return data
        } catch let error as ONNXError {
            throw error
        } catch {
            throw ONNXError.externalData(tensor: tensor, reason: "cannot read '\(path)': \(error.localizedDescription)")
        }
    }
}

extension ONNXReader.Decoder {
    /// Resolves and checks the external data of a tensor before anything is read or allocated.
    ///
    /// Keys (`external_data` entries): `location` (required, relative to the model's folder), `offset` (default 0),
    /// `length` (default: the tensor's size; when given it must equal it); `checksum` and unknown keys are ignored.
    /// A location that is absolute, or that leaves the model's folder through `..` or a symbolic link, throws
    /// ``ONNXError/externalDataOutsideModelFolder(tensor:location:)``.
    /// - Parameters:
    ///   - byteCount: the tensor's size in the file (elements x `elementWidth`).
    func externalDataFile(_ proto: Onnx__TensorProto, tensor name: String, byteCount: Int,
                          elementWidth: Int) throws -> ExternalDataFile {
        var location: String?
        var offset = 0
        var length: Int?
        for case let entry? in protoRepeated(proto.n_external_data, proto.external_data) {
            let key = protoString(entry.pointee.key)
            let value = protoString(entry.pointee.value)
            func nonNegative() throws -> Int {
                guard let v = Int(value), v >= 0 else {
                    throw ONNXError.externalData(tensor: name, reason: "\(key) '\(value)' is not a non-negative integer")
                }
                return v
            }
            switch key {
            case "location": location = value
            case "offset": offset = try nonNegative()
            case "length": length = try nonNegative()
            default: continue
            }
        }
        guard let location, !location.isEmpty else {
            throw ONNXError.externalData(tensor: name, reason: "no location given")
        }
        guard let modelDirectory else {
            throw ONNXError.externalData(tensor: name, reason: "the model was read from memory without a model directory, "
                                         + "so location '\(location)' cannot be resolved")
        }

        // Lexical check first, so that `../x` is refused whether or not the file exists.
        guard !location.hasPrefix("/") else {
            throw ONNXError.externalDataOutsideModelFolder(tensor: name, location: location)
        }
        var components: [Substring] = []
        for part in location.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == ".." {
                guard !components.isEmpty else {
                    throw ONNXError.externalDataOutsideModelFolder(tensor: name, location: location)
                }
                components.removeLast()
            } else {
                components.append(part)
            }
        }
        guard !components.isEmpty else {
            throw ONNXError.externalData(tensor: name, reason: "location '\(location)' names the model's folder, not a file")
        }

        // Then the real paths, so that a symbolic link cannot point outside either.
        guard let folder = Self.realPath(modelDirectory.path) else {
            throw ONNXError.externalData(tensor: name, reason: "the model's folder '\(modelDirectory.path)' cannot be resolved")
        }
        let candidate = (folder == "/" ? "" : folder) + "/" + components.joined(separator: "/")
        guard let resolved = Self.realPath(candidate) else {
            throw ONNXError.externalData(tensor: name, reason: "file '\(location)' does not exist in '\(folder)'")
        }
        guard folder == "/" || resolved.hasPrefix(folder + "/") else {
            throw ONNXError.externalDataOutsideModelFolder(tensor: name, location: location)
        }

        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: resolved)
        } catch {
            throw ONNXError.externalData(tensor: name, reason: "cannot read '\(location)': \(error.localizedDescription)")
        }
        guard (attributes[.type] as? FileAttributeType) == .typeRegular, let size = attributes[.size] as? Int else {
            throw ONNXError.externalData(tensor: name, reason: "'\(location)' is not a regular file")
        }
        if let length, length != byteCount {
            throw ONNXError.tensorDataMismatch(tensor: name, declared: byteCount / elementWidth, actual: length / elementWidth)
        }
        let (end, overflow) = offset.addingReportingOverflow(byteCount)
        guard !overflow, end <= size else {
            throw ONNXError.externalData(tensor: name, reason: "'\(location)' has \(size) bytes; the tensor needs bytes "
                                         + "\(offset)..<\(overflow ? "overflow" : String(end))")
        }
        return ExternalDataFile(path: resolved, offset: offset, byteCount: byteCount)
    }

    /// `realpath(3)`: the absolute path with every symbolic link, `.` and `..` resolved; `nil` if it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
