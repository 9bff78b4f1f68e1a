import Foundation
import MLCoreKernels
import MLCoreTensor

/// ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceSumSquare, ReduceL1, ReduceL2,
/// ReduceLogSum and ReduceLogSumExp over a set of axes.
///
/// Axes are an attribute (negative values from opset 11) until they become an optional input: opset 13 for
/// ReduceSum, 18 for the others. No axes (or an empty list) reduces every axis, unless
/// `noop_with_empty_axes=1` (with the axes input), which returns the input unchanged (for every kind, as
/// onnxruntime copies the input there). `keepdims` (default 1) keeps reduced axes with size 1. Over an empty
/// set, Sum, SumSquare, L1 and L2 give 0, Prod 1, LogSum and LogSumExp -inf, Mean NaN (floats) or 0
/// (integers), Max the lowest value (-inf, the integer minimum, false) and Min the highest.
///
/// Float Sum, Mean and Max run on MLCore's reduction kernels, one call per run of adjacent reduced axes;
/// Min, Prod, integers (int32, int64; and bool for Max and Min) run a generic loop. Max and Min return NaN
/// for a slice that holds NaN. The other kinds are one of those with an element-wise step before or after:
/// SumSquare and L2 sum `x * x` (L2 then takes the square root, truncated for integers), L1 sums `|x|`,
/// LogSum is `log(sum)`, LogSumExp is `m + log(sum(exp(x - m)))` with `m` the slice's largest finite
/// element (0 when there is none), as onnxruntime shifts it. LogSum and LogSumExp take float32 and float64.
/// - Complexity: O(input elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__ReduceSum.html, https://onnx.ai/onnx/operators/onnx__ReduceLogSumExp.html
struct Reduce: Operator {
    enum Kind: String { case sum, mean, max, min, prod, sumSquare, l1, l2, logSum, logSumExp }

    let kind: Kind
    let spec: NodeSpec
    let keepDims: Bool
    let axesFromInput: Bool
    let axesAttribute: [Int64]?
    let noopWithEmptyAxes: Bool

    init(_ kind: Kind, _ spec: NodeSpec) throws {
        self.kind = kind
        self.spec = spec
        keepDims = try spec.int("keepdims", default: 1) != 0
        axesFromInput = spec.opset >= (kind == .sum ? 13 : 18)
        axesAttribute = !axesFromInput && spec.has("axes") ? try spec.ints("axes") : nil
        noopWithEmptyAxes = axesFromInput ? try spec.int("noop_with_empty_axes", default: 0) != 0 : false
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        var axes = axesAttribute ?? []
        if axesFromInput, let t = try inputs.optionalTensor(1, spec) { axes = try spec.integerList(t, "axes") }
        if axes.isEmpty && noopWithEmptyAxes { return [.tensor(x)] }
        var reduced = [Bool](repeating: axes.isEmpty, count: x.rank)
        for a in try spec.normalizedAxes(axes, rank: x.rank, allowNegative: spec.opset >= 11) { reduced[a] = true }
        let outShape = Shape(x.shape.dims.indices.compactMap { k in reduced[k] ? (keepDims ? 1 : nil) : x.shape[k] })

        switch kind {
        case .sum, .mean, .max, .min, .prod: return [.tensor(try core(kind, x, reduced, outShape, context))]
        case .sumSquare, .l1, .l2, .logSum, .logSumExp:
            switch x.dtype {
            case .float32: return [.tensor(try derivedFloat(Float.self, x, reduced, outShape, context))]
            case .float64: return [.tensor(try derivedFloat(Double.self, x, reduced, outShape, context))]
            case .int32 where kind != .logSum && kind != .logSumExp:
                return [.tensor(try derivedInteger(Int32.self, x, reduced, outShape, context))]
            case .int64 where kind != .logSum && kind != .logSumExp:
                return [.tensor(try derivedInteger(Int64.self, x, reduced, outShape, context))]
            default: throw spec.error("element type \(x.dtype) is not supported")
            }
        }
    }

    /// Sum, Mean, Max, Min or Prod of `x` over the `reduced` axes, shaped `outShape`.
    func core(_ kind: Kind, _ x: Tensor, _ reduced: [Bool], _ outShape: Shape, _ context: RunContext) throws -> Tensor {
        switch x.dtype {
        case .float32, .float64:
            let emptyMax = kind == .max && zip(x.shape.dims, reduced).contains { $0.1 && $0.0 == 0 }
            if kind != .min && kind != .prod && !emptyMax && x.count > 0 {
                return try kernel(kind, x, reduced, context).viewed(as: outShape, spec)
            }
            return x.dtype == .float32 ? try generic(kind, x, reduced, outShape, Float.self, context)
                                       : try generic(kind, x, reduced, outShape, Double.self, context)
        case .int32: return try generic(kind, x, reduced, outShape, Int32.self, context)
        case .int64: return try generic(kind, x, reduced, outShape, Int64.self, context)
        case .bool where kind == .max || kind == .min:
            return try booleans(kind, x, reduced, outShape, context)
        default:
            throw spec.error("element type \(x.dtype) is not supported")
        }
    }

    /// SumSquare, L1, L2, LogSum, LogSumExp of floats: an element-wise step, a Sum, an element-wise step.
    func derivedFloat<T: ReductionFloat>(_: T.Type, _ x: Tensor, _ reduced: [Bool], _ outShape: Shape,
                                         _ context: RunContext) throws -> Tensor {
        switch kind {
        case .sumSquare: return try core(.sum, mapTensor(x, Square<T>(), spec, context), reduced, outShape, context)
        case .l1: return try core(.sum, mapTensor(x, Magnitude<T>(), spec, context), reduced, outShape, context)
        case .l2:
            let s = try core(.sum, mapTensor(x, Square<T>(), spec, context), reduced, outShape, context)
            return try mapTensor(s, SquareRoot<T>(), spec, context)
        case .logSum:
            return try mapTensor(try core(.sum, x, reduced, outShape, context), NaturalLog<T>(), spec, context)
        default:
            // The shift, per output element, shaped with the reduced axes kept so it broadcasts against x.
            let keptShape = Shape(x.shape.dims.indices.map { reduced[$0] ? 1 : x.shape[$0] })
            var shift = try context.makeTensor(keptShape, T.dtype, node: spec.name)
            try x.withUnsafeBufferPointer(as: T.self) { src in
                try shift.withUnsafeMutableBufferPointer(as: T.self) { dst in
                    reduceLoop(src, dst, x.shape.dims, reduced, initial: -T.infinity, MaxFinite<T>())
                    for i in 0..<dst.count where !dst[i].isFinite { dst[i] = 0 }
                }
            }
            let sums = try core(.sum, zipTensors(x, shift, ExpOfDifference<T>(), spec, context), reduced, keptShape, context)
            return try zipTensors(sums, shift, LogPlus<T>(), spec, context).viewed(as: outShape, spec)
        }
    }

    /// SumSquare, L1 and L2 of integers (wrapping; L2's square root truncated, as onnxruntime casts it).
    func derivedInteger<T: ONNXNumeric & FixedWidthInteger & SignedInteger & ReductionBounds>(
        _: T.Type, _ x: Tensor, _ reduced: [Bool], _ outShape: Shape, _ context: RunContext
    ) throws -> Tensor {
        switch kind {
        case .l1: return try core(.sum, mapTensor(x, IntegerMagnitude<T>(), spec, context), reduced, outShape, context)
        default:
            let s = try core(.sum, mapTensor(x, Square<T>(), spec, context), reduced, outShape, context)
            return kind == .l2 ? try mapTensor(s, IntegerSquareRoot<T>(), spec, context) : s
        }
    }

    /// One kernel call per run of adjacent reduced axes, right to left, each collapsing its run to size 1.
    func kernel(_ kind: Kind, _ x: Tensor, _ reduced: [Bool], _ context: RunContext) throws -> Tensor {
        var t = x
        var dims = x.shape.dims
        var end = dims.count
        let options = context.kernelOptions
        while end > 0 {
            guard reduced[end - 1] else { end -= 1; continue }
            var start = end - 1
            while start > 0 && reduced[start - 1] { start -= 1 }
            let merged = dims[start..<end].reduce(1, *)
            dims.replaceSubrange(start..<end, with: [merged])
            t = try t.viewed(as: Shape(dims), spec)
            do {
                switch kind {
                case .sum: t = try Reduction.sum(t, axis: start, keepDims: true, options: options)
                case .mean: t = try Reduction.mean(t, axis: start, keepDims: true, options: options)
                case .max: t = try Reduction.max(t, axis: start, keepDims: true, options: options)
                default: throw spec.error("internal: no \(kind) kernel")
                }
            } catch let error as TensorError {
                throw spec.shapeError("\(error)")
            }
            dims[start] = 1
            end = start
        }
        return t
    }

    func generic<T: ONNXNumeric & ReductionBounds>(_ kind: Kind, _ x: Tensor, _ reduced: [Bool], _ outShape: Shape, _: T.Type,
                                                   _ context: RunContext) throws -> Tensor {
        var out = try context.makeTensor(outShape, T.dtype, node: spec.name)
        // Wrapping: exact whenever x has elements; with none, a zero factor makes it 0 in any order.
        let count = zip(x.shape.dims, reduced).reduce(1) { $1.1 ? $0 &* $1.0 : $0 }
        try x.withUnsafeBufferPointer(as: T.self) { src in
            try out.withUnsafeMutableBufferPointer(as: T.self) { dst in
                switch kind {
                case .sum, .mean:
                    reduceLoop(src, dst, x.shape.dims, reduced, initial: T.zero, Sum<T>())
                    if kind == .mean {
                        let n = T(clamping: Double(count))
                        for i in 0..<dst.count { dst[i] = T.onnxDivide(dst[i], n) }
                        if count == 0, T.dtype.isFloatingPoint { dst.fill(T(clamping: .nan), at: 0, count: dst.count) }
                    }
                case .max:
                    reduceLoop(src, dst, x.shape.dims, reduced, initial: T.lowest, MaxOrNaN<T>())
                case .min:
                    reduceLoop(src, dst, x.shape.dims, reduced, initial: T.highest, MinOrNaN<T>())
                case .prod:
                    reduceLoop(src, dst, x.shape.dims, reduced, initial: T(clamping: 1), Product<T>())
                default:
                    throw spec.error("internal: no generic \(kind) loop")
                }
            }
        }
        return out
    }

    /// Max (any) and Min (all) of bool tensors.
    func booleans(_ kind: Kind, _ x: Tensor, _ reduced: [Bool], _ outShape: Shape, _ context: RunContext) throws -> Tensor {
        var out = try context.makeTensor(outShape, .bool, node: spec.name)
        try x.withUnsafeBufferPointer(as: Bool.self) { src in
            try out.withUnsafeMutableBufferPointer(as: Bool.self) { dst in
                if kind == .max {
                    reduceLoop(src, dst, x.shape.dims, reduced, initial: false, LogicalOr())
                } else {
                    reduceLoop(src, dst, x.shape.dims, reduced, initial: true, LogicalAnd())
                }
            }
        }
        return out
    }
}

/// The starting values of Max and Min.
protocol ReductionBounds {
    static var lowest: Self { get }
    static var highest: Self { get }
}
extension Float: ReductionBounds {
    static var lowest: Float { -.infinity }
    static var highest: Float { .infinity }
}
extension Double: ReductionBounds {
    static var lowest: Double { -.infinity }
    static var highest: Double { .infinity }
}
extension Int32: ReductionBounds {
    static var lowest: Int32 { .min }
    static var highest: Int32 { .max }
}
extension Int64: ReductionBounds {
    static var lowest: Int64 { .min }
    static var highest: Int64 { .max }
}

/// `dst[out(i)] = combine(dst[out(i)], src[i])` for every input element `i`, where `out(i)` drops the reduced
/// axes; `dst` starts at `initial`. Size-1 axes are dropped and adjacent axes of the same kind merged, so the
/// inner loop runs over the longest contiguous stretch: one accumulator when it is reduced, a vector of
/// output elements when it is kept.
/// `combine` is a type, so the loop is specialized for it (see Support+Map.swift).
/// - Complexity: O(input elements).
func reduceLoop<T, F: BinaryElementFunction>(_ src: UnsafeBufferPointer<T>, _ dst: UnsafeMutableBufferPointer<T>, _ shape: [Int],
                                             _ reduced: [Bool], initial: T, _ combine: F)
where F.Left == T, F.Right == T, F.Output == T {
    dst.fill(initial, at: 0, count: dst.count)
    if src.isEmpty || dst.isEmpty { return }
    var dims: [Int] = [], flags: [Bool] = []
    for (d, r) in zip(shape, reduced) where d != 1 {
        if flags.last == r { dims[dims.count - 1] *= d } else { dims.append(d); flags.append(r) }
    }
    if dims.isEmpty { dims = [1]; flags = [true] }
    let rank = dims.count
    var outStrides = [Int](repeating: 0, count: rank)
    var acc = 1
    for k in stride(from: rank - 1, through: 0, by: -1) where !flags[k] {
        outStrides[k] = acc
        acc *= dims[k]
    }
    let inner = dims[rank - 1], innerReduced = flags[rank - 1]
    var index = [Int](repeating: 0, count: rank - 1)
    var o = 0, i = 0
    while i < src.count {
        if innerReduced {
            // Four accumulators (`initial` is each combine's identity), so the loop is not one dependency chain.
            var a0 = dst[o], a1 = initial, a2 = initial, a3 = initial
            var j = 0
            while j + 4 <= inner {
                a0 = combine(a0, src[i + j])
                a1 = combine(a1, src[i + j + 1])
                a2 = combine(a2, src[i + j + 2])
                a3 = combine(a3, src[i + j + 3])
                j += 4
            }
            while j < inner {
                a0 = combine(a0, src[i + j])
                j += 1
            }
            dst[o] = combine(combine(a0, a1), combine(a2, a3))
        } else {
            for j in 0..<inner { dst[o + j] = combine(dst[o + j], src[i + j]) }
        }
        i += inner
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            o += outStrides[axis]
            if index[axis] < dims[axis] { break }
            o -= outStrides[axis] * dims[axis]
            index[axis] = 0
            axis -= 1
        }
    }
}

/// ArgMax and ArgMin: the index (int64) of the largest or smallest element along `axis` (default 0),
/// `keepdims` (default 1). Ties give the first index, or the last with `select_last_index=1` (opset 12). A
/// slice holding NaN gives the (first or last) NaN's index, as NumPy. An empty axis is an error.
///
/// Float ArgMax with first-index ties runs on MLCore's reduction kernel; the rest on a generic loop that
/// walks `[outer, axis, inner]` with contiguous rows of running bests.
/// - Complexity: O(input elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__ArgMax.html
struct ArgExtreme: Operator {
    let isMax: Bool
    let spec: NodeSpec
    let axis: Int64
    let keepDims: Bool
    let selectLast: Bool

    init(max isMax: Bool, _ spec: NodeSpec) throws {
        self.isMax = isMax
        self.spec = spec
        axis = try spec.int("axis", default: 0)
        keepDims = try spec.int("keepdims", default: 1) != 0
        selectLast = spec.opset >= 12 ? try spec.int("select_last_index", default: 0) != 0 : false
        if spec.opset < 11, axis < 0 { throw spec.error("axis \(axis) is negative, which opset \(spec.opset) does not allow") }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let a = try spec.normalizedAxis(axis, rank: x.rank)
        let length = x.shape[a]
        guard length > 0 else { throw spec.shapeError("cannot take the arg\(isMax ? "max" : "min") over empty axis \(a) of \(x.shape)") }
        var dims = x.shape.dims
        if keepDims { dims[a] = 1 } else { dims.remove(at: a) }
        let outShape = Shape(dims)
        if isMax, !selectLast, x.dtype.isFloatingPoint {
            do {
                return [.tensor(try Reduction.argmax(x, axis: a, keepDims: keepDims, options: context.kernelOptions))]
            } catch let error as TensorError {
                throw spec.shapeError("\(error)")
            }
        }
        let outer = try spec.product(x.shape.dims[..<a], "arg"), inner = try spec.product(x.shape.dims[(a + 1)...], "arg")
        switch x.dtype {
        case .float32: return [.tensor(try generic(x, Float.self, outShape, outer, length, inner, context))]
        case .float64: return [.tensor(try generic(x, Double.self, outShape, outer, length, inner, context))]
        case .int32: return [.tensor(try generic(x, Int32.self, outShape, outer, length, inner, context))]
        case .int64: return [.tensor(try generic(x, Int64.self, outShape, outer, length, inner, context))]
        default: throw spec.error("element type \(x.dtype) is not supported")
        }
    }

    func generic<T: ONNXNumeric & ReductionBounds>(_ x: Tensor, _: T.Type, _ outShape: Shape, _ outer: Int, _ length: Int,
                                                   _ inner: Int, _ context: RunContext) throws -> Tensor {
        var out = try context.makeTensor(outShape, .int64, node: spec.name)
        try x.withUnsafeBufferPointer(as: T.self) { src in
            try out.withUnsafeMutableBufferPointer(as: Int64.self) { dst in
                if inner == 1 {
                    // Contiguous rows: find the extreme with independent accumulators, then its first (or last)
                    // position; two passes without a loop-carried compare-and-branch (ArgMin of 1024 rows of
                    // 1024 floats: 1.5 ms -> 0.2 ms).
                    for o in 0..<outer {
                        let row = UnsafeBufferPointer(rebasing: src[o * length..<(o + 1) * length])
                        let index = isMax ? extremeIndex(row, initial: T.lowest, MaxOrNaN<T>(), last: selectLast)
                                          : extremeIndex(row, initial: T.highest, MinOrNaN<T>(), last: selectLast)
                        dst[o] = Int64(index)
                    }
                    return
                }
                switch (isMax, selectLast) {
                case (true, false): argLoop(src, dst, outer, length, inner, FirstMax<T>())
                case (true, true): argLoop(src, dst, outer, length, inner, LastMax<T>())
                case (false, false): argLoop(src, dst, outer, length, inner, FirstMin<T>())
                case (false, true): argLoop(src, dst, outer, length, inner, LastMin<T>())
                }
            }
        }
        return out
    }
}

/// The first (or last) position of `row`'s extreme under `combine` (a NaN, when the row holds one).
func extremeIndex<T: ONNXNumeric, F: BinaryElementFunction>(_ row: UnsafeBufferPointer<T>, initial: T, _ combine: F,
                                                            last: Bool) -> Int
where F.Left == T, F.Right == T, F.Output == T {
    var a0 = initial, a1 = initial, a2 = initial, a3 = initial
    var j = 0
    while j + 4 <= row.count {
        a0 = combine(a0, row[j])
        a1 = combine(a1, row[j + 1])
        a2 = combine(a2, row[j + 2])
        a3 = combine(a3, row[j + 3])
        j += 4
    }
    while j < row.count {
        a0 = combine(a0, row[j])
        j += 1
    }
    let extreme = combine(combine(a0, a1), combine(a2, a3))
    let isNaN = extreme != extreme
    if last {
        for k in stride(from: row.count - 1, through: 0, by: -1) where row[k] == extreme || (isNaN && row[k] != row[k]) { return k }
    } else {
        for k in 0..<row.count where row[k] == extreme || (isNaN && row[k] != row[k]) { return k }
    }
    return 0
}

/// For each `(outer, inner)`, the index along the axis of the element that wins `better(candidate, best)`
/// against every earlier one. Walks rows of `inner` running bests, so the input is read contiguously.
func argLoop<T, F: BinaryElementFunction>(_ src: UnsafeBufferPointer<T>, _ dst: UnsafeMutableBufferPointer<Int64>, _ outer: Int,
                                          _ length: Int, _ inner: Int, _ better: F)
where F.Left == T, F.Right == T, F.Output == Bool {
    guard inner > 0, length > 0 else { return }
    let best = UnsafeMutableBufferPointer<T>.allocate(capacity: inner)
    defer { best.deallocate() }
    for o in 0..<outer {
        let slab = o * length * inner, row = o * inner
        _ = best.initialize(from: src[slab..<slab + inner])
        dst.fill(0, at: row, count: inner)
        for k in 1..<length {
            let base = slab + k * inner
            for i in 0..<inner where better(src[base + i], best[i]) {
                best[i] = src[base + i]
                dst[row + i] = Int64(k)
            }
        }
        best.deinitialize()
    }
}

// Combining functions of the reductions (`v != v` is the NaN test, written generically; for integers it is
// constant false).
struct Sum<T: ONNXNumeric>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { a + b }
}
struct Product<T: ONNXNumeric>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { a * b }
}
/// The larger of the running value and `b`, skipping infinities and NaN (LogSumExp's shift).
struct MaxFinite<T: ReductionFloat>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { b.isFinite && b > a ? b : a }
}
struct Square<T: ONNXNumeric>: UnaryElementFunction {
    func callAsFunction(_ x: T) -> T { x * x }
}
struct Magnitude<T: ReductionFloat>: UnaryElementFunction {
    func callAsFunction(_ x: T) -> T { Swift.abs(x) }
}
/// `|x|`, wrapping at the minimum integer as two's complement hardware does.
struct IntegerMagnitude<T: ONNXNumeric & FixedWidthInteger & SignedInteger>: UnaryElementFunction {
    func callAsFunction(_ x: T) -> T { x < 0 ? 0 &- x : x }
}
struct SquareRoot<T: ReductionFloat>: UnaryElementFunction {
    func callAsFunction(_ x: T) -> T { x.squareRoot() }
}
/// `(T)sqrt((double)x)`, truncated toward zero; a wrapped negative sum gives 0 instead of NaN.
struct IntegerSquareRoot<T: ONNXNumeric & FixedWidthInteger & SignedInteger>: UnaryElementFunction {
    func callAsFunction(_ x: T) -> T { x <= 0 ? 0 : T(clamping: Double(x).squareRoot()) }
}
struct NaturalLog<T: ReductionFloat>: UnaryElementFunction {
    func callAsFunction(_ x: T) -> T { T.naturalLog(x) }
}
struct ExpOfDifference<T: ReductionFloat>: BinaryElementFunction {
    func callAsFunction(_ x: T, _ m: T) -> T { T.naturalExp(x - m) }
}
struct LogPlus<T: ReductionFloat>: BinaryElementFunction {
    func callAsFunction(_ s: T, _ m: T) -> T { T.naturalLog(s) + m }
}

/// Float element types of the reductions that need `exp` and `log`.
protocol ReductionFloat: NNFloat, ONNXNumeric, ReductionBounds {
    static func naturalExp(_ x: Self) -> Self
    static func naturalLog(_ x: Self) -> Self
}
extension Float: ReductionFloat {
    static func naturalExp(_ x: Float) -> Float { Foundation.exp(x) }
    static func naturalLog(_ x: Float) -> Float { Foundation.log(x) }
}
extension Double: ReductionFloat {
    static func naturalExp(_ x: Double) -> Double { Foundation.exp(x) }
    static func naturalLog(_ x: Double) -> Double { Foundation.log(x) }
}

struct MaxOrNaN<T: ONNXNumeric>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { b > a || b != b ? b : a }
}
struct MinOrNaN<T: ONNXNumeric>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> T { b < a || b != b ? b : a }
}
/// Whether candidate `v` replaces the running best `b` (first index on ties, first NaN wins).
struct FirstMax<T: ONNXNumeric>: BinaryElementFunction {
    func callAsFunction(_ v: T, _ b: T) -> Bool { v > b || (v != v && b == b) }
}
/// Last index on ties, last NaN wins.
struct LastMax<T: ONNXNumeric>: BinaryElementFunction {
    func callAsFunction(_ v: T, _ b: T) -> Bool { v >= b || v != v }
}
struct FirstMin<T: ONNXNumeric>: BinaryElementFunction {
    func callAsFunction(_ v: T, _ b: T) -> Bool { v < b || (v != v && b == b) }
}
struct LastMin<T: ONNXNumeric>: BinaryElementFunction {
    func callAsFunction(_ v: T, _ b: T) -> Bool { v <= b || v != v }
}
