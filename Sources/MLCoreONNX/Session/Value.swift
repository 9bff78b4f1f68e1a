import MLCoreTensor

/// A value flowing through an ONNX graph: a tensor, or a sequence of maps (ZipMap's output).
public enum Value: Sendable {
    case tensor(Tensor)
    /// `seq(map(K, float))`: one map per row, every map with the same keys (ZipMap's contract).
    case mapSequence(MapSequence)

    /// The tensor, or `nil` for a map sequence.
    public var tensor: Tensor? {
        if case .tensor(let t) = self { return t }
        return nil
    }

    /// Bytes the value's elements take (a string element counts as one `String`, its characters not included).
    var byteCount: Int {
        func bytes(_ t: Tensor) -> Int { t.count * (t.dtype.byteWidth ?? MemoryLayout<String>.stride) }
        switch self {
        case .tensor(let t): return bytes(t)
        case .mapSequence(let m): return bytes(m.values) + m.keys.count * MemoryLayout<String>.stride
        }
    }
}

/// A sequence of maps that share their keys, stored as the keys and a dense `[rows, keys]` value matrix.
public struct MapSequence: Sendable {
    public enum Keys: Sendable, Equatable {
        case int64([Int64])
        case string([String])

        public var count: Int {
            switch self {
            case .int64(let k): return k.count
            case .string(let k): return k.count
            }
        }
    }

    /// The keys of every map, in class order.
    public var keys: Keys
    /// `[rows, keys.count]` float32 values: row `i` is map `i`.
    public var values: Tensor

    public init(keys: Keys, values: Tensor) {
        self.keys = keys
        self.values = values
    }

    /// The number of maps.
    public var count: Int { values.rank == 2 ? values.shape[0] : 0 }
}
