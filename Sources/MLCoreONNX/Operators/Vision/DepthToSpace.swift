import MLCoreTensor

/// DepthToSpace: moves `blocksize x blocksize` blocks of channels of an NCHW tensor into space,
/// `[N, C, H, W] -> [N, C / b², H * b, W * b]`. Mode `DCR` (default; the only one before opset 11) reads the
/// channel as (block row, block column, output channel); `CRD` as (output channel, block row, block column).
///
/// Both are a reshape-transpose-reshape, so the result is one strided copy of the input (every element type).
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__DepthToSpace.html
struct DepthToSpace: Operator {
    let spec: NodeSpec
    let blocksize: Int
    let columnRowDepth: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        (blocksize, columnRowDepth) = try spec.blockAttributes(modeSince: 11)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.rank == 4 else { throw spec.shapeError("input must be 4-D [N, C, H, W], got \(x.shape)") }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let b = blocksize
        let (bb, overflow) = b.multipliedReportingOverflow(by: b)
        guard !overflow, c % bb == 0 else {
            throw spec.shapeError("channels \(c) of \(x.shape) are not a multiple of blocksize² (\(b)²)")
        }
        let oc = c / bb
        let hb = try spec.product([h, b], "output height"), wb = try spec.product([w, b], "output width")
        let plane = h * w
        // Output viewed as [N, C', H, b (row), W, b (column)].
        let strides = columnRowDepth
            ? [c * plane, bb * plane, w, b * plane, 1, plane]
            : [c * plane, plane, w, b * oc * plane, 1, oc * plane]
        let view = try stridedCopy(x, shape: Shape([n, oc, h, b, w, b]), strides: strides, base: 0, spec, context)
        return [.tensor(try view.viewed(as: Shape([n, oc, hb, wb]), spec))]
    }
}

/// SpaceToDepth: the inverse of DepthToSpace, `[N, C, H, W] -> [N, C * b², H / b, W / b]`. In `DCR` order
/// (default; the only one before opset 28) output channel `(row * b + column) * C + c` holds the block element
/// (row, column) of input channel c; in `CRD` order (opset 28) it is channel `(c * b + row) * b + column`.
/// - Complexity: O(elements).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__SpaceToDepth.html
struct SpaceToDepth: Operator {
    let spec: NodeSpec
    let blocksize: Int
    let columnRowDepth: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        (blocksize, columnRowDepth) = try spec.blockAttributes(modeSince: 28)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec)
        guard x.rank == 4 else { throw spec.shapeError("input must be 4-D [N, C, H, W], got \(x.shape)") }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let b = blocksize
        guard h % b == 0, w % b == 0 else {
            throw spec.shapeError("height and width of \(x.shape) must be multiples of blocksize \(b)")
        }
        let oh = h / b, ow = w / b
        let oc = try spec.product([c, b, b], "output channels")
        // Output viewed as [N, b (row), b (column), C, H', W'] (DCR) or [N, C, b (row), b (column), H', W'] (CRD).
        let strides = columnRowDepth ? [c * h * w, h * w, w, 1, b * w, b] : [c * h * w, w, 1, h * w, b * w, b]
        let dims = columnRowDepth ? [n, c, b, b, oh, ow] : [n, b, b, c, oh, ow]
        let view = try stridedCopy(x, shape: Shape(dims), strides: strides, base: 0, spec, context)
        return [.tensor(try view.viewed(as: Shape([n, oc, oh, ow]), spec))]
    }
}

extension NodeSpec {
    /// DepthToSpace's and SpaceToDepth's `blocksize` (positive) and whether `mode` is `CRD` (the attribute exists
    /// from opset `modeSince`; `DCR` before and by default).
    func blockAttributes(modeSince: Int64) throws -> (blocksize: Int, columnRowDepth: Bool) {
        let b = try int("blocksize")
        guard b > 0, b <= Int64(Int32.max) else { throw error("blocksize \(b) must be positive") }
        let mode = opset >= modeSince ? try string("mode", default: "DCR") : "DCR"
        guard mode == "DCR" || mode == "CRD" else { throw error("mode '\(mode)' must be DCR or CRD") }
        return (Int(b), mode == "CRD")
    }
}
