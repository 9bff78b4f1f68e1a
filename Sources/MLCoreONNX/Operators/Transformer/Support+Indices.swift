import MLCoreTensor

/// A computation generic over the arithmetic element types (``ONNXNumeric``: float32, float64, int32, int64),
/// run with ``NodeSpec/visitNumeric(_:_:)``: the gathers and scatters with a reduction, CumSum, Einsum.
protocol NumericVisitor {
    associatedtype Output
    func visit<T: ONNXNumeric>(_: T.Type) throws -> Output
}

extension NodeSpec {
    /// Runs `visitor` with the Swift type of `dtype`, or throws naming the node and the type when the operator
    /// has no arithmetic for it (new element types land here until they get an ``ONNXNumeric`` conformance).
    func visitNumeric<V: NumericVisitor>(_ dtype: DType, _ visitor: V, what: String = "element type") throws -> V.Output {
        switch dtype {
        case .float32: return try visitor.visit(Float.self)
        case .float64: return try visitor.visit(Double.self)
        case .int32: return try visitor.visit(Int32.self)
        case .int64: return try visitor.visit(Int64.self)
        default: throw error("\(what) \(dtype) is not supported by \(opType) here (float32, float64, int32, int64)")
        }
    }

    /// The elements of an index tensor (int32 or int64) as `Int`, without bounds checks (the caller checks
    /// each against the axis it indexes).
    func indexElements(_ t: Tensor, _ what: String) throws -> [Int] {
        switch t.dtype {
        case .int64: return try t.withUnsafeBufferPointer(as: Int64.self) { $0.map { Int(truncatingIfNeeded: $0) } }
        case .int32: return try t.withUnsafeBufferPointer(as: Int32.self) { $0.map { Int($0) } }
        default: throw error("\(what) must be int64 or int32, got \(t.dtype)")
        }
    }

    /// `index` made non-negative for an axis of `dim` (negative values count from the end), or an error naming
    /// the node, the index, the axis and the allowed range.
    @inline(__always)
    func checkedIndex(_ index: Int, dim: Int, axis: Int, _ what: String = "index") throws -> Int {
        let n = index < 0 ? index &+ dim : index
        guard n >= 0, n < dim else {
            throw error("\(what) \(index) is out of range for axis \(axis) of size \(dim) (allowed: \(-dim)..<\(dim))")
        }
        return n
    }
}

/// The element reduction of ScatterElements and ScatterND (opset 16: add, mul; 18: max, min).
enum ScatterReduction: String, Sendable {
    case none, add, mul, max, min

    /// Parses the `reduction` attribute, accepting only the values the node's opset defines.
    init(_ spec: NodeSpec) throws {
        let name = try spec.string("reduction", default: "none")
        guard let r = ScatterReduction(rawValue: name) else {
            throw spec.error("reduction '\(name)' is not one of none, add, mul, max, min")
        }
        let since = r == .none ? 1 : (r == .max || r == .min ? 18 : 16)
        guard spec.opset >= since else {
            throw spec.error("reduction '\(name)' needs opset \(since), the model has \(spec.opset)")
        }
        self = r
    }

    @inline(__always)
    func combine<T: ONNXNumeric>(_ old: T, _ new: T) -> T {
        switch self {
        case .none: return new
        case .add: return old + new
        case .mul: return old * new
        // As onnxruntime's std::max(new, old) and std::min(new, old): a NaN update replaces the value, and a NaN
        // value is replaced by any update (measured on onnxruntime 1.32).
        case .max: return new < old ? old : new
        case .min: return old < new ? old : new
        }
    }
}

/// Row-major strides of `dims` (the last one 1).
func rowMajorStrides(_ dims: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: dims.count)
    var s = 1
    for k in stride(from: dims.count - 1, through: 0, by: -1) {
        strides[k] = s
        s = s &* dims[k]
    }
    return strides
}
