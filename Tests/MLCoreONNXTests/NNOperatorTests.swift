import Foundation
@testable import MLCoreONNX
import MLCoreTensor
import Testing

/// NN and math operators on single-node models built in memory. Expected values come from onnxruntime 1.32
/// (cross-checked against the ONNX reference implementation for pooling), computed offline by a NumPy script
/// from the same input formula as ``pattern(_:_:_:_:_:_:)``, or by hand; a naive convolution in this file
/// checks the Conv paths over a sweep of shapes.
@Suite struct NNOperatorTests {
    // MARK: - Harness

    /// `((i * mul + add) % mod) / div - sub` for `i` in row-major order: the inputs of the NumPy script.
    static func pattern(_ shape: Shape, _ mul: Int = 7, _ add: Int = 3, _ mod: Int = 17, _ div: Double = 4,
                        _ sub: Double = 2, dtype: DType = .float32) -> Tensor {
        let values = (0..<shape.dims.reduce(1, *)).map { Double(($0 * mul + add) % mod) / div - sub }
        return dtype == .float64 ? try! Tensor(shape: shape, scalars: values) : try! Tensor(shape: shape, scalars: values.map { Float($0) })
    }

    /// Weights of the NumPy script.
    static func weights(_ shape: Shape, dtype: DType = .float32) -> Tensor { pattern(shape, 5, 1, 13, 8, 0.75, dtype: dtype) }
    /// Bias of the NumPy script.
    static func bias(_ count: Int, dtype: DType = .float32) -> Tensor { pattern([count], 3, 1, 5, 2, 1, dtype: dtype) }

    /// Builds a one-node model (inputs listed in `constants` become initializers) and runs it.
    static func run(_ op: String, _ inputs: [Tensor?], _ attributes: [String: ONNXAttribute] = [:], opset: Int64 = 17,
                    outputs: Int = 1, constants: Set<Int> = [], options: SessionOptions = .init(threads: 1)) throws -> [Tensor] {
        let names = inputs.enumerated().map { $0.element == nil ? "" : "i\($0.offset)" }
        let outNames = (0..<outputs).map { "o\($0)" }
        var graphInputs: [ONNXValueInfo] = [], initializers: [String: Tensor] = [:], feeds: [String: Tensor] = [:]
        for (i, t) in inputs.enumerated() {
            guard let t else { continue }
            if constants.contains(i) { initializers[names[i]] = t } else {
                graphInputs.append(ONNXValueInfo(name: names[i], type: .tensor(elementType: t.dtype, shape: nil)))
                feeds[names[i]] = t
            }
        }
        let node = ONNXNode(name: "\(op.lowercased())0", opType: op, domain: "", inputs: names, outputs: outNames, attributes: attributes)
        let model = ONNXModel(irVersion: 8, opsetImports: ["": opset], producerName: "test", producerVersion: "0",
                              graph: ONNXGraph(name: "g", nodes: [node], initializers: initializers, inputs: graphInputs,
                                               outputs: outNames.map { ONNXValueInfo(name: $0, type: .tensor(elementType: nil, shape: nil)) },
                                               valueInfo: []))
        let session = try InferenceSession(model: model, options: options)
        let result = try session.run(feeds)
        return try outNames.map { name in
            guard let t = result[name]?.tensor else { throw ONNXError.invalidGraph(reason: "no output \(name)") }
            return t
        }
    }

    static func doubles(_ t: Tensor) -> [Double] {
        switch t.dtype {
        case .float32: return try! t.scalars(as: Float.self).map(Double.init)
        case .float64: return try! t.scalars(as: Double.self)
        case .int64: return try! t.scalars(as: Int64.self).map(Double.init)
        case .int32: return try! t.scalars(as: Int32.self).map(Double.init)
        default: return []
        }
    }

    /// Checks shape and values against `expected[key]`, relative tolerance `tolerance` (absolute below 1).
    static func expectClose(_ actual: Tensor, _ key: String, tolerance: Double = 2e-6, _ note: String = "",
                            sourceLocation: SourceLocation = #_sourceLocation) {
        guard let (shape, values) = expected[key] else { Issue.record("no expected values for '\(key)'"); return }
        expectClose(actual, shape: Shape(shape), values, tolerance: tolerance, "\(key) \(note)", sourceLocation: sourceLocation)
    }

    static func expectClose(_ actual: Tensor, shape: Shape, _ values: [Double], tolerance: Double = 2e-6, _ note: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == shape, "\(note): shape \(actual.shape), expected \(shape)", sourceLocation: sourceLocation)
        let got = doubles(actual)
        guard got.count == values.count else {
            Issue.record("\(note): \(got.count) values, expected \(values.count)", sourceLocation: sourceLocation)
            return
        }
        for (i, (g, e)) in zip(got, values).enumerated() where !(g == e || abs(g - e) <= tolerance * max(1, abs(e)) || (g.isNaN && e.isNaN)) {
            Issue.record("\(note): element \(i) is \(g), expected \(e) (tolerance \(tolerance))", sourceLocation: sourceLocation)
            return
        }
    }

    /// Expects `body` to throw an ``ONNXError`` whose message names the node (`<op>0`).
    static func expectNodeError(_ node: String, _ note: String, sourceLocation: SourceLocation = #_sourceLocation,
                                _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(note): expected an error", sourceLocation: sourceLocation)
        } catch let error as ONNXError {
            #expect("\(error)".contains(node), "\(note): \(error) does not name node \(node)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(note): expected an ONNXError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    static func ints(_ v: [Int64]) -> ONNXAttribute { .ints(v) }

    // MARK: - Conv

    @Test(arguments: [DType.float32, .float64], [false, true])
    func convWithGroupsPadsStridesDilations(dtype: DType, constantWeights: Bool) throws {
        let x = Self.pattern([2, 4, 7, 6], dtype: dtype), w = Self.weights([6, 2, 3, 2], dtype: dtype), b = Self.bias(6, dtype: dtype)
        let y = try Self.run("Conv", [x, w, b], ["group": .int(2), "pads": Self.ints([1, 0, 2, 1]), "strides": Self.ints([2, 1]),
                                                 "dilations": Self.ints([1, 2])], constants: constantWeights ? [1, 2] : [])[0]
        Self.expectClose(y, "conv groups", tolerance: 1e-5, "\(dtype) constant weights \(constantWeights)")
    }

    @Test func convDepthwiseSameUpper() throws {
        let y = try Self.run("Conv", [Self.pattern([1, 3, 5, 5]), Self.weights([6, 1, 3, 3]), Self.bias(6)],
                             ["group": .int(3), "auto_pad": .string("SAME_UPPER"), "strides": Self.ints([2, 2])])[0]
        Self.expectClose(y, "conv depthwise", tolerance: 1e-5)
    }

    @Test func convPointwiseBatch() throws {
        let y = try Self.run("Conv", [Self.pattern([2, 3, 4, 4]), Self.weights([5, 3, 1, 1])])[0]
        Self.expectClose(y, "conv 1x1", tolerance: 1e-5)
    }

    @Test func conv1DAnd3D() throws {
        let y1 = try Self.run("Conv", [Self.pattern([2, 2, 9]), Self.weights([3, 2, 3])],
                              ["strides": Self.ints([2]), "pads": Self.ints([1, 1]), "dilations": Self.ints([2])])[0]
        Self.expectClose(y1, "conv 1d", tolerance: 1e-5)
        let y3 = try Self.run("Conv", [Self.pattern([1, 2, 4, 4, 3]), Self.weights([2, 2, 2, 3, 2])],
                              ["pads": Self.ints([1, 1, 1, 1, 1, 1])])[0]
        Self.expectClose(y3, "conv 3d", tolerance: 1e-5)
    }

    @Test func convSameLowerBatchedImages() throws {
        let y = try Self.run("Conv", [Self.pattern([3, 2, 5, 4]), Self.weights([4, 2, 3, 3]), Self.bias(4)],
                             ["auto_pad": .string("SAME_LOWER")])[0]
        Self.expectClose(y, "conv same lower batch", tolerance: 1e-5)
    }

    /// Naive 2-D convolution in Double: the truth for the sweep below.
    static func naiveConv(_ x: Tensor, _ w: Tensor, _ b: Tensor?, group: Int, strides: [Int], pads: [Int],
                          dilations: [Int]) -> (Shape, [Double]) {
        let xs = doubles(x), ws = doubles(w), bs = b.map(doubles)
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (m, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let oh = (h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) / strides[0] + 1
        let ow = (wd + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) / strides[1] + 1
        var out = [Double](repeating: 0, count: n * m * oh * ow)
        let mg = m / group
        for i in 0..<n { for o in 0..<m { for y in 0..<oh { for xx in 0..<ow {
            var s = bs?[o] ?? 0
            let g = o / mg
            for ci in 0..<cg { for a in 0..<kh { for bb in 0..<kw {
                let iy = y * strides[0] + a * dilations[0] - pads[0], ix = xx * strides[1] + bb * dilations[1] - pads[1]
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                s += xs[((i * c + g * cg + ci) * h + iy) * wd + ix] * ws[((o * cg + ci) * kh + a) * kw + bb]
            } } }
            out[((i * m + o) * oh + y) * ow + xx] = s
        } } } }
        return ([n, m, oh, ow], out)
    }

    struct ConvCase: CustomStringConvertible, Sendable {
        var n, c, h, w, m, kh, kw, group: Int
        var strides: [Int], pads: [Int], dilations: [Int]
        var bias: Bool
        var description: String {
            "x [\(n), \(c), \(h), \(w)] w [\(m), \(c / group), \(kh), \(kw)] group \(group) strides \(strides) pads \(pads) dilations \(dilations) bias \(bias)"
        }
    }

    static let convCases: [ConvCase] = [
        ConvCase(n: 1, c: 3, h: 5, w: 7, m: 4, kh: 3, kw: 3, group: 1, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], bias: true),
        ConvCase(n: 5, c: 4, h: 6, w: 5, m: 6, kh: 2, kw: 3, group: 2, strides: [2, 1], pads: [0, 1, 1, 0], dilations: [1, 1], bias: false),
        ConvCase(n: 40, c: 2, h: 4, w: 4, m: 3, kh: 3, kw: 3, group: 1, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], bias: true),
        ConvCase(n: 2, c: 6, h: 9, w: 8, m: 6, kh: 3, kw: 3, group: 6, strides: [1, 2], pads: [2, 1, 0, 3], dilations: [2, 1], bias: true),
        ConvCase(n: 3, c: 4, h: 7, w: 7, m: 8, kh: 3, kw: 2, group: 4, strides: [3, 2], pads: [1, 0, 1, 1], dilations: [1, 3], bias: false),
        ConvCase(n: 3, c: 8, h: 5, w: 5, m: 4, kh: 1, kw: 1, group: 2, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], bias: true),
        ConvCase(n: 2, c: 3, h: 6, w: 6, m: 5, kh: 1, kw: 1, group: 1, strides: [2, 2], pads: [1, 1, 0, 0], dilations: [1, 1], bias: false),
        ConvCase(n: 1, c: 5, h: 3, w: 11, m: 7, kh: 3, kw: 5, group: 1, strides: [1, 1], pads: [3, 4, 3, 4], dilations: [1, 1], bias: true),
        ConvCase(n: 2, c: 1, h: 13, w: 9, m: 16, kh: 5, kw: 5, group: 1, strides: [2, 2], pads: [2, 2, 2, 2], dilations: [1, 1], bias: true),
    ]

    @Test(arguments: convCases, [1, 2])
    func convMatchesNaiveReference(_ c: ConvCase, threads: Int) throws {
        let x = Self.pattern([c.n, c.c, c.h, c.w]), w = Self.weights([c.m, c.c / c.group, c.kh, c.kw])
        let b: Tensor? = c.bias ? Self.bias(c.m) : nil
        let y = try Self.run("Conv", [x, w, b], ["group": .int(Int64(c.group)), "strides": Self.ints(c.strides.map(Int64.init)),
                                                 "pads": Self.ints(c.pads.map(Int64.init)), "dilations": Self.ints(c.dilations.map(Int64.init))],
                             constants: [1], options: .init(threads: threads))[0]
        let (shape, values) = Self.naiveConv(x, w, b, group: c.group, strides: c.strides, pads: c.pads, dilations: c.dilations)
        Self.expectClose(y, shape: shape, values, tolerance: 1e-5, "\(c) threads \(threads)")
    }

    @Test func convIsDeterministicAcrossThreadCounts() throws {
        // Large enough that im2col, depthwise and the GEMMs split over threads.
        for (x, w, group) in [(Self.pattern([2, 16, 40, 40]), Self.weights([16, 16, 3, 3]), 1),
                              (Self.pattern([2, 32, 40, 40]), Self.weights([32, 1, 3, 3]), 32)] {
            let attributes: [String: ONNXAttribute] = ["group": .int(Int64(group)), "pads": Self.ints([1, 1, 1, 1])]
            let one = try Self.run("Conv", [x, w], attributes, options: .init(threads: 1))[0]
            let two = try Self.run("Conv", [x, w], attributes, options: .init(threads: 2))[0]
            let (shape, values) = Self.naiveConv(x, w, nil, group: group, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1])
            Self.expectClose(one, shape: shape, values, tolerance: 1e-4, "group \(group) 1 thread")
            Self.expectClose(two, shape: shape, Self.doubles(one), tolerance: 1e-5, "group \(group) 2 threads vs 1")
        }
    }

    @Test func convRejectsBadModelsAndInputs() throws {
        let x = Self.pattern([1, 2, 4, 4]), w = Self.weights([3, 2, 3, 3])
        Self.expectNodeError("conv0", "kernel larger than the unpadded input") {
            _ = try Self.run("Conv", [Self.pattern([1, 2, 2, 2]), w])
        }
        Self.expectNodeError("conv0", "zero stride") { _ = try Self.run("Conv", [x, w], ["strides": Self.ints([0, 1])]) }
        Self.expectNodeError("conv0", "negative pads") { _ = try Self.run("Conv", [x, w], ["pads": Self.ints([-1, 0, 0, 0])]) }
        Self.expectNodeError("conv0", "zero dilation") { _ = try Self.run("Conv", [x, w], ["dilations": Self.ints([1, 0])]) }
        Self.expectNodeError("conv0", "odd pads count") { _ = try Self.run("Conv", [x, w], ["pads": Self.ints([1, 1, 1])]) }
        Self.expectNodeError("conv0", "huge pads") { _ = try Self.run("Conv", [x, w], ["pads": Self.ints([1 << 40, 0, 0, 0])]) }
        Self.expectNodeError("conv0", "bad auto_pad") { _ = try Self.run("Conv", [x, w], ["auto_pad": .string("SAME")]) }
        Self.expectNodeError("conv0", "channel mismatch") { _ = try Self.run("Conv", [Self.pattern([1, 3, 4, 4]), w]) }
        Self.expectNodeError("conv0", "channel mismatch, constant weight") {
            _ = try Self.run("Conv", [Self.pattern([1, 3, 4, 4]), w], constants: [1])
        }
        Self.expectNodeError("conv0", "groups do not divide") { _ = try Self.run("Conv", [x, w], ["group": .int(2)], constants: [1]) }
        Self.expectNodeError("conv0", "zero groups") { _ = try Self.run("Conv", [x, w], ["group": .int(0)]) }
        Self.expectNodeError("conv0", "kernel_shape disagrees") { _ = try Self.run("Conv", [x, w], ["kernel_shape": Self.ints([2, 2])]) }
        Self.expectNodeError("conv0", "bias length") { _ = try Self.run("Conv", [x, w, Self.bias(2)]) }
        Self.expectNodeError("conv0", "rank mismatch") { _ = try Self.run("Conv", [Self.pattern([2, 4, 4]), w]) }
        Self.expectNodeError("conv0", "int input") {
            _ = try Self.run("Conv", [try Tensor(zeros: [1, 2, 4, 4], dtype: .int64), try Tensor(zeros: [3, 2, 3, 3], dtype: .int64)])
        }
        Self.expectNodeError("conv0", "4 spatial axes") {
            _ = try Self.run("Conv", [Self.pattern([1, 1, 2, 2, 2, 2]), Self.weights([1, 1, 1, 1, 1, 1])])
        }
        Self.expectNodeError("conv0", "output over the size limit") {
            _ = try Self.run("Conv", [x, w], ["pads": Self.ints([1000, 1000, 1000, 1000])], options: .init(threads: 1, maxTensorBytes: 1 << 20))
        }
    }

    @Test func convEdgeShapes() throws {
        // An empty batch gives an empty output; zero input channels give the bias.
        let empty = try Self.run("Conv", [try Tensor(zeros: [0, 2, 4, 4]), Self.weights([3, 2, 3, 3])])[0]
        #expect(empty.shape == [0, 3, 2, 2])
        let noChannels = try Self.run("Conv", [try Tensor(zeros: [2, 0, 3, 3]), try Tensor(zeros: [2, 0, 1, 1]), Self.bias(2)])[0]
        #expect(noChannels.shape == [2, 2, 3, 3])
        let biasImage = [Double](repeating: -0.5, count: 9) + [Double](repeating: 1, count: 9)
        #expect(Self.doubles(noChannels) == biasImage + biasImage)
        // A kernel larger than the input is fine when the padding covers it.
        let padded = try Self.run("Conv", [Self.pattern([1, 1, 1, 1]), try Tensor(shape: [1, 1, 3, 3], repeating: Float(1))],
                                  ["pads": Self.ints([1, 1, 1, 1])])[0]
        #expect(padded.shape == [1, 1, 1, 1])
        #expect(Self.doubles(padded) == Self.doubles(Self.pattern([1])))
    }

    @Test(arguments: [DType.float32, .float64])
    func convTranspose(dtype: DType) throws {
        let y = try Self.run("ConvTranspose", [Self.pattern([2, 4, 3, 4], dtype: dtype), Self.weights([4, 3, 3, 2], dtype: dtype), Self.bias(6, dtype: dtype)],
                             ["group": .int(2), "strides": Self.ints([2, 3]), "pads": Self.ints([1, 0, 0, 1]),
                              "output_padding": Self.ints([1, 2]), "dilations": Self.ints([1, 2])])[0]
        Self.expectClose(y, "convtranspose groups", tolerance: 1e-5, "\(dtype)")
        let x = Self.pattern([1, 2, 3, 3], dtype: dtype), w = Self.weights([2, 3, 3, 3], dtype: dtype)
        Self.expectClose(try Self.run("ConvTranspose", [x, w], ["strides": Self.ints([2, 2]), "auto_pad": .string("SAME_UPPER")])[0],
                         "convtranspose same upper", tolerance: 1e-5, "\(dtype)")
        Self.expectClose(try Self.run("ConvTranspose", [x, w], ["strides": Self.ints([2, 2]), "output_shape": Self.ints([8, 7])])[0],
                         "convtranspose output shape", tolerance: 1e-5, "\(dtype)")
    }

    @Test func convTransposeRejectsBadInputs() throws {
        let x = Self.pattern([1, 2, 3, 3]), w = Self.weights([2, 3, 3, 3])
        Self.expectNodeError("convtranspose0", "channel mismatch") { _ = try Self.run("ConvTranspose", [Self.pattern([1, 3, 3, 3]), w]) }
        Self.expectNodeError("convtranspose0", "pads larger than the output") {
            _ = try Self.run("ConvTranspose", [x, w], ["pads": Self.ints([4, 4, 4, 4])])
        }
        Self.expectNodeError("convtranspose0", "negative output_padding") {
            _ = try Self.run("ConvTranspose", [x, w], ["output_padding": Self.ints([-1, 0])])
        }
        Self.expectNodeError("convtranspose0", "output_shape of the wrong rank") {
            _ = try Self.run("ConvTranspose", [x, w], ["output_shape": Self.ints([4, 4, 4])])
        }
        Self.expectNodeError("convtranspose0", "bias length") { _ = try Self.run("ConvTranspose", [x, w, Self.bias(2)]) }
    }

    /// Tensors with a zero dimension may have other dimensions whose product overflows `Int`: every operator
    /// must throw or return an empty result, never trap.
    @Test func zeroSizedTensorsWithHugeDimensionsNeverTrap() throws {
        let huge = 1 << 40
        let x = try Tensor(zeros: [1, 0, huge, huge]), w = try Tensor(zeros: [1, 0, huge, huge])
        let cases: [(String, [Tensor?], [String: ONNXAttribute], Int64)] = [
            ("Conv", [x, w], [:], 17), ("ConvTranspose", [x, try Tensor(zeros: [0, 1, huge, huge])], [:], 17),
            ("MaxPool", [x], ["kernel_shape": Self.ints([2, 2])], 17), ("GlobalAveragePool", [x], [:], 17),
            ("BatchNormalization", [try Tensor(zeros: [0, huge, huge])] + Self.bnParameters, ["spatial": .int(0)], 7),
            ("LayerNormalization", [try Tensor(zeros: [0, huge, huge]), Self.pattern([1])], ["axis": .int(1)], 17),
            ("Softmax", [try Tensor(zeros: [0, huge, huge])], [:], 11), ("Softmax", [try Tensor(zeros: [0, huge, huge])], [:], 13),
            ("InstanceNormalization", [try Tensor(zeros: [huge, 0, huge]), try Tensor(zeros: [0]), try Tensor(zeros: [0])], [:], 17),
        ]
        for (op, inputs, attributes, opset) in cases {
            do {
                let y = try Self.run(op, inputs, attributes, opset: opset, options: .init(threads: 1, maxTensorBytes: 1 << 20))[0]
                #expect(y.count == 0, "\(op) opset \(opset): \(y.shape)")
            } catch is ONNXError {
                // A thrown error naming the node is the other acceptable outcome.
            }
        }
    }

    // MARK: - Pooling

    @Test func maxPoolCeilModeWithIndices() throws {
        let x = Self.pattern([1, 2, 5, 5])
        let attributes: [String: ONNXAttribute] = ["kernel_shape": Self.ints([2, 2]), "strides": Self.ints([2, 2]), "ceil_mode": .int(1)]
        let rowMajor = try Self.run("MaxPool", [x], attributes, opset: 12, outputs: 2)
        Self.expectClose(rowMajor[0], "maxpool ceil")
        Self.expectClose(rowMajor[1], "maxpool ceil #1")
        #expect(rowMajor[1].dtype == .int64)
        var columnAttributes = attributes
        columnAttributes["storage_order"] = .int(1)
        let columnMajor = try Self.run("MaxPool", [x], columnAttributes, opset: 12, outputs: 2)
        Self.expectClose(columnMajor[0], "maxpool ceil colmajor")
        Self.expectClose(columnMajor[1], "maxpool ceil colmajor #1")
        // Without ceil_mode the partial last window is dropped.
        let floor = try Self.run("MaxPool", [x], ["kernel_shape": Self.ints([2, 2]), "strides": Self.ints([2, 2])])[0]
        #expect(floor.shape == [1, 2, 2, 2])
    }

    @Test func maxPoolOnIntegers() throws {
        let x = try Tensor(shape: [1, 1, 3, 3], scalars: [1, 9, 2, -4, 5, 7, 3, 8, -6] as [Int64])
        let y = try Self.run("MaxPool", [x], ["kernel_shape": Self.ints([2, 2])], opset: 12, outputs: 2)
        #expect(try y[0].scalars(as: Int64.self) == [9, 9, 8, 8], "values")
        #expect(try y[1].scalars(as: Int64.self) == [1, 1, 7, 7], "indices")
        Self.expectNodeError("averagepool0", "integer AveragePool") {
            _ = try Self.run("AveragePool", [x], ["kernel_shape": Self.ints([2, 2])])
        }
    }

    @Test func maxPoolDilationsAndPads() throws {
        let y = try Self.run("MaxPool", [Self.pattern([1, 1, 6, 6])],
                             ["kernel_shape": Self.ints([3, 3]), "pads": Self.ints([1, 1, 1, 1]), "dilations": Self.ints([2, 2])])[0]
        Self.expectClose(y, "maxpool dil")
    }

    @Test func averagePoolPaddingCountsAndCeilMode() throws {
        let x = Self.pattern([1, 2, 5, 5])
        let base: [String: ONNXAttribute] = ["kernel_shape": Self.ints([3, 3]), "strides": Self.ints([2, 2]),
                                             "pads": Self.ints([1, 1, 1, 1]), "ceil_mode": .int(1)]
        var include = base
        include["count_include_pad"] = .int(1)
        Self.expectClose(try Self.run("AveragePool", [x], include)[0], "avgpool ceil incl")
        Self.expectClose(try Self.run("AveragePool", [x], base)[0], "avgpool ceil excl")
        let same = try Self.run("AveragePool", [x], ["kernel_shape": Self.ints([2, 2]), "strides": Self.ints([2, 2]),
                                                     "auto_pad": .string("SAME_UPPER")])[0]
        Self.expectClose(same, "avgpool same")
        // Float64 and 1-D: [1, 2, 3, 4] with kernel 2 -> [1.5, 2.5, 3.5].
        let line = try Self.run("AveragePool", [try Tensor(shape: [1, 1, 4], scalars: [1, 2, 3, 4] as [Double])],
                                ["kernel_shape": Self.ints([2])])[0]
        #expect(line.dtype == .float64 && Self.doubles(line) == [1.5, 2.5, 3.5])
    }

    struct PoolCase: CustomStringConvertible, Sendable {
        var h, w: Int
        var kernel: [Int], strides: [Int], pads: [Int], dilations: [Int]
        var ceil: Bool
        var description: String { "x [2, 3, \(h), \(w)] kernel \(kernel) strides \(strides) pads \(pads) dilations \(dilations) ceil \(ceil)" }
    }

    static let poolCases: [PoolCase] = [
        PoolCase(h: 7, w: 9, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], ceil: false),
        PoolCase(h: 7, w: 9, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], ceil: true),
        PoolCase(h: 6, w: 5, kernel: [2, 3], strides: [3, 1], pads: [0, 2, 1, 0], dilations: [1, 1], ceil: true),
        PoolCase(h: 9, w: 8, kernel: [3, 2], strides: [1, 2], pads: [2, 1, 2, 1], dilations: [2, 3], ceil: false),
        PoolCase(h: 5, w: 20, kernel: [1, 4], strides: [1, 3], pads: [0, 0, 0, 2], dilations: [1, 1], ceil: true),
        PoolCase(h: 4, w: 4, kernel: [4, 4], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], ceil: false),
    ]

    /// Naive 2-D pooling in Double, windows as the ONNX reference defines them.
    static func naivePool(_ x: Tensor, _ c: PoolCase, max: Bool, includePad: Bool) -> (Shape, [Double]) {
        let xs = doubles(x)
        let (n, ch, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        func outSize(_ size: Int, _ axis: Int) -> Int {
            let span = size + c.pads[axis] + c.pads[axis + 2] - c.dilations[axis] * (c.kernel[axis] - 1) - 1
            var o = (c.ceil ? (span + c.strides[axis] - 1) / c.strides[axis] : span / c.strides[axis]) + 1
            if c.ceil && (o - 1) * c.strides[axis] >= size + c.pads[axis] { o -= 1 }
            return o
        }
        let (oh, ow) = (outSize(h, 0), outSize(w, 1))
        var out: [Double] = []
        for plane in 0..<(n * ch) { for y in 0..<oh { for xx in 0..<ow {
            var best = -Double.infinity, sum = 0.0, count = 0, padded = 0
            for a in 0..<c.kernel[0] { for b in 0..<c.kernel[1] {
                let iy = y * c.strides[0] - c.pads[0] + a * c.dilations[0], ix = xx * c.strides[1] - c.pads[1] + b * c.dilations[1]
                if iy < h + c.pads[2] && ix < w + c.pads[3] { padded += 1 }
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                let v = xs[(plane * h + iy) * w + ix]
                best = Swift.max(best, v); sum += v; count += 1
            } }
            out.append(max ? best : sum / Double(includePad ? padded : count))
        } } }
        return ([n, ch, oh, ow], out)
    }

    @Test(arguments: poolCases)
    func poolingMatchesNaiveReference(_ c: PoolCase) throws {
        let x = Self.pattern([2, 3, c.h, c.w])
        var attributes: [String: ONNXAttribute] = ["kernel_shape": Self.ints(c.kernel.map(Int64.init)), "strides": Self.ints(c.strides.map(Int64.init)),
                                                   "pads": Self.ints(c.pads.map(Int64.init)), "ceil_mode": .int(c.ceil ? 1 : 0)]
        if c.dilations != [1, 1] { attributes["dilations"] = Self.ints(c.dilations.map(Int64.init)) }
        let (maxShape, maxValues) = Self.naivePool(x, c, max: true, includePad: false)
        let maxPool = try Self.run("MaxPool", [x], attributes, opset: 12)[0]
        Self.expectClose(maxPool, shape: maxShape, maxValues, tolerance: 0, "MaxPool \(c)")
        // The Indices output takes the direct path: the same values, and indices that point at them.
        let withIndices = try Self.run("MaxPool", [x], attributes, opset: 12, outputs: 2)
        Self.expectClose(withIndices[0], shape: maxShape, maxValues, tolerance: 0, "MaxPool with indices \(c)")
        let flat = Self.doubles(x)
        #expect(Self.doubles(withIndices[1]).map { flat[Int($0)] } == maxValues, "indices \(c)")
        for includePad in [false, true] {
            var average = attributes
            average["count_include_pad"] = .int(includePad ? 1 : 0)
            let (shape, values) = Self.naivePool(x, c, max: false, includePad: includePad)
            Self.expectClose(try Self.run("AveragePool", [x], average, opset: 19)[0], shape: shape, values, tolerance: 1e-6,
                             "AveragePool count_include_pad \(includePad) \(c)")
        }
    }

    @Test func globalPooling() throws {
        let x = Self.pattern([2, 3, 4, 5])
        Self.expectClose(try Self.run("GlobalAveragePool", [x])[0], "gap")
        Self.expectClose(try Self.run("GlobalMaxPool", [x])[0], "gmp")
        Self.expectNodeError("globalmaxpool0", "empty spatial extent") {
            _ = try Self.run("GlobalMaxPool", [try Tensor(zeros: [1, 2, 0, 3])])
        }
    }

    @Test func poolingRejectsBadAttributes() throws {
        let x = Self.pattern([1, 1, 4, 4])
        Self.expectNodeError("maxpool0", "missing kernel_shape") { _ = try Self.run("MaxPool", [x]) }
        Self.expectNodeError("maxpool0", "pads as large as the kernel") {
            _ = try Self.run("MaxPool", [x], ["kernel_shape": Self.ints([2, 2]), "pads": Self.ints([2, 0, 0, 0])])
        }
        Self.expectNodeError("maxpool0", "kernel larger than input") { _ = try Self.run("MaxPool", [x], ["kernel_shape": Self.ints([5, 5])]) }
        Self.expectNodeError("maxpool0", "zero stride") {
            _ = try Self.run("MaxPool", [x], ["kernel_shape": Self.ints([2, 2]), "strides": Self.ints([0, 0])])
        }
        Self.expectNodeError("maxpool0", "kernel rank differs from input") { _ = try Self.run("MaxPool", [x], ["kernel_shape": Self.ints([2])]) }
        Self.expectNodeError("averagepool0", "rank 2 input") {
            _ = try Self.run("AveragePool", [Self.pattern([4, 4])], ["kernel_shape": Self.ints([2])])
        }
        Self.expectNodeError("maxpool0", "storage_order 2") {
            _ = try Self.run("MaxPool", [x], ["kernel_shape": Self.ints([2, 2]), "storage_order": .int(2)])
        }
    }

    // MARK: - Normalization

    static let bnParameters = [pattern([3], 3, 1, 5, 2, -0.5), pattern([3], 3, 2, 5, 2, 1), pattern([3], 1, 0, 3, 3, 0.2),
                               pattern([3], 1, 1, 3, 2, 0)]

    @Test(arguments: [false, true])
    func batchNormalization(constantParameters: Bool) throws {
        let y = try Self.run("BatchNormalization", [Self.pattern([2, 3, 4])] + Self.bnParameters, ["epsilon": .float(1e-3)], opset: 15,
                             constants: constantParameters ? [1, 2, 3, 4] : [])[0]
        Self.expectClose(y, "batchnorm", tolerance: 1e-5, "constant parameters \(constantParameters)")
        // Float64 parameters with float32 X (opset 15 allows it).
        let wide = Self.bnParameters.map { try! Tensor(shape: $0.shape, scalars: Self.doubles($0)) }
        let mixed = try Self.run("BatchNormalization", [Self.pattern([2, 3, 4])] + wide, ["epsilon": .float(1e-3)], opset: 15)[0]
        Self.expectClose(mixed, "batchnorm", tolerance: 1e-5, "float64 parameters")
    }

    @Test func batchNormalizationPerActivationBeforeOpset9() throws {
        // spatial = 0: one set of statistics per (C, D) position. x [2, 2, 1]; y = (x - mean) / sqrt(var + eps) * s + b.
        let x = try Tensor(shape: [2, 2, 1], scalars: [1, 2, 3, 4] as [Float])
        let p = { (v: [Float]) in try! Tensor(shape: [2, 1], scalars: v) }
        let y = try Self.run("BatchNormalization", [x, p([2, 1]), p([0, 1]), p([1, 0]), p([4, 1])],
                             ["epsilon": .float(0), "spatial": .int(0)], opset: 7)[0]
        Self.expectClose(y, shape: [2, 2, 1], [0, 3, 2, 5], "spatial 0")
    }

    @Test func batchNormalizationRejectsTrainingAndBadShapes() throws {
        let inputs = [Self.pattern([2, 3, 4])] + Self.bnParameters
        Self.expectNodeError("batchnormalization0", "training_mode") {
            _ = try Self.run("BatchNormalization", inputs, ["training_mode": .int(1)], opset: 15)
        }
        Self.expectNodeError("batchnormalization0", "training outputs") {
            _ = try Self.run("BatchNormalization", inputs, opset: 9, outputs: 3)
        }
        Self.expectNodeError("batchnormalization0", "4 channels, 3 parameters") {
            _ = try Self.run("BatchNormalization", [Self.pattern([2, 4, 4])] + Self.bnParameters, opset: 15)
        }
        Self.expectNodeError("batchnormalization0", "parameters of different lengths") {
            _ = try Self.run("BatchNormalization", [Self.pattern([2, 3, 4])] + Self.bnParameters.dropLast() + [Self.pattern([2])],
                             opset: 15, constants: [1, 2, 3, 4])
        }
    }

    @Test func layerNormalization() throws {
        let x = Self.pattern([2, 3, 4])
        let y = try Self.run("LayerNormalization", [x, Self.pattern([4], 3, 1, 5, 2, -0.5), Self.pattern([4], 3, 2, 5, 2, 1)],
                             ["epsilon": .float(1e-3)])[0]
        Self.expectClose(y, "layernorm", tolerance: 1e-5)
        let withStatistics = try Self.run("LayerNormalization", [x, Self.pattern([3, 4], 3, 1, 5, 2, -0.5)], ["axis": .int(1)], outputs: 3)
        Self.expectClose(withStatistics[0], "layernorm axis1", tolerance: 1e-5)
        Self.expectClose(withStatistics[1], "layernorm axis1 #1", tolerance: 1e-5)
        Self.expectClose(withStatistics[2], "layernorm axis1 #2", tolerance: 1e-5)
        // A scale of [1, 4] broadcasts to the normalized shape [3, 4] like [3, 4] with equal rows.
        let broadcast = try Self.run("LayerNormalization", [x, try Tensor(shape: [1, 4], repeating: Float(1))], ["axis": .int(1)])[0]
        let plain = try Self.run("LayerNormalization", [x, try Tensor(shape: [3, 4], repeating: Float(1))], ["axis": .int(1)])[0]
        #expect(broadcast.elementsEqual(plain))
        Self.expectNodeError("layernormalization0", "scale does not broadcast") {
            _ = try Self.run("LayerNormalization", [x, Self.pattern([3])])
        }
        Self.expectNodeError("layernormalization0", "axis out of range") {
            _ = try Self.run("LayerNormalization", [x, Self.pattern([4])], ["axis": .int(3)])
        }
    }

    @Test func instanceNormalization() throws {
        let y = try Self.run("InstanceNormalization", [Self.pattern([2, 3, 2, 2]), Self.bnParameters[0], Self.bnParameters[1]])[0]
        Self.expectClose(y, "instnorm", tolerance: 1e-5)
    }

    @Test func groupNormalizationAndLRN() throws {
        let x = Self.pattern([2, 4, 3])
        let perChannel = try Self.run("GroupNormalization", [x, Self.pattern([4], 3, 1, 5, 2, -0.5), Self.pattern([4], 3, 2, 5, 2, 1)],
                                      ["num_groups": .int(2), "epsilon": .float(1e-3)], opset: 21)[0]
        Self.expectClose(perChannel, "groupnorm21", tolerance: 1e-5)
        let perGroup = try Self.run("GroupNormalization", [x, Self.pattern([2], 3, 1, 5, 2, -0.5), Self.pattern([2], 3, 2, 5, 2, 1)],
                                    ["num_groups": .int(2), "epsilon": .float(1e-3)], opset: 18)[0]
        Self.expectClose(perGroup, "groupnorm18", tolerance: 1e-5)
        Self.expectNodeError("groupnormalization0", "groups do not divide channels") {
            _ = try Self.run("GroupNormalization", [x, Self.pattern([4]), Self.pattern([4])], ["num_groups": .int(3)], opset: 21)
        }
        Self.expectNodeError("groupnormalization0", "per-group scale at opset 21") {
            _ = try Self.run("GroupNormalization", [x, Self.pattern([2]), Self.pattern([2])], ["num_groups": .int(2)], opset: 21)
        }
        let lrn = try Self.run("LRN", [Self.pattern([1, 5, 2, 2])], ["size": .int(3), "alpha": .float(0.01), "beta": .float(0.5), "bias": .float(2)])[0]
        Self.expectClose(lrn, "lrn", tolerance: 1e-5)
        Self.expectNodeError("lrn0", "missing size") { _ = try Self.run("LRN", [x]) }
    }

    // MARK: - Softmax

    @Test func softmaxOpset11CoercesTo2DAndOpset13UsesOneAxis() throws {
        let x = Self.pattern([2, 3, 4])
        let legacy = try Self.run("Softmax", [x], ["axis": .int(1)], opset: 11)[0]
        let modern = try Self.run("Softmax", [x], ["axis": .int(1)], opset: 13)[0]
        Self.expectClose(legacy, "softmax11", tolerance: 1e-5)
        Self.expectClose(modern, "softmax13", tolerance: 1e-5)
        // Opset 11: each batch row of 12 values sums to 1; opset 13: each column of 3 values does.
        let l = Self.doubles(legacy), m = Self.doubles(modern)
        #expect(abs(l[0..<12].reduce(0, +) - 1) < 1e-5)
        #expect(abs(m[0] + m[4] + m[8] - 1) < 1e-5)
        Self.expectClose(try Self.run("LogSoftmax", [x], opset: 11)[0], "logsoftmax11", tolerance: 1e-5)
        // Default axes: 1 before 13, -1 from 13.
        let defaultModern = try Self.run("Softmax", [x], opset: 13)[0]
        let lastAxis = try Self.run("Softmax", [x], ["axis": .int(-1)], opset: 13)[0]
        #expect(defaultModern.elementsEqual(lastAxis))
        Self.expectNodeError("softmax0", "axis out of range") { _ = try Self.run("Softmax", [x], ["axis": .int(3)], opset: 13) }
    }

    @Test func hardmax() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 3, 3, 0, -1, -2] as [Float])
        Self.expectClose(try Self.run("Hardmax", [x], opset: 13)[0], shape: [2, 3], [0, 1, 0, 1, 0, 0], "hardmax first maximum")
        Self.expectClose(try Self.run("Hardmax", [x], ["axis": .int(0)], opset: 11)[0], shape: [2, 3], [0, 1, 0, 0, 0, 0], "hardmax 11 axis 0")
    }

    // MARK: - Activations

    static let activationInput = pattern([12], 7, 3, 17, 1.5, 5.5)

    @Test(arguments: [
        ("Gelu", [String: ONNXAttribute](), Int64(20), "gelu"), ("Gelu", ["approximate": .string("tanh")], 20, "gelu tanh"),
        ("Elu", ["alpha": .float(0.5)], 17, "elu"), ("Selu", [:], 17, "selu"), ("Celu", ["alpha": .float(2)], 17, "celu"),
        ("HardSigmoid", [:], 17, "hardsigmoid"), ("HardSwish", [:], 17, "hardswish"), ("Softplus", [:], 17, "softplus"),
        ("Mish", [:], 18, "mish"), ("LeakyRelu", ["alpha": .float(0.1)], 17, "leakyrelu"), ("Softsign", [:], 17, "softsign"),
    ])
    func activation(op: String, attributes: [String: ONNXAttribute], opset: Int64, key: String) throws {
        let y = try Self.run(op, [Self.activationInput], attributes, opset: opset)[0]
        Self.expectClose(y, key, tolerance: 1e-5, op)
        let wide = try Self.run(op, [try Tensor(shape: [12], scalars: Self.doubles(Self.activationInput))], attributes, opset: opset)[0]
        Self.expectClose(wide, key, tolerance: 1e-5, "\(op) float64")
    }

    @Test func activationsWithoutKernels() throws {
        let x = try Tensor(shape: [5], scalars: [-2, -0.5, 0, 1, 3] as [Float])
        Self.expectClose(try Self.run("ThresholdedRelu", [x], ["alpha": .float(1)])[0], shape: [5], [0, 0, 0, 0, 3], "thresholded relu")
        Self.expectClose(try Self.run("PRelu", [x, try Tensor(shape: [1], scalars: [0.25] as [Float])])[0], shape: [5],
                         [-0.5, -0.125, 0, 1, 3], "prelu")
        // Per-channel slope [C, 1, 1] on [N, C, H, W].
        let image = try Tensor(shape: [1, 2, 1, 2], scalars: [-1, 1, -1, 1] as [Float])
        Self.expectClose(try Self.run("PRelu", [image, try Tensor(shape: [2, 1, 1], scalars: [2, 3] as [Float])])[0], shape: [1, 2, 1, 2],
                         [-2, 1, -3, 1], "prelu per channel")
        let ints = try Tensor(shape: [3], scalars: [-4, 0, 5] as [Int64])
        Self.expectClose(try Self.run("PRelu", [ints, try Tensor(shape: [], scalars: [3] as [Int64])], opset: 16)[0], shape: [3],
                         [-12, 0, 5], "prelu int64")
        Self.expectNodeError("prelu0", "slope larger than X") {
            _ = try Self.run("PRelu", [x, try Tensor(shape: [2, 5], repeating: Float(1))])
        }
        Self.expectNodeError("gelu0", "bad approximate") { _ = try Self.run("Gelu", [x], ["approximate": .string("fast")], opset: 20) }
        Self.expectNodeError("elu0", "int input") { _ = try Self.run("Elu", [ints]) }
    }

    @Test func clipBeforeAndAfterOpset11() throws {
        let x = try Tensor(shape: [5], scalars: [-2, -0.5, .nan, 1, 3] as [Float])
        Self.expectClose(try Self.run("Clip", [x], ["min": .float(-1), "max": .float(2)], opset: 6)[0], shape: [5],
                         [-1, -0.5, .nan, 1, 2], "opset 6 attributes")
        Self.expectClose(try Self.run("Clip", [x], ["max": .float(0)], opset: 6)[0], shape: [5], [-2, -0.5, .nan, 0, 0], "opset 6 max only")
        let lo = Tensor(scalar: Float(-1)), hi = Tensor(scalar: Float(2))
        Self.expectClose(try Self.run("Clip", [x, lo, hi], opset: 13)[0], shape: [5], [-1, -0.5, .nan, 1, 2], "opset 13 inputs")
        Self.expectClose(try Self.run("Clip", [x, nil, hi], opset: 13)[0], shape: [5], [-2, -0.5, .nan, 1, 2], "opset 13 max only")
        Self.expectClose(try Self.run("Clip", [x, hi, lo], opset: 13)[0], shape: [5], [-1, -1, .nan, -1, -1], "min > max gives max")
        let ints = try Tensor(shape: [4], scalars: [-7, 0, 4, 9] as [Int32])
        Self.expectClose(try Self.run("Clip", [ints, Tensor(scalar: Int32(-1)), Tensor(scalar: Int32(5))], opset: 13)[0], shape: [4],
                         [-1, 0, 4, 5], "int32")
        Self.expectNodeError("clip0", "bound of another type") { _ = try Self.run("Clip", [x, Tensor(scalar: Double(0))], opset: 13) }
        Self.expectNodeError("clip0", "bound not a scalar") { _ = try Self.run("Clip", [x, try Tensor(zeros: [2])], opset: 13) }
    }

    // MARK: - Math

    @Test func powWithMixedTypesAndConstantExponents() throws {
        let x = try Tensor(shape: [2, 2], scalars: [-2, 0.5, 3, 4] as [Float])
        Self.expectClose(try Self.run("Pow", [x, try Tensor(shape: [2], scalars: [2, 3] as [Float])])[0], shape: [2, 2],
                         [4, 0.125, 9, 64], "float broadcast")
        Self.expectClose(try Self.run("Pow", [x, try Tensor(shape: [], scalars: [3] as [Int64])], opset: 15)[0], shape: [2, 2],
                         [-8, 0.125, 27, 64], "float base int exponent")
        for (exponent, expected) in [(2.0, [4, 0.25, 9, 16]), (0.5, [.nan, 0.5.squareRoot(), 3.0.squareRoot(), 2]),
                                     (-1, [-0.5, 2, 1.0 / 3, 0.25]), (0, [1, 1, 1, 1]), (1.5, [.nan, pow(0.5, 1.5), pow(3, 1.5), 8])] as [(Double, [Double])] {
            let y = try Self.run("Pow", [x, Tensor(scalar: Float(exponent))], constants: [1])[0]
            Self.expectClose(y, shape: [2, 2], expected, tolerance: 1e-6, "constant exponent \(exponent)")
        }
        let ints = try Tensor(shape: [4], scalars: [2, -3, 1, 5] as [Int64])
        Self.expectClose(try Self.run("Pow", [ints, try Tensor(shape: [4], scalars: [10, 3, -2, -1] as [Int64])], opset: 15)[0], shape: [4],
                         [1024, -27, 1, 0], "int64 powers")
        Self.expectClose(try Self.run("Pow", [ints, Tensor(scalar: Float(0.5))], opset: 15)[0], shape: [4],
                         [1, 0, 1, 2], "int base float exponent truncates toward zero (NaN gives 0)")
        Self.expectNodeError("pow0", "shapes do not broadcast") { _ = try Self.run("Pow", [x, try Tensor(zeros: [3])]) }
    }

    @Test func unaryMath() throws {
        let x = try Tensor(shape: [6], scalars: [-2.5, -0.5, 0, 0.5, 1.5, 4] as [Float])
        let cases: [(String, Int64, [Double])] = [
            ("Abs", 13, [2.5, 0.5, 0, 0.5, 1.5, 4]), ("Neg", 13, [2.5, 0.5, 0, -0.5, -1.5, -4]),
            ("Floor", 13, [-3, -1, 0, 0, 1, 4]), ("Ceil", 13, [-2, 0, 0, 1, 2, 4]), ("Round", 11, [-2, 0, 0, 0, 2, 4]),
            ("Sign", 13, [-1, -1, 0, 1, 1, 1]), ("Reciprocal", 13, [-0.4, -2, .infinity, 2, 1.0 / 1.5, 0.25]),
            ("Sqrt", 13, [.nan, .nan, 0, 0.5.squareRoot(), 1.5.squareRoot(), 2]),
        ]
        for (op, opset, expected) in cases {
            Self.expectClose(try Self.run(op, [x], opset: opset)[0], shape: [6], expected, tolerance: 1e-7, op)
        }
        let ints = try Tensor(shape: [3], scalars: [Int64.min, -3, 7])
        Self.expectClose(try Self.run("Abs", [ints])[0], shape: [3], [Double(Int64.min), 3, 7], "abs int64 wraps at min")
        Self.expectClose(try Self.run("Neg", [ints])[0], shape: [3], [Double(Int64.min), 3, -7], "neg int64 wraps at min")
        Self.expectNodeError("sqrt0", "int sqrt") { _ = try Self.run("Sqrt", [ints]) }
    }

    @Test func variadicSumMeanMaxMin() throws {
        let a = try Tensor(shape: [2, 2], scalars: [1, 5, .nan, -1] as [Float])
        let b = try Tensor(shape: [2], scalars: [2, 3] as [Float])
        let c = try Tensor(shape: [1, 1], scalars: [4] as [Float])
        Self.expectClose(try Self.run("Sum", [a, b, c])[0], shape: [2, 2], [7, 12, .nan, 6], "sum")
        Self.expectClose(try Self.run("Mean", [a, b, c])[0], shape: [2, 2], [7.0 / 3, 4, .nan, 2], "mean")
        Self.expectClose(try Self.run("Max", [a, b, c])[0], shape: [2, 2], [4, 5, .nan, 4], "max propagates NaN")
        Self.expectClose(try Self.run("Min", [c, b, a])[0], shape: [2, 2], [1, 3, .nan, -1], "min propagates NaN")
        Self.expectClose(try Self.run("Sum", [a])[0], shape: [2, 2], [1, 5, .nan, -1], "single input")
        let ints = try Tensor(shape: [3], scalars: [1, 9, -4] as [Int32])
        Self.expectClose(try Self.run("Max", [ints, Tensor(scalar: Int32(2))])[0], shape: [3], [2, 9, 2], "max int32")
        Self.expectNodeError("sum0", "shapes do not broadcast") { _ = try Self.run("Sum", [a, try Tensor(zeros: [3])]) }
        Self.expectNodeError("sum0", "int sum") { _ = try Self.run("Sum", [ints, ints]) }
        Self.expectNodeError("max0", "mixed types") { _ = try Self.run("Max", [a, ints]) }
    }

    // MARK: - Expected values

    /// onnxruntime 1.32 outputs (shape, values) for the cases above, keyed by case; `#1` is the second output.
    static let expected: [String: (shape: [Int], values: [Double])] = [
        "groupnorm21": ([2, 4, 3], [-0.71769184, 0.7894609, -1.3636144, -0.64115417, 3.1267276, -2.2559607, 1.2535765, -1.976037, 0.28469244, 0.18180728, -0.89473057, -0.14115408, -1.2135544, 0.16399384, 1.5415422, -2.0659599, 1.3779109, -3.5419044, 1.2535765, -1.976037, 0.28469247, 0.18180728, -0.89473057, -0.14115408]),
        "groupnorm18": ([2, 4, 3], [-0.71769184, 0.7894609, -1.3636144, 0.14353834, 1.650691, -0.50238431, 0.2559607, -5.1267281, -1.3588459, 2.4090364, -2.9736528, 0.79422963, -1.2135544, 0.16399384, 1.5415422, -0.42638403, 0.95116436, -1.0167618, 0.2559607, -5.1267281, -1.3588459, 2.4090364, -2.9736528, 0.79422963]),
        "lrn": ([1, 5, 2, 2], [-0.88108861, 0.35318568, -1.4088671, -0.17631812, 1.0573063, -0.70457923, 0.52807957, -1.233205, 0, 1.233205, -0.52807957, 0.70457923, -1.0573063, 0.17609018, 1.408576, -0.35201669, 0.88108861, -0.882689, 0.35230783, -1.4092313]),
        "convtranspose groups": ([2, 6, 7, 13], [-2.03125, -0.5, 0.71875, -0.0625, -0.5, -0.8125, -0.75, -0.5, -0.75, -0.90625, -0.5, -0.15625, -0.5, -2.875, -0.5, -0.84375, 1.21875, -0.5, -0.53125, -1.59375, -0.5, 2.4375, 1.96875, -0.5, -0.4375, -0.5, 1.0625, -0.5, -1.6875, -1.75, -0.5, 0.5, 0.21875, -0.5, -1.03125, -2.59375, -0.5, 1.15625, -0.5, 0.21875, -0.5, -0.65625, -3.125, -0.5, -0.875, 0.96875, -0.5, -0.5625, -2.375, -0.5, -0.78125, -0.5, -0.625, -0.5, -0.375, 1.34375, -0.5, -1.90625, -1.46875, -0.5, 0.28125, 0.5, -0.5, -1.25, -0.5, -0.53125, -0.5, -0.6875, 0.125, -0.5, -0.6875, -0.8125, -0.5, -0.6875, -0.15625, -0.5, -0.6875, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, 2.5625, 1, 0.84375, 0.59375, 1, 1.0625, 0.75, 1, 0.75, 1.4375, 1, 0.96875, 1, -1.375, 1, 3.09375, 1.96875, 1, -0.1875, 0.53125, 1, 1.3125, 1.21875, 1, -0.375, 1, -0.53125, 1, 1.1875, 2.28125, 1, 0.875, 0.3125, 1, 1.09375, 3.125, 1, 0.78125, 1, 2.96875, 1, 0.0625, -1.125, 1, 3.15625, 2.21875, 1, -0.125, -1.875, 1, 2.96875, 1, 1.15625, 1, 1, -0.8125, 1, 1.21875, 2, 1, 0.90625, 0.03125, 1, 1.125, 1, 0.84375, 1, 1.09375, 3.25, 1, 0, -0.1875, 1, 1.5625, 2.21875, 1, 0.46875, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.1875, 0, -1.53125, -0.03125, 0, 0.4375, -0.25, 0, -0.25, 0.0625, 0, -0.40625, 0, 2.09375, 0, -2.375, -1, 0, 1.71875, 0.15625, 0, -1.09375, -0.8125, 0, 2.46875, 0, -0.15625, 0, 1.5625, 0.15625, 0, -1.25, -0.0625, 0, 0.71875, 0.25, 0, -2.09375, 0, -1.25, 0, 0.71875, 2.03125, 0, -2.625, -1.0625, 0, 1.46875, 2.21875, 0, -1.875, 0, 0.03125, 0, -0.125, -0.1875, 0, 1.84375, 0.125, 0, -0.96875, -0.09375, 0, 1, 0, 0.125, 0, -0.03125, -1.40625, 0, 0.625, 0.78125, 0, -0.3125, -0.75, 0, 0.34375, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2.15625, -1, 1.59375, -1.0625, -1, -0.8125, 0.03125, -1, -3.21875, -1.53125, -1, 0.21875, -1, 0.46875, -1, -3.625, -3.1875, -1, -0.09375, -1, -1, 0.78125, 1.71875, -1, -3.125, -1, -0.4375, -1, -2.1875, -2, -1, 1.25, -0.90625, -1, -1.15625, 0.1875, -1, -3.5625, -1, -1.9375, -1, 0.40625, 0.78125, -1, -3.5, -2.875, -1, 0.03125, -0.6875, -1, 0.90625, -1, -1.375, -1, -0.125, -0.28125, -1, -2.53125, -1.84375, -1, 0.90625, -0.75, -1, -1.5, -1, -0.90625, -1, -1.6875, -1.125, -1, 0.28125, -0.8125, -1, -2.53125, -1.03125, -1, -0.5625, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0.3125, 0.5, 1.21875, 0.3125, 0.5, 0.5625, 0.3125, 0.5, -0.09375, 0.3125, 0.5, 0.84375, 0.5, -1.875, 0.5, 2.96875, 1.84375, 0.5, 0.0625, 1.84375, 0.5, -1.25, -1.875, 0.5, 2.21875, 0.5, 0.3125, 0.5, 0.1875, 0.3125, 0.5, 1.125, 0.3125, 0.5, 0.46875, 0.3125, 0.5, -0.1875, 0.5, 1.84375, 0.5, -0.6875, -1.875, 0.5, 2.78125, 1.84375, 0.5, -0.125, 1.84375, 0.5, -1.4375, 0.5, 0.3125, 0.5, 0.75, 0.3125, 0.5, 0.09375, 0.3125, 0.5, 1.03125, 0.3125, 0.5, 0.375, 0.5, -0.03125, 0.5, 1.21875, 1.5, 0.5, -0.75, -0.6875, 0.5, 2.0625, 0.84375, 0.5, 0.09375, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.6875, -0.5, -1.65625, -0.40625, -0.5, -0.5625, -1.5, -0.5, 0.53125, 0.0625, -0.5, -1.03125, -0.5, 2.21875, -0.5, 0.96875, -0.5, -0.5, -2.6875, -2.6875, -0.5, -0.5, 0.96875, -0.5, 2.21875, -0.5, -1.03125, -0.5, 0.0625, 0.53125, -0.5, -1.5, -0.5625, -0.5, -0.40625, -1.65625, -0.5, 0.6875, -0.5, -1.75, -0.5, -1.4375, 1.90625, -0.5, 1.28125, -0.8125, -0.5, -2.375, -3, -0.5, -0.1875, -0.5, -0.09375, -0.5, -0.875, -1.1875, -0.5, 0.21875, 0.375, -0.5, -1.34375, -0.71875, -0.5, -0.25, -0.5, 0.375, -0.5, -0.40625, -2.03125, -0.5, -0.625, 1.40625, -0.5, -0.3125, -1, -0.5, -0.53125, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, 1.625, -0.5, -2.125, -1.1875, -0.5, 0.0625, 0.78125, -0.5, -1.46875, -2.03125, -0.5, 0.71875, -0.5, -0.28125, -0.5, -0.71875, -0.96875, -0.5, -0.9375, 0.46875, -0.5, -0.625, -2.875, -0.5, -0.84375, -0.5, -0.0625, -0.5, -0.8125, -0.75, -0.5, -0.75, -0.90625, -0.5, -0.15625, 1.0625, -0.5, -1.6875, -0.5, 1.21875, -0.5, -0.53125, -1.59375, -0.5, 2.4375, 1.96875, -0.5, -0.4375, 0.21875, -0.5, -0.65625, -0.5, -1.75, -0.5, 0.5, 0.21875, -0.5, -1.03125, -2.59375, -0.5, 1.15625, -0.625, -0.5, -0.375, -0.5, -0.90625, -0.5, -0.6875, -0.25, -0.5, -0.6875, -1.1875, -0.5, -0.6875, -0.53125, -0.5, -0.6875, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -1.09375, 1, 1.25, 1.71875, 1, 0.9375, -0.25, 1, 1.15625, 2.5625, 1, 0.84375, 1, 3.46875, 1, 0.1875, -0.09375, 1, 1.15625, 2.71875, 1, 0, -1.375, 1, 3.09375, 1, 0.59375, 1, 1.0625, 0.75, 1, 0.75, 1.4375, 1, 0.96875, -0.53125, 1, 1.1875, 1, 1.96875, 1, -0.1875, 0.53125, 1, 1.3125, 1.21875, 1, -0.375, 2.96875, 1, 0.0625, 1, 2.28125, 1, 0.875, 0.3125, 1, 1.09375, 3.125, 1, 0.78125, 1.15625, 1, 1, 1, -0.53125, 1, 1.71875, 1.875, 1, 0.625, -1.5625, 1, 2.1875, 0.84375, 1, 1.09375, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -0.21875, 0, 2.125, 0.09375, 0, -0.6875, -0.125, 0, 1.28125, 0.1875, 0, -1.53125, 0, -1.375, 0, 0.21875, 0.3125, 0, -0.46875, -1.1875, 0, 0.96875, 2.09375, 0, -2.375, 0, -0.03125, 0, 0.4375, -0.25, 0, -0.25, 0.0625, 0, -0.40625, -0.15625, 0, 1.5625, 0, -1, 0, 1.71875, 0.15625, 0, -1.09375, -0.8125, 0, 2.46875, -1.25, 0, 0.71875, 0, 0.15625, 0, -1.25, -0.0625, 0, 0.71875, 0.25, 0, -2.09375, 0.03125, 0, -0.125, 0, 1, 0, -0.40625, -0.53125, 0, 0.25, 1.65625, 0, -0.6875, 0.125, 0, -0.03125, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.125, -1, -2.875, -1.6875, -1, 0.5625, -0.59375, -1, -1.84375, -2.15625, -1, 1.59375, -1, -1.3125, -1, 0.65625, 1.40625, -1, -3.25, -2.25, -1, 0.28125, 0.46875, -1, -3.625, -1, -1.0625, -1, -0.8125, 0.03125, -1, -3.21875, -1.53125, -1, 0.21875, -0.4375, -1, -2.1875, -1, -3.1875, -1, -0.09375, -1, -1, 0.78125, 1.71875, -1, -3.125, -1.9375, -1, 0.40625, -1, -2, -1, 1.25, -0.90625, -1, -1.15625, 0.1875, -1, -3.5625, -1.375, -1, -0.125, -1, -0.78125, -1, -2.8125, -1, -1, -0.84375, -1.21875, -1, 1.125, -0.90625, -1, -1.6875, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0.3125, 0.5, 0, 0.3125, 0.5, 0.9375, 0.3125, 0.5, 0.28125, 0.3125, 0.5, 1.21875, 0.5, 1.84375, 0.5, -1.0625, -1.875, 0.5, 2.40625, 1.84375, 0.5, -0.5, -1.875, 0.5, 2.96875, 0.5, 0.3125, 0.5, 0.5625, 0.3125, 0.5, -0.09375, 0.3125, 0.5, 0.84375, 0.3125, 0.5, 0.1875, 0.5, 1.84375, 0.5, 0.0625, 1.84375, 0.5, -1.25, -1.875, 0.5, 2.21875, 1.84375, 0.5, -0.6875, 0.5, 0.3125, 0.5, 1.125, 0.3125, 0.5, 0.46875, 0.3125, 0.5, -0.1875, 0.3125, 0.5, 0.75, 0.5, -0.90625, 0.5, 2.34375, 0.625, 0.5, 0.375, 2.15625, 0.5, -1.59375, -0.03125, 0.5, 1.21875, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -1.34375, -0.5, 0.375, 0.21875, -0.5, -1.1875, -0.875, -0.5, -0.09375, 0.6875, -0.5, -1.65625, -0.5, -2.375, -0.5, -0.8125, 1.28125, -0.5, 1.90625, -1.4375, -0.5, -1.75, 2.21875, -0.5, 0.96875, -0.5, -0.40625, -0.5, -0.5625, -1.5, -0.5, 0.53125, 0.0625, -0.5, -1.03125, -1.03125, -0.5, 0.0625, -0.5, -0.5, -0.5, -2.6875, -2.6875, -0.5, -0.5, 0.96875, -0.5, 2.21875, -1.75, -0.5, -1.4375, -0.5, 0.53125, -0.5, -1.5, -0.5625, -0.5, -0.40625, -1.65625, -0.5, 0.6875, -0.09375, -0.5, -0.875, -0.5, 1.75, -0.5, -0.28125, -0.65625, -0.5, -0.5, -3.0625, -0.5, -0.71875, 0.375, -0.5, -0.40625, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5]),
        "convtranspose same upper": ([1, 3, 6, 6], [0.78125, 1.09375, -1.75, -0.46875, 1.84375, 0.625, 0.90625, -1.625, 0.34375, 0.6875, 0.71875, -1.25, 1.1875, -2.4375, -0.125, 0.78125, 1.875, -0.25, -0.28125, 1.0625, -0.125, 0.1875, -0.28125, -1.75, -1.1875, 0.3125, 1.625, 1.40625, -1.15625, -2.28125, -0.40625, 0.5625, 0.46875, -1.375, 0.84375, 0.9375, 1.15625, -1.375, 0.46875, 0.5625, 0.09375, -1.75, -1.5625, 0.78125, 1.75, -0.3125, -1.84375, 1.25, -2.59375, 1.09375, -1.15625, 0.6875, 0.15625, -0.25, 0.84375, 0.15625, -0.53125, -0.9375, -1.46875, 0.625, 0.125, 0.40625, 2.25, -2.125, -1.21875, 1.1875, 0.59375, -0.46875, -1.75, 1.09375, 1.5625, 0, 0.71875, 1.03125, -1.78125, -0.4375, 2, 0.75, 0.84375, 1.15625, -1.71875, -0.5, 1.6875, 0.5, 1.34375, -2.28125, -0.15625, 0.59375, 1.6875, -0.25, -0.0625, -1.15625, -0.53125, 0.375, 1.8125, 1.375, -1, 0.5, 1.65625, 1.25, -1.28125, -2.25, -0.4375, -0.28125, 1.71875, 0.71875, -1.78125, -0.9375]),
        "convtranspose output shape": ([1, 3, 8, 7], [0.78125, 1.09375, -1.75, -0.46875, 1.84375, 0.625, -1.625, 0.90625, -1.625, 0.34375, 0.6875, 0.71875, -1.25, 1.375, 1.1875, -2.4375, -0.125, 0.78125, 1.875, -0.25, -0.25, -0.28125, 1.0625, -0.125, 0.1875, -0.28125, -1.75, 0.5, -1.1875, 0.3125, 1.625, 1.40625, -1.15625, -2.28125, 1.21875, -0.40625, 0.5625, 0.46875, -1.375, 0.84375, 0.9375, 0.15625, -0.34375, 0.625, 0.40625, -1.5, 0.40625, 0.625, -0.15625, 0, 0, 0, 0, 0, 0, 0, 1.15625, -1.375, 0.46875, 0.5625, 0.09375, -1.75, 0.875, -1.5625, 0.78125, 1.75, -0.3125, -1.84375, 1.25, 0.625, -2.59375, 1.09375, -1.15625, 0.6875, 0.15625, -0.25, -0.25, 0.84375, 0.15625, -0.53125, -0.9375, -1.46875, 0.625, 1.25, 0.125, 0.40625, 2.25, -2.125, -1.21875, 1.1875, -2.21875, 0.59375, -0.46875, -1.75, 1.09375, 1.5625, 0, -0.78125, 0.65625, -0.40625, -1, 0.96875, -0.90625, -0.3125, 0.9375, 0, 0, 0, 0, 0, 0, 0, 0.71875, 1.03125, -1.78125, -0.4375, 2, 0.75, -1.5, 0.84375, 1.15625, -1.71875, -0.5, 1.6875, 0.5, -1.75, 1.34375, -2.28125, -0.15625, 0.59375, 1.6875, -0.25, -0.25, -0.0625, -1.15625, -0.53125, 0.375, 1.8125, 1.375, -1.25, -1, 0.5, 1.65625, 1.25, -1.28125, -2.25, 1.25, -0.4375, -0.28125, 1.71875, 0.71875, -1.78125, -0.9375, 0.3125, -0.375, 0.59375, 0.4375, -1.4375, 0.625, 0.78125, 0, 0, 0, 0, 0, 0, 0, 0]),
        "conv groups": ([2, 6, 4, 5], [0.75, -2.65625, -0.75, -1.5, 1.375, -0.90625, -2.09375, 2.03125, -4.46875, 1.5, -0.8125, -0.9375, 2.125, -2.25, 1.40625, -2.09375, -2.75, 1.375, -0.34375, -0.25, 1.03125, 1.3125, 2.65625, -1.3125, 0.59375, 1.96875, -0.25, 1.78125, 2.75, -0.125, 1.90625, -1.90625, 1.71875, 2.15625, -0.09375, 1.5, 1.6875, -0.25, 1.53125, 1.53125, 0.03125, -1.6875, 0.3125, 1.25, -1.46875, -0.5, 0.3125, -2.59375, 3, -1, -0.3125, 3.15625, -2.40625, 0, -0.84375, 0.15625, 1.1875, 0.09375, -1.53125, -0.40625, -0.46875, 0.25, -0.625, -2.03125, -2.46875, -0.875, -2.15625, -2.375, -0.46875, -0.71875, -1.375, -2.125, -2.34375, -0.4375, -0.84375, -3.875, -2, -0.125, -0.375, 0.03125, -1.03125, 0.53125, 0.5, 2.59375, -0.125, -1.96875, 3.15625, 1.90625, 1.71875, -0.5, -1.03125, 3.03125, -0.875, 1.59375, -0.5, 1.5, 2.8125, 1.46875, -2, -0.125, 2, -2.5, -1.6875, -3, 0.53125, 2.15625, -2.96875, -1.1875, 0.59375, -0.34375, -1.96875, -2.84375, 0.53125, 0.71875, -0.21875, -0.09375, -2.1875, -2.6875, 1.59375, -1.96875, -2.53125, 2.5625, 0.75, -2.65625, -0.4375, -2.25, 2.9375, -0.90625, -2.09375, 1.78125, -2.15625, -2.28125, -0.8125, -0.9375, 1.6875, -0.25, -0.375, -2.09375, -2.75, 1.40625, 1.53125, -0.84375, 1.03125, 1.3125, 0.78125, 2.15625, -0.59375, 1.96875, -0.25, -0.21875, 2.09375, 2.53125, 1.90625, -1.90625, -0.1875, 1.65625, -0.28125, 1.5, 1.6875, -0.5, 1.875, 0.15625, 0.03125, -1.6875, 0.71875, 0, 0.28125, -0.5, 0.3125, -1.46875, 0.1875, -1.65625, -0.3125, 3.15625, -1.3125, -1.375, 1.78125, 0.15625, 1.1875, -0.4375, -0.3125, -2.25, -0.46875, 0.25, -2.375, -0.4375, -0.125, -0.875, -2.15625, -3.53125, -0.9375, -0.09375, -1.375, -2.125, -3.65625, -0.1875, 1.6875, -3.875, -2, 0.03125, 1.6875, 0.59375, -1.03125, 0.53125, 1.96875, 1.59375, -0.1875, -1.96875, 3.15625, 1.625, -1.71875, -0.3125, -1.03125, 3.03125, -1.03125, -2.1875, -0.875, 1.5, 2.8125, 0.4375, 0.375, 0.125, 2, -2.5, -1.0625, 0.71875, 0.90625, 2.15625, -2.96875, -0.1875, 1.90625, 1.03125, -1.96875, -2.84375, 1.53125, 1.4375, -0.65625, -0.09375, -2.1875, -2.0625]),
        "conv depthwise": ([1, 6, 3, 3], [-2.0625, -1.96875, 0.84375, -1.84375, -2.9375, -1.15625, -0.90625, -2.34375, -1.53125, 2.34375, 3.5625, -0.6875, 1.03125, 2.46875, 2.21875, 0.46875, 1.28125, 0.9375, 0.15625, -1.6875, -1.46875, 0.90625, 0.625, -2.375, -1.96875, 4.46875, -2.28125, -1.09375, 1.28125, 1.625, -2.3125, -2.9375, 0.59375, -0.4375, -2.46875, -0.59375, 0.84375, 1.90625, 2.40625, 0.15625, -0.125, 0.71875, -0.34375, -1.125, 0.0625, -0.1875, -0.625, -1.59375, 1, 0.9375, -1.0625, -0.6875, 2.15625, 0.34375]),
        "conv 1x1": ([2, 5, 4, 4], [0.46875, 0.46875, 0.46875, 0.46875, -2.1875, 0.46875, 0.46875, 0.46875, 0.46875, -2.1875, 0.46875, 0.46875, 0.46875, 0.46875, -2.1875, 0.46875, 1.15625, -1.4375, 1.8125, -0.78125, 0.875, 0.9375, -1.65625, 1.59375, -1, 0.65625, 0.71875, -1.875, 1.375, -1.21875, 0.4375, 0.5, 1.03125, -1.3125, 1.125, -1.21875, 0.6875, 1, -1.34375, 1.09375, -1.25, 0.65625, 0.96875, -1.375, 1.0625, -1.28125, 0.625, 0.9375, 0.90625, -1.1875, 0.4375, -1.65625, 0.5, 1.0625, -1.03125, 0.59375, -1.5, 0.65625, 1.21875, -0.875, 0.75, -1.34375, 0.8125, 1.375, -1.25, 0.96875, -1.0625, 1.15625, 0.71875, -1.3125, 0.90625, -1.125, 1.09375, 0.65625, -1.375, 0.84375, -1.1875, 1.03125, 0.59375, -1.4375, -2.1875, 0.46875, 0.46875, 0.46875, 0.46875, 0.46875, 0.46875, -2.1875, 0.46875, 0.46875, 0.46875, 0.46875, -2.1875, 0.46875, 0.46875, 0.46875, 0.4375, 0.5, -2.09375, 1.15625, -1.4375, 1.8125, -0.78125, 0.875, 0.9375, -1.65625, 1.59375, -1, 0.65625, 0.71875, -1.875, 1.375, 0.625, 0.9375, -1.40625, 1.03125, -1.3125, 1.125, -1.21875, 0.6875, 1, -1.34375, 1.09375, -1.25, 0.65625, 0.96875, -1.375, 1.0625, 0.8125, 1.375, -0.71875, 0.90625, -1.1875, 0.4375, -1.65625, 0.5, 1.0625, -1.03125, 0.59375, -1.5, 0.65625, 1.21875, -0.875, 0.75, 0.59375, -1.4375, 0.78125, -1.25, 0.96875, -1.0625, 1.15625, 0.71875, -1.3125, 0.90625, -1.125, 1.09375, 0.65625, -1.375, 0.84375, -1.1875]),
        "conv 1d": ([2, 3, 4], [0.78125, -2.53125, -0.8125, 0.1875, 0.1875, -1.40625, 1.40625, 0.4375, -0.40625, 0.9375, -0.84375, 1.5, 1, 1.78125, -0.21875, -0.59375, -1.0625, 1.0625, 0.15625, -1.09375, 0.9375, -1.28125, 0.125, 0.4375]),
        "conv same lower batch": ([3, 4, 5, 4], [0.875, -1.15625, 0.71875, -0.25, -0.15625, 0.84375, -2.5625, 1.59375, -4.75, -1.09375, 0.8125, -3.40625, 3.40625, -5.6875, 1, 0.09375, 1.46875, 1.125, -0.8125, -1.03125, 3.28125, -2.75, 2, 1.5625, -0.34375, 3.625, -4.0625, 3.09375, -0.34375, -1.09375, 3.4375, -2.3125, 5.5, -1.03125, 1.375, 1.3125, 1.28125, 3.4375, -2.53125, 0.5, 1.96875, -1.15625, -0.4375, 2.09375, -4.25, 0.65625, -1.5625, -2.375, 0.34375, -2.375, 0.71875, 0.75, 3.875, -0.09375, 0.875, -0.375, -2.625, -0.40625, -0.65625, 1.15625, -0.5625, -0.78125, -4.09375, 1.40625, -2.46875, -1.5, -1.09375, -3.375, -0.1875, -0.40625, -1.59375, -0.65625, 1.03125, -0.375, -3.6875, -1.65625, -3.28125, -1.40625, -1.625, 0.1875, -0.5625, 0.53125, -1.3125, 0.78125, 0.65625, -3.65625, 5.15625, -3.78125, 1.90625, -1.34375, -0.5, 1.84375, -1.625, 0.96875, -2.96875, -0.5, -1.1875, -0.9375, 2.96875, -1.8125, -2.21875, 1.84375, 2.875, 2.1875, 3.375, -4.78125, 7.1875, -2.09375, 2.3125, 2.1875, -0.71875, 3.65625, -3.53125, 2.25, 1.46875, 1.4375, 1.46875, -2.09375, 4.6875, -0.15625, -0.6875, -0.5625, 3.34375, -1.34375, 2.375, -1.5, 2.65625, -0.875, -1, 0.78125, -3.03125, 0.125, -2.25, 3.0625, 1.375, 0.0625, 0.40625, 0.75, -0.5625, 0.21875, -0.375, -4.1875, 2.59375, -2.4375, 0.15625, -0.65625, -0.25, -1.6875, -5.53125, -0.625, -1.28125, -0.5625, -2.1875, -0.59375, 0.875, -0.5, -0.65625, -0.0625, -1.34375, -0.625, 1.1875, -4.15625, 1.96875, -1.90625, -0.125, 3.53125, -2.53125, -1.1875, -4.71875, -1.0625, 0.84375, -3.53125, 1.84375, -3, -1.09375, 2.09375, -1.1875, 2.84375, -3.875, 0.0625, 3.4375, 0.59375, 2.6875, -0.375, -0.34375, 5.9375, -4.40625, 0.15625, -0.34375, -0.90625, 3.625, -2.0625, 3.375, 1.28125, -1.09375, 3.15625, -2.0625, 4.59375, 0.75, 1.3125, 1.96875, 1.625, -0.3125, -0.53125, -4.28125, 2.1875, -2.6875, 0.625, 0.3125, -2.4375, 0.65625, 0.5625, 1.1875, 1.4375, -2.375, 0.5, 0.25, -0.21875, 1.65625, 0.875, -0.71875, 1.4375, -4.53125, -1.5, -2.53125, -0.34375, -2.59375, -0.53125, -0.25, -0.3125, -1.5, -0.46875, -2.21875, 0.78125, -0.40625, -0.9375, -0.6875, -1.375, 0.53125, -0.375]),
        "conv 3d": ([1, 2, 5, 4, 4], [-2.03125, 1.59375, -1.4375, 0.625, -0.65625, 0.5, -2.34375, -1.3125, 0.375, 0.46875, 0.28125, 1.875, 0.25, -0.6875, -1.15625, 0.25, -0.46875, -0.53125, 4.3125, -1.9375, -3.34375, 3.78125, -4.9375, 1.75, -0.53125, 2.0625, -1.875, -1.1875, 0.21875, -1.6875, 0.5, 0.71875, -0.4375, -0.84375, 3.46875, -1.21875, -3.25, 2.75, 0.9375, -0.96875, -0.4375, 5.8125, -6.09375, 0.34375, 0.3125, -1.46875, 2.3125, 0.84375, -0.40625, -1.15625, 3.15625, -1.5625, -3.15625, -0.40625, 2.03125, -1.03125, -0.34375, 5.3125, -5, 0.28125, 0.40625, 1.40625, -0.125, 0.96875, 1.78125, -2.0625, 1.5625, -0.0625, -1.90625, 0.6875, 1.71875, -1.375, -0.125, 1.65625, -2.625, 1.53125, 0.25, 1.4375, -1.21875, -0.03125, -0.28125, -1.59375, -0.46875, -1.1875, 1.6875, -1.375, 3.4375, 0.15625, 0.125, -1.28125, -0.71875, 0.75, 0.15625, 1.03125, 0.65625, 0.25, -2.21875, 0.0625, -1.46875, 1.71875, 1.1875, 2.5625, -2.6875, -0.40625, 0.4375, -2.5625, 2.28125, -1.59375, 0.0625, 0.1875, 2.5625, -0.875, -2.125, 0.28125, 1.40625, -0.8125, 1.375, 3.3125, -5.65625, 0.15625, 0.625, -2.34375, 3.03125, 1.625, 0.21875, -3.1875, 0.78125, -0.6875, -2.03125, 0.5, 1.625, -0.6875, 1.5625, 1.9375, -2.78125, 0.1875, 0.8125, 0.53125, 0.59375, 1.65625, 0.375, -3.90625, 1.65625, -0.5, -1.65625, 1.4375, 1.4375, -1.84375, -0.4375, 1.5, -1.65625, 1.1875, 0.375, 0.53125, -2.625, 1.53125, 0.25, -2, 2.34375, -1.5625]),
        "maxpool ceil": ([1, 2, 3, 3], [0.75, 0, 1.75, 1.25, 0.5, 2, 1.5, 0.75, -1.75, 2, 1.25, -1.25, 0.75, 1.75, -0.75, 1, 2, -0.5]),
        "maxpool ceil #1": ([1, 2, 3, 3], [6, 8, 9, 16, 18, 14, 21, 23, 24, 31, 33, 34, 40, 43, 44, 45, 48, 49]),
        "maxpool ceil colmajor": ([1, 2, 3, 3], [0.75, 0, 1.75, 1.25, 0.5, 2, 1.5, 0.75, -1.75, 2, 1.25, -1.25, 0.75, 1.75, -0.75, 1, 2, -0.5]),
        "maxpool ceil colmajor #1": ([1, 2, 3, 3], [6, 16, 21, 8, 18, 22, 9, 19, 24, 31, 41, 46, 28, 43, 48, 29, 44, 49]),
        "maxpool dil": ([1, 1, 4, 4], [1.75, 0.75, 1.75, 0, 0.5, 2, 0.5, 2, 2, 0.75, 2, 0, 0.25, 2, 0.25, 2]),
        "avgpool ceil incl": ([1, 2, 3, 3], [-0.11111111, -0.30555555, 0.33333334, 0.083333336, -0.083333336, 0.27777779, 0.22222222, 0.19444445, -0.27777779, 0.44444445, 0.52777779, -0.055555556, -0.027777778, 0.22222222, 0.16666667, -0.16666667, 0.083333336, 0.27777779]),
        "avgpool ceil excl": ([1, 2, 3, 3], [-0.25, -0.45833334, 0.75, 0.125, -0.083333336, 0.41666666, 0.5, 0.29166666, -0.625, 1, 0.79166669, -0.125, -0.041666668, 0.22222222, 0.25, -0.375, 0.125, 0.625]),
        "avgpool same": ([1, 2, 3, 3], [-0.25, -1, 1.625, 0.25, -0.5, 0, 0.625, -0.125, -1.75, 1, 0.25, -1.375, -0.625, 0.75, -0.875, -0.25, 1.125, -0.5]),
        "gap": ([2, 3, 1, 1], [-0.1375, 0.0125, -0.050000001, 0.1, 0.037500001, -0.025]),
        "gmp": ([2, 3, 1, 1], [2, 2, 2, 2, 2, 2]),
        "batchnorm": ([2, 3, 4], [-1.4834416, 0.9889611, -2.5430427, -0.070640057, 2.4149597, -3.8319178, 0.54089642, -5.7059813, -21.635942, 61.37384, -57.211563, 25.79822, -1.8366418, 0.63576066, 3.1081634, -0.42384043, 1.7902718, -4.4566054, -0.083791375, -6.3306684, -33.494484, 49.515305, -69.070107, 13.93968]),
        "layernorm": ([2, 3, 4], [-0.5249362, 2.2808514, -1.4685107, -0.2375319, 1.2448088, -2.675704, 1.5054225, -1.1224043, -0.5249362, 2.2808514, -1.4685107, -0.2375319, -1.2209569, -0.63371289, 2.7709799, -0.71977222, 1.2448088, -2.675704, 1.5054225, -1.1224043, -0.5249362, 2.2808514, -1.4685107, -0.2375319]),
        "layernorm axis1": ([2, 3, 4], [-0.94001603, 1.3055778, -2.3500402, -0.052223112, 2.7156019, -0.73112357, 1.8278089, -2.0367014, 0.052223112, 3.1333869, -0.5222311, 2.35004, -1.2142477, 0.55581766, 2.4883528, -0.19667393, 2.0864539, -1.0090227, 1.0688801, -2.4370465, -0.094061449, 2.4969039, -0.80379784, 1.5819424]),
        "layernorm axis1 #1": ([2, 1, 1], [-0.125, -0.020833334]),
        "layernorm axis1 #2": ([2, 1, 1], [0.8355698, 0.8208999]),
        "instnorm": ([2, 3, 2, 2], [-0.52522278, 1.3130572, -1.3130571, 0.5252229, 2.1129262, -2.6761911, 0.67619103, -4.1129265, -0.28783429, 2.4695859, -1.4695858, 1.2878343, -1.2213261, 0.14655913, 1.5144444, -0.43967739, 2.1129262, -2.6761911, 0.67619103, -4.1129265, -0.28783429, 2.4695859, -1.4695857, 1.2878344]),
        "softmax11": ([2, 3, 4], [0.014371981, 0.082705043, 0.0067888433, 0.039067093, 0.22481561, 0.018453989, 0.10619538, 0.0087170471, 0.050163142, 0.28866896, 0.023695391, 0.13635756, 0.0097825425, 0.056294642, 0.3239533, 0.026591707, 0.1530247, 0.012561033, 0.072283752, 0.0059334119, 0.034144428, 0.19648761, 0.016128685, 0.092814177]),
        "softmax13": ([2, 3, 4], [0.049669754, 0.21215779, 0.049669754, 0.21215779, 0.77696568, 0.047338799, 0.77696568, 0.047338799, 0.17336448, 0.74050343, 0.17336448, 0.74050343, 0.049669754, 0.21215779, 0.78559703, 0.21215779, 0.77696568, 0.047338799, 0.17529039, 0.047338799, 0.17336448, 0.74050343, 0.039112572, 0.74050343]),
        "logsoftmax11": ([2, 3, 4], [-4.2424746, -2.4924746, -4.9924746, -3.2424746, -1.4924747, -3.9924746, -2.2424746, -4.7424746, -2.9924746, -1.2424747, -3.7424746, -1.9924747, -4.6271558, -2.8771558, -1.1271559, -3.6271558, -1.8771559, -4.3771558, -2.6271558, -5.1271558, -3.3771558, -1.6271559, -4.1271558, -2.3771558]),
        "gelu": ([12], [-0.00081422925, 1.0247154, -1.6391277e-07, -0.16860698, 3.833091, -0.0065258541, 1.7721431, -3.313025e-06, -0.072302699, 4.4999847, -0.032781955, 2.4844761]),
        "gelu tanh": ([12], [-0.00061614811, 1.0245099, -0, -0.16870168, 3.8331816, -0.0060660788, 1.7721024, -5.7617825e-07, -0.072302945, 4.4999948, -0.032542266, 2.4849157]),
        "elu": ([12], [-0.48490131, 1.1666666, -0.4979566, -0.2827009, 3.8333333, -0.47059175, 1.8333334, -0.49602002, -0.07675916, 4.5, -0.44272059, 2.5]),
        "selu": ([12], [-1.7050093, 1.2258178, -1.7509143, -0.9940325, 4.0276871, -1.6546941, 1.9262853, -1.7441049, -0.26990044, 4.7281547, -1.5566936, 2.6267526]),
        "celu": ([12], [-1.6524521, 1.1666666, -1.8721442, -0.68151867, 3.8333333, -1.5149578, 1.8333334, -1.821563, -0.15991116, 4.5, -1.3230691, 2.5]),
        "hardsigmoid": ([12], [0, 0.73333335, 0, 0.33333331, 1, 0, 0.86666667, 0, 0.46666667, 1, 0.066666633, 1]),
        "hardswish": ([12], [-0, 0.81018513, -0, -0.30092591, 3.8333333, -0.078703739, 1.4768519, -0, -0.078703701, 4.5, -0.30092588, 2.2916667]),
        "softplus": ([12], [0.029750422, 1.4377644, 0.0040784436, 0.36088485, 3.8547399, 0.057151753, 1.9816496, 0.0079284292, 0.61328202, 4.5110478, 0.10845865, 2.5788898]),
        "mish": ([12], [-0.10409575, 1.0421212, -0.022431314, -0.28832763, 3.8298962, -0.16175388, 1.7649647, -0.038319938, -0.091072217, 4.4989138, -0.23407663, 2.4713924]),
        "leakyrelu": ([12], [-0.34999999, 1.1666666, -0.55000001, -0.083333336, 3.8333333, -0.28333333, 1.8333334, -0.48333335, -0.016666668, 4.5, -0.21666668, 2.5]),
        "softsign": ([12], [-0.77777779, 0.53846157, -0.84615386, -0.45454547, 0.79310346, -0.73913038, 0.64705878, -0.82857138, -0.14285715, 0.81818187, -0.68421054, 0.71428573]),
    ]
}
