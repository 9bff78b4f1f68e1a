import MLCoreTensor

/// A value flowing through an ONNX graph: a tensor, a sequence of tensors, a map, an optional, or a
/// sequence of maps (ZipMap's output).
public enum Value: Sendable {
    case tensor(Tensor)
    /// `seq(map(K, float))`: one map per row, every map with the same keys (ZipMap's contract).
    case mapSequence(MapSequence)
    /// `seq(tensor(T))`: SequenceConstruct, SplitToSequence, Loop scan outputs of sequence type, ...
    case sequence(TensorSequence)
    /// `map(K, V)` with one tensor of keys and one of values, in the same order (DictVectorizer's input).
    case map(keys: Tensor, values: Tensor)
    /// `optional(T)`: `nil` is an empty optional (ONNX `Optional` without an input).
    indirect case optional(Value?)

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
        case .sequence(let s): return s.tensors.reduce(0) { $0 + bytes($1) }
        case let .map(keys, values): return bytes(keys) + bytes(values)
        case .optional(let v): return v?.byteCount ?? 0
        }
    }
}

/// A sequence of tensors of one element type (ONNX `seq(tensor(T))`); may be empty, so the type is kept.
public struct TensorSequence: Sendable {
    /// The element type every tensor in the sequence has.
    public var elementType: DType
    public var tensors: [Tensor]

    public init(elementType: DType, tensors: [Tensor]) {
        self.elementType = elementType
        self.tensors = tensors
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
