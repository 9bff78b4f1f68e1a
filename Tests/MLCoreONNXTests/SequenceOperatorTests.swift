import Foundation
import MLCoreONNX
import MLCoreTensor
import Testing

/// The Sequence family (sequence and optional operators) against onnxruntime 1.32: the fixtures under
/// Fixtures/sequence are written by scripts/fixtures/make_sequence_fixtures.py (models, inputs, and
/// onnxruntime's outputs as TensorProto / SequenceProto / OptionalProto files). Error cases follow what
/// onnxruntime 1.32 rejects (checked with the same environment).
@Suite struct SequenceOperatorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/sequence")

    /// A value rendered exactly (element type, shape, every element's bits), so data movement compares bit for bit.
    static func render(_ value: Value) throws -> String {
        func tensor(_ t: Tensor) throws -> String {
            let elements: [String]
            switch t.dtype {
            case .float32: elements = try t.scalars(as: Float.self).map { String($0.bitPattern) }
            case .float64: elements = try t.scalars(as: Double.self).map { String($0.bitPattern) }
            case .int32: elements = try t.scalars(as: Int32.self).map { String($0) }
            case .int64: elements = try t.scalars(as: Int64.self).map { String($0) }
            case .bool: elements = try t.scalars(as: Bool.self).map { String($0) }
            case .string: elements = try t.strings()
            default: elements = (t.widenedIntegers() ?? t.widenedFloats()?.map { Int64($0.bitPattern) } ?? []).map { String($0) }
            }
            return "\(t.dtype)\(t.shape)[" + elements.joined(separator: ",") + "]"
        }
        switch value {
        case .tensor(let t): return try tensor(t)
        case .sequence(let s): return "seq<\(s.elementType)>(" + (try s.tensors.map(tensor).joined(separator: "; ")) + ")"
        case .optional(nil): return "optional()"
        case .optional(let v?): return "optional(" + (try render(v)) + ")"
        case .map, .mapSequence: return "map"
        }
    }

    @Test(arguments: ["split_scalar", "split_rows_nokeepdims", "split_list_strings", "concat_new_axis",
                      "insert_erase_at", "optional_roundtrip"])
    func matchesOnnxRuntime(_ name: String) throws {
        let folder = Self.root.appendingPathComponent(name)
        let session = try InferenceSession(contentsOf: folder.appendingPathComponent("model.onnx"), options: .init(threads: 1))
        var feeds: [String: Value] = [:]
        for (i, info) in session.inputs.enumerated() {
            feeds[info.name] = try ONNXReader.readValue(contentsOf: folder.appendingPathComponent("input_\(i).pb"), type: info.type)
        }
        let outputs = try session.run(values: feeds)
        for (i, info) in session.outputs.enumerated() {
            let want = try ONNXReader.readValue(contentsOf: folder.appendingPathComponent("output_\(i).pb"), type: info.type)
            let got = try #require(outputs[info.name], "\(name): output \(info.name) missing")
            #expect(try Self.render(got) == Self.render(want), "\(name): output \(i) '\(info.name)'")
        }
    }

    // MARK: - Hand-built models for the errors onnxruntime raises

    static func session(_ nodes: [ONNXNode], inputs: [ONNXValueInfo], outputs: [ONNXValueInfo], opset: Int64 = 18) throws -> InferenceSession {
        let model = ONNXModel(irVersion: 8, opsetImports: ["": opset], producerName: "test", producerVersion: "0",
                              graph: ONNXGraph(name: "g", nodes: nodes, initializers: [:], inputs: inputs, outputs: outputs, valueInfo: []))
        return try InferenceSession(model: model, options: .init(threads: 1))
    }

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [String: ONNXAttribute] = [:]) -> ONNXNode {
        ONNXNode(name: op.lowercased(), opType: op, domain: "", inputs: inputs, outputs: outputs, attributes: attributes)
    }

    static func info(_ name: String, _ type: DType) -> ONNXValueInfo {
        ONNXValueInfo(name: name, type: .tensor(elementType: type, shape: nil))
    }

    static func seqInfo(_ name: String, _ type: DType) -> ONNXValueInfo {
        ONNXValueInfo(name: name, type: .sequence(.tensor(elementType: type, shape: nil)))
    }

    static let x23 = try! Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5] as [Float])

    @Test(arguments: [(Int64(2), Int64(0), "keepdims = 0"), (0, 1, "must be > 0"), (-1, 1, "must be > 0")])
    func splitToSequenceScalarSplitErrors(split: Int64, keepdims: Int64, message: String) throws {
        let s = try Self.session([Self.node("SplitToSequence", ["x", "s"], ["y"], ["axis": .int(1), "keepdims": .int(keepdims)])],
                                 inputs: [Self.info("x", .float32), Self.info("s", .int64)], outputs: [Self.seqInfo("y", .float32)])
        #expect { _ = try s.run(["x": Self.x23, "s": Tensor(scalar: split)]) } throws: { "\($0)".contains(message) }
    }

    @Test func splitToSequenceScalarOneWithoutKeepdimsDropsTheAxis() throws {
        // onnxruntime applies keepdims = 0 to a scalar split of 1 too (the spec says a given split ignores it).
        let s = try Self.session([Self.node("SplitToSequence", ["x", "s"], ["y"], ["axis": .int(1), "keepdims": .int(0)])],
                                 inputs: [Self.info("x", .float32), Self.info("s", .int64)], outputs: [Self.seqInfo("y", .float32)])
        let y = try s.run(values: ["x": .tensor(Self.x23), "s": .tensor(Tensor(scalar: Int64(1)))])["y"]
        guard case .sequence(let seq)? = y else { Issue.record("not a sequence: \(String(describing: y))"); return }
        #expect(seq.tensors.map(\.shape) == [[2], [2], [2]])
        #expect(try seq.tensors[2].scalars(as: Float.self) == [2, 5])
    }

    @Test func positionsOutOfRangeAndEmptySequencesThrow() throws {
        let s = try Self.session([Self.node("SequenceConstruct", ["x", "x"], ["q"]),
                                  Self.node("SequenceInsert", ["q", "x", "p"], ["i"]),
                                  Self.node("SequenceAt", ["q", "p"], ["a"])],
                                 inputs: [Self.info("x", .float32), Self.info("p", .int64)],
                                 outputs: [Self.seqInfo("i", .float32), Self.info("a", .float32)])
        for p: Int64 in [2, 3, -3] {
            #expect(throws: ONNXError.self, "position \(p)") { _ = try s.run(["x": Self.x23, "p": Tensor(scalar: p)]) }
        }
        #expect(try s.run(["x": Self.x23, "p": Tensor(scalar: Int64(-2))])["a"]?.tensor?.shape == [2, 3])

        let empty = try Self.session([Self.node("SequenceEmpty", [], ["e"]), Self.node("SequenceErase", ["e"], ["y"]),
                                      Self.node("ConcatFromSequence", ["e"], ["z"], ["axis": .int(0)])],
                                     inputs: [], outputs: [Self.seqInfo("y", .float32), Self.info("z", .float32)])
        #expect { _ = try empty.run([:]) } throws: { "\($0)".contains("empty sequence") }
    }

    @Test func sequenceElementTypesAreChecked() throws {
        let construct = try Self.session([Self.node("SequenceConstruct", ["x", "n"], ["q"])],
                                         inputs: [Self.info("x", .float32), Self.info("n", .int64)], outputs: [Self.seqInfo("q", .float32)])
        #expect(throws: ONNXError.self) { _ = try construct.run(["x": Self.x23, "n": Tensor(scalar: Int64(1))]) }

        let insert = try Self.session([Self.node("SequenceInsert", ["s", "n"], ["q"])],
                                      inputs: [Self.seqInfo("s", .float32), Self.info("n", .int64)], outputs: [Self.seqInfo("q", .float32)])
        let floats = Value.sequence(TensorSequence(elementType: .float32, tensors: [Self.x23]))
        #expect(throws: ONNXError.self) { _ = try insert.run(values: ["s": floats, "n": .tensor(Tensor(scalar: Int64(1)))]) }
        // Feeds are checked against the declared kind and element type.
        let ints = Value.sequence(TensorSequence(elementType: .int64, tensors: []))
        #expect { _ = try insert.run(values: ["s": ints, "n": .tensor(Tensor(scalar: Int64(1)))]) } throws: { "\($0)".contains("int64") }
        #expect(throws: ONNXError.self) { _ = try insert.run(values: ["s": .tensor(Self.x23), "n": .tensor(Tensor(scalar: Int64(1)))]) }
    }

    @Test func optionalInputsAcceptBareValuesAndEmptyOptionals() throws {
        let tensorType = ONNXType.tensor(elementType: .float32, shape: nil)
        let s = try Self.session([Self.node("OptionalHasElement", ["o"], ["has"]), Self.node("OptionalGetElement", ["o"], ["v"])],
                                 inputs: [ONNXValueInfo(name: "o", type: .optional(tensorType))],
                                 outputs: [Self.info("has", .bool), Self.info("v", .float32)])
        #expect(try s.run(values: ["o": .tensor(Self.x23)])["has"]?.tensor?.scalars(as: Bool.self) == [true])
        #expect { _ = try s.run(values: ["o": .optional(nil)]) } throws: { "\($0)".contains("empty") }

        // Opset 15 takes optionals only; 18 lets tensors through.
        let v15 = try Self.session([Self.node("OptionalGetElement", ["x"], ["v"])], inputs: [Self.info("x", .float32)],
                                   outputs: [Self.info("v", .float32)], opset: 15)
        #expect(throws: ONNXError.self) { _ = try v15.run(["x": Self.x23]) }
        #expect { _ = try Self.session([Self.node("Optional", [], ["o"])], inputs: [],
                                       outputs: [ONNXValueInfo(name: "o", type: .optional(tensorType))]) } throws: { "\($0)".contains("'type'") }
    }
}
