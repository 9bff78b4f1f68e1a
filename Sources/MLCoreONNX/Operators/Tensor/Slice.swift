import MLCoreTensor

/// Slice: `x[starts:ends:steps]` on the listed axes, NumPy style.
///
/// Opset 1 takes `starts`, `ends` and optional `axes` as attributes (step 1); opset 10 and later take
/// `starts`, `ends` and optional `axes` and `steps` as inputs. Negative starts and ends count from the end of
/// the axis, then both are clamped to `[0, dim]` (step > 0) or to `[0, dim - 1]` and `[-1, dim - 1]`
/// (step < 0), so `INT64_MAX` and `INT64_MIN` mean "to the end". A step of 0 and a repeated axis are errors.
/// The copy is a strided view of the input; a result that is contiguous (a slice of the first axis) is
/// returned without copying.
/// - Complexity: O(output elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__Slice.html
struct Slice: Operator {
    let spec: NodeSpec
    /// Opset < 10: the attributes.
    let attributes: (starts: [Int64], ends: [Int64], axes: [Int64]?)?

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        if spec.opset < 10 {
            attributes = (try spec.ints("starts"), try spec.ints("ends"), spec.has("axes") ? try spec.ints("axes") : nil)
        } else {
            attributes = nil
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        let starts: [Int64], ends: [Int64], axes: [Int64]?, steps: [Int64]?
        if let attributes {
            (starts, ends, axes, steps) = (attributes.starts, attributes.ends, attributes.axes, nil)
        } else {
            starts = try spec.integerList(inputs.tensor(1, spec), "starts")
            ends = try spec.integerList(inputs.tensor(2, spec), "ends")
            axes = try inputs.optionalTensor(3, spec).map { try spec.integerList($0, "axes") }
            steps = try inputs.optionalTensor(4, spec).map { try spec.integerList($0, "steps") }
        }
        guard starts.count == ends.count else { throw spec.error("starts has \(starts.count) entries, ends \(ends.count)") }
        if let axes, axes.count != starts.count { throw spec.error("axes has \(axes.count) entries, starts \(starts.count)") }
        if let steps, steps.count != starts.count { throw spec.error("steps has \(steps.count) entries, starts \(starts.count)") }
        let axisList = try spec.normalizedAxes(axes ?? (0..<Int64(starts.count)).map { $0 }, rank: x.rank)

        let inStrides = x.shape.strides
        var dims = x.shape.dims
        var strides = inStrides
        var base = 0
        for (i, a) in axisList.enumerated() {
            let step = steps?[i] ?? 1
            guard step != 0 else { throw spec.error("steps[\(i)] is 0") }
            let (start, count) = Self.range(start: starts[i], end: ends[i], step: step, dim: x.shape[a])
            dims[a] = count
            // With one element or none the stride is never used; otherwise |step| < dim. Wrapping arithmetic:
            // when x has no elements its strides may have wrapped, and the copy returns before using them.
            strides[a] = count > 1 ? inStrides[a] &* Int(step) : 0
            if count > 0 { base = base &+ start &* inStrides[a] }
        }
        return [.tensor(try stridedCopy(x, shape: Shape(dims), strides: strides, base: base, spec, context))]
    }

    /// The first index and the element count of `start:end:step` on an axis of `dim`, with ONNX's clamping.
    static func range(start: Int64, end: Int64, step: Int64, dim: Int) -> (start: Int, count: Int) {
        let d = Int64(dim)
        var s = start < 0 ? start + d : start
        var e = end < 0 ? end + d : end
        let distance: Int64
        if step > 0 {
            s = Swift.min(Swift.max(s, 0), d)
            e = Swift.min(Swift.max(e, 0), d)
            distance = e - s
        } else {
            s = Swift.min(Swift.max(s, 0), d - 1)
            e = Swift.min(Swift.max(e, -1), d - 1)
            distance = s - e
        }
        guard distance > 0, d > 0 else { return (Int(Swift.max(s, 0)), 0) }
        // ceil(distance / |step|); `magnitude` is unsigned, so Int64.min is fine.
        let count = (UInt64(distance) - 1) / step.magnitude + 1
        return (Int(s), Int(count))
    }
}
