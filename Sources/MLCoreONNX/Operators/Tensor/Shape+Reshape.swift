import MLCoreTensor

/// Reshape: the same elements with a new shape (a view, no copy). A `0` copies the input's dimension at that
/// position (unless `allowzero=1`, opset 14, where it is a real zero); one `-1` is inferred.
/// Opset 1 takes the shape as an attribute, opset 5 and later as the second input.
/// - Complexity: O(rank); no element is copied.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Reshape.html
struct Reshape: Operator {
    let spec: NodeSpec
    let allowZero: Bool
    /// The `shape` attribute of opset < 5.
    let shapeAttribute: [Int64]?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        allowZero = spec.opset >= 14 ? try spec.int("allowzero", default: 0) != 0 : false
        shapeAttribute = spec.opset < 5 ? try spec.ints("shape") : nil
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let requested = try shapeAttribute ?? spec.integerList(inputs.tensor(1, spec), "shape")
        return [.tensor(try x.viewed(as: outputShape(x, requested), spec))]
    }

    func outputShape(_ x: Tensor, _ requested: [Int64]) throws -> Shape {
        var dims: [Int] = []
        dims.reserveCapacity(requested.count)
        var inferred: Int?
        for (i, d) in requested.enumerated() {
            switch d {
            case -1:
                guard inferred == nil else { throw spec.error("shape \(requested) has more than one -1") }
                inferred = i
                dims.append(1)
            case 0 where !allowZero:
                guard i < x.rank else { throw spec.shapeError("shape \(requested) copies dimension \(i) (0) of input \(x.shape), which has rank \(x.rank)") }
                dims.append(x.shape[i])
            case 0...:
                dims.append(Int(d))
            default:
                throw spec.error("shape \(requested) has an invalid dimension \(d)")
            }
        }
        if allowZero, inferred != nil, requested.contains(0) {
            throw spec.error("shape \(requested) has both 0 and -1, which allowzero=1 does not allow")
        }
        let known = try spec.product(dims, "shape \(requested)")
        if let i = inferred {
            guard known > 0, x.count % known == 0 else {
                throw spec.shapeError("cannot reshape \(x.shape) (\(x.count) elements) to \(requested)")
            }
            dims[i] = x.count / known
        } else if known != x.count {
            throw spec.shapeError("cannot reshape \(x.shape) (\(x.count) elements) to \(requested) (\(known) elements)")
        }
        return Shape(dims)
    }
}

/// Flatten: a 2-D view `[d_0 * ... * d_{axis-1}, d_axis * ... * d_{n-1}]`; `axis` in `0...rank`
/// (negative from opset 11).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Flatten.html
struct Flatten: Operator {
    let spec: NodeSpec
    let axis: Int64

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axis = try spec.int("axis", default: 1)
        if spec.opset < 11, axis < 0 { throw spec.error("axis \(axis) is negative, which opset \(spec.opset) does not allow") }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let r = Int64(x.rank)
        guard axis >= -r, axis <= r else { throw spec.error("axis \(axis) is out of range for rank \(x.rank)") }
        let a = Int(axis < 0 ? axis + r : axis)
        let outer = try spec.product(x.shape.dims[..<a], "Flatten"), inner = try spec.product(x.shape.dims[a...], "Flatten")
        return [.tensor(try x.viewed(as: [outer, inner], spec))]
    }
}

/// Squeeze: removes axes of size 1, the listed ones (an error if one is not 1) or all of them.
/// Axes are an attribute before opset 13 (negative values from 11) and an optional input from 13.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Squeeze.html
struct Squeeze: Operator {
    let spec: NodeSpec
    let axesAttribute: [Int64]?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axesAttribute = spec.opset < 13 && spec.has("axes") ? try spec.ints("axes") : nil
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        var axes: [Int64]? = axesAttribute
        if spec.opset >= 13, let t = try inputs.optionalTensor(1, spec) { axes = try spec.integerList(t, "axes") }
        var dims = x.shape.dims
        if let axes {
            let normalized = try spec.normalizedAxes(axes, rank: x.rank, allowNegative: spec.opset >= 11)
            for a in normalized where dims[a] != 1 {
                throw spec.shapeError("cannot squeeze axis \(a) of shape \(x.shape): its size is \(dims[a]), not 1")
            }
            for a in normalized.sorted(by: >) { dims.remove(at: a) }
        } else {
            dims.removeAll { $0 == 1 }
        }
        return [.tensor(try x.viewed(as: Shape(dims), spec))]
    }
}

/// Unsqueeze: inserts axes of size 1 at the listed positions of the output (negative from opset 11, counted
/// in the output's rank). Axes are an attribute before opset 13 and a required input from 13.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Unsqueeze.html
struct Unsqueeze: Operator {
    let spec: NodeSpec
    let axesAttribute: [Int64]?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        axesAttribute = spec.opset < 13 ? try spec.ints("axes") : nil
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let axes = try axesAttribute ?? spec.integerList(inputs.tensor(1, spec), "axes")
        let outRank = x.rank + axes.count
        let normalized = Set(try spec.normalizedAxes(axes, rank: outRank, allowNegative: spec.opset >= 11))
        var dims: [Int] = []
        dims.reserveCapacity(outRank)
        var next = 0
        for i in 0..<outRank {
            if normalized.contains(i) {
                dims.append(1)
            } else {
                dims.append(x.shape[next])
                next += 1
            }
        }
        return [.tensor(try x.viewed(as: Shape(dims), spec))]
    }
}
