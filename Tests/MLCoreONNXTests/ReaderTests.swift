import Foundation
import MLCoreONNX
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// The ONNX reader against fixtures written by `scripts/fixtures/make_reader_fixtures.py` (onnx 1.23.2), plus
/// hostile inputs built here: truncations, random bytes, mutations and a 10,000-deep subgraph chain.
@Suite struct ReaderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/reader")

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: fixture(name))) }

    /// The error reading `name` throws, or `nil` (recorded as an issue) when it does not throw an ``ONNXError``.
    static func readError(_ name: String, limits: ONNXReadLimits = .init(),
                          sourceLocation: SourceLocation = #_sourceLocation) -> ONNXError? {
        readError(limits: limits, sourceLocation: sourceLocation) { try ONNXReader.read(contentsOf: fixture(name), limits: limits) }
    }

    static func readError(limits: ONNXReadLimits = .init(), sourceLocation: SourceLocation = #_sourceLocation,
                          _ body: () throws -> ONNXModel) -> ONNXError? {
        do {
            _ = try body()
            Issue.record("expected an ONNXError, the read succeeded", sourceLocation: sourceLocation)
        } catch let error as ONNXError {
            return error
        } catch {
            Issue.record("expected an ONNXError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    // MARK: - Tensors

    struct Expected: Decodable {
        var dtype: String
        var shape: [Int]
        var bits: [UInt64]?
        var ints: [Int64]?
        var bools: [Bool]?
        var strings: [String]?
    }

    struct ExpectedFile: Decodable { var tensors: [String: Expected] }

    /// Compares each tensor with what onnx/numpy wrote, naming the tensor in every failure.
    static func checkTensors(_ tensors: [String: Tensor], against jsonName: String) throws {
        let want = try JSONDecoder().decode(ExpectedFile.self, from: Data(contentsOf: fixture(jsonName))).tensors
        #expect(Set(tensors.keys).isSuperset(of: want.keys), "missing: \(Set(want.keys).subtracting(tensors.keys).sorted())")
        for (name, expected) in want.sorted(by: { $0.key < $1.key }) {
            guard let t = tensors[name] else { continue }
            #expect(t.dtype.rawValue == expected.dtype, "tensor \(name): dtype")
            #expect(t.shape.dims == expected.shape, "tensor \(name): shape")
            switch t.dtype {
            case .float32: #expect(try t.scalars(as: Float.self).map { UInt64($0.bitPattern) } == expected.bits, "tensor \(name)")
            case .float64: #expect(try t.scalars(as: Double.self).map { $0.bitPattern } == expected.bits, "tensor \(name)")
            case .int64: #expect(try t.scalars(as: Int64.self) == expected.ints, "tensor \(name)")
            case .int32: #expect(try t.scalars(as: Int32.self).map(Int64.init) == expected.ints, "tensor \(name)")
            case .bool: #expect(try t.scalars(as: Bool.self) == expected.bools, "tensor \(name)")
            case .string: #expect(try t.strings() == expected.strings, "tensor \(name)")
            }
        }
    }

    @Test func initializersOfEveryEncodingMatchOnnx() throws {
        let model = try ONNXReader.read(contentsOf: Self.fixture("initializers.onnx"))
        try Self.checkTensors(model.graph.initializers, against: "initializers.json")
        // 11 types x (raw, typed) + string + scalar + empty + 2 sparse.
        #expect(model.graph.initializers.count == 27)
        #expect(model.graph.inputs.isEmpty)
        #expect(model.producerName == "make_reader_fixtures")
        #expect(model.irVersion == 10)
    }

    @Test func readingBytesGivesTheSameModel() throws {
        let model = try ONNXReader.read(bytes: Self.bytes("initializers.onnx"), modelDirectory: nil, path: "mem.onnx")
        try Self.checkTensors(model.graph.initializers, against: "initializers.json")
    }

    @Test func hugeDeclaredTensorsThrowBeforeAllocating() {
        // [2^20, 2^20] floats (4 TiB) with 4 bytes of raw_data, or one float_data value.
        #expect(Self.readError("huge_raw.onnx") == .tensorDataMismatch(tensor: "huge", declared: 1 << 40, actual: 1))
        #expect(Self.readError("huge_typed.onnx") == .tensorDataMismatch(tensor: "huge", declared: 1 << 40, actual: 1))
        guard case .malformedModel(let path, let reason)? = Self.readError("overflow_dims.onnx") else {
            Issue.record("overflowing dims must be malformedModel")
            return
        }
        #expect(path.hasSuffix("overflow_dims.onnx") && reason.contains("'overflow'"), "\(reason)")
    }

    @Test func unsupportedElementTypeNamesTensorAndCode() {
        let error = Self.readError("bfloat16.onnx")
        #expect(error == .unsupportedElementType(tensor: "bf16", code: 16))
        #expect(error?.description.contains("BFLOAT16") == true)
    }

    @Test func limitsAreEnforced() {
        guard case .limitExceeded(let what, _, 16)? = Self.readError("initializers.onnx", limits: .init(maxTensorBytes: 16)) else {
            Issue.record("maxTensorBytes")
            return
        }
        #expect(what.contains("tensor '"), "\(what)")
        guard case .limitExceeded(let unpack, _, 1000)? = Self.readError("small.onnx", limits: .init(maxTotalBytes: 1000)) else {
            Issue.record("maxTotalBytes bounds protobuf-c's unpacked size")
            return
        }
        #expect(unpack.contains("unpack"), "\(unpack)")
        // small.onnx holds 4 nodes (2 in the main graph, 1 in each If branch) and 3 graphs.
        guard case .limitExceeded(_, 4, 3)? = Self.readError("small.onnx", limits: .init(maxNodes: 3)) else {
            Issue.record("maxNodes")
            return
        }
        guard case .malformedModel(_, let reason)? = Self.readError("small.onnx", limits: .init(maxNestingDepth: 2)) else {
            Issue.record("maxNestingDepth")
            return
        }
        #expect(reason.contains("deeper than 2"), "\(reason)")
        #expect((try? ONNXReader.read(contentsOf: Self.fixture("small.onnx"), limits: .init(maxNodes: 4))) != nil)
    }

    // MARK: - External data

    @Test func externalDataLoads() throws {
        let model = try ONNXReader.read(contentsOf: Self.fixture("external.onnx"))
        try Self.checkTensors(model.graph.initializers, against: "external.json")
    }

    @Test func externalDataCannotLeaveTheModelFolder() {
        #expect(Self.readError("external_escape.onnx")
                == .externalDataOutsideModelFolder(tensor: "w", location: "../reader/../../outside.bin"))
        #expect(Self.readError("external_absolute.onnx") == .externalDataOutsideModelFolder(tensor: "w", location: "/etc/hostname"))
    }

    @Test func externalDataFileMustBeLongEnough() {
        guard case .externalData(let tensor, let reason)? = Self.readError("external_short.onnx") else {
            Issue.record("short external file must throw externalData")
            return
        }
        #expect(tensor == "w" && reason.contains("56 bytes"), "\(reason)")
        // 2^40 floats declared against a 56-byte file: refused from the file size, nothing read or allocated.
        guard case .externalData("w", _)? = Self.readError("external_huge.onnx") else {
            Issue.record("huge external tensor must throw externalData")
            return
        }
    }

    @Test func externalDataNeedsAModelDirectory() throws {
        let bytes = try Self.bytes("external.onnx")
        guard case .externalData("w", let reason)? = Self.readError({ try ONNXReader.read(bytes: bytes, modelDirectory: nil) }) else {
            Issue.record("external data without a model directory must throw externalData")
            return
        }
        #expect(reason.contains("model directory"), "\(reason)")
    }

    @Test func symbolicLinkOutOfTheFolderIsRefused() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("mlcore-reader-\(UUID().uuidString)")
        let modelDir = root.appendingPathComponent("model")
        let elsewhere = root.appendingPathComponent("elsewhere")
        try fm.createDirectory(at: modelDir, withIntermediateDirectories: true)
        try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: root) }
        try fm.copyItem(at: Self.fixture("external.onnx"), to: modelDir.appendingPathComponent("external.onnx"))
        try fm.copyItem(at: Self.fixture("external.bin"), to: elsewhere.appendingPathComponent("external.bin"))
        try fm.createSymbolicLink(at: modelDir.appendingPathComponent("external.bin"),
                                  withDestinationURL: elsewhere.appendingPathComponent("external.bin"))
        let error = Self.readError { try ONNXReader.read(contentsOf: modelDir.appendingPathComponent("external.onnx")) }
        #expect(error == .externalDataOutsideModelFolder(tensor: "w", location: "./external.bin"))

        // A link that stays inside the folder is fine.
        try fm.removeItem(at: modelDir.appendingPathComponent("external.bin"))
        try fm.createDirectory(at: modelDir.appendingPathComponent("data"), withIntermediateDirectories: true)
        try fm.copyItem(at: Self.fixture("external.bin"), to: modelDir.appendingPathComponent("data/real.bin"))
        try fm.createSymbolicLink(atPath: modelDir.appendingPathComponent("external.bin").path, withDestinationPath: "data/real.bin")
        let model = try ONNXReader.read(contentsOf: modelDir.appendingPathComponent("external.onnx"))
        try Self.checkTensors(model.graph.initializers, against: "external.json")
    }

    // MARK: - Attributes, types, opsets

    @Test func everyAttributeKind() throws {
        let model = try ONNXReader.read(contentsOf: Self.fixture("attributes.onnx"))
        #expect(model.opsetImports == ["": 21, "test.domain": 1])
        let nodes = model.graph.nodes
        try #require(nodes.count == 3)
        #expect(nodes.map(\.name) == ["all_kinds", "Constant_1", "If_2"])
        let a = nodes[0].attributes
        #expect(nodes[0].domain == "test.domain")
        guard case .float(0.25)? = a["f"], case .int(-3)? = a["i"], case .string("ünïcode")? = a["s"],
              case .floats([1.0, -2.5])? = a["floats"], case .ints([1, 2, 3])? = a["ints"],
              case .strings(["a", "bc"])? = a["strings"], case .ints([])? = a["empty_ints"] else {
            Issue.record("scalar/list attributes: \(a)")
            return
        }
        guard case .tensor(let t)? = a["t"], case .tensors(let ts)? = a["tensors"], case .graph(let g)? = a["g"],
              case .graphs(let gs)? = a["graphs"] else {
            Issue.record("tensor/graph attributes: \(a)")
            return
        }
        #expect(try t.scalars(as: Int64.self) == [5, 6])
        #expect(ts.count == 2)
        #expect(try ts.first?.scalars(as: Float.self) == [9])
        #expect(try ts.last?.scalars(as: Int32.self) == [1, 2])
        #expect(g.name == "g_attr" && g.nodes.isEmpty)
        #expect(gs.map(\.name) == ["g0", "g1"])
        #expect(a.count == 11)

        guard case .graph(let thenBranch)? = nodes[2].attributes["then_branch"],
              case .graph(let elseBranch)? = nodes[2].attributes["else_branch"] else {
            Issue.record("If branches")
            return
        }
        #expect(thenBranch.nodes.map(\.opType) == ["Constant"])
        #expect(thenBranch.outputs.first?.type == .tensor(elementType: .float32, shape: [.fixed(2)]))
        guard case .tensor(let value)? = thenBranch.nodes.first?.attributes["value"] else {
            Issue.record("Constant value in the then branch")
            return
        }
        #expect(try value.scalars(as: Float.self) == [1, 2])
        #expect(elseBranch.nodes.first?.inputs == ["x"])
    }

    @Test func typesSymbolicDimsAndZipMap() throws {
        let model = try ONNXReader.read(contentsOf: Self.fixture("types.onnx"))
        #expect(model.opsetImports == ["": 17, "ai.onnx.ml": 3])
        #expect(model.opset(for: "ai.onnx") == 17)
        let inputs = Dictionary(uniqueKeysWithValues: model.graph.inputs.map { ($0.name, $0.type) })
        #expect(model.graph.inputs.map(\.name) == ["x", "unknown_dims", "no_shape", "narrow", "bf16", "optional"])
        #expect(inputs["x"] == .tensor(elementType: .float32, shape: [.symbolic("batch"), .fixed(3)]))
        #expect(inputs["unknown_dims"] == .tensor(elementType: .int64, shape: [.unknown, .fixed(2)]))
        #expect(inputs["no_shape"] == .tensor(elementType: .float64, shape: nil))
        #expect(inputs["narrow"] == .tensor(elementType: .int32, shape: [.fixed(4)]))  // UINT8 widens
        #expect(inputs["bf16"] == .unsupported("tensor(BFLOAT16)"))
        #expect(inputs["optional"] == .optional(.tensor(elementType: .float32, shape: [.fixed(1)])))

        let outputs = Dictionary(uniqueKeysWithValues: model.graph.outputs.map { ($0.name, $0.type) })
        #expect(outputs["label"] == .tensor(elementType: .int64, shape: [.symbolic("batch")]))
        #expect(outputs["probabilities"] == .sequence(.map(key: .int64, value: .tensor(elementType: .float32, shape: []))))
        #expect(outputs["probabilities_str"] == .sequence(.map(key: .string, value: .tensor(elementType: .float32, shape: []))))
        #expect(model.graph.valueInfo.first?.type == .tensor(elementType: .float32, shape: [.symbolic("batch"), .fixed(2)]))

        let zipmap = try #require(model.graph.nodes.first { $0.name == "zipmap" })
        #expect(zipmap.domain == "ai.onnx.ml")
        guard case .ints([0, 1])? = zipmap.attributes["classlabels_int64s"] else {
            Issue.record("ZipMap labels")
            return
        }
        #expect(model.graph.nodes.last?.name == "Identity_3")
        #expect(model.graph.initializers["coef"]?.shape == [2, 3])
    }

    @Test func legacyModelIR2() throws {
        let model = try ONNXReader.read(contentsOf: Self.fixture("legacy.onnx"))
        #expect(model.irVersion == 2)
        #expect(model.opsetImports == ["": 1], "no opset_import before IR 3 means ai.onnx opset 1")
        #expect(model.graph.inputs.map(\.name) == ["x"], "initializers listed as inputs are not inputs")
        #expect(model.graph.initializers.keys.sorted() == ["w"])
        let node = try #require(model.graph.nodes.first)
        #expect(node.name == "Scale_0")
        guard case .float(2.0)? = node.attributes["scale"], case .ints([0, 1])? = node.attributes["axes"],
              case .string("fast")? = node.attributes["mode"] else {
            Issue.record("attribute kinds inferred from the value field: \(node.attributes)")
            return
        }
    }

    @Test func sparseTensorAttributeIsRejectedByName() {
        guard case .invalidNode("sparse_const", "Constant", let reason)? = Self.readError("sparse_attribute.onnx") else {
            Issue.record("sparse attribute must throw invalidNode")
            return
        }
        #expect(reason.contains("sparse_value"), "\(reason)")
    }

    @Test func invalidUTF8IsReplaced() throws {
        // Patch the node name "gemm" to "g\xFFmm" and the string tensor "héllo" to "h\xFF\xFEllo": same lengths,
        // so the protobuf stays valid.
        var small = try Self.bytes("small.onnx")
        try #require(Self.replace(Array("gemm".utf8), with: [0x67, 0xFF, 0x6D, 0x6D], in: &small))
        let model = try ONNXReader.read(bytes: small, modelDirectory: nil)
        #expect(model.graph.nodes.first?.name == "g\u{FFFD}mm")

        var inits = try Self.bytes("initializers.onnx")
        try #require(Self.replace(Array("héllo".utf8), with: [0x68, 0xFF, 0xFE, 0x6C, 0x6C, 0x6F], in: &inits))
        let strings = try ONNXReader.read(bytes: inits, modelDirectory: nil).graph.initializers["str_typed"]?.strings()
        #expect(strings?[1] == "h\u{FFFD}\u{FFFD}llo")
    }

    static func replace(_ pattern: [UInt8], with replacement: [UInt8], in bytes: inout [UInt8]) -> Bool {
        guard pattern.count == replacement.count, bytes.count >= pattern.count else { return false }
        for i in 0...(bytes.count - pattern.count) where Array(bytes[i..<i + pattern.count]) == pattern {
            bytes.replaceSubrange(i..<i + pattern.count, with: replacement)
            return true
        }
        return false
    }

    // MARK: - Hostile input

    @Test func missingFileIsUnreadable() {
        let missing = Self.fixture("does-not-exist.onnx")
        #expect(Self.readError { try ONNXReader.read(contentsOf: missing) } == .unreadableFile(path: missing.path, reason: "no such file"))
        #expect(Self.readError { try ONNXReader.read(contentsOf: Self.fixtures) } == .unreadableFile(path: Self.fixtures.path, reason: "is a directory"))
    }

    @Test(arguments: ["small.onnx", "initializers.onnx"])
    func everyTruncationThrows(name: String) throws {
        let bytes = try Self.bytes(name)
        // Every cut of small.onnx; every 3rd of the larger file, plus the last 64 bytes.
        let step = bytes.count < 1000 ? 1 : 3
        let cuts = Set(Array(stride(from: 0, to: bytes.count, by: step)) + Array(max(0, bytes.count - 64)..<bytes.count))
        for cut in cuts.sorted() {
            let error = Self.readError { try ONNXReader.read(bytes: Array(bytes[..<cut]), modelDirectory: nil, path: "\(name)[..<\(cut)]") }
            guard case .malformedModel(let path, _)? = error else {
                Issue.record("\(name) cut at \(cut) of \(bytes.count): expected malformedModel, got \(String(describing: error))")
                continue
            }
            #expect(path == "\(name)[..<\(cut)]")
        }
    }

    @Test func randomBytesThrow() {
        var rng = SplitMix64(seed: 0x0_1CE)
        for trial in 0..<300 {
            let count = Int.random(in: 1...4096, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do {
                _ = try ONNXReader.read(bytes: bytes, modelDirectory: nil, path: "random-\(trial)")
                Issue.record("random buffer \(trial) (\(count) bytes) was read as a model")
            } catch is ONNXError {
            } catch {
                Issue.record("random buffer \(trial): non-ONNX error \(error)")
            }
        }
    }

    @Test func mutatedModelsNeverCrash() throws {
        // Flip a few bytes of a valid model: the read may succeed or throw an ONNXError, but never trap.
        let original = try Self.bytes("small.onnx")
        var rng = SplitMix64(seed: 7)
        var failures = 0
        for trial in 0..<2000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            do {
                _ = try ONNXReader.read(bytes: bytes, modelDirectory: nil, path: "mutation-\(trial)")
            } catch is ONNXError {
                failures += 1
            } catch {
                Issue.record("mutation \(trial): non-ONNX error \(error)")
            }
        }
        #expect(failures > 0)
    }

    @Test func deeplyNestedSubgraphsAreRefusedNotOverflowed() {
        let bytes = Self.nestedIfModel(depth: 10_000)
        let error = Self.readError { try ONNXReader.read(bytes: bytes, modelDirectory: nil, path: "deep.onnx") }
        guard case .malformedModel("deep.onnx", let reason)? = error else {
            Issue.record("expected malformedModel for depth, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("deeper than 64"), "\(reason)")
    }

    @Test func moderatelyNestedSubgraphsLoad() throws {
        // 20 nested Ifs: 60 message levels under ModelProto plus the graph itself, within the default 64.
        let model = try ONNXReader.read(bytes: Self.nestedIfModel(depth: 20), modelDirectory: nil)
        var graph = model.graph
        var depth = 0
        while case .graph(let inner)? = graph.nodes.first?.attributes["then_branch"] {
            graph = inner
            depth += 1
        }
        #expect(depth == 20)
        #expect(model.graph.nodes.first?.name == "If_0")
    }

    /// A `ModelProto` whose graph holds an `If` whose `then_branch` holds an `If` ... `depth` times, written as raw
    /// protobuf. Each level puts the nested message last, so lengths are computed inside-out and bytes written
    /// outside-in in O(size).
    static func nestedIfModel(depth: Int) -> [UInt8] {
        typealias P = Proto
        let attributeHead = P.field(1, "then_branch") + P.varintField(20, 5)  // name, type = GRAPH
        let nodeHead = P.field(4, "If")  // op_type
        // Inside-out lengths: graphLength[0] is the innermost (empty) graph.
        var graphLength = [0]
        var attributeLength = [0]
        var nodeLength = [0]
        for level in 1...max(depth, 1) {
            let inner = graphLength[level - 1]
            attributeLength.append(attributeHead.count + P.tag(6, 2).count + P.varint(inner).count + inner)
            nodeLength.append(nodeHead.count + P.tag(5, 2).count + P.varint(attributeLength[level]).count + attributeLength[level])
            graphLength.append(P.tag(1, 2).count + P.varint(nodeLength[level]).count + nodeLength[level])
        }
        var out = P.varintField(1, 10) + P.tag(7, 2) + P.varint(graphLength[depth])  // ir_version, graph
        for level in stride(from: depth, through: 1, by: -1) {
            out += P.tag(1, 2) + P.varint(nodeLength[level])  // GraphProto.node
            out += nodeHead + P.tag(5, 2) + P.varint(attributeLength[level])  // NodeProto.attribute
            out += attributeHead + P.tag(6, 2) + P.varint(graphLength[level - 1])  // AttributeProto.g
        }
        return out + P.opsetImport
    }

    @Test func loadedTensorBytesAreLimited() throws {
        // 2^20 floats of external data: a tiny protobuf, 4 MiB of tensor.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(count: 4 << 20).write(to: dir.appendingPathComponent("big.bin"))
        let tensor = Proto.varintField(1, 1 << 20) + Proto.varintField(2, 1) + Proto.field(8, "w")
            + Proto.varintField(14, 1) + Proto.field(13, Proto.field(1, "location") + Proto.field(2, "big.bin"))
        let model = Proto.model(graph: Proto.field(2, "g") + Proto.field(5, tensor))
        try Data(model).write(to: dir.appendingPathComponent("big.onnx"))
        let url = dir.appendingPathComponent("big.onnx")

        #expect(try ONNXReader.read(contentsOf: url).graph.initializers["w"]?.count == 1 << 20)
        guard case .limitExceeded(let total, 4 << 20, 1 << 20)? = Self.readError(limits: .init(maxTotalBytes: 1 << 20), {
            try ONNXReader.read(contentsOf: url, limits: .init(maxTotalBytes: 1 << 20))
        }) else {
            Issue.record("maxTotalBytes over loaded tensors")
            return
        }
        #expect(total.contains("total tensor bytes"), "\(total)")
        #expect(Self.readError { try ONNXReader.read(contentsOf: url, limits: .init(maxTensorBytes: 1 << 20)) }
                == .limitExceeded(what: "tensor 'w': size in bytes", value: 4 << 20, limit: 1 << 20))
    }

    @Test func emptySubmessageFloodIsBoundedBeforeUnpacking() throws {
        // 100,000 empty ValueInfoProtos: 200 KB of file, about 10 MB once protobuf-c unpacks it.
        let flood = Array([[UInt8]](repeating: [0x6A, 0x00], count: 100_000).joined())  // GraphProto.value_info, length 0
        let bytes = Proto.model(graph: Proto.field(2, "g") + flood)
        guard case .limitExceeded(let what, let value, 4_000_000)? = Self.readError({
            try ONNXReader.read(bytes: bytes, modelDirectory: nil, limits: .init(maxTotalBytes: 4_000_000))
        }) else {
            Issue.record("a flood of empty messages must exceed maxTotalBytes")
            return
        }
        #expect(what.contains("unpack") && value > 4_000_000, "\(what) \(value)")
        #expect(try ONNXReader.read(bytes: bytes, modelDirectory: nil).graph.valueInfo.count == 100_000)
    }

    @Test func errorsNameTheFile() throws {
        var bytes = try Self.bytes("small.onnx")
        bytes.removeLast(3)
        let error = Self.readError { try ONNXReader.read(bytes: bytes, modelDirectory: nil, path: "models/cut.onnx") }
        #expect(error?.description.contains("models/cut.onnx") == true, "\(String(describing: error))")
    }
}

/// Raw protobuf encoding, for models onnx.helper would not write (or that would be too large to commit).
enum Proto {
    static func varint(_ value: Int) -> [UInt8] {
        var v = UInt64(value)
        var out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        return out + [UInt8(v)]
    }

    static func tag(_ field: Int, _ wire: Int) -> [UInt8] { varint(field << 3 | wire) }
    static func varintField(_ field: Int, _ value: Int) -> [UInt8] { tag(field, 0) + varint(value) }
    static func field(_ field: Int, _ payload: [UInt8]) -> [UInt8] { tag(field, 2) + varint(payload.count) + payload }
    static func field(_ field: Int, _ text: String) -> [UInt8] { self.field(field, Array(text.utf8)) }

    /// `opset_import { domain: "" version: 21 }`.
    static let opsetImport = field(8, field(1, "") + varintField(2, 21))

    /// A `ModelProto` with IR 10, the given serialized `GraphProto` and ai.onnx opset 21.
    static func model(graph: [UInt8]) -> [UInt8] { varintField(1, 10) + field(7, graph) + opsetImport }
}
