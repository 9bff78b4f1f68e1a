import MLCoreTensor

// Elementwise loops for the comparison, logic, Where, Cast and reduction operators. They do what
// `mapElements`, `broadcastMap` and `broadcastMap3` (Operators/Support/Broadcast.swift) do, but take the
// element function as a *type* rather than a closure: generic specialization then compiles one tight loop per
// function with its body inlined, where a closure stayed an indirect call per element. Measured on 1M
// elements, release, 1 thread: Not 1.6 ms -> 0.1 ms, Cast float32 -> int64 13 ms -> 0.6 ms, Where 3.4 ms ->
// 0.5 ms. Same-shape and scalar operands also skip the broadcast odometer.

/// A function of one element, as a type (see the note above).
protocol UnaryElementFunction {
    associatedtype Input: TensorScalar
    associatedtype Output: TensorScalar
    func callAsFunction(_ x: Input) -> Output
}

/// A function of two elements, as a type.
protocol BinaryElementFunction {
    associatedtype Left: TensorScalar
    associatedtype Right: TensorScalar
    associatedtype Output: TensorScalar
    func callAsFunction(_ a: Left, _ b: Right) -> Output
}

/// A function of three elements, as a type.
protocol TernaryElementFunction {
    associatedtype First: TensorScalar
    associatedtype Second: TensorScalar
    associatedtype Third: TensorScalar
    associatedtype Output: TensorScalar
    func callAsFunction(_ a: First, _ b: Second, _ c: Third) -> Output
}

/// `out[i] = f(x[i])` for every element.
/// - Complexity: O(elements).
func mapTensor<F: UnaryElementFunction>(_ x: Tensor, _ f: F, _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
    var out = try context.makeTensor(x.shape, F.Output.dtype, node: spec.name)
    try x.withUnsafeBufferPointer(as: F.Input.self) { px in
        try out.withUnsafeMutableBufferPointer(as: F.Output.self) { po in
            for i in 0..<px.count { po[i] = f(px[i]) }
        }
    }
    return out
}

/// `out[i] = f(a[i], b[i])` under NumPy broadcasting.
/// - Complexity: O(output elements).
func zipTensors<F: BinaryElementFunction>(_ a: Tensor, _ b: Tensor, _ f: F, _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
    let plan = try BroadcastPlan([a.shape, b.shape], node: spec)
    var out = try context.makeTensor(plan.outShape, F.Output.dtype, node: spec.name)
    let n = plan.count
    // An operand with as many elements as the output has its shape (broadcasting only inserts 1s).
    let aFull = a.count == n, bFull = b.count == n
    try a.withUnsafeBufferPointer(as: F.Left.self) { pa in
        try b.withUnsafeBufferPointer(as: F.Right.self) { pb in
            try out.withUnsafeMutableBufferPointer(as: F.Output.self) { po in
                if n == 0 { return }
                if aFull && bFull {
                    for i in 0..<n { po[i] = f(pa[i], pb[i]) }
                } else if aFull && b.count == 1 {
                    let v = pb[0]
                    for i in 0..<n { po[i] = f(pa[i], v) }
                } else if bFull && a.count == 1 {
                    let u = pa[0]
                    for i in 0..<n { po[i] = f(u, pb[i]) }
                } else {
                    plan.forEachRow { o, offsets, count, strides in
                        var ia = offsets[0], ib = offsets[1]
                        let sa = strides[0], sb = strides[1]
                        for j in 0..<count {
                            po[o + j] = f(pa[ia], pb[ib])
                            ia += sa
                            ib += sb
                        }
                    }
                }
            }
        }
    }
    return out
}

/// `out[i] = f(a[i], b[i], c[i])` under NumPy broadcasting (Where).
/// - Complexity: O(output elements).
func zip3Tensors<F: TernaryElementFunction>(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ f: F, _ spec: NodeSpec,
                                            _ context: RunContext) throws -> Tensor {
    let plan = try BroadcastPlan([a.shape, b.shape, c.shape], node: spec)
    var out = try context.makeTensor(plan.outShape, F.Output.dtype, node: spec.name)
    let n = plan.count
    let aFull = a.count == n, bFull = b.count == n, cFull = c.count == n
    try a.withUnsafeBufferPointer(as: F.First.self) { pa in
        try b.withUnsafeBufferPointer(as: F.Second.self) { pb in
            try c.withUnsafeBufferPointer(as: F.Third.self) { pc in
                try out.withUnsafeMutableBufferPointer(as: F.Output.self) { po in
                    if n == 0 { return }
                    if aFull && bFull && cFull {
                        for i in 0..<n { po[i] = f(pa[i], pb[i], pc[i]) }
                    } else if aFull && bFull && c.count == 1 {
                        let w = pc[0]
                        for i in 0..<n { po[i] = f(pa[i], pb[i], w) }
                    } else if aFull && b.count == 1 && cFull {
                        let v = pb[0]
                        for i in 0..<n { po[i] = f(pa[i], v, pc[i]) }
                    } else {
                        plan.forEachRow { o, offsets, count, strides in
                            var ia = offsets[0], ib = offsets[1], ic = offsets[2]
                            let sa = strides[0], sb = strides[1], sc = strides[2]
                            for j in 0..<count {
                                po[o + j] = f(pa[ia], pb[ib], pc[ic])
                                ia += sa
                                ib += sb
                                ic += sc
                            }
                        }
                    }
                }
            }
        }
    }
    return out
}

// MARK: - Element functions

struct IsEqual<T: TensorScalar>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> Bool { a == b }
}
struct IsLess<T: TensorScalar & Comparable>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> Bool { a < b }
}
struct IsLessOrEqual<T: TensorScalar & Comparable>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> Bool { a <= b }
}
struct IsGreater<T: TensorScalar & Comparable>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> Bool { a > b }
}
struct IsGreaterOrEqual<T: TensorScalar & Comparable>: BinaryElementFunction {
    func callAsFunction(_ a: T, _ b: T) -> Bool { a >= b }
}
struct LogicalAnd: BinaryElementFunction {
    func callAsFunction(_ a: Bool, _ b: Bool) -> Bool { a && b }
}
struct LogicalOr: BinaryElementFunction {
    func callAsFunction(_ a: Bool, _ b: Bool) -> Bool { a || b }
}
struct LogicalXor: BinaryElementFunction {
    func callAsFunction(_ a: Bool, _ b: Bool) -> Bool { a != b }
}
struct LogicalNot: UnaryElementFunction {
    func callAsFunction(_ x: Bool) -> Bool { !x }
}
struct Select<T: TensorScalar>: TernaryElementFunction {
    func callAsFunction(_ c: Bool, _ x: T, _ y: T) -> T { c ? x : y }
}
