import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// Vision operators (Resize, Upsample, DepthToSpace, SpaceToDepth, NonMaxSuppression, RoiAlign) on single-node
/// models built in memory: invalid attributes and shapes throw errors naming the node, and the separable,
/// threaded Resize passes agree with a direct (non-separable) bilinear / nearest reference over a shape sweep.
/// Numeric agreement with onnxruntime is in the `vision-*` parity fixtures (scripts/fixtures/make_vision_fixtures.py).
@Suite struct VisionOperatorTests {
    static func run(_ op: String, _ inputs: [Tensor?], _ attributes: [String: ONNXAttribute] = [:], opset: Int64 = 19,
                    threads: Int = 1) throws -> Tensor {
        try NNOperatorTests.run(op, inputs, attributes, opset: opset, options: .init(threads: threads))[0]
    }

    static func floats(_ shape: Shape, seed: Int = 1) -> Tensor {
        let count = shape.dims.reduce(1, *)
        let values: [Float] = (0..<count).map { (i: Int) -> Float in
            let k = (i &* 7919 &+ seed &* 104_729) % 2003
            return Float(k - 1001) / 97
        }
        return try! Tensor(shape: shape, scalars: values)
    }

    /// Runs the model and expects an error whose text names the node (`<op lowercased>0`) and contains `fragment`.
    static func expectError(_ op: String, _ inputs: [Tensor?], _ attributes: [String: ONNXAttribute] = [:], opset: Int64 = 19,
                            says fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try run(op, inputs, attributes, opset: opset)
            Issue.record("\(op) \(attributes) opset \(opset): expected an error containing '\(fragment)'", sourceLocation: sourceLocation)
        } catch {
            let text = "\(error)"
            #expect(text.contains("\(op.lowercased())0") && text.contains(fragment),
                    "\(op) \(attributes) opset \(opset): error '\(text)' should name the node and say '\(fragment)'",
                    sourceLocation: sourceLocation)
        }
    }

    static let x4 = floats([1, 2, 4, 5])
    static func f32(_ v: [Float]) -> Tensor { try! Tensor(shape: [v.count], scalars: v) }
    static func i64(_ v: [Int64]) -> Tensor { try! Tensor(shape: [v.count], scalars: v) }

    @Test func resizeRejectsInvalidAttributes() {
        let scales = Self.f32([1, 1, 2, 2])
        Self.expectError("Resize", [Self.x4, nil, scales], ["mode": .string("bicubic")], says: "mode 'bicubic'")
        Self.expectError("Resize", [Self.x4, nil, scales], ["mode": .string("cubic")], opset: 10, says: "mode 'cubic'")
        Self.expectError("Resize", [Self.x4, nil, scales], ["coordinate_transformation_mode": .string("corners")], says: "corners")
        Self.expectError("Resize", [Self.x4, nil, scales], ["nearest_mode": .string("round")], says: "nearest_mode 'round'")
        Self.expectError("Resize", [Self.x4, nil, scales], ["antialias": .int(1)], says: "antialias")
        Self.expectError("Resize", [Self.x4, nil, scales], ["keep_aspect_ratio_policy": .string("fit")], says: "keep_aspect_ratio_policy")
        Self.expectError("Upsample", [Self.x4], ["scales": .floats([1, 1, 0.5, 2])], opset: 7, says: ">= 1")
    }

    @Test func resizeRejectsInvalidShapesAndInputs() {
        Self.expectError("Resize", [Self.x4, nil, Self.f32([1, 1, 2])], says: "scales has 3 values, expected 4")
        Self.expectError("Resize", [Self.x4, nil, Self.f32([1, 1, -2, 2])], says: "out of range")
        Self.expectError("Resize", [Self.x4, nil, Self.f32([1, 1, 2, 2]), Self.i64([1, 2, 8, 10])], says: "only one of scales and sizes")
        Self.expectError("Resize", [Self.x4, nil, nil, Self.i64([8, 10])], says: "sizes has 2 values, expected 4")
        Self.expectError("Resize", [Self.x4], says: "one of scales and sizes must be given")
        Self.expectError("Resize", [Self.x4, nil, nil, Self.i64([8, 10])], ["axes": .ints([2, 2])], says: "more than once")
        Self.expectError("Resize", [Self.x4, nil, nil, Self.i64([8, 10])], ["axes": .ints([2, 4])], says: "out of range")
        Self.expectError("Resize", [try! Tensor(zeros: [1, 1, 0, 2]), nil, nil, Self.i64([1, 1, 3, 2])], says: "is empty")
        Self.expectError("Resize", [Self.x4, Self.f32([0, 0, 0, 1, 1, 1]), Self.f32([1, 1, 2, 2])],
                         ["coordinate_transformation_mode": .string("tf_crop_and_resize")], says: "roi has 6 values")
        let ints = try! Tensor(shape: [1, 1, 2, 2], scalars: [Int32(1), 2, 3, 4])
        Self.expectError("Resize", [ints, nil, Self.f32([1, 1, 2, 2])], ["mode": .string("linear")], says: "does not support element type int32")
        Self.expectError("Resize", [try! Tensor(shape: [], scalars: [Float(1)]), nil, Self.f32([2])], says: "scalar")
    }

    @Test func depthSpaceRejectInvalidInputs() {
        let x = Self.floats([1, 6, 2, 2])
        Self.expectError("DepthToSpace", [x], ["blocksize": .int(2)], opset: 13, says: "not a multiple")
        Self.expectError("DepthToSpace", [x], ["blocksize": .int(0)], opset: 13, says: "must be positive")
        Self.expectError("DepthToSpace", [x], ["blocksize": .int(1), "mode": .string("RCD")], opset: 13, says: "mode 'RCD'")
        Self.expectError("DepthToSpace", [Self.floats([6, 2, 2])], ["blocksize": .int(1)], opset: 13, says: "4-D")
        Self.expectError("SpaceToDepth", [Self.floats([1, 1, 3, 4])], ["blocksize": .int(2)], opset: 13, says: "multiples of blocksize")
        Self.expectError("SpaceToDepth", [x], ["blocksize": .int(1), "mode": .string("XYZ")], opset: 28, says: "mode 'XYZ'")
    }

    @Test func depthToSpaceAndSpaceToDepthAreInverse() throws {
        for mode in ["DCR", "CRD"] {
            let x = Self.floats([2, 3, 4, 6])
            let d = try Self.run("SpaceToDepth", [x], ["blocksize": .int(2), "mode": .string(mode)], opset: 28)
            #expect(d.shape == [2, 12, 2, 3], "mode \(mode)")
            let back = try Self.run("DepthToSpace", [d], ["blocksize": .int(2), "mode": .string(mode)], opset: 28)
            #expect(try back.scalars(as: Float.self) == x.scalars(as: Float.self), "mode \(mode): round trip")
        }
        // Strings move like any element (the strided copy works on every element type).
        let s = try Tensor(shape: [1, 4, 1, 1], strings: ["a", "b", "c", "d"])
        #expect(try Self.run("DepthToSpace", [s], ["blocksize": .int(2)], opset: 13).strings() == ["a", "b", "c", "d"])
    }

    @Test func nonMaxSuppressionRejectsInvalidInputs() {
        let boxes = Self.floats([1, 3, 4]), scores = Self.floats([1, 2, 3])
        Self.expectError("NonMaxSuppression", [Self.floats([1, 3, 3]), scores], opset: 11, says: "boxes must be")
        Self.expectError("NonMaxSuppression", [boxes, Self.floats([1, 2, 4])], opset: 11, says: "disagree")
        Self.expectError("NonMaxSuppression", [boxes, scores, Self.i64([3]), Self.f32([1.5])], opset: 11, says: "iou_threshold")
        Self.expectError("NonMaxSuppression", [boxes, scores], ["center_point_box": .int(2)], opset: 11, says: "center_point_box")
    }

    @Test func nonMaxSuppressionSelectsByScoreThenIoU() throws {
        // Three boxes: 0 and 1 overlap with IoU 0.6 (suppressed at 0.5), 2 is apart; box 1 has the top score.
        let boxes = try Tensor(shape: [1, 3, 4], scalars: [Float(0), 0, 10, 10, 0, 0, 10, 6, 20, 20, 25, 25])
        let scores = try Tensor(shape: [1, 1, 3], scalars: [Float(0.8), 0.9, 0.3])
        let out = try Self.run("NonMaxSuppression", [boxes, scores, Self.i64([10]), Self.f32([0.5])], opset: 11)
        #expect(out.shape == [2, 3])
        #expect(try out.scalars(as: Int64.self) == [0, 0, 1, 0, 0, 2])
        let loose = try Self.run("NonMaxSuppression", [boxes, scores, Self.i64([10]), Self.f32([0.7])], opset: 11)
        #expect(try loose.scalars(as: Int64.self) == [0, 0, 1, 0, 0, 0, 0, 0, 2])
    }

    @Test func roiAlignRejectsInvalidInputs() {
        let x = Self.floats([1, 2, 4, 4]), rois = Self.floats([2, 4]), batch = Self.i64([0, 0])
        Self.expectError("RoiAlign", [x, rois, Self.i64([0, 1])], opset: 16, says: "out of range")
        Self.expectError("RoiAlign", [x, Self.floats([2, 3]), batch], opset: 16, says: "rois must be")
        Self.expectError("RoiAlign", [x, rois, Self.i64([0])], opset: 16, says: "batch_indices")
        Self.expectError("RoiAlign", [x, rois, batch], ["mode": .string("sum")], opset: 16, says: "mode 'sum'")
        Self.expectError("RoiAlign", [x, rois, batch], ["output_height": .int(0)], opset: 16, says: "must be positive")
        Self.expectError("RoiAlign", [x, rois, batch], ["coordinate_transformation_mode": .string("corner")], opset: 16, says: "corner")
        Self.expectError("RoiAlign", [Self.floats([2, 4, 4]), rois, batch], opset: 16, says: "4-D")
    }

    // MARK: - Separable threaded passes against a direct reference

    /// onnxruntime's bilinear formula evaluated directly per output element (no tables shared with the
    /// operator): half_pixel or align_corners coordinates, clamped, both neighbours weighted by distance.
    static func bilinearReference(_ x: [Float], _ n: Int, _ h: Int, _ w: Int, _ oh: Int, _ ow: Int,
                                  _ sh: Float, _ sw: Float, alignCorners: Bool) -> [Float] {
        func source(_ o: Int, _ scale: Float, _ inLen: Int, _ outLen: Int) -> (Int, Int, Float, Float) {
            var c = alignCorners ? (outLen == 1 ? 0 : Float(o) * Float(inLen - 1) / Float(outLen - 1))
                                 : (Float(o) + 0.5) / scale - 0.5
            c = min(max(c, 0), Float(inLen - 1))
            let i1 = min(Int(c), inLen - 1), i2 = min(i1 + 1, inLen - 1)
            return i1 == i2 ? (i1, i2, 0.5, 0.5) : (i1, i2, abs(c - Float(i2)), abs(c - Float(i1)))
        }
        var out: [Float] = []
        for p in 0..<n {
            for y in 0..<oh {
                let (y1, y2, wy1, wy2) = source(y, sh, h, oh)
                for xo in 0..<ow {
                    let (x1, x2, wx1, wx2) = source(xo, sw, w, ow)
                    let b = p * h * w
                    out.append(wy1 * (wx1 * x[b + y1 * w + x1] + wx2 * x[b + y1 * w + x2])
                               + wy2 * (wx1 * x[b + y2 * w + x1] + wx2 * x[b + y2 * w + x2]))
                }
            }
        }
        return out
    }

    @Test(arguments: [[2, 3, 37, 41], [1, 16, 64, 48], [3, 1, 5, 300]])
    func bilinearPassesMatchDirectReference(_ dims: [Int]) throws {
        let x = Self.floats(Shape(dims))
        let xs = try x.scalars(as: Float.self)
        for (sh, sw) in [(Float(1.7), Float(2.3)), (0.6, 0.45), (2, 0.5)] {
            for transform in ["half_pixel", "align_corners"] {
                let y = try Self.run("Resize", [x, nil, Self.f32([1, 1, sh, sw])],
                                     ["mode": .string("linear"), "coordinate_transformation_mode": .string(transform)], threads: 2)
                let oh = Int(sh * Float(dims[2])), ow = Int(sw * Float(dims[3]))
                #expect(y.shape == Shape([dims[0], dims[1], oh, ow]), "\(dims) scales \(sh),\(sw) \(transform)")
                let want = Self.bilinearReference(xs, dims[0] * dims[1], dims[2], dims[3], oh, ow, sh, sw,
                                                  alignCorners: transform == "align_corners")
                let got = try y.scalars(as: Float.self)
                let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
                #expect(got.count == want.count && worst <= 1e-5 * 12,
                        "\(dims) scales \(sh),\(sw) \(transform): max |diff| \(worst) (tolerance 1.2e-4 on values up to 10)")
            }
        }
    }

    @Test(arguments: [[2, 3, 37, 41], [1, 5, 200, 3]])
    func nearestGatherMatchesDirectReferenceOnAnyThreadCount(_ dims: [Int]) throws {
        let count = dims.reduce(1, *)
        let x = try Tensor(shape: Shape(dims), scalars: (0..<count).map { Int32($0) })
        for (sh, sw) in [(Float(1.7), Float(2.3)), (0.6, 0.45)] {
            let y1 = try Self.run("Resize", [x, nil, Self.f32([1, 1, sh, sw])], ["nearest_mode": .string("floor"),
                                  "coordinate_transformation_mode": .string("asymmetric")], threads: 1)
            let y2 = try Self.run("Resize", [x, nil, Self.f32([1, 1, sh, sw])], ["nearest_mode": .string("floor"),
                                  "coordinate_transformation_mode": .string("asymmetric")], threads: 2)
            let oh = Int(sh * Float(dims[2])), ow = Int(sw * Float(dims[3]))
            var want: [Int32] = []
            for p in 0..<(dims[0] * dims[1]) {
                for yo in 0..<oh {
                    let yi = min(Int((Float(yo) / sh).rounded(.down)), dims[2] - 1)
                    for xo in 0..<ow {
                        let xi = min(Int((Float(xo) / sw).rounded(.down)), dims[3] - 1)
                        want.append(Int32(p * dims[2] * dims[3] + yi * dims[3] + xi))
                    }
                }
            }
            #expect(try y1.scalars(as: Int32.self) == want, "\(dims) scales \(sh),\(sw), 1 thread")
            #expect(try y2.scalars(as: Int32.self) == want, "\(dims) scales \(sh),\(sw), 2 threads")
        }
    }

    @Test func sameShapeOutputIsTheInput() throws {
        let x = Self.floats([1, 2, 3, 4])
        let y = try Self.run("Resize", [x, Self.f32([0, 0, 0.2, 0.2, 1, 1, 0.5, 0.5]), nil, Self.i64([1, 2, 3, 4])],
                             ["mode": .string("cubic"), "coordinate_transformation_mode": .string("tf_crop_and_resize")])
        #expect(try y.scalars(as: Float.self) == x.scalars(as: Float.self))
    }
}
