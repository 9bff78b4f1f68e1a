import Foundation

extension BatchPrediction {
    /// One file written by ``writeOutputs(to:)``.
    public struct WrittenOutput: Sendable {
        public var output: String
        public var file: URL
        /// e.g. `float32[3, 2]`.
        public var summary: String
    }

    /// Writes every output to `directory` (created if needed) as `<name>.npy`, or `<name>.json` for string tensors.
    ///
    /// A ZipMap map sequence is written as its dense `[rows, classes]` float32 matrix (classes in key order); a
    /// sequence of tensors as `<name>/<index>.npy`; a map as `<name>.keys` and `<name>.values`; an empty optional
    /// writes nothing (and is listed with an empty file name). Output names are used as file names except that `/`,
    /// `\`, NUL and control characters become `_` (and `.`, `..` or an empty name `_`); two outputs that would
    /// share a file get `_2`, `_3`, ... in model order.
    public func writeOutputs(to directory: URL) throws -> [WrittenOutput] {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw BenchError("cannot create --output-dir \(directory.path): \(error.localizedDescription)")
        }
        var written: [WrittenOutput] = []
        var used: Set<String> = []
        for name in outputNames {
            guard let value = outputs[name] else { continue }
            var base = Self.fileName(for: name)
            if used.contains(base) {
                var k = 2
                while used.contains("\(base)_\(k)") { k += 1 }
                base = "\(base)_\(k)"
            }
            used.insert(base)
            written += try Self.write(value, name: name, base: directory.appendingPathComponent(base))
        }
        return written
    }

    static func write(_ value: Value, name: String, base: URL) throws -> [WrittenOutput] {
        func one(_ t: Tensor, _ base: URL) throws -> WrittenOutput {
            WrittenOutput(output: name, file: try TensorFile.write(t, base: base), summary: "\(t.dtype)\(t.shape)")
        }
        switch value {
        case .tensor(let t): return [try one(t, base)]
        case .mapSequence(let m): return [try one(m.values, base)]
        case .sequence(let s):
            do { try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true) } catch {
                throw BenchError("cannot create \(base.path): \(error.localizedDescription)")
            }
            return try s.tensors.enumerated().map { try one($1, base.appendingPathComponent(String($0))) }
        case let .map(keys, values):
            return [try one(keys, base.appendingPathExtension("keys")), try one(values, base.appendingPathExtension("values"))]
        case .optional(let inner):
            guard let inner else { return [WrittenOutput(output: name, file: URL(fileURLWithPath: ""), summary: "empty optional")] }
            return try write(inner, name: name, base: base)
        }
    }

    /// `name` as a file name: only the characters a file system cannot hold in one path component are replaced.
    static func fileName(for name: String) -> String {
        let replaced = String(name.unicodeScalars.map { c -> Character in
            c == "/" || c == "\\" || c.value < 0x20 || c.value == 0x7F ? "_" : Character(c)
        })
        return replaced.isEmpty || replaced == "." || replaced == ".." ? "_" : replaced
    }
}
