import MLCoreTensor

/// TopK: the `k` largest (or, with `largest=0`, smallest) elements along `axis` (default -1) and their
/// int64 indices. `k` is an attribute in opset 1 and a one-element int64 input from opset 10; `largest` and
/// `sorted` arrive in opset 11.
///
/// Equal values come out lower index first (as onnxruntime). NaN ranks above every number (as NumPy's sort),
/// so it comes first with `largest=1` and last with `largest=0`. The output is always sorted, which
/// `sorted=0` ("any order") permits. `k` larger than the axis is an error.
///
/// Each slice keeps its best `k` in a binary heap whose root is the worst kept element, then sorts them: small
/// `k` costs one comparison per element for most of the slice.
/// - Complexity: O(n log k) per slice of n elements.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__TopK.html
struct TopK: Operator {
    let spec: NodeSpec
    let axis: Int64
    let largest: Bool
    let kAttribute: Int64?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis", default: -1)
        largest = spec.opset >= 11 ? try spec.int("largest", default: 1) != 0 : true
        kAttribute = spec.opset < 10 ? try spec.int("k") : nil
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let a = try spec.normalizedAxis(axis, rank: x.rank)
        let k = try kAttribute ?? spec.integerScalar(inputs.tensor(1, spec), "K")
        let length = x.shape[a]
        guard k >= 0, k <= Int64(length) else { throw spec.shapeError("k = \(k) is out of range for axis \(a) of \(x.shape)") }
        var dims = x.shape.dims
        dims[a] = Int(k)
        let outer = try spec.product(x.shape.dims[..<a], "TopK"), inner = try spec.product(x.shape.dims[(a + 1)...], "TopK")
        let geometry = (shape: Shape(dims), outer: outer, length: length, inner: inner, k: Int(k))
        switch x.dtype {
        case .float32: return try select(x, Float.self, geometry, context)
        case .float64: return try select(x, Double.self, geometry, context)
        case .int32: return try select(x, Int32.self, geometry, context)
        case .int64: return try select(x, Int64.self, geometry, context)
        default: throw spec.error("element type \(x.dtype) is not supported")
        }
    }

    func select<T: ONNXNumeric>(_ x: Tensor, _: T.Type, _ g: (shape: Shape, outer: Int, length: Int, inner: Int, k: Int),
                                _ context: RunContext) throws -> [Value] {
        var values = try context.makeTensor(g.shape, T.dtype, node: spec.name)
        var indices = try context.makeTensor(g.shape, .int64, node: spec.name)
        if values.count == 0 { return [.tensor(values), .tensor(indices)] }
        try x.withUnsafeBufferPointer(as: T.self) { src in
            try values.withUnsafeMutableBufferPointer(as: T.self) { outValues in
                try indices.withUnsafeMutableBufferPointer(as: Int64.self) { outIndices in
                    if largest {
                        Self.select(src, outValues, outIndices, g.outer, g.length, g.inner, g.k, LargestFirst.self)
                    } else {
                        Self.select(src, outValues, outIndices, g.outer, g.length, g.inner, g.k, SmallestFirst.self)
                    }
                }
            }
        }
        return [.tensor(values), .tensor(indices)]
    }

    /// Every slice `(outer, inner)` along the axis: the best `k` into the outputs, best first.
    static func select<T: ONNXNumeric, Order: TopKOrder>(
        _ src: UnsafeBufferPointer<T>, _ outValues: UnsafeMutableBufferPointer<T>, _ outIndices: UnsafeMutableBufferPointer<Int64>,
        _ outer: Int, _ length: Int, _ inner: Int, _ k: Int, _: Order.Type
    ) {
        let slice = UnsafeMutableBufferPointer<T>.allocate(capacity: length)
        let heap = UnsafeMutableBufferPointer<Int>.allocate(capacity: k)
        defer { slice.deallocate(); heap.deallocate() }
        slice.initialize(repeating: T.zero)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                for j in 0..<length { slice[j] = src[base + j * inner] }
                best(k, of: UnsafeBufferPointer(slice), heap: heap, Order.self)
                let outBase = o * k * inner + i
                for r in 0..<k {
                    let p = heap[r]
                    outValues[outBase + r * inner] = slice[p]
                    outIndices[outBase + r * inner] = Int64(p)
                }
            }
        }
    }

    /// The `k` positions of `values` that rank first under `Order`, in that order, into `heap[0..<k]`.
    ///
    /// A binary heap whose root is the worst position kept so far: most candidates cost one comparison
    /// with the root.
    @inline(__always)
    static func best<T: ONNXNumeric, Order: TopKOrder>(_ k: Int, of values: UnsafeBufferPointer<T>,
                                                       heap: UnsafeMutableBufferPointer<Int>, _: Order.Type) {
        @inline(__always) func before(_ p: Int, _ q: Int) -> Bool { Order.before(values[p], p, values[q], q) }
        var count = 0
        for p in 0..<values.count {
            if count < k {
                heap[count] = p
                var child = count
                count += 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard before(heap[parent], heap[child]) else { break }
                    heap.swapAt(parent, child)
                    child = parent
                }
            } else if before(p, heap[0]) {
                heap[0] = p
                var parent = 0
                while true {
                    let left = 2 * parent + 1
                    if left >= k { break }
                    var worst = left
                    if left + 1 < k && before(heap[left], heap[left + 1]) { worst = left + 1 }
                    guard before(heap[parent], heap[worst]) else { break }
                    heap.swapAt(parent, worst)
                    parent = worst
                }
            }
        }
        var kept = UnsafeMutableBufferPointer(rebasing: heap[0..<k])
        kept.sort { before($0, $1) }
    }
}

/// The ranking of TopK: whether value `u` at position `p` comes before value `v` at position `q`. Equal
/// values rank by position; NaN ranks above every number (and NaNs by position).
protocol TopKOrder {
    static func before<T: ONNXNumeric>(_ u: T, _ p: Int, _ v: T, _ q: Int) -> Bool
}

enum LargestFirst: TopKOrder {
    @inline(__always)
    static func before<T: ONNXNumeric>(_ u: T, _ p: Int, _ v: T, _ q: Int) -> Bool {
        if u > v { return true }
        if u < v { return false }
        if u == v { return p < q }
        // At least one NaN (`x != x`).
        let uNaN = u != u, vNaN = v != v
        return uNaN && vNaN ? p < q : uNaN
    }
}

enum SmallestFirst: TopKOrder {
    @inline(__always)
    static func before<T: ONNXNumeric>(_ u: T, _ p: Int, _ v: T, _ q: Int) -> Bool {
        if u < v { return true }
        if u > v { return false }
        if u == v { return p < q }
        let uNaN = u != u, vNaN = v != v
        return uNaN && vNaN ? p < q : vNaN
    }
}
