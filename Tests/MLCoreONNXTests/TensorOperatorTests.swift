@testable import MLCoreONNX
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// The tensor/shape operators on single-node graphs built in memory. Expected values are hand-computed or
/// NumPy's (the expression is in a comment beside them). Every case runs twice: inputs fed at run time, and
/// inputs as initializers (so the planner folds the node at load), and both must agree.
@Suite struct TensorOperatorTests {
    // MARK: - Harness

    /// Runs one `op` node; `inputs[i] == nil` is an omitted optional input. Returns the outputs in order.
    static func run(_ op: String, _ inputs: [Tensor?], outputs: Int = 1, attributes: [String: ONNXAttribute] = [:],
                    opset: Int64 = 17, options: SessionOptions = .init(threads: 1), folded: Bool = false) throws -> [Tensor] {
        let names = inputs.enumerated().map { $0.element == nil ? "" : "x\($0.offset)" }
        let outNames = (0..<outputs).map { "y\($0)" }
        let node = ONNXNode(name: "\(op.lowercased())0", opType: op, domain: "", inputs: names, outputs: outNames, attributes: attributes)
        var feeds: [String: Tensor] = [:], initializers: [String: Tensor] = [:], declared: [ONNXValueInfo] = []
        for (name, t) in zip(names, inputs) {
            guard let t else { continue }
            if folded {
                initializers[name] = t
            } else {
                feeds[name] = t
                declared.append(ONNXValueInfo(name: name, type: .tensor(elementType: t.dtype, shape: nil)))
            }
        }
        let model = ONNXModel(irVersion: 8, opsetImports: ["": opset], producerName: "test", producerVersion: "0",
                              graph: ONNXGraph(name: "g", nodes: [node], initializers: initializers, inputs: declared,
                                               outputs: outNames.map { ONNXValueInfo(name: $0, type: .tensor(elementType: nil, shape: nil)) },
                                               valueInfo: []))
        let session = try InferenceSession(model: model, options: options)
        let result = try session.run(feeds)
        return try outNames.map { name in
            guard let t = result[name]?.tensor else { throw ONNXError.invalidGraph(reason: "no output \(name)") }
            return t
        }
    }

    /// Runs both ways (fed and folded) and checks they agree; returns the fed result.
    static func check(_ op: String, _ inputs: [Tensor?], outputs: Int = 1, attributes: [String: ONNXAttribute] = [:],
                      opset: Int64 = 17, options: SessionOptions = .init(threads: 1)) throws -> [Tensor] {
        let fed = try run(op, inputs, outputs: outputs, attributes: attributes, opset: opset, options: options)
        if inputs.contains(where: { $0 != nil }) {
            let folded = try run(op, inputs, outputs: outputs, attributes: attributes, opset: opset, options: options, folded: true)
            for (a, b) in zip(fed, folded) {
                #expect(sameElements(a, b), "\(op) opset \(opset): fed \(a) and folded \(b) differ")
            }
        }
        return fed
    }

    /// Elementwise equality where NaN equals NaN.
    static func sameElements(_ a: Tensor, _ b: Tensor) -> Bool {
        guard a.shape == b.shape, a.dtype == b.dtype else { return false }
        switch a.dtype {
        case .float32: return zip((try? a.scalars(as: Float.self)) ?? [], (try? b.scalars(as: Float.self)) ?? []).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        case .float64: return zip((try? a.scalars(as: Double.self)) ?? [], (try? b.scalars(as: Double.self)) ?? []).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        default: return a.elementsEqual(b)
        }
    }

    static func f(_ shape: Shape, _ v: [Float]) throws -> Tensor { try Tensor(shape: shape, scalars: v) }
    static func d(_ shape: Shape, _ v: [Double]) throws -> Tensor { try Tensor(shape: shape, scalars: v) }
    static func i64(_ shape: Shape, _ v: [Int64]) throws -> Tensor { try Tensor(shape: shape, scalars: v) }
    static func i32(_ shape: Shape, _ v: [Int32]) throws -> Tensor { try Tensor(shape: shape, scalars: v) }
    static func b(_ shape: Shape, _ v: [Bool]) throws -> Tensor { try Tensor(shape: shape, scalars: v) }
    static func s(_ shape: Shape, _ v: [String]) throws -> Tensor { try Tensor(shape: shape, strings: v) }
    static func ints(_ v: [Int64]) throws -> Tensor { try i64([v.count], v) }
    /// 0, 1, 2, ... as float32 in `shape`.
    static func iota(_ shape: Shape) throws -> Tensor {
        let n = shape.dims.reduce(1, *)
        return try f(shape, (0..<n).map(Float.init))
    }

    static func expectShape(_ t: Tensor, _ shape: Shape, _ note: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(t.shape == shape, "\(note): shape \(t.shape), expected \(shape)", sourceLocation: sourceLocation)
    }

    static func expectValues<T: TensorScalar>(_ got: [T], _ values: [T], _ note: String,
                                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got == values, "\(note): got \(got), expected \(values)", sourceLocation: sourceLocation)
    }

    static func expectValues<T: TensorScalar>(_ t: Tensor, _ shape: Shape, _ values: [T], _ note: String,
                                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(t.shape == shape, "\(note): shape \(t.shape), expected \(shape)", sourceLocation: sourceLocation)
        let got = try? t.scalars(as: T.self)
        #expect(got == values, "\(note): got \(got.map { "\($0)" } ?? "type \(t.dtype)"), expected \(values)", sourceLocation: sourceLocation)
    }

    static func expectStrings(_ t: Tensor, _ shape: Shape, _ values: [String], _ note: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(t.shape == shape, "\(note): shape \(t.shape), expected \(shape)", sourceLocation: sourceLocation)
        #expect((try? t.strings()) == values, "\(note): got \((try? t.strings()) ?? [])", sourceLocation: sourceLocation)
    }

    /// Expects an error whose text contains every fragment (the node's name, the bad value, ...).
    static func expectError(_ note: String, containing fragments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(note): expected an error", sourceLocation: sourceLocation)
        } catch {
            let text = "\(error)"
            for fragment in fragments where !text.contains(fragment) {
                Issue.record("\(note): error '\(text)' does not mention '\(fragment)'", sourceLocation: sourceLocation)
            }
        }
    }

    // MARK: - Reshape, Flatten, Squeeze, Unsqueeze

    @Test func reshapeCopiesZerosInfersMinusOneAndHonoursAllowZero() throws {
        let x = try Self.iota([2, 3, 4])
        var y = try Self.check("Reshape", [x, Self.ints([0, -1])])[0]
        Self.expectValues(y, [2, 12], try x.scalars(as: Float.self), "Reshape [0, -1]")
        y = try Self.check("Reshape", [x, Self.ints([4, 0, -1])])[0]
        Self.expectShape(y, [4, 3, 2], "Reshape [4, 0, -1]")

        // allowzero=1 (opset 14): 0 is a real zero; an empty input may take it.
        let empty = try Tensor(zeros: [0, 3])
        y = try Self.check("Reshape", [empty, Self.ints([3, 0])], attributes: ["allowzero": .int(1)], opset: 14)[0]
        Self.expectShape(y, [3, 0], "Reshape allowzero")
        // Without allowzero the 0 copies input dim 1 (3): [3, 3] does not hold 0 elements.
        Self.expectError("Reshape allowzero=0", containing: ["reshape0"]) { _ = try Self.run("Reshape", [empty, Self.ints([3, 0])], opset: 14) }
        Self.expectError("Reshape 0 and -1 with allowzero", containing: ["allowzero"]) {
            _ = try Self.run("Reshape", [x, Self.ints([0, -1])], attributes: ["allowzero": .int(1)], opset: 14)
        }

        // Opset 1: the shape is an attribute.
        y = try Self.check("Reshape", [x], attributes: ["shape": .ints([6, 4])], opset: 1)[0]
        Self.expectShape(y, [6, 4], "Reshape opset 1")
    }

    @Test func reshapeRejectsCountMismatchAndBadShapes() throws {
        let x = try Self.iota([2, 3])
        Self.expectError("count mismatch", containing: ["reshape0", "[2, 3]"]) { _ = try Self.run("Reshape", [x, Self.ints([4, 2])]) }
        Self.expectError("two -1", containing: ["-1"]) { _ = try Self.run("Reshape", [x, Self.ints([-1, -1])]) }
        Self.expectError("negative", containing: ["-2"]) { _ = try Self.run("Reshape", [x, Self.ints([-2, 3])]) }
        Self.expectError("-1 not dividing") { _ = try Self.run("Reshape", [x, Self.ints([4, -1])]) }
        Self.expectError("0 past the rank") { _ = try Self.run("Reshape", [x, Self.ints([1, 1, 0])]) }
        Self.expectError("overflowing shape", containing: ["overflows"]) { _ = try Self.run("Reshape", [x, Self.ints([Int64.max, 4])]) }
    }

    @Test func flattenAtEveryAxis() throws {
        let x = try Self.iota([2, 3, 4])
        for (axis, shape) in [(0, [1, 24]), (1, [2, 12]), (2, [6, 4]), (3, [24, 1]), (-1, [6, 4]), (-3, [1, 24])] as [(Int64, Shape)] {
            let y = try Self.check("Flatten", [x], attributes: ["axis": .int(axis)], opset: 13)[0]
            Self.expectShape(y, shape, "Flatten axis \(axis)")
        }
        Self.expectShape(try Self.check("Flatten", [x], opset: 13)[0], [2, 12], "Flatten default axis")
        Self.expectError("Flatten negative axis at opset 9") { _ = try Self.run("Flatten", [x], attributes: ["axis": .int(-1)], opset: 9) }
        Self.expectError("Flatten axis 4") { _ = try Self.run("Flatten", [x], attributes: ["axis": .int(4)], opset: 13) }
    }

    @Test func squeezeAndUnsqueezeFollowTheirOpsetVersions() throws {
        let x = try Self.iota([1, 3, 1, 2])
        // Opset 11: axes attribute (negative allowed).
        var y = try Self.check("Squeeze", [x], attributes: ["axes": .ints([0, -2])], opset: 11)[0]
        Self.expectValues(y, [3, 2], try x.scalars(as: Float.self), "Squeeze opset 11 attribute")
        // Opset 13: axes input.
        y = try Self.check("Squeeze", [x, Self.ints([2])], opset: 13)[0]
        Self.expectShape(y, [1, 3, 2], "Squeeze opset 13 input")
        // No axes: every size-1 axis.
        y = try Self.check("Squeeze", [x], opset: 13)[0]
        Self.expectShape(y, [3, 2], "Squeeze all")
        // Opset 1 does not accept negative axes; a non-1 axis is an error.
        Self.expectError("Squeeze negative at opset 1") { _ = try Self.run("Squeeze", [x], attributes: ["axes": .ints([-2])], opset: 1) }
        Self.expectError("Squeeze a size-3 axis", containing: ["squeeze0", "axis 1"]) { _ = try Self.run("Squeeze", [x, Self.ints([1])], opset: 13) }
        Self.expectError("Squeeze axis 4") { _ = try Self.run("Squeeze", [x, Self.ints([4])], opset: 13) }

        let v = try Self.iota([3, 2])
        y = try Self.check("Unsqueeze", [v], attributes: ["axes": .ints([0, -1])], opset: 11)[0]
        Self.expectShape(y, [1, 3, 2, 1], "Unsqueeze opset 11 attribute")
        y = try Self.check("Unsqueeze", [v, Self.ints([1, 3])], opset: 13)[0]
        Self.expectValues(y, [3, 1, 2, 1], try v.scalars(as: Float.self), "Unsqueeze opset 13 input")
        Self.expectError("Unsqueeze duplicate axes") { _ = try Self.run("Unsqueeze", [v, Self.ints([1, 1])], opset: 13) }
        Self.expectError("Unsqueeze axis out of range", containing: ["5"]) { _ = try Self.run("Unsqueeze", [v, Self.ints([5])], opset: 13) }
        Self.expectError("Unsqueeze at 13 without the axes input") { _ = try Self.run("Unsqueeze", [v], attributes: ["axes": .ints([0])], opset: 13) }
        Self.expectError("Unsqueeze at 11 without the attribute") { _ = try Self.run("Unsqueeze", [v], opset: 11) }
    }

    // MARK: - Transpose

    /// The transpose by definition: out[i] = x[index mapped through perm], one element at a time.
    static func transposeReference(_ values: [Float], _ shape: [Int], _ perm: [Int]) -> [Float] {
        let outShape = perm.map { shape[$0] }
        let inStrides = Shape(shape).strides
        let n = values.count
        var out = [Float](repeating: 0, count: n)
        var index = [Int](repeating: 0, count: shape.count)
        for o in 0..<n {
            var src = 0
            for k in 0..<perm.count { src += index[k] * inStrides[perm[k]] }
            out[o] = values[src]
            var axis = outShape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }

    @Test func transposeMatchesTheReferenceOverShapesAndPermutations() throws {
        let cases: [([Int], [Int])] = [
            ([3, 4], [1, 0]), ([67, 45], [1, 0]), ([1, 5], [1, 0]), ([33, 1, 65], [2, 1, 0]),
            ([2, 3, 4], [0, 2, 1]), ([2, 3, 4], [1, 0, 2]), ([2, 3, 4], [2, 0, 1]),
            ([5, 7, 11, 13], [0, 2, 3, 1]), ([5, 7, 11, 13], [3, 1, 2, 0]), ([5, 7, 11, 13], [0, 1, 3, 2]),
            ([5, 7, 11, 13], [0, 1, 2, 3]), ([2, 0, 3], [2, 1, 0]), ([7], [0]),
        ]
        for (shape, perm) in cases {
            let x = try Self.iota(Shape(shape))
            let y = try Self.check("Transpose", [x], attributes: ["perm": .ints(perm.map(Int64.init))])[0]
            let expected = Self.transposeReference(try x.scalars(as: Float.self), shape, perm)
            Self.expectValues(y, Shape(perm.map { shape[$0] }), expected, "Transpose \(shape) perm \(perm)")
        }
        // Default: reversed axes; 8-byte, 1-byte and string lanes.
        let x64 = try Self.i64([2, 3], [1, 2, 3, 4, 5, 6])
        Self.expectValues(try Self.check("Transpose", [x64])[0], [3, 2], [1, 4, 2, 5, 3, 6] as [Int64], "Transpose int64 default")
        let xb = try Self.b([2, 2], [true, false, false, false])
        Self.expectValues(try Self.check("Transpose", [xb])[0], [2, 2], [true, false, false, false], "Transpose bool")
        let xs = try Self.s([2, 3], ["a", "b", "c", "d", "e", "f"])
        Self.expectStrings(try Self.check("Transpose", [xs])[0], [3, 2], ["a", "d", "b", "e", "c", "f"], "Transpose string")

        Self.expectError("Transpose bad perm", containing: ["transpose0", "perm"]) {
            _ = try Self.run("Transpose", [x64], attributes: ["perm": .ints([0, 0])])
        }
        Self.expectError("Transpose perm too long") { _ = try Self.run("Transpose", [x64], attributes: ["perm": .ints([0, 1, 2])]) }
    }

    // MARK: - Concat, Split

    @Test func concatAlongAnyAxis() throws {
        let a = try Self.iota([2, 2]), b = try Self.f([2, 3], [10, 11, 12, 13, 14, 15])
        var y = try Self.check("Concat", [a, b], attributes: ["axis": .int(1)])[0]
        Self.expectValues(y, [2, 5], [0, 1, 10, 11, 12, 2, 3, 13, 14, 15] as [Float], "Concat axis 1")
        y = try Self.check("Concat", [a, b], attributes: ["axis": .int(-1)])[0]
        Self.expectShape(y, [2, 5], "Concat axis -1")
        y = try Self.check("Concat", [a, try Tensor(zeros: [0, 2]), a], attributes: ["axis": .int(0)])[0]
        Self.expectValues(y, [4, 2], [0, 1, 2, 3, 0, 1, 2, 3] as [Float], "Concat axis 0 with an empty part")
        // Opset 1: axis defaults to 1.
        y = try Self.check("Concat", [a, b], opset: 1)[0]
        Self.expectShape(y, [2, 5], "Concat opset 1 default axis")
        let s = try Self.check("Concat", [Self.s([1], ["x"]), Self.s([2], ["y", "z"])], attributes: ["axis": .int(0)])[0]
        Self.expectStrings(s, [3], ["x", "y", "z"], "Concat strings")

        Self.expectError("Concat mismatch", containing: ["concat0", "[2, 3]"]) { _ = try Self.run("Concat", [a, b], attributes: ["axis": .int(0)]) }
        Self.expectError("Concat bad axis", containing: ["axis 2"]) { _ = try Self.run("Concat", [a, b], attributes: ["axis": .int(2)]) }
        Self.expectError("Concat types") { _ = try Self.run("Concat", [a, Self.i64([2, 1], [1, 2])], attributes: ["axis": .int(1)]) }
        Self.expectError("Concat axis required at opset 4") { _ = try Self.run("Concat", [a, b], opset: 4) }
    }

    @Test func splitBySizesEquallyAndByNumOutputs() throws {
        let x = try Self.iota([2, 6])
        // Equal pieces.
        var ys = try Self.check("Split", [x], outputs: 3, attributes: ["axis": .int(1)], opset: 11)
        Self.expectValues(ys[0], [2, 2], [0, 1, 6, 7] as [Float], "Split equal 0")
        Self.expectValues(ys[2], [2, 2], [4, 5, 10, 11] as [Float], "Split equal 2")
        // Sizes as an attribute (opset 11) and as an input (13).
        ys = try Self.check("Split", [x], outputs: 2, attributes: ["axis": .int(-1), "split": .ints([1, 5])], opset: 11)
        Self.expectValues(ys[0], [2, 1], [0, 6] as [Float], "Split attribute 0")
        Self.expectValues(ys[1], [2, 5], [1, 2, 3, 4, 5, 7, 8, 9, 10, 11] as [Float], "Split attribute 1")
        ys = try Self.check("Split", [x, Self.ints([2, 0])], outputs: 2, attributes: ["axis": .int(0)], opset: 13)
        Self.expectValues(ys[0], [2, 6], try x.scalars(as: Float.self), "Split input 0")
        Self.expectShape(ys[1], [0, 6], "Split input zero-size piece")
        // num_outputs (18): ceil(7 / 3) = 3 -> 3, 3, 1.
        let v = try Self.iota([7])
        ys = try Self.check("Split", [v], outputs: 3, attributes: ["num_outputs": .int(3)], opset: 18)
        Self.expectValues(ys[2], [1], [6] as [Float], "Split num_outputs last")
        #expect(ys.map(\.shape) == [[3], [3], [1]])

        Self.expectError("Split uneven", containing: ["split0"]) { _ = try Self.run("Split", [v], outputs: 2, opset: 13) }
        Self.expectError("Split sizes not summing") { _ = try Self.run("Split", [v, Self.ints([3, 3])], outputs: 2, opset: 13) }
        Self.expectError("Split num_outputs mismatch") { _ = try Self.run("Split", [v], outputs: 2, attributes: ["num_outputs": .int(3)], opset: 18) }
    }

    // MARK: - Slice

    @Test func sliceClampsNegativesAndSteps() throws {
        let x = try Self.i64([4, 5], (0..<20).map(Int64.init))
        // x[1:, 0:3]
        var y = try Self.check("Slice", [x, Self.ints([1, 0]), Self.ints([1000, 3]), Self.ints([0, 1])], opset: 13)[0]
        Self.expectValues(y, [3, 3], [5, 6, 7, 10, 11, 12, 15, 16, 17] as [Int64], "Slice x[1:, 0:3]")
        // x[:, ::-2] via starts -1, ends INT64_MIN, step -2.
        y = try Self.check("Slice", [x, Self.ints([-1]), Self.ints([Int64.min]), Self.ints([1]), Self.ints([-2])], opset: 13)[0]
        Self.expectValues(y, [4, 3], [4, 2, 0, 9, 7, 5, 14, 12, 10, 19, 17, 15] as [Int64], "Slice x[:, ::-2]")
        // x[-1:-5:-2, 1:-1]
        y = try Self.check("Slice", [x, Self.ints([-1, 1]), Self.ints([-5, -1]), nil, Self.ints([-2, 1])], opset: 13)[0]
        Self.expectValues(y, [2, 3], [16, 17, 18, 6, 7, 8] as [Int64], "Slice x[-1:-5:-2, 1:-1]")
        // Start past the end: empty; INT64_MAX ends and huge steps.
        y = try Self.check("Slice", [x, Self.ints([10]), Self.ints([20]), Self.ints([0])], opset: 13)[0]
        Self.expectShape(y, [0, 5], "Slice empty")
        y = try Self.check("Slice", [x, Self.ints([0]), Self.ints([Int64.max]), Self.ints([1]), Self.ints([Int64.max])], opset: 13)[0]
        Self.expectValues(y, [4, 1], [0, 5, 10, 15] as [Int64], "Slice huge step")
        y = try Self.check("Slice", [x, Self.ints([Int64.max]), Self.ints([Int64.min]), Self.ints([0]), Self.ints([Int64.min])], opset: 13)[0]
        Self.expectValues(y, [1, 5], [15, 16, 17, 18, 19] as [Int64], "Slice INT64_MIN step")
        // Contiguous rows (a view) and strings.
        y = try Self.check("Slice", [x, Self.ints([1]), Self.ints([3])], opset: 13)[0]
        Self.expectValues(y, [2, 5], (5..<15).map(Int64.init), "Slice rows 1..<3")
        let s = try Self.check("Slice", [Self.s([3], ["a", "b", "c"]), Self.ints([-1]), Self.ints([-4]), nil, Self.ints([-1])], opset: 13)[0]
        Self.expectStrings(s, [3], ["c", "b", "a"], "Slice strings reversed")
        // Opset 1: attributes.
        y = try Self.check("Slice", [x], attributes: ["starts": .ints([1]), "ends": .ints([-1]), "axes": .ints([1])], opset: 1)[0]
        Self.expectValues(y, [4, 3], [1, 2, 3, 6, 7, 8, 11, 12, 13, 16, 17, 18] as [Int64], "Slice opset 1")

        Self.expectError("Slice step 0", containing: ["slice0", "0"]) {
            _ = try Self.run("Slice", [x, Self.ints([0]), Self.ints([1]), Self.ints([0]), Self.ints([0])], opset: 13)
        }
        Self.expectError("Slice duplicate axes") { _ = try Self.run("Slice", [x, Self.ints([0, 0]), Self.ints([1, 1]), Self.ints([0, 0])], opset: 13) }
        Self.expectError("Slice bad axis", containing: ["2"]) { _ = try Self.run("Slice", [x, Self.ints([0]), Self.ints([1]), Self.ints([2])], opset: 13) }
        Self.expectError("Slice length mismatch") { _ = try Self.run("Slice", [x, Self.ints([0, 0]), Self.ints([1])], opset: 13) }
    }

    // MARK: - Gather

    @Test func gatherWithNegativeIndicesAndAnyAxis() throws {
        let data = try Self.iota([3, 4])
        var y = try Self.check("Gather", [data, Self.ints([2, -3])])[0]
        Self.expectValues(y, [2, 4], [8, 9, 10, 11, 0, 1, 2, 3] as [Float], "Gather axis 0")
        y = try Self.check("Gather", [data, Self.i32([2, 2], [0, 3, -1, 1])], attributes: ["axis": .int(1)])[0]
        // data[:, [[0, 3], [3, 1]]]
        Self.expectValues(y, [3, 2, 2], [0, 3, 3, 1, 4, 7, 7, 5, 8, 11, 11, 9] as [Float], "Gather axis 1, int32 2-D indices")
        y = try Self.check("Gather", [data, Self.i64([], [1])])[0]
        Self.expectValues(y, [4], [4, 5, 6, 7] as [Float], "Gather scalar index (view)")
        let s = try Self.check("Gather", [Self.s([3], ["a", "b", "c"]), Self.ints([2, 0, 2])])[0]
        Self.expectStrings(s, [3], ["c", "a", "c"], "Gather strings")

        Self.expectError("Gather index 3 on axis of 3", containing: ["gather0", "3", "axis 0"]) { _ = try Self.run("Gather", [data, Self.ints([0, 3])]) }
        Self.expectError("Gather index -4", containing: ["-4"]) { _ = try Self.run("Gather", [data, Self.ints([-4])]) }
        Self.expectError("Gather index Int64.max") { _ = try Self.run("Gather", [data, Self.ints([Int64.max])], opset: 13) }
        Self.expectError("Gather bad axis", containing: ["axis 2"]) { _ = try Self.run("Gather", [data, Self.ints([0])], attributes: ["axis": .int(2)]) }
        Self.expectError("Gather float indices") { _ = try Self.run("Gather", [data, Self.f([1], [0])]) }
    }

    // MARK: - Constant, ConstantOfShape, Shape, Size, Range

    @Test func constantFromEveryValueAttribute() throws {
        Self.expectValues(try Self.run("Constant", [], attributes: ["value": .tensor(try Self.i32([2], [4, 5]))])[0], [2], [4, 5] as [Int32], "value")
        Self.expectValues(try Self.run("Constant", [], attributes: ["value_float": .float(2.5)], opset: 12)[0], [], [2.5] as [Float], "value_float")
        Self.expectValues(try Self.run("Constant", [], attributes: ["value_floats": .floats([1, 2])], opset: 12)[0], [2], [1, 2] as [Float], "value_floats")
        Self.expectValues(try Self.run("Constant", [], attributes: ["value_int": .int(7)], opset: 13)[0], [], [7] as [Int64], "value_int")
        Self.expectValues(try Self.run("Constant", [], attributes: ["value_ints": .ints([7, 8])], opset: 13)[0], [2], [7, 8] as [Int64], "value_ints")
        Self.expectStrings(try Self.run("Constant", [], attributes: ["value_string": .string("hi")], opset: 13)[0], [], ["hi"], "value_string")
        Self.expectStrings(try Self.run("Constant", [], attributes: ["value_strings": .strings(["a", "b"])], opset: 13)[0], [2], ["a", "b"], "value_strings")
        Self.expectError("Constant without value", containing: ["constant0"]) { _ = try Self.run("Constant", []) }
        Self.expectError("value_float before opset 12") { _ = try Self.run("Constant", [], attributes: ["value_float": .float(1)], opset: 11) }
        Self.expectError("two values") { _ = try Self.run("Constant", [], attributes: ["value_int": .int(1), "value_float": .float(1)], opset: 13) }
    }

    @Test func constantOfShapeAndShapeAndSize() throws {
        var y = try Self.check("ConstantOfShape", [Self.ints([2, 3])], opset: 9)[0]
        Self.expectValues(y, [2, 3], [Float](repeating: 0, count: 6), "ConstantOfShape default")
        y = try Self.check("ConstantOfShape", [Self.ints([2])], attributes: ["value": .tensor(try Self.i64([1], [7]))])[0]
        Self.expectValues(y, [2], [7, 7] as [Int64], "ConstantOfShape int64 value")
        y = try Self.check("ConstantOfShape", [Self.ints([])], attributes: ["value": .tensor(try Self.b([1], [true]))])[0]
        Self.expectValues(y, [], [true], "ConstantOfShape scalar bool")
        Self.expectError("ConstantOfShape past the limit", containing: ["constantofshape0", "limit"]) {
            _ = try Self.run("ConstantOfShape", [Self.ints([1 << 20, 1 << 20])], options: .init(threads: 1, maxTensorBytes: 1 << 20))
        }
        Self.expectError("ConstantOfShape negative") { _ = try Self.run("ConstantOfShape", [Self.ints([-1])]) }

        let x = try Tensor(zeros: [2, 3, 5, 7])
        Self.expectValues(try Self.check("Shape", [x], opset: 13)[0], [4], [2, 3, 5, 7] as [Int64], "Shape")
        Self.expectValues(try Self.check("Shape", [x], attributes: ["start": .int(1), "end": .int(-1)], opset: 15)[0], [2], [3, 5] as [Int64], "Shape 1..<-1")
        Self.expectValues(try Self.check("Shape", [x], attributes: ["start": .int(-10), "end": .int(10)], opset: 15)[0], [4], [2, 3, 5, 7] as [Int64], "Shape clamped")
        Self.expectValues(try Self.check("Shape", [x], attributes: ["start": .int(3), "end": .int(1)], opset: 15)[0], [0], [] as [Int64], "Shape empty")
        // Opset 13 ignores start (it did not exist).
        Self.expectValues(try Self.check("Shape", [x], attributes: ["start": .int(2)], opset: 13)[0], [4], [2, 3, 5, 7] as [Int64], "Shape opset 13")
        Self.expectValues(try Self.check("Size", [x])[0], [], [210] as [Int64], "Size")
    }

    @Test func rangeForFloatsAndIntegers() throws {
        var y = try Self.check("Range", [Self.f([], [1]), Self.f([], [5]), Self.f([], [1.5])], opset: 11)[0]
        Self.expectValues(y, [3], [1, 2.5, 4] as [Float], "Range float")
        y = try Self.check("Range", [Self.i64([], [10]), Self.i64([], [0]), Self.i64([], [-3])], opset: 11)[0]
        Self.expectValues(y, [4], [10, 7, 4, 1] as [Int64], "Range int64 descending")
        y = try Self.check("Range", [Self.i32([], [3]), Self.i32([], [3]), Self.i32([], [1])], opset: 11)[0]
        Self.expectValues(y, [0], [] as [Int32], "Range int32 empty")
        y = try Self.check("Range", [Self.d([], [0]), Self.d([], [-1]), Self.d([], [1])], opset: 11)[0]
        Self.expectValues(y, [0], [] as [Double], "Range wrong direction")
        Self.expectError("Range delta 0", containing: ["range0", "delta"]) { _ = try Self.run("Range", [Self.i64([], [0]), Self.i64([], [5]), Self.i64([], [0])], opset: 11) }
        Self.expectError("Range past the limit", containing: ["limit"]) {
            _ = try Self.run("Range", [Self.i64([], [Int64.min]), Self.i64([], [Int64.max]), Self.i64([], [1])], opset: 11)
        }
        Self.expectError("Range infinite float") { _ = try Self.run("Range", [Self.f([], [0]), Self.f([], [.infinity]), Self.f([], [1])], opset: 11) }
        Self.expectError("Range types differ") { _ = try Self.run("Range", [Self.f([], [0]), Self.d([], [5]), Self.f([], [1])], opset: 11) }
    }

    // MARK: - Cast

    @Test func castBetweenEveryType() throws {
        // float -> int truncates; NaN -> 0; out of range saturates.
        let x = try Self.f([5], [-1.7, 1.7, .nan, 3e10, -.infinity])
        Self.expectValues(try Self.check("Cast", [x], attributes: ["to": .int(6)])[0], [5], [-1, 1, 0, Int32.max, Int32.min] as [Int32], "float -> int32")
        Self.expectValues(try Self.check("Cast", [x], attributes: ["to": .int(7)])[0], [5], [-1, 1, 0, 30_000_001_024, Int64.min] as [Int64], "float -> int64 (3e10 is 30000001024 in float32)")
        Self.expectValues(try Self.check("Cast", [x], attributes: ["to": .int(9)])[0], [5], [true, true, true, true, true], "float -> bool")
        Self.expectValues(try Self.check("Cast", [Self.i64([3], [1 << 40 | 5, -1, 1 << 53 + 1])], attributes: ["to": .int(6)])[0], [3],
                          [5, -1, 1] as [Int32], "int64 -> int32 wraps")
        Self.expectValues(try Self.check("Cast", [Self.i64([2], [1 << 53 + 1, -3])], attributes: ["to": .int(11)])[0], [2],
                          [9_007_199_254_740_992, -3] as [Double], "int64 -> double rounds")
        Self.expectValues(try Self.check("Cast", [Self.b([2], [true, false])], attributes: ["to": .int(1)])[0], [2], [1, 0] as [Float], "bool -> float")
        Self.expectValues(try Self.check("Cast", [Self.d([2], [1e300, 0.1])], attributes: ["to": .int(1)])[0], [2], [.infinity, 0.1] as [Float], "double -> float")

        // number -> string, string -> number.
        Self.expectStrings(try Self.check("Cast", [Self.f([6], [1, 0.1, 1e-5, .nan, -.infinity, -2.5])], attributes: ["to": .int(8)])[0], [6],
                           ["1.0", "0.1", "1e-05", "nan", "-inf", "-2.5"], "float -> string")
        Self.expectStrings(try Self.check("Cast", [Self.i32([2], [-7, 42])], attributes: ["to": .int(8)])[0], [2], ["-7", "42"], "int32 -> string")
        Self.expectStrings(try Self.check("Cast", [Self.b([2], [true, false])], attributes: ["to": .int(8)])[0], [2], ["1", "0"], "bool -> string")
        let text = try Self.s([6], ["3.5", " -1e-5 ", "NaN", "+INF", "-inf", "1E8"])
        let parsed = try Self.check("Cast", [text], attributes: ["to": .int(1)])[0].scalars(as: Float.self)
        #expect(parsed[0] == 3.5 && parsed[1] == -1e-5 && parsed[2].isNaN && parsed[3] == .infinity && parsed[4] == -.infinity && parsed[5] == 1e8,
                "string -> float: \(parsed)")
        Self.expectValues(try Self.check("Cast", [Self.s([3], ["100.5", "-7", "12"])], attributes: ["to": .int(7)])[0], [3], [100, -7, 12] as [Int64], "string -> int64")
        Self.expectValues(try Self.check("Cast", [Self.s([3], ["0", "2", "true"])], attributes: ["to": .int(9)])[0], [3], [false, true, true], "string -> bool")
        Self.expectError("string -> float of text", containing: ["cast0", "hello"]) { _ = try Self.run("Cast", [Self.s([1], ["hello"])], attributes: ["to": .int(1)]) }

        // Opset 1 names the type; CastLike (15) takes it from its second input; float16 is not supported.
        Self.expectValues(try Self.check("Cast", [Self.i32([1], [3])], attributes: ["to": .string("DOUBLE")], opset: 1)[0], [1], [3] as [Double], "Cast opset 1")
        Self.expectValues(try Self.check("CastLike", [Self.f([2], [1.9, -0.5]), Self.i64([], [0])], opset: 15)[0], [2], [1, 0] as [Int64], "CastLike")
        // Narrow targets are held as themselves (values as numpy's astype gives them).
        Self.expectValues(try Self.check("Cast", [Self.d([3], [1.0001, 70000, -0.1])], attributes: ["to": .int(10)])[0].scalars(as: Half.self).map(\.float),
                          [1, .infinity, -0.099975586] as [Float], "double -> float16")
        Self.expectValues(try Self.check("Cast", [Self.f([2], [1.00390625, -2.5])], attributes: ["to": .int(16)])[0].scalars(as: BFloat16.self).map(\.float),
                          [1.0, -2.5] as [Float], "float -> bfloat16 (1 + 2^-8 is a tie: rounds to even)")
        Self.expectValues(try Self.check("Cast", [Self.i64([3], [300, -1, 7])], attributes: ["to": .int(2)])[0], [3], [44, 255, 7] as [UInt8], "int64 -> uint8")
        Self.expectValues(try Self.check("Cast", [Self.f([2], [200.7, -3.5])], attributes: ["to": .string("INT8")], opset: 1)[0], [2],
                          [-56, -3] as [Int8], "float -> int8 (opset 1 name)")
        Self.expectValues(try Self.check("Cast", [Self.i32([1], [-1])], attributes: ["to": .int(12)])[0], [1], [4_294_967_295] as [UInt32], "int32 -> uint32")
        Self.expectError("Cast to complex64", containing: ["cast0", "COMPLEX64"]) { _ = try Self.run("Cast", [x], attributes: ["to": .int(14)]) }
    }

    // MARK: - Expand, Tile

    @Test func expandBroadcastsBothWaysAndChecksTheSizeLimit() throws {
        let x = try Self.i64([3, 1], [1, 2, 3])
        let y = try Self.check("Expand", [x, Self.ints([2, 1, 4])], opset: 13)[0]
        // np.broadcast_to([[1], [2], [3]], (2, 3, 4))
        Self.expectValues(y, [2, 3, 4], [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3] as [Int64], "Expand")
        Self.expectShape(try Self.check("Expand", [x, Self.ints([1])], opset: 13)[0], [3, 1], "Expand to a smaller shape")
        Self.expectStrings(try Self.check("Expand", [Self.s([1], ["a"]), Self.ints([3])], opset: 13)[0], [3], ["a", "a", "a"], "Expand strings")
        Self.expectError("Expand incompatible", containing: ["expand0", "3"]) { _ = try Self.run("Expand", [x, Self.ints([2, 4])], opset: 13) }
        Self.expectError("Expand past the limit", containing: ["expand0", "limit"]) {
            _ = try Self.run("Expand", [x, Self.ints([1 << 20, 3, 1 << 20])], opset: 13, options: .init(threads: 1, maxTensorBytes: 1 << 16))
        }
        Self.expectError("Expand overflowing", containing: ["limit"]) {
            _ = try Self.run("Expand", [x, Self.ints([Int64.max, 3, Int64.max])], opset: 13)
        }
        Self.expectError("Expand negative") { _ = try Self.run("Expand", [x, Self.ints([-1, 1])], opset: 13) }
    }

    @Test func tileRepeatsEveryAxis() throws {
        let a = try Self.iota([2, 3])
        let y = try Self.check("Tile", [a, Self.ints([2, 2])])[0]
        // np.tile(arange(6).reshape(2, 3), (2, 2))
        Self.expectValues(y, [4, 6], [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5] as [Float], "Tile 2x2")
        Self.expectShape(try Self.check("Tile", [a, Self.ints([0, 3])])[0], [0, 9], "Tile zero repeats")
        Self.expectStrings(try Self.check("Tile", [Self.s([2], ["a", "b"]), Self.ints([2])])[0], [4], ["a", "b", "a", "b"], "Tile strings")
        // Opset 1: tiles and axis inputs.
        Self.expectValues(try Self.check("Tile", [a, Self.ints([2]), Self.ints([1])], opset: 1)[0], [2, 6],
                          [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5] as [Float], "Tile opset 1")
        Self.expectError("Tile negative") { _ = try Self.run("Tile", [a, Self.ints([-1, 1])]) }
        Self.expectError("Tile wrong length", containing: ["tile0"]) { _ = try Self.run("Tile", [a, Self.ints([2])]) }
        Self.expectError("Tile past the limit", containing: ["limit"]) {
            _ = try Self.run("Tile", [a, Self.ints([1 << 30, 1 << 30])], options: .init(threads: 1, maxTensorBytes: 1 << 20))
        }
    }

    // MARK: - Pad

    @Test func padInEveryMode() throws {
        let a = try Self.i64([2, 3], [0, 1, 2, 3, 4, 5])
        // np.pad(a, ((1, 0), (2, 1)), constant_values=9)
        var y = try Self.check("Pad", [a, Self.ints([1, 2, 0, 1]), Self.i64([], [9])], opset: 13)[0]
        Self.expectValues(y, [3, 6], [9, 9, 9, 9, 9, 9, 9, 9, 0, 1, 2, 9, 9, 9, 3, 4, 5, 9] as [Int64], "Pad constant")
        // np.pad(a, ((1, 1), (2, 2)), mode='reflect')
        y = try Self.check("Pad", [a, Self.ints([1, 2, 1, 2])], attributes: ["mode": .string("reflect")], opset: 13)[0]
        Self.expectValues(y, [4, 7], [5, 4, 3, 4, 5, 4, 3, 2, 1, 0, 1, 2, 1, 0, 5, 4, 3, 4, 5, 4, 3, 2, 1, 0, 1, 2, 1, 0] as [Int64], "Pad reflect")
        // np.pad(a, ((0, 1), (1, 2)), mode='edge')
        y = try Self.check("Pad", [a, Self.ints([0, 1, 1, 2])], attributes: ["mode": .string("edge")], opset: 13)[0]
        Self.expectValues(y, [3, 6], [0, 0, 1, 2, 2, 2, 3, 3, 4, 5, 5, 5, 3, 3, 4, 5, 5, 5] as [Int64], "Pad edge")
        // np.pad(a, ((1, 0), (2, 3)), mode='wrap'), opset 19
        y = try Self.check("Pad", [a, Self.ints([1, 2, 0, 3])], attributes: ["mode": .string("wrap")], opset: 19)[0]
        Self.expectValues(y, [3, 8], [4, 5, 3, 4, 5, 3, 4, 5, 1, 2, 0, 1, 2, 0, 1, 2, 4, 5, 3, 4, 5, 3, 4, 5] as [Int64], "Pad wrap")
        // np.pad([1, 2, 3], (5, 5), mode='reflect'): pads wider than the axis.
        y = try Self.check("Pad", [Self.f([3], [1, 2, 3]), Self.ints([5, 5])], attributes: ["mode": .string("reflect")], opset: 13)[0]
        Self.expectValues(y, [13], [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2] as [Float], "Pad reflect wide")
        // Negative pads crop: pads [0, 1, 0, -2].
        y = try Self.check("Pad", [a, Self.ints([0, 1, 0, -2])], opset: 13)[0]
        Self.expectValues(y, [2, 2], [0, 0, 0, 3] as [Int64], "Pad negative")
        // Opset 2: pads and value attributes; opset 18: axes input.
        y = try Self.check("Pad", [Self.f([2], [1, 2])], attributes: ["pads": .ints([1, 1]), "value": .float(-1)], opset: 2)[0]
        Self.expectValues(y, [4], [-1, 1, 2, -1] as [Float], "Pad opset 2")
        y = try Self.check("Pad", [a, Self.ints([1, 1]), nil, Self.ints([-1])], opset: 18)[0]
        Self.expectValues(y, [2, 5], [0, 0, 1, 2, 0, 0, 3, 4, 5, 0] as [Int64], "Pad axes")
        Self.expectStrings(try Self.check("Pad", [Self.s([1], ["a"]), Self.ints([1, 0])], opset: 13)[0], [2], ["", "a"], "Pad strings")

        Self.expectError("Pad wrap before 19") { _ = try Self.run("Pad", [a, Self.ints([1, 1, 1, 1])], attributes: ["mode": .string("wrap")], opset: 18) }
        Self.expectError("Pad wrong length", containing: ["pad0"]) { _ = try Self.run("Pad", [a, Self.ints([1, 1])], opset: 13) }
        Self.expectError("Pad crop below zero") { _ = try Self.run("Pad", [a, Self.ints([0, -2, 0, -2])], opset: 13) }
        Self.expectError("Pad edge of an empty axis") {
            _ = try Self.run("Pad", [try Tensor(zeros: [0]), Self.ints([1, 1])], attributes: ["mode": .string("edge")], opset: 13)
        }
        Self.expectError("Pad past the limit", containing: ["limit"]) {
            _ = try Self.run("Pad", [a, Self.ints([0, 0, 1 << 30, 1 << 30])], opset: 13, options: .init(threads: 1, maxTensorBytes: 1 << 20))
        }
    }

    // MARK: - Where, comparisons, logic

    @Test func whereAndComparisonsBroadcast() throws {
        let c = try Self.b([2, 1], [true, false])
        let y = try Self.check("Where", [c, Self.f([3], [1, 2, 3]), Self.f([], [0])])[0]
        Self.expectValues(y, [2, 3], [1, 2, 3, 0, 0, 0] as [Float], "Where broadcast")
        let s = try Self.check("Where", [c, Self.s([1], ["yes"]), Self.s([2, 1], ["no", "nope"])])[0]
        Self.expectStrings(s, [2, 1], ["yes", "nope"], "Where strings")
        Self.expectError("Where non-bool condition") { _ = try Self.run("Where", [Self.f([1], [1]), Self.f([1], [1]), Self.f([1], [1])]) }

        let a = try Self.f([2, 2], [1, 2, .nan, 4]), b = try Self.f([2], [2, 4])
        Self.expectValues(try Self.check("Equal", [a, b])[0], [2, 2], [false, false, false, true], "Equal")
        Self.expectValues(try Self.check("Less", [a, b])[0], [2, 2], [true, true, false, false], "Less")
        Self.expectValues(try Self.check("LessOrEqual", [a, b])[0], [2, 2], [true, true, false, true], "LessOrEqual")
        Self.expectValues(try Self.check("Greater", [a, b])[0], [2, 2], [false, false, false, false], "Greater")
        Self.expectValues(try Self.check("GreaterOrEqual", [Self.i64([2], [3, 1]), Self.i64([], [2])])[0], [2], [true, false], "GreaterOrEqual int64")
        Self.expectValues(try Self.check("Equal", [Self.s([2], ["a", "b"]), Self.s([], ["b"])], opset: 19)[0], [2], [false, true], "Equal strings")
        Self.expectError("Equal types differ", containing: ["equal0"]) { _ = try Self.run("Equal", [a, Self.i64([1], [1])]) }
        Self.expectError("Less bool") { _ = try Self.run("Less", [Self.b([1], [true]), Self.b([1], [false])]) }
        // Opset 6 with broadcast=1, axis=0: B [2] lines up with A's axis 0.
        let legacy = try Self.check("Greater", [Self.f([2, 3], [1, 2, 3, 4, 5, 6]), Self.f([2], [2, 4])],
                                    attributes: ["broadcast": .int(1), "axis": .int(0)], opset: 6)[0]
        Self.expectValues(legacy, [2, 3], [false, false, true, false, true, true], "Greater legacy axis broadcast")

        let p = try Self.b([4], [true, true, false, false]), q = try Self.b([4], [true, false, true, false])
        Self.expectValues(try Self.check("And", [p, q])[0], [4], [true, false, false, false], "And")
        Self.expectValues(try Self.check("Or", [p, q])[0], [4], [true, true, true, false], "Or")
        Self.expectValues(try Self.check("Xor", [p, q])[0], [4], [false, true, true, false], "Xor")
        Self.expectValues(try Self.check("Not", [p])[0], [4], [false, false, true, true], "Not")
        Self.expectError("And float") { _ = try Self.run("And", [a, a]) }
    }

    // MARK: - Reductions

    @Test func reduceSumAxesVersionsAndKeepDims() throws {
        // b = arange(24).reshape(2, 3, 4) with b[1, 1, 1] = -5
        var values = (0..<24).map(Float.init)
        values[17] = -5
        let x = try Self.f([2, 3, 4], values)
        // Opset 13: axes input.
        var y = try Self.check("ReduceSum", [x, Self.ints([0, 2])], opset: 13)[0]
        Self.expectValues(y, [1, 3, 1], [60, 70, 124] as [Float], "ReduceSum axes [0, 2] keepdims")
        y = try Self.check("ReduceSum", [x, Self.ints([-3, -1])], attributes: ["keepdims": .int(0)], opset: 13)[0]
        Self.expectValues(y, [3], [60, 70, 124] as [Float], "ReduceSum keepdims=0")
        // Opset 11: axes attribute.
        y = try Self.check("ReduceSum", [x], attributes: ["axes": .ints([0, 2]), "keepdims": .int(0)], opset: 11)[0]
        Self.expectValues(y, [3], [60, 70, 124] as [Float], "ReduceSum opset 11")
        // No axes: everything; with noop_with_empty_axes: the input.
        y = try Self.check("ReduceSum", [x], opset: 13)[0]
        Self.expectValues(y, [1, 1, 1], [254] as [Float], "ReduceSum all")
        y = try Self.check("ReduceSum", [x, Self.ints([])], attributes: ["noop_with_empty_axes": .int(1)], opset: 13)[0]
        Self.expectValues(y, [2, 3, 4], values, "ReduceSum noop")
        // Integers and empty sets.
        y = try Self.check("ReduceSum", [Self.i32([2, 2], [1, 2, 3, 4]), Self.ints([1])], attributes: ["keepdims": .int(0)], opset: 13)[0]
        Self.expectValues(y, [2], [3, 7] as [Int32], "ReduceSum int32")
        y = try Self.check("ReduceSum", [try Tensor(zeros: [2, 0]), Self.ints([1])], opset: 13)[0]
        Self.expectValues(y, [2, 1], [0, 0] as [Float], "ReduceSum empty")

        Self.expectError("ReduceSum bad axis", containing: ["reducesum0", "3"]) { _ = try Self.run("ReduceSum", [x, Self.ints([3])], opset: 13) }
        Self.expectError("ReduceSum duplicate axis") { _ = try Self.run("ReduceSum", [x, Self.ints([1, -2])], opset: 13) }
        Self.expectError("ReduceSum strings") { _ = try Self.run("ReduceSum", [Self.s([1], ["a"])], opset: 13) }
    }

    @Test func reduceMeanMaxMinAcrossVersionsAndTypes() throws {
        var values = (0..<24).map(Float.init)
        values[17] = -5
        let x = try Self.f([2, 3, 4], values)
        // b.mean(axis=1) at opset 17 (attribute) and 18 (input).
        let mean: [Float] = [4, 5, 6, 7, 16, 29.0 / 3.0, 18, 19]
        var y = try Self.check("ReduceMean", [x], attributes: ["axes": .ints([1]), "keepdims": .int(0)], opset: 17)[0]
        var got = try y.scalars(as: Float.self)
        #expect(y.shape == [2, 4] && maxAbsDiff(got, mean) <= 1e-5, "ReduceMean opset 17: \(got)")
        y = try Self.check("ReduceMean", [x, Self.ints([1])], attributes: ["keepdims": .int(0)], opset: 18)[0]
        got = try y.scalars(as: Float.self)
        #expect(y.shape == [2, 4] && maxAbsDiff(got, mean) <= 1e-5, "ReduceMean opset 18: \(got)")
        // At opset 18 the attribute is gone: no axes input means every axis.
        y = try Self.check("ReduceMean", [x], attributes: ["axes": .ints([1])], opset: 18)[0]
        Self.expectShape(y, [1, 1, 1], "ReduceMean opset 18 ignores the attribute")

        Self.expectValues(try Self.check("ReduceMax", [x], attributes: ["axes": .ints([-1]), "keepdims": .int(0)], opset: 13)[0], [2, 3],
                          [3, 7, 11, 15, 19, 23] as [Float], "ReduceMax axis -1")
        Self.expectValues(try Self.check("ReduceMin", [x, Self.ints([0, 1])], attributes: ["keepdims": .int(0)], opset: 18)[0], [4],
                          [0, -5, 2, 3] as [Float], "ReduceMin axes [0, 1]")
        let withNaN = try Self.d([2, 2], [1, .nan, 3, 4])
        let mins = try Self.check("ReduceMin", [withNaN], attributes: ["axes": .ints([1])], opset: 13)[0].scalars(as: Double.self)
        #expect(mins[0].isNaN && mins[1] == 3, "ReduceMin with NaN: \(mins)")
        let maxes = try Self.check("ReduceMax", [withNaN], attributes: ["axes": .ints([1])], opset: 13)[0].scalars(as: Double.self)
        #expect(maxes[0].isNaN && maxes[1] == 4, "ReduceMax with NaN: \(maxes)")

        let ints = try Self.i64([2, 3], [5, -2, 9, 1, 1, 1])
        Self.expectValues(try Self.check("ReduceMax", [ints], attributes: ["axes": .ints([1])], opset: 13)[0], [2, 1], [9, 1] as [Int64], "ReduceMax int64")
        Self.expectValues(try Self.check("ReduceMin", [ints], opset: 13)[0], [1, 1], [-2] as [Int64], "ReduceMin int64 all")
        Self.expectValues(try Self.check("ReduceMean", [ints], attributes: ["axes": .ints([1]), "keepdims": .int(0)], opset: 13)[0], [2], [4, 1] as [Int64], "ReduceMean int64 truncates")
        let flags = try Self.b([2, 2], [true, false, false, false])
        Self.expectValues(try Self.check("ReduceMax", [flags, Self.ints([1])], attributes: ["keepdims": .int(0)], opset: 20)[0], [2], [true, false], "ReduceMax bool")
        Self.expectValues(try Self.check("ReduceMin", [flags], attributes: ["keepdims": .int(0)], opset: 20)[0], [], [false], "ReduceMin bool")

        // Empty sets: max is the lowest value, min the highest, mean NaN.
        let empty = try Tensor(zeros: [2, 0])
        Self.expectValues(try Self.check("ReduceMax", [empty], attributes: ["axes": .ints([1]), "keepdims": .int(0)], opset: 13)[0], [2],
                          [-.infinity, -.infinity] as [Float], "ReduceMax empty")
        Self.expectValues(try Self.check("ReduceMin", [Self.i32([0], [])], opset: 13)[0], [1], [Int32.max], "ReduceMin empty int32")
        let emptyMean = try Self.check("ReduceMean", [empty], attributes: ["axes": .ints([1])], opset: 13)[0].scalars(as: Float.self)
        #expect(emptyMean.count == 2 && emptyMean.allSatisfy(\.isNaN), "ReduceMean empty: \(emptyMean)")
        // A rank-0 input reduces to itself.
        Self.expectValues(try Self.check("ReduceMax", [Self.f([], [3])], attributes: ["keepdims": .int(0)], opset: 13)[0], [], [3] as [Float], "ReduceMax scalar")
    }

    /// Multi-axis float reductions through the kernels against a plain Double loop, on an odd shape.
    @Test func reduceSumAndMaxMatchAReferenceOnAnOddShape() throws {
        let shape = [5, 7, 11, 13]
        var g = SplitMix64(seed: 7)
        let values = (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &g) }
        let x = try Self.f(Shape(shape), values)
        let strides = Shape(shape).strides
        for axes in [[0], [3], [1, 2], [0, 2], [0, 1, 3], [0, 1, 2, 3]] {
            let kept = (0..<4).filter { !axes.contains($0) }
            let outDims = kept.map { shape[$0] }
            let outCount = outDims.reduce(1, *)
            var sums = [Double](repeating: 0, count: outCount), maxes = [Float](repeating: -.infinity, count: outCount)
            for flat in 0..<values.count {
                var o = 0
                for k in kept { o = o * shape[k] + (flat / strides[k]) % shape[k] }
                sums[o] += Double(values[flat])
                maxes[o] = Swift.max(maxes[o], values[flat])
            }
            let axesTensor = try Self.ints(axes.map(Int64.init))
            let sum = try Self.check("ReduceSum", [x, axesTensor], attributes: ["keepdims": .int(0)], opset: 13)[0]
            let tolerance = Float(values.count / outCount) * 4 * Float.ulpOfOne
            let expectedSums: [Float] = sums.map { Float($0) }
            let diff = maxAbsDiff(try sum.scalars(as: Float.self), expectedSums)
            #expect(sum.shape == Shape(outDims) && diff <= tolerance, "ReduceSum \(shape) axes \(axes): max diff \(diff)")
            let max = try Self.check("ReduceMax", [x, axesTensor], attributes: ["keepdims": .int(0)], opset: 18)[0]
            Self.expectValues(max, Shape(outDims), maxes, "ReduceMax \(shape) axes \(axes)")
            let min = try Self.check("ReduceMin", [x, axesTensor], attributes: ["keepdims": .int(0)], opset: 18)[0]
            let negated = try Self.check("ReduceMax", [Self.f(Shape(shape), values.map { -$0 }), axesTensor], attributes: ["keepdims": .int(0)], opset: 18)[0]
            Self.expectValues(min, Shape(outDims), try negated.scalars(as: Float.self).map { -$0 }, "ReduceMin \(shape) axes \(axes)")
        }
    }

    @Test func argMaxAndArgMinWithTiesAndKeepDims() throws {
        let x = try Self.f([2, 3], [3, 1, 3, 2, 5, 5])
        Self.expectValues(try Self.check("ArgMax", [x], attributes: ["axis": .int(1)])[0], [2, 1], [0, 1] as [Int64], "ArgMax first")
        Self.expectValues(try Self.check("ArgMax", [x], attributes: ["axis": .int(1), "select_last_index": .int(1), "keepdims": .int(0)], opset: 12)[0],
                          [2], [2, 2] as [Int64], "ArgMax last")
        Self.expectValues(try Self.check("ArgMin", [x], attributes: ["axis": .int(0), "keepdims": .int(0)])[0], [3], [1, 0, 0] as [Int64], "ArgMin axis 0")
        Self.expectValues(try Self.check("ArgMin", [Self.i32([4], [2, 1, 7, 1])], attributes: ["select_last_index": .int(1)], opset: 13)[0],
                          [1], [3] as [Int64], "ArgMin int32 last")
        Self.expectValues(try Self.check("ArgMax", [Self.i64([2, 2], [1, 9, 9, 1])], attributes: ["axis": .int(-1)], opset: 13)[0],
                          [2, 1], [1, 0] as [Int64], "ArgMax int64 negative axis")
        Self.expectValues(try Self.check("ArgMax", [Self.d([3], [1, .nan, 2])], attributes: ["keepdims": .int(0)])[0], [], [1] as [Int64], "ArgMax NaN")
        Self.expectValues(try Self.check("ArgMin", [Self.f([3], [1, .nan, -2])], attributes: ["keepdims": .int(0)])[0], [], [1] as [Int64], "ArgMin NaN")
        // Opset 11 has no select_last_index: the attribute is ignored.
        Self.expectValues(try Self.check("ArgMax", [x], attributes: ["axis": .int(1), "select_last_index": .int(1)], opset: 11)[0], [2, 1],
                          [0, 1] as [Int64], "ArgMax opset 11")
        Self.expectError("ArgMax bad axis", containing: ["argmax0", "axis 2"]) { _ = try Self.run("ArgMax", [x], attributes: ["axis": .int(2)]) }
        Self.expectError("ArgMax empty axis") { _ = try Self.run("ArgMax", [try Tensor(zeros: [2, 0])], attributes: ["axis": .int(1)]) }
    }

    /// ArgMax/ArgMin against a naive scan over every axis of an odd shape, with many ties and some NaNs, for
    /// both tie rules; covers the contiguous-row path (last axis) and the running-best rows (other axes).
    @Test func argMaxAndArgMinMatchANaiveScan() throws {
        let shape = [3, 5, 7]
        var g = SplitMix64(seed: 11)
        let values: [Float] = (0..<105).map { i in i % 17 == 5 ? .nan : Float(Int.random(in: 0..<4, using: &g)) }
        let strides = Shape(shape).strides
        for (dtype, x) in [("float32", try Self.f(Shape(shape), values)),
                           ("int32", try Self.i32(Shape(shape), values.map { $0.isNaN ? 9 : Int32($0) }))] {
            let scalars: [Float] = x.dtype == .int32 ? try x.scalars(as: Int32.self).map(Float.init) : values
            for axis in 0..<3 {
                for op in ["ArgMax", "ArgMin"] {
                    for last in [false, true] {
                        var dims = shape
                        dims[axis] = 1
                        var expected: [Int64] = []
                        for flat in 0..<105 where (flat / strides[axis]) % shape[axis] == 0 {
                            var best = 0
                            for k in 1..<shape[axis] {
                                let v = scalars[flat + k * strides[axis]], b = scalars[flat + best * strides[axis]]
                                if b.isNaN { if v.isNaN && last { best = k }; continue }
                                if v.isNaN || (op == "ArgMax" ? v > b : v < b) || (last && v == b) { best = k }
                            }
                            expected.append(Int64(best))
                        }
                        let y = try Self.check(op, [x], attributes: ["axis": .int(Int64(axis)), "select_last_index": .int(last ? 1 : 0)], opset: 13)[0]
                        Self.expectValues(y, Shape(dims), expected, "\(op) \(dtype) \(shape) axis \(axis) select_last_index \(last)")
                    }
                }
            }
        }
    }

    /// Integer reductions against a naive loop over axis subsets of an odd shape.
    @Test func integerReductionsMatchANaiveLoop() throws {
        let shape = [3, 5, 7]
        var g = SplitMix64(seed: 5)
        let values: [Int64] = (0..<105).map { _ in Int64.random(in: -50...50, using: &g) }
        let x = try Self.i64(Shape(shape), values)
        let strides = Shape(shape).strides
        for axes in [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]] {
            let kept = (0..<3).filter { !axes.contains($0) }
            let outCount = kept.map { shape[$0] }.reduce(1, *)
            var sums = [Int64](repeating: 0, count: outCount), maxes = [Int64](repeating: .min, count: outCount)
            var mins = [Int64](repeating: .max, count: outCount)
            for flat in 0..<105 {
                var o = 0
                for k in kept { o = o * shape[k] + (flat / strides[k]) % shape[k] }
                sums[o] += values[flat]
                maxes[o] = Swift.max(maxes[o], values[flat])
                mins[o] = Swift.min(mins[o], values[flat])
            }
            let outShape = Shape(kept.map { shape[$0] })
            let a = try Self.ints(axes.map(Int64.init))
            let attributes: [String: ONNXAttribute] = ["keepdims": .int(0)]
            Self.expectValues(try Self.check("ReduceSum", [x, a], attributes: attributes, opset: 13)[0], outShape, sums, "ReduceSum int64 axes \(axes)")
            Self.expectValues(try Self.check("ReduceMax", [x, a], attributes: attributes, opset: 18)[0], outShape, maxes, "ReduceMax int64 axes \(axes)")
            Self.expectValues(try Self.check("ReduceMin", [x, a], attributes: attributes, opset: 18)[0], outShape, mins, "ReduceMin int64 axes \(axes)")
        }
    }

    // MARK: - TopK

    @Test func topKOrdersTiesByIndex() throws {
        let x = try Self.f([2, 5], [1, 3, 3, 2, 5, 0, 0, 4, 4, -1])
        var ys = try Self.check("TopK", [x, Self.ints([3])], outputs: 2)
        Self.expectValues(ys[0], [2, 3], [5, 3, 3, 4, 4, 0] as [Float], "TopK values")
        Self.expectValues(ys[1], [2, 3], [4, 1, 2, 7, 8, 0].map { Int64($0 % 5) }, "TopK indices")
        ys = try Self.check("TopK", [x, Self.ints([2])], outputs: 2, attributes: ["largest": .int(0)])
        Self.expectValues(ys[0], [2, 2], [1, 2, -1, 0] as [Float], "TopK smallest values")
        Self.expectValues(ys[1], [2, 2], [0, 3, 4, 0] as [Int64], "TopK smallest indices")
        // Axis 0, int64, K = full axis.
        ys = try Self.check("TopK", [Self.i64([3, 2], [1, 6, 3, 6, 2, 5]), Self.ints([3])], outputs: 2, attributes: ["axis": .int(0)])
        Self.expectValues(ys[0], [3, 2], [3, 6, 2, 6, 1, 5] as [Int64], "TopK axis 0 values")
        Self.expectValues(ys[1], [3, 2], [1, 0, 2, 1, 0, 2] as [Int64], "TopK axis 0 indices")
        // NaN ranks highest.
        ys = try Self.check("TopK", [Self.d([4], [1, .nan, 7, .nan]), Self.ints([3])], outputs: 2)
        Self.expectValues(ys[1], [3], [1, 3, 2] as [Int64], "TopK NaN indices")
        // Opset 1: k attribute. k = 0.
        ys = try Self.check("TopK", [x], outputs: 2, attributes: ["k": .int(1)], opset: 1)
        Self.expectValues(ys[0], [2, 1], [5, 4] as [Float], "TopK opset 1")
        ys = try Self.check("TopK", [x, Self.ints([0])], outputs: 2)
        Self.expectShape(ys[0], [2, 0], "TopK k = 0")
        // A long row exercises the heap.
        var g = SplitMix64(seed: 3)
        let long = (0..<1000).map { _ in Float(Int.random(in: 0..<100, using: &g)) }
        ys = try Self.check("TopK", [Self.f([1000], long), Self.ints([10])], outputs: 2)
        let ranked: [Int] = long.indices.sorted { (p: Int, q: Int) -> Bool in long[p] != long[q] ? long[p] > long[q] : p < q }
        let expected: [Int64] = ranked.prefix(10).map { Int64($0) }
        Self.expectValues(ys[1], [10], expected, "TopK 10 of 1000")

        Self.expectError("TopK k too large", containing: ["topk0", "6"]) { _ = try Self.run("TopK", [x, Self.ints([6])], outputs: 2) }
        Self.expectError("TopK negative k") { _ = try Self.run("TopK", [x, Self.ints([-1])], outputs: 2) }
        Self.expectError("TopK strings") { _ = try Self.run("TopK", [Self.s([1], ["a"]), Self.ints([1])], outputs: 2) }
    }

    // MARK: - Dropout

    @Test func dropoutIsIdentityAtInference() throws {
        let x = try Self.f([2, 2], [1, 2, 3, 4])
        var ys = try Self.check("Dropout", [x], outputs: 2, opset: 13)
        Self.expectValues(ys[0], [2, 2], [1, 2, 3, 4] as [Float], "Dropout output")
        Self.expectValues(ys[1], [2, 2], [true, true, true, true], "Dropout mask")
        ys = try Self.check("Dropout", [x], outputs: 2, attributes: ["ratio": .float(0.3)], opset: 7)
        Self.expectValues(ys[1], [2, 2], [1, 1, 1, 1] as [Float], "Dropout opset 7 mask")
        ys = try Self.check("Dropout", [x, Self.f([], [0.5]), Self.b([], [false])], opset: 13)
        Self.expectValues(ys[0], [2, 2], [1, 2, 3, 4] as [Float], "Dropout training_mode=false")
        Self.expectError("Dropout training", containing: ["dropout0", "training"]) {
            _ = try Self.run("Dropout", [x, Self.f([], [0.5]), Self.b([], [true])], opset: 13)
        }
    }

    // MARK: - Robustness

    /// Tensors with a zero dimension may have other dimensions whose product overflows `Int`: every operator
    /// must throw an ``ONNXError`` or return an empty result, never trap or loop over the huge dimensions.
    @Test func zeroSizedTensorsWithHugeDimensionsNeverTrap() throws {
        let huge = 1 << 40
        let x = try Tensor(zeros: [0, huge, huge]), mid = try Tensor(zeros: [huge, 0, huge])
        let flags = try Tensor(zeros: [0, huge, huge], dtype: .bool), ints = try Tensor(zeros: [huge, 0, huge], dtype: .int64)
        let cases: [(String, [Tensor?], [String: ONNXAttribute], Int64)] = [
            ("Reshape", [x, try Self.ints([Int64(huge), 0, Int64(huge)])], ["allowzero": .int(1)], 14),
            ("Reshape", [x, try Self.ints([0, -1])], [:], 14),
            ("Flatten", [x], ["axis": .int(1)], 13), ("Flatten", [mid], ["axis": .int(2)], 13),
            ("Squeeze", [x, try Self.ints([0])], [:], 13), ("Unsqueeze", [mid, try Self.ints([0])], [:], 13),
            ("Transpose", [x], [:], 13), ("Transpose", [mid], ["perm": .ints([1, 0, 2])], 13),
            ("Concat", [x, x], ["axis": .int(1)], 13), ("Concat", [mid, mid], ["axis": .int(2)], 13),
            ("Split", [x], ["axis": .int(1)], 13), ("Split", [mid], ["axis": .int(2)], 13),
            ("Slice", [x, try Self.ints([1, -1]), try Self.ints([-1, 0]), try Self.ints([1, 2]), try Self.ints([3, -7])], [:], 13),
            ("Slice", [mid, try Self.ints([5]), try Self.ints([Int64.max]), try Self.ints([0]), try Self.ints([2])], [:], 13),
            ("Gather", [x, try Self.ints([0, -1])], ["axis": .int(1)], 13), ("Gather", [mid, try Self.ints([0])], ["axis": .int(0)], 13),
            ("Expand", [try Tensor(zeros: [huge, 0, 1]), try Self.ints([2, Int64(huge), 0, Int64(huge)])], [:], 13),
            ("Tile", [x, try Self.ints([2, 3, 1])], [:], 13), ("Tile", [mid, try Self.ints([1, 1, 2])], [:], 13),
            ("Pad", [x, try Self.ints([0, 1, 0, 0, 1, 0])], [:], 13), ("Pad", [x, try Self.ints([1, 0, 0, 0, 0, 0])], [:], 13),
            ("Pad", [mid, try Self.ints([0, 0, 0, 0, 1, 0])], ["mode": .string("reflect")], 13),
            ("Pad", [mid, try Self.ints([-(1 << 31 - 1), 1, -(1 << 31 - 1), 0, 0, 0])], [:], 13),
            ("Pad", [try Tensor(zeros: [Int.max, 0]), try Self.ints([1, 0, 0, 0])], [:], 13),
            ("Where", [flags, x, x], [:], 16), ("Equal", [x, x], [:], 13), ("Less", [mid, mid], [:], 13), ("Not", [flags], [:], 13),
            ("Cast", [x], ["to": .int(7)], 13), ("Cast", [x], ["to": .int(8)], 13), ("Cast", [ints], ["to": .int(2)], 13),
            ("ReduceSum", [x, try Self.ints([1, 2])], [:], 13), ("ReduceSum", [mid, try Self.ints([1])], [:], 13),
            ("ReduceSum", [x, try Self.ints([0])], [:], 13), ("ReduceMean", [mid], ["axes": .ints([0, 2])], 13),
            ("ReduceMax", [x], ["axes": .ints([1, 2])], 13), ("ReduceMin", [ints, try Self.ints([0, 2])], [:], 18),
            ("ArgMax", [x], ["axis": .int(1)], 13), ("ArgMax", [mid], ["axis": .int(0)], 13), ("ArgMin", [ints], ["axis": .int(2)], 13),
            ("TopK", [x, try Self.ints([1])], [:], 13), ("TopK", [mid, try Self.ints([0])], ["axis": .int(1)], 13),
            ("Dropout", [x], [:], 13), ("Shape", [x], [:], 13), ("Size", [mid], [:], 13),
            ("ConstantOfShape", [try Self.ints([0, Int64(huge), Int64(huge)])], [:], 13),
        ]
        for (op, inputs, attributes, opset) in cases {
            do {
                let y = try Self.run(op, inputs, attributes: attributes, opset: opset, options: .init(threads: 1, maxTensorBytes: 1 << 20))[0]
                #expect(y.count == 0 || op == "Shape" || op == "Size", "\(op) opset \(opset): \(y.shape)")
            } catch is ONNXError {
                // A thrown error naming the node is the other acceptable outcome.
            }
        }
    }

    // MARK: - Version selection

    @Test func registryResolvesTheVersionForTheModelOpset() throws {
        let registry = OperatorRegistry.standard
        let cases: [(String, Int64, Int64?)] = [
            ("Squeeze", 11, 11), ("Squeeze", 12, 11), ("Squeeze", 13, 13), ("Squeeze", 21, 13),
            ("Reshape", 4, 1), ("Reshape", 13, 5), ("Reshape", 14, 14), ("ReduceSum", 12, 11), ("ReduceSum", 13, 13),
            ("ReduceMean", 17, 11), ("ReduceMean", 18, 18), ("Split", 17, 13), ("Split", 18, 18), ("Slice", 9, 1),
            ("Slice", 10, 10), ("Range", 10, nil), ("Expand", 7, nil), ("Pad", 19, 19),
        ]
        for (op, opset, since) in cases {
            #expect(registry.resolve(domain: "", opType: op, opset: opset)?.since == since, "\(op) at opset \(opset)")
        }
        Self.expectError("Range at opset 10", containing: ["Range", "10"]) {
            _ = try Self.run("Range", [Self.f([], [0]), Self.f([], [1]), Self.f([], [1])], opset: 10)
        }
    }
}
