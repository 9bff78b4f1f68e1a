import Foundation

/// Tensors in files, as `bench predict` and `bench inference` read and write them: `.npy` for numeric and boolean
/// tensors (any rank, every element type of ``NpyHeader/elementTypes``), `.json` for string tensors (a nested JSON
/// array of strings, one nesting level per dimension).
public enum TensorFile {
    /// Reads a `.npy` or `.json` file.
    /// - Throws: ``BenchError`` for another extension, a JSON file that is not a rectangular nested array of
    ///   strings; ``DataError`` for a bad `.npy` file.
    public static func read(_ url: URL) throws -> Tensor {
        switch url.pathExtension.lowercased() {
        case "npy": return try Npy.read(contentsOf: url)
        case "json": return try readJSONStrings(url)
        default:
            throw BenchError("\(url.path): a fed file must be .npy (numbers, booleans) or .json (an array of strings)")
        }
    }

    /// Writes a string tensor as nested JSON arrays; anything else as `.npy`. Returns the file written:
    /// `base` with the extension `.json` or `.npy` added.
    @discardableResult
    public static func write(_ tensor: Tensor, base: URL) throws -> URL {
        if tensor.dtype == .string {
            let url = base.appendingPathExtension("json")
            let data = try JSONSerialization.data(withJSONObject: try nestedStrings(tensor), options: [.fragmentsAllowed])
            do { try data.write(to: url, options: .atomic) } catch {
                throw BenchError("cannot write \(url.path): \(error.localizedDescription)")
            }
            return url
        }
        let url = base.appendingPathExtension("npy")
        try Npy.write(tensor, to: url)
        return url
    }

    /// A JSON file of nested arrays of strings as a string tensor whose shape is the nesting.
    static func readJSONStrings(_ url: URL) throws -> Tensor {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BenchError("cannot read \(url.path): \(error.localizedDescription)")
        }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw BenchError("\(url.path): not valid JSON (\(error.localizedDescription))")
        }
        guard root is [Any] else {
            throw BenchError("\(url.path): expected a JSON array of strings (axis 0 is the sample axis)")
        }
        // The shape is read down the first elements, then every element is checked against it.
        var dims: [Int] = []
        var probe: Any = root
        while let a = probe as? [Any] {
            dims.append(a.count)
            guard let first = a.first else { break }
            probe = first
        }
        var strings: [String] = []
        func walk(_ v: Any, depth: Int, path: String) throws {
            if depth == dims.count {
                guard let s = v as? String else {
                    throw BenchError("\(url.path): element \(path) is \(v is [Any] ? "an array" : "not a string"); "
                                     + "a .json feed holds strings nested \(dims.count) deep (numbers go in .npy files)")
                }
                strings.append(s)
                return
            }
            guard let a = v as? [Any], a.count == dims[depth] else {
                throw BenchError("\(url.path): element \(path.isEmpty ? "at the top" : path) is not an array of \(dims[depth]) "
                                 + "like its first sibling: the nesting must be rectangular (shape \(dims))")
            }
            for (i, e) in a.enumerated() { try walk(e, depth: depth + 1, path: path + "[\(i)]") }
        }
        try walk(root, depth: 0, path: "")
        return try Tensor(shape: Shape(dims), strings: strings)
    }

    /// A string tensor as nested arrays (a bare string for rank 0).
    static func nestedStrings(_ t: Tensor) throws -> Any {
        let s = try t.strings()
        let dims = t.shape.dims
        guard !dims.isEmpty else { return s[0] }
        func build(_ depth: Int, _ start: Int) -> Any {
            let stride = dims[(depth + 1)...].reduce(1, *)
            if depth == dims.count - 1 { return Array(s[start..<start + dims[depth]]) }
            return (0..<dims[depth]).map { build(depth + 1, start + $0 * stride) }
        }
        return build(0, 0)
    }
}

extension Tensor {
    /// The samples (slices along axis 0) at `indices`, in that order, copied into one tensor.
    /// - Throws: ``BenchError`` for a rank-0 tensor or an element type `.npy` cannot hold and that is not a string.
    func samples(_ indices: [Int]) throws -> Tensor {
        guard rank >= 1 else { throw BenchError("a rank-0 tensor has no samples") }
        var dims = shape.dims
        dims[0] = indices.count
        let n = shape[0]
        let width = n == 0 ? 0 : count / n
        if dtype == .string {
            let all = try strings()
            var out: [String] = []
            out.reserveCapacity(indices.count * width)
            for i in indices { out += all[i * width..<(i + 1) * width] }
            return try Tensor(shape: Shape(dims), strings: out)
        }
        guard let scalar = NpyHeader.scalarType(of: dtype) else { throw BenchError("\(dtype) tensors cannot be sliced into samples") }
        func gather<T: TensorScalar>(_: T.Type) throws -> Tensor {
            try withUnsafeBufferPointer(as: T.self) { all in
                var out: [T] = []
                out.reserveCapacity(indices.count * width)
                for i in indices { out += all[i * width..<(i + 1) * width] }
                return try Tensor(shape: Shape(dims), scalars: out)
            }
        }
        return try gather(scalar)
    }

    /// Tensors of one element type and equal trailing dimensions, concatenated along axis 0 (rank-0 tensors are
    /// stacked into a vector).
    static func concatenatingSamples(_ parts: [Tensor], name: String) throws -> Tensor {
        guard let first = parts.first else { throw BenchError("output '\(name)': nothing to concatenate") }
        if parts.count == 1 { return first }
        let tail = Array(first.shape.dims.dropFirst())
        for p in parts where p.dtype != first.dtype || Array(p.shape.dims.dropFirst()) != tail || (p.rank == 0) != (first.rank == 0) {
            throw BenchError("output '\(name)' is \(first.dtype)\(first.shape) in one run and \(p.dtype)\(p.shape) in another; "
                             + "per-sample runs can only be joined along axis 0")
        }
        let rows = first.rank == 0 ? parts.count : parts.reduce(0) { $0 + $1.shape[0] }
        let dims = [rows] + tail
        if first.dtype == .string {
            return try Tensor(shape: Shape(dims), strings: parts.flatMap { try $0.strings() })
        }
        guard let scalar = NpyHeader.scalarType(of: first.dtype) else {
            throw BenchError("output '\(name)': \(first.dtype) tensors cannot be joined")
        }
        func join<T: TensorScalar>(_: T.Type) throws -> Tensor {
            var out: [T] = []
            for p in parts { out += try p.scalars(as: T.self) }
            return try Tensor(shape: Shape(dims), scalars: out)
        }
        return try join(scalar)
    }
}
