import Foundation
@testable import MLBench
import Testing

/// `bench predict` / `bench inference` inputs and outputs: `--feed NAME=FILE`, `.npy` / `.json` tensors, the CSV
/// with `--label`, `--output-dir`, and the multi-input errors. Models and expected values come from
/// `scripts/fixtures/make_bench_cli_fixtures.py` (onnxruntime's outputs).
@Suite struct PredictFeedTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/cli")
    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlbench-predict-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func session(_ name: String) throws -> InferenceSession {
        try InferenceSession(contentsOf: fixture(name), options: SessionOptions(threads: 1))
    }

    /// What the `bench predict` command does after parsing: read the feeds, run, keep every output.
    static func predict(_ model: String, csv: URL? = nil, label: String? = nil, feeds: [String]) throws -> BatchPrediction {
        let session = try session(model)
        return try BatchPrediction(session: session, feeds: ModelFeeds(session: session, csv: csv, label: label,
                                                                       feeds: FeedArgument.parse(feeds)))
    }

    static func errorText(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "(no error)"
        } catch {
            return "\(error)"
        }
    }

    // MARK: --feed parsing

    @Test func feedSplitsAtTheFirstEquals() throws {
        let f = try FeedArgument(parsing: "x=runs/a=b/x=1.npy")
        #expect(f.input == "x" && f.file.path.hasSuffix("runs/a=b/x=1.npy"), "\(f)")
        let g = try FeedArgument(parsing: "input:0=/tmp/v.json")
        #expect(g.input == "input:0" && g.file.path == "/tmp/v.json", "\(g)")
        for bad in ["x", "=x.npy", "x="] {
            #expect(throws: BenchError.self, "\(bad)") { try FeedArgument(parsing: bad) }
        }
        let twice = Self.errorText { _ = try FeedArgument.parse(["a=1.npy", "a=2.npy"]) }
        #expect(twice.contains("'a' is fed twice") && twice.contains("1.npy") && twice.contains("2.npy"), "\(twice)")
    }

    // MARK: files

    /// Every element type `.npy` carries (the table new types are added to), rank 0 to 4, written by MLCore and read
    /// back as `bench predict` reads feeds; the fixtures written by NumPy read as their declared types.
    @Test func npyRoundTripForEveryElementType() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func values<T: TensorScalar>(_: T.Type, _ count: Int) -> [T] {
            (0..<count).map { i -> T in
                if T.self == Bool.self { return (i % 3 == 0) as! T }
                if let I = T.self as? any FixedWidthInteger.Type { return I.init(truncatingIfNeeded: i * 37 - 50) as! T }
                if let F = T.self as? any BinaryFloatingPoint.Type { return F.init(Double(i) * 0.75 - 3.5) as! T }
                if T.self == Half.self { return Half(Float(i) * 0.75 - 3.5) as! T }
                fatalError("no test values for \(T.self)")
            }
        }
        for entry in NpyHeader.elementTypes {
            for shape in [[], [5], [2, 3], [2, 1, 2, 3], [0, 4]] as [[Int]] {
                func make<T: TensorScalar>(_ t: T.Type) throws -> Tensor {
                    try Tensor(shape: Shape(shape), scalars: values(T.self, shape.reduce(1, *)))
                }
                let t = try make(entry.scalar)
                let written = try TensorFile.write(t, base: dir.appendingPathComponent("\(entry.dtype)_\(shape.count)"))
                #expect(written.pathExtension == "npy")
                let bytes = [UInt8](try Data(contentsOf: written))
                #expect(String(decoding: bytes.prefix(64), as: UTF8.self).contains("'descr': '\(entry.descr)'"), "\(entry.dtype) \(shape)")
                let back = try TensorFile.read(written)
                #expect(back.elementsEqual(t), "\(entry.dtype) \(shape): \(back)")
            }
        }
        #expect(try TensorFile.read(Self.fixture("three_a.npy")).dtype == .float32)
        #expect(try TensorFile.read(Self.fixture("three_b.npy")).scalars(as: Int64.self).count == 5)
        #expect(try TensorFile.read(Self.fixture("three_c.npy")).scalars(as: Bool.self) == [true, false, true, true, false])
    }

    @Test func jsonStringsRoundTripWithTheirShape() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try Tensor(shape: [2, 3], strings: ["a", "b=c", "", "é", "\"q\"", "x y"])
        let url = try TensorFile.write(t, base: dir.appendingPathComponent("s"))
        #expect(url.pathExtension == "json")
        let back = try TensorFile.read(url)
        #expect(try back.shape == [2, 3] && back.strings() == t.strings())
        let file = dir.appendingPathComponent("bad.json")
        for (text, message) in [("[[\"a\"], [\"b\", \"c\"]]", "rectangular"), ("[1, 2]", "not a string"), ("{\"a\": 1}", "expected a JSON array")] {
            try text.write(to: file, atomically: true, encoding: .utf8)
            let e = Self.errorText { _ = try TensorFile.read(file) }
            #expect(e.contains(message) && e.contains("bad.json"), "\(text): \(e)")
        }
    }

    // MARK: models

    /// A 4-D image batch through a Conv + Relu model, as `bench predict --feed image=X.npy --output-dir` runs it.
    @Test func imageBatchThroughConv() throws {
        let p = try Self.predict("conv_image.onnx", feeds: ["image=\(Self.fixture("conv_image.npy").path)"])
        let expected = try TensorFile.read(Self.fixture("conv_features.npy"))
        let got = try #require(p.outputs["features"]?.tensor)
        #expect(got.shape == [3, 2, 5, 5])
        let diff = zip(try got.scalars(as: Float.self), try expected.scalars(as: Float.self)).map { abs($0 - $1) }.max() ?? 0
        #expect(diff <= 1e-5, "max |diff| \(diff) against onnxruntime")

        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try p.writeOutputs(to: dir.appendingPathComponent("out"))
        #expect(written.map(\.file.lastPathComponent) == ["features.npy"])
        #expect(try TensorFile.read(written[0].file).elementsEqual(got))
    }

    /// float32, int64 and bool inputs; a float and an int64 output, the latter named `label/index`.
    @Test func threeInputsMatchOnnxruntime() throws {
        let feeds = ["a", "b", "c"].map { "\($0)=\(Self.fixture("three_\($0).npy").path)" }
        let p = try Self.predict("three_inputs.onnx", feeds: feeds)
        let sum = try #require(p.outputs["sum"]?.tensor)
        let expected = try TensorFile.read(Self.fixture("three_sum.npy"))
        let diff = zip(try sum.scalars(as: Float.self), try expected.scalars(as: Float.self)).map { abs($0 - $1) }.max() ?? 0
        #expect(sum.shape == [5, 3] && diff <= 1e-6, "max |diff| \(diff)")
        let index = try #require(p.outputs["label/index"]?.tensor)
        #expect(try index.scalars(as: Int64.self) == TensorFile.read(Self.fixture("three_index.npy")).scalars(as: Int64.self))

        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try p.writeOutputs(to: dir)
        #expect(written.map(\.file.lastPathComponent) == ["sum.npy", "label_index.npy"], "\(written.map(\.file.path))")
        #expect(written.map(\.output) == ["sum", "label/index"])
        // The CSV form is unchanged: the probabilities-like output, NAME_i columns.
        let csv = try p.csv(outputName: nil)
        #expect(csv.hasPrefix("sum_0,sum_1,sum_2\n") && csv.split(separator: "\n").count == 6, "\(csv)")
        #expect(try p.csv(outputName: "label/index").hasPrefix("label/index_0\n"))
    }

    @Test func stringInputFromJSONAndStringOutputToJSON() throws {
        let p = try Self.predict("strings.onnx", feeds: ["s=\(Self.fixture("strings.json").path)"])
        #expect(try p.outputs["code"]?.tensor?.scalars(as: Int64.self) == TensorFile.read(Self.fixture("strings_code.npy")).scalars(as: Int64.self))
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try p.writeOutputs(to: dir)
        #expect(written.map(\.file.lastPathComponent) == ["code.npy", "echo.json"])
        #expect(try TensorFile.read(dir.appendingPathComponent("echo.json")).strings() == ["dog", "emu", "yak", "cat"])
    }

    @Test func outputFileNamesAreSanitizedOnlyWhereNeeded() {
        #expect(BatchPrediction.fileName(for: "probabilities") == "probabilities")
        #expect(BatchPrediction.fileName(for: "output:0") == "output:0")
        #expect(BatchPrediction.fileName(for: "a/b\\c\nd") == "a_b_c_d")
        #expect(BatchPrediction.fileName(for: "..") == "_" && BatchPrediction.fileName(for: "") == "_")
    }

    // MARK: CSV

    /// A training CSV (features + label) fed with --label: the label column is dropped before feeding.
    @Test func labelColumnIsDroppedFromTheCSV() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("train.csv")
        try "f0,y,f1,f2\n1,0,2,3\n4,1,5,6\n".write(to: csv, atomically: true, encoding: .utf8)
        let b = dir.appendingPathComponent("b.npy"), c = dir.appendingPathComponent("c.npy")
        try Npy.write(try Tensor(shape: [2, 1], scalars: [10, 20] as [Int64]), to: b)
        try Npy.write(try Tensor(shape: [2, 1], scalars: [true, true]), to: c)
        let p = try Self.predict("three_inputs.onnx", csv: csv, label: "y", feeds: ["b=\(b.path)", "c=\(c.path)"])
        #expect(try p.outputs["sum"]?.tensor?.scalars(as: Float.self) == [11, 12, 13, 24, 25, 26])

        let absent = Self.errorText { _ = try Self.predict("three_inputs.onnx", csv: csv, label: "label", feeds: ["b=\(b.path)", "c=\(c.path)"]) }
        #expect(absent.contains("train.csv") && absent.contains("no column 'label'") && absent.contains("f0, y, f1, f2"), "\(absent)")
        let kept = Self.errorText { _ = try Self.predict("three_inputs.onnx", csv: csv, feeds: ["b=\(b.path)", "c=\(c.path)"]) }
        #expect(kept.contains("expects 3 features") && kept.contains("4 columns") && kept.contains("--label"), "\(kept)")
    }

    /// A CSV for a model with several inputs: it feeds the first one, and the error names the others and how to feed them.
    @Test func csvAloneForSeveralInputsSaysWhatIsMissing() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("x.csv")
        try "f0,f1,f2\n1,2,3\n".write(to: csv, atomically: true, encoding: .utf8)
        let e = Self.errorText { _ = try Self.predict("three_inputs.onnx", csv: csv, feeds: []) }
        #expect(e.contains("the model has 3 inputs"), "\(e)")
        #expect(e.contains("fed: 'a' from x.csv"), "\(e)")
        #expect(e.contains("missing: 'b' (int64[N, 1]), 'c' (bool[N, 1])"), "\(e)")
        #expect(e.contains("--feed b=b.npy --feed c=c.npy"), "\(e)")

        let nothing = Self.errorText { _ = try Self.predict("three_inputs.onnx", feeds: ["b=\(Self.fixture("three_b.npy").path)"]) }
        #expect(nothing.contains("missing: 'a' (float32[N, 3]), 'c' (bool[N, 1])"), "\(nothing)")
        let all = Self.errorText {
            _ = try Self.predict("conv_image.onnx", csv: csv, feeds: ["image=\(Self.fixture("conv_image.npy").path)"])
        }
        #expect(all.contains("every model input is already fed"), "\(all)")
    }

    @Test func feedsMustAgreeOnTheSampleAxisAndTheirTypes() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c3 = dir.appendingPathComponent("c3.npy"), b64 = dir.appendingPathComponent("b.npy"), s = dir.appendingPathComponent("s.npy")
        try Npy.write(try Tensor(shape: [3, 1], scalars: [true, false, true]), to: c3)
        try Npy.write(try Tensor(shape: [5, 1], scalars: [1, 2, 3, 4, 5] as [Double]), to: b64)
        try Npy.write(Tensor(scalar: Int64(1)), to: s)
        let a = "a=\(Self.fixture("three_a.npy").path)", b = "b=\(Self.fixture("three_b.npy").path)"
        let count = Self.errorText { _ = try Self.predict("three_inputs.onnx", feeds: [a, b, "c=\(c3.path)"]) }
        #expect(count.contains("'a' has 5") && count.contains("'c' has 3") && count.contains("c3.npy"), "\(count)")
        let type = Self.errorText { _ = try Self.predict("three_inputs.onnx", feeds: [a, "b=\(b64.path)", "c=\(Self.fixture("three_c.npy").path)"]) }
        #expect(type.contains("holds float64[5, 1]") && type.contains("int64[N, 1]"), "\(type)")
        let scalar = Self.errorText { _ = try Self.predict("three_inputs.onnx", feeds: [a, "b=\(s.path)", "c=\(Self.fixture("three_c.npy").path)"]) }
        #expect(scalar.contains("rank 0") && scalar.contains("declares rank 2") && scalar.contains("s.npy"), "\(scalar)")
        let unknown = Self.errorText { _ = try Self.predict("three_inputs.onnx", feeds: ["z=\(c3.path)"]) }
        #expect(unknown.contains("no input 'z'") && unknown.contains("'a' (float32[N, 3])"), "\(unknown)")
    }

    // MARK: inference

    /// Records what each query feeds, then runs it.
    final class RecordingSystem: SystemUnderTest {
        let inner: ONNXSystem
        var batches: [([Int], [String: Tensor])] = []
        init(_ inner: ONNXSystem) { self.inner = inner }
        var name: String { inner.name }
        var sampleCount: Int { inner.sampleCount }
        func loadSamples(_ indices: [Int]) { inner.loadSamples(indices) }
        func issue(_ query: [Int]) throws {
            batches.append((query, try inner.batch(query)))
            try inner.issue(query)
        }
    }

    /// Every scenario's query of k samples feeds the same k rows of every input (gathered when it wraps around).
    @Test(arguments: Scenario.allCases)
    func inferenceQueriesSliceEveryInput(scenario: Scenario) throws {
        let session = try Self.session("three_inputs.onnx")
        let feeds = try ModelFeeds(session: session, csv: nil, feeds: FeedArgument.parse(["a", "b", "c"].map {
            "\($0)=\(Self.fixture("three_\($0).npy").path)"
        }))
        let sut = RecordingSystem(try ONNXSystem(session: session, feeds: feeds))
        let settings = TestSettings(scenario: scenario, minDuration: 0, minQueries: 4, latencyBound: 1, samplesPerQuery: scenario == .multiStream ? 3 : nil,
                                    warmupQueries: 1)
        _ = try LoadGenerator(clock: ManualClock()).run(sut, settings: settings)
        #expect(!sut.batches.isEmpty)
        let a = try feeds.all["a"]!.scalars(as: Float.self), b = try feeds.all["b"]!.scalars(as: Int64.self)
        let c = try feeds.all["c"]!.scalars(as: Bool.self)
        var sawWrap = false
        for (query, batch) in sut.batches {
            let k = scenario == .offline ? 5 : settings.samplesPerQuery
            #expect(query.count == k, "\(scenario): query \(query)")
            sawWrap = sawWrap || query != Array(query.first!..<query.first! + query.count)
            #expect(batch["a"]?.shape == [k, 3] && batch["b"]?.shape == [k, 1] && batch["c"]?.shape == [k, 1], "\(scenario): \(query)")
            #expect(try batch["a"]!.scalars(as: Float.self) == query.flatMap { a[$0 * 3..<$0 * 3 + 3] }, "\(scenario): \(query)")
            #expect(try batch["b"]!.scalars(as: Int64.self) == query.map { b[$0] }, "\(scenario): \(query)")
            #expect(try batch["c"]!.scalars(as: Bool.self) == query.map { c[$0] }, "\(scenario): \(query)")
        }
        if scenario == .multiStream { #expect(sawWrap, "3-sample queries over 5 samples wrap around") }
    }
}
