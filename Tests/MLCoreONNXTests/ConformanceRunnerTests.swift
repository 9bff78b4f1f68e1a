import Foundation
import MLBench
import MLCoreONNX
import MLCoreTensor
import Testing

/// The conformance runner's comparison rule, `ONNXReader.readTensor`, and a run over case folders built here
/// (an Add model written with ``Proto``, inputs and expected outputs as hand-encoded TensorProtos).
@Suite struct ConformanceRunnerTests {
    let rule = ConformanceComparison()

    func floats(_ values: [Float], _ shape: Shape? = nil) throws -> Tensor {
        try Tensor(shape: shape ?? [values.count], scalars: values)
    }

    // MARK: - Comparison

    @Test func defaultTolerancesAreONNXs() {
        #expect(rule.rtol == 1e-3 && rule.atol == 1e-7)
    }

    @Test(arguments: [
        // (actual, expected, matches): |a - e| <= 1e-7 + 1e-3 * |e|
        (1000.9, 1000.0, true), (1001.1, 1000.0, false), (-1000.9, -1000.0, true),
        (1e-7, 0.0, true), (2e-7, 0.0, false), (1.0, 1.0, true),
        (Double.nan, Double.nan, true), (Double.nan, 1.0, false), (1.0, Double.nan, false),
        (Double.infinity, Double.infinity, true), (-Double.infinity, Double.infinity, false),
        (Double.infinity, 1e300, false),
    ])
    func allcloseRule(actual: Double, expected: Double, matches: Bool) {
        #expect(rule.matches(actual, expected) == matches, "actual \(actual) expected \(expected)")
    }

    @Test func floatTensors() throws {
        #expect(rule.mismatch(actual: try floats([1, .nan, 3.002]), expected: try floats([1, .nan, 3])) == nil)
        let message = rule.mismatch(actual: try floats([1, 2.1, 3]), expected: try floats([1, 2, 3]))
        #expect(message?.contains("1 of 3") == true && message?.contains("index 1") == true, "\(message ?? "nil")")
        let doubles = try Tensor(shape: [2], scalars: [1.0, 2.0 + 1e-12])
        #expect(rule.mismatch(actual: doubles, expected: try Tensor(shape: [2], scalars: [1.0, 2.0])) == nil)
    }

    @Test func shapesAndElementTypesMustMatch() throws {
        let message = rule.mismatch(actual: try floats([1, 2, 3, 4, 5, 6], [2, 3]), expected: try floats([1, 2, 3, 4, 5, 6], [3, 2]))
        #expect(message?.contains("shape [2, 3], expected [3, 2]") == true, "\(message ?? "nil")")
        // A scalar is not a one-element vector.
        #expect(rule.mismatch(actual: try floats([1], []), expected: try floats([1], [1])) != nil)
        let typed = rule.mismatch(actual: try Tensor(shape: [1], scalars: [Int64(1)]), expected: try Tensor(shape: [1], scalars: [Int32(1)]))
        #expect(typed?.contains("element type int64, expected int32") == true, "\(typed ?? "nil")")
    }

    @Test func integersBooleansAndStringsCompareExactly() throws {
        let big = try Tensor(shape: [2], scalars: [Int64(1) << 40, 7])
        #expect(rule.mismatch(actual: big, expected: big) == nil)
        // Within rtol of a large value, but integers are exact.
        let message = rule.mismatch(actual: try Tensor(shape: [2], scalars: [(Int64(1) << 40) + 1, 7]), expected: big)
        #expect(message?.contains("exact") == true, "\(message ?? "nil")")
        #expect(rule.mismatch(actual: try Tensor(shape: [1], scalars: [Int32(3)]), expected: try Tensor(shape: [1], scalars: [Int32(4)])) != nil)
        #expect(rule.mismatch(actual: try Tensor(shape: [2], scalars: [true, false]), expected: try Tensor(shape: [2], scalars: [true, true])) != nil)
        #expect(rule.mismatch(actual: try Tensor(shape: [1], strings: ["a"]), expected: try Tensor(shape: [1], strings: ["a"])) == nil)
        #expect(rule.mismatch(actual: try Tensor(shape: [1], strings: ["a"]), expected: try Tensor(shape: [1], strings: ["b"])) != nil)
    }

    // MARK: - TensorProto files

    /// A float TensorProto with `dims`, `data_type`, `name` and little-endian `raw_data`.
    static func tensorProto(_ name: String, _ values: [Float], dims: [Int]) -> [UInt8] {
        let raw = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
        return dims.flatMap { Proto.varintField(1, $0) } + Proto.varintField(2, 1) + Proto.field(8, name) + Proto.field(9, raw)
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func readTensorFile() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("input_0.pb")
        try Data(Self.tensorProto("x", [1, 2, 3, 4, 5, 6], dims: [2, 3])).write(to: file)
        let (name, tensor) = try ONNXReader.readNamedTensor(contentsOf: file)
        #expect(name == "x")
        #expect(tensor.shape == [2, 3])
        #expect(try tensor.scalars(as: Float.self) == [1, 2, 3, 4, 5, 6])
        #expect(try ONNXReader.readTensor(contentsOf: file).elementsEqual(tensor))

        // The tensor checks apply: 6 declared elements, 5 present.
        let short = Self.tensorProto("x", [1, 2, 3, 4, 5], dims: [2, 3])
        #expect(throws: ONNXError.tensorDataMismatch(tensor: "x", declared: 6, actual: 5)) {
            try ONNXReader.readNamedTensor(bytes: short, directory: nil)
        }
        // So do the limits.
        #expect(throws: ONNXError.self) {
            try ONNXReader.readNamedTensor(bytes: Self.tensorProto("x", [1, 2, 3, 4, 5, 6], dims: [2, 3]), directory: nil,
                                           limits: .init(maxTensorBytes: 16))
        }
    }

    @Test func nonTensorProtosThrowAClearError() throws {
        // SequenceProto { name: "seq", elem_type: TENSOR, tensor_values: [float[2]] }, as ONNX writes sequence data.
        let sequence = Proto.field(1, "seq") + Proto.varintField(2, 1) + Proto.field(3, Self.tensorProto("t", [1, 2], dims: [2]))
        do {
            _ = try ONNXReader.readNamedTensor(bytes: sequence, directory: nil, path: "output_0.pb")
            Issue.record("a SequenceProto must not read as a tensor")
        } catch let error as ONNXError {
            guard case .malformedModel(let path, let reason) = error else {
                Issue.record("expected malformedModel, got \(error)")
                return
            }
            #expect(path == "output_0.pb" && reason.contains("SequenceProto"), "\(reason)")
        }
        #expect(throws: ONNXError.malformedModel(path: "<memory>", reason: "the file is empty")) {
            try ONNXReader.readNamedTensor(bytes: [], directory: nil)
        }
    }

    // MARK: - Runner

    /// `ValueInfoProto` of a float tensor `[3]`.
    static func valueInfo(_ name: String) -> [UInt8] {
        let shape = Proto.field(1, Proto.varintField(1, 3))
        return Proto.field(1, name) + Proto.field(2, Proto.field(1, Proto.varintField(1, 1) + Proto.field(2, shape)))
    }

    /// A model with one node `op(a, b) -> c` over float[3].
    static func model(op: String) -> [UInt8] {
        let node = Proto.field(1, "a") + Proto.field(1, "b") + Proto.field(2, "c") + Proto.field(3, "n0") + Proto.field(4, op)
        let graph = Proto.field(1, node) + Proto.field(2, "g") + Proto.field(11, valueInfo("a")) + Proto.field(11, valueInfo("b"))
            + Proto.field(12, valueInfo("c"))
        return Proto.model(graph: graph)
    }

    static func writeCase(_ root: URL, _ name: String, op: String, expected: [Float]) throws {
        let data = root.appendingPathComponent(name).appendingPathComponent("test_data_set_0")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data(model(op: op)).write(to: root.appendingPathComponent(name).appendingPathComponent("model.onnx"))
        // Empty names, as some ONNX test data has: inputs are matched by position.
        try Data(tensorProto("", [1, 2, 3], dims: [3])).write(to: data.appendingPathComponent("input_0.pb"))
        try Data(tensorProto("", [10, 20, 30], dims: [3])).write(to: data.appendingPathComponent("input_1.pb"))
        try Data(tensorProto("c", expected, dims: [3])).write(to: data.appendingPathComponent("output_0.pb"))
    }

    @Test func runsCaseFolders() throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.writeCase(root, "test_add", op: "Add", expected: [11, 22, 33.01])  // within rtol
        try Self.writeCase(root, "test_add_wrong", op: "Add", expected: [11, 22, 34])
        try Self.writeCase(root, "test_nosuchop", op: "NoSuchOp", expected: [0, 0, 0])
        try FileManager.default.createDirectory(at: root.appendingPathComponent("not_a_case"), withIntermediateDirectories: true)

        let runner = ConformanceRunner(directory: root, options: .init(threads: 1))
        #expect(try runner.caseNames() == ["test_add", "test_add_wrong", "test_nosuchop"])
        let report = try runner.run()
        #expect(report.cases.map(\.status) == [.passed, .failed, .unsupported], "\(report.cases)")
        #expect((report.total, report.passed, report.failed, report.unsupported) == (3, 1, 1, 1))
        #expect(report.cases[1].group == "Add: wrong output values", "\(report.cases[1])")
        #expect(report.cases[1].reason.contains("index 2"), "\(report.cases[1].reason)")
        #expect(report.cases[2].group == "operator NoSuchOp not implemented", "\(report.cases[2])")
        #expect(report.cases.map(\.opTypes) == [["Add"], ["Add"], ["NoSuchOp"]])
        // Add is a required operator, NoSuchOp is not.
        #expect((report.requiredOpsCases, report.requiredOpsPassed) == (2, 1))
        #expect(report.perOperator["Add"] == {
            var c = ConformanceCounts()
            (c.cases, c.passed, c.failed) = (2, 1, 1)
            return c
        }())
        #expect(report.slowest.count == 3)

        let filtered = try ConformanceRunner(directory: root, filter: "wrong", options: .init(threads: 1)).run()
        #expect(filtered.cases.map(\.name) == ["test_add_wrong"])

        // The JSON has the fields the issue asks for.
        let json = try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any]
        for key in ["total", "passed", "failed", "unsupported", "required_ops_cases", "required_ops_passed", "per_operator", "cases"] {
            #expect(json?[key] != nil, "missing \(key)")
        }
        let firstCase = (json?["cases"] as? [[String: Any]])?.first
        let caseKeys = Set(firstCase.map { Array($0.keys) } ?? [])
        #expect(caseKeys.isSuperset(of: ["name", "status", "reason", "seconds", "op_types"]), "\(caseKeys)")
        #expect(try ConformanceReport.decode(report.jsonData()).cases == report.cases)
    }
}
