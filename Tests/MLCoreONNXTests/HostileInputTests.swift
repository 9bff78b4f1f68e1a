import Foundation
import MLCoreONNX
import MLCoreTensor
import MLCoreTestSupport
import Testing

/// Hostile models, in one place: each must give its own clear ``ONNXError`` through ``InferenceSession``, the way
/// a service would load it, never a trap or an unbounded allocation. Fixtures: `Fixtures/hostile/` (written by
/// `scripts/fixtures/make_hostile_fixtures.py`), plus the reader fixtures that already cover a case
/// (`Fixtures/reader/`, referenced, not copied). The reader's own tests (truncations, random bytes, limits) are in
/// ReaderTests; fuzzing is `scripts/fuzz.sh`.
///
/// Also here: the numerical edge cases of issue 8 (NaN and infinities against onnxruntime, tree missing-value
/// tracking, feature counts that do not match the model, empty batches).
@Suite struct HostileInputTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func hostile(_ name: String) -> URL { fixtures.appendingPathComponent("hostile/\(name)") }
    static func reader(_ name: String) -> URL { fixtures.appendingPathComponent("reader/\(name)") }

    /// The error loading `url` into a session throws; `nil` (recorded as an issue) when it loads or throws
    /// something other than an ``ONNXError``.
    static func loadError(_ url: URL, options: SessionOptions = .init(threads: 1),
                          sourceLocation: SourceLocation = #_sourceLocation) -> ONNXError? {
        do {
            _ = try InferenceSession(contentsOf: url, options: options)
            Issue.record("\(url.lastPathComponent): expected an ONNXError, the session loaded", sourceLocation: sourceLocation)
        } catch let error as ONNXError {
            return error
        } catch {
            Issue.record("\(url.lastPathComponent): expected an ONNXError, got \(type(of: error)): \(error)",
                         sourceLocation: sourceLocation)
        }
        return nil
    }

    // MARK: - The hostile files of issue 8

    @Test func hugeDeclaredTensorIsRefusedBeforeAllocating() {
        // [2^20, 2^20] floats (4 TiB) declared, 4 bytes of raw_data or one float_data value present.
        for name in ["huge_raw.onnx", "huge_typed.onnx"] {
            let error = Self.loadError(Self.reader(name))
            #expect(error == .tensorDataMismatch(tensor: "huge", declared: 1 << 40, actual: 1), "\(name)")
            #expect(error?.description.contains("1099511627776") == true, "\(name): \(String(describing: error))")
        }
        // The same 2^40 floats declared as external data next to a 56-byte file: refused from the file size.
        guard case .externalData("w", _)? = Self.loadError(Self.reader("external_huge.onnx")) else {
            Issue.record("external_huge.onnx must throw externalData")
            return
        }
    }

    @Test func truncatedInitializerIsMalformed() {
        guard case .malformedModel(let path, let reason)? = Self.loadError(Self.hostile("truncated_initializer.onnx")) else {
            Issue.record("a file cut inside an initializer must be malformedModel")
            return
        }
        #expect(path.hasSuffix("truncated_initializer.onnx") && !reason.isEmpty, "\(path): \(reason)")
        // Well-formed protobuf, but W is declared [4, 3] with 20 bytes of float data.
        #expect(Self.loadError(Self.hostile("short_initializer.onnx")) == .tensorDataMismatch(tensor: "W", declared: 12, actual: 5))
    }

    /// Tree-ensemble structure errors name the node, its operator and the tree node at fault.
    @Test(arguments: [
        ("tree_self_loop.onnx", "self_loop", "tree 0: node 1 points to itself"),
        ("tree_child_out_of_range.onnx", "child_out_of_range", "tree 0: node 7 is referenced but not defined"),
        ("tree_cycle.onnx", "cycle", "tree 0: node 1 is reached twice"),
        ("tree_unreachable.onnx", "unreachable", "tree 0 has 2 roots [0, 4]"),
    ])
    func malformedTreeIsRejectedAtLoad(file: String, node: String, reason: String) {
        guard case let .invalidNode(name, opType, message)? = Self.loadError(Self.hostile(file)) else {
            Issue.record("\(file): expected invalidNode")
            return
        }
        #expect(name == node && opType == "TreeEnsembleRegressor", "\(file): \(name) \(opType)")
        #expect(message.contains(reason), "\(file): '\(message)' should contain '\(reason)'")
    }

    @Test func graphCycleNamesItsNodes() {
        #expect(Self.loadError(Self.hostile("graph_cycle.onnx")) == .graphCycle(nodes: ["relu_a", "relu_b", "add_y"]))
    }

    @Test func externalDataCannotEscapeTheModelFolder() {
        #expect(Self.loadError(Self.reader("external_escape.onnx"))
                == .externalDataOutsideModelFolder(tensor: "w", location: "../reader/../../outside.bin"))
        #expect(Self.loadError(Self.reader("external_absolute.onnx"))
                == .externalDataOutsideModelFolder(tensor: "w", location: "/etc/hostname"))
    }

    @Test func graphsNested10000DeepAreRefusedNotOverflowed() throws {
        // ~300 KB: written at test time rather than committed.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("deep.onnx")
        try Data(ReaderTests.nestedIfModel(depth: 10_000)).write(to: url)
        guard case .malformedModel(let path, let reason)? = Self.loadError(url) else {
            Issue.record("10,000 nested graphs must be malformedModel")
            return
        }
        #expect(path == url.path && reason.contains("deeper than 64"), "\(reason)")
    }

    // MARK: - Session limits

    @Test func treeCountAndDepthLimitsAreEnforcedAtLoad() throws {
        let forest = Self.fixtures.appendingPathComponent("parity/skl_random_forest_classifier/model.onnx")
        let loaded = try InferenceSession(contentsOf: forest, options: .init(threads: 1))
        #expect(loaded.inputs.count == 1)
        guard case .invalidNode(_, "TreeEnsembleClassifier", let trees)? = Self.loadError(forest, options: .init(threads: 1, maxTrees: 2)) else {
            Issue.record("maxTrees must reject the forest")
            return
        }
        #expect(trees.contains("over the limit of 2"), "\(trees)")
        guard case .invalidNode(_, "TreeEnsembleClassifier", let depth)? = Self.loadError(forest, options: .init(threads: 1, maxTreeDepth: 1)) else {
            Issue.record("maxTreeDepth must reject the forest")
            return
        }
        #expect(depth.contains("deeper than the limit of 1"), "\(depth)")
    }

    @Test func runTimeTensorsAreLimitedBeforeAllocating() throws {
        // Expand of one float to a shape fed at run time: [2^20, 2^20] would be 4 TiB.
        let model = ONNXModel(
            irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
            graph: ONNXGraph(name: "g", nodes: [ONNXNode(name: "expand0", opType: "Expand", domain: "", inputs: ["x", "shape"],
                                                         outputs: ["y"], attributes: [:])],
                             initializers: [:],
                             inputs: [ONNXValueInfo(name: "x", type: .tensor(elementType: .float32, shape: [.fixed(1)])),
                                      ONNXValueInfo(name: "shape", type: .tensor(elementType: .int64, shape: [.fixed(2)]))],
                             outputs: [ONNXValueInfo(name: "y", type: .tensor(elementType: .float32, shape: nil))], valueInfo: []))
        let session = try InferenceSession(model: model, options: .init(threads: 1, maxTensorBytes: 1 << 20))
        let x = try Tensor(shape: [1], scalars: [1] as [Float])
        #expect(try session.run(["x": x, "shape": try Tensor(shape: [2], scalars: [512, 512] as [Int64])])["y"]?.tensor?.count == 1 << 18)
        do {
            _ = try session.run(["x": x, "shape": try Tensor(shape: [2], scalars: [1 << 20, 1 << 20] as [Int64])])
            Issue.record("a 4 TiB Expand must throw")
        } catch let error as ONNXError {
            guard case .limitExceeded(let what, _, 1 << 20) = error else {
                Issue.record("expected limitExceeded, got \(error)")
                return
            }
            #expect(what.contains("expand0"), "\(what)")
        }
    }

    @Test func liveIntermediateTensorsAreLimitedPerRun() throws {
        // y = relu(x) + exp(relu(x)) on x: float32[2, 4]. Every intermediate is 8 floats, 32 bytes. After "r" 32
        // bytes are live, after "e" 64 ("r" is still needed), and "add" puts its 32-byte result on top: 96 at the
        // peak, after which "r" and "e" are released.
        let model = ONNXModel(
            irVersion: 8, opsetImports: ["": 17], producerName: "test", producerVersion: "0",
            graph: ONNXGraph(name: "g", nodes: [
                ONNXNode(name: "r", opType: "Relu", domain: "", inputs: ["x"], outputs: ["r"], attributes: [:]),
                ONNXNode(name: "e", opType: "Exp", domain: "", inputs: ["r"], outputs: ["e"], attributes: [:]),
                ONNXNode(name: "add", opType: "Add", domain: "", inputs: ["r", "e"], outputs: ["y"], attributes: [:]),
            ], initializers: [:],
            inputs: [ONNXValueInfo(name: "x", type: .tensor(elementType: .float32, shape: [.symbolic("N"), .fixed(4)]))],
            outputs: [ONNXValueInfo(name: "y", type: .tensor(elementType: .float32, shape: nil))], valueInfo: []))
        let values: [Float] = [-1, 0, 0.5, 2, 3, -4, 1, -0.25]
        let x = try Tensor(shape: [2, 4], scalars: values)
        #expect(SessionOptions().maxLiveBytes == 16 << 30)

        let fits = try InferenceSession(model: model, options: .init(threads: 1, maxLiveBytes: 96))
        let y = try #require(try fits.run(["x": x])["y"]?.tensor)
        let want = values.map { v -> Float in let r = max(v, 0); return r + Foundation.exp(r) }
        #expect(maxAbsDiff(try y.scalars(as: Float.self), want) <= 1e-6)

        for (limit, node, peak) in [(95, "add", 96), (63, "e", 64), (31, "r", 32)] {
            let session = try InferenceSession(model: model, options: .init(threads: 1, maxLiveBytes: limit))
            do {
                _ = try session.run(["x": x])
                Issue.record("limit \(limit): the run must throw")
            } catch let error as ONNXError {
                guard case .limitExceeded(let what, let value, limit) = error else {
                    Issue.record("limit \(limit): expected limitExceeded, got \(error)")
                    continue
                }
                #expect(value == peak && what.contains("node '\(node)'") && what.contains("[2, 4]"), "limit \(limit): \(error)")
            }
            // One row (a peak of 48 bytes) fits in the larger budgets: the limit is on bytes, not on the graph.
            if limit >= 48 {
                let row = try Tensor(shape: [1, 4], scalars: Array(values[0..<4]))
                #expect(try session.run(["x": row])["y"]?.tensor?.count == 4, "limit \(limit)")
            }
        }
        // Concurrent runs each have their own budget: 16 threads at 96 bytes each all pass.
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            #expect((try? fits.run(["x": x])["y"]?.tensor?.count) == 8)
        }
    }

    // MARK: - Numerical edge cases (NaN, infinities, feature counts, empty batches)

    /// Models run on NaN, +-inf, +-0, thresholds and their neighbours, and huge values, against onnxruntime's
    /// outputs: a NaN must be a NaN, an infinity the same infinity; finite values agree to 1e-6 absolute or 1e-5
    /// relative (transcendental functions differ in the last bits between implementations).
    @Test(arguments: ["numeric_tree_modes", "numeric_mlp", "numeric_elementwise"])
    func specialValuesMatchOnnxruntime(name: String) throws {
        let expected = try JSONDecoder().decode(ParityTests.Expected.self,
                                                from: Data(contentsOf: Self.hostile(name + ".json")))
        let session = try InferenceSession(contentsOf: Self.hostile(name + ".onnx"), options: .init(threads: 1))
        var feeds: [String: Tensor] = [:]
        for (k, v) in expected.inputs { feeds[k] = try ParityTests.tensor(v) }
        let inputs = try #require(feeds.values.first).scalars(as: Float.self)
        let outputs = try session.run(feeds)
        for (outputName, want) in expected.outputs.sorted(by: { $0.key < $1.key }) {
            let got = try #require(outputs[outputName]?.tensor, "\(name): output \(outputName)")
            let values = try got.scalars(as: Float.self)
            #expect(got.count == want.data.count, "\(name): \(outputName) has \(got.count) values, expected \(want.data.count)")
            for (i, (g, w)) in zip(values, want.data.map(\.double)).enumerated() {
                let same = g.isNaN ? w.isNaN : (w.isInfinite ? Double(g) == w : abs(Double(g) - w) <= Swift.max(1e-6, 1e-5 * abs(w)))
                #expect(same, "\(name): \(outputName)[\(i)] is \(g), onnxruntime gives \(w) (inputs \(Self.rowOf(i, got.shape, inputs)))")
            }
        }
    }

    /// The input values behind output element `i` for messages: the row for `[N, k]` outputs.
    static func rowOf(_ i: Int, _ shape: Shape, _ inputs: [Float]) -> String {
        guard shape.rank == 2, shape[0] > 1 else { return "\(inputs)" }
        let row = i / shape[1], width = inputs.count / shape[0]
        return "\(inputs[row * width..<(row + 1) * width])"
    }

    @Test func treeMissingValueTrackingByHand() throws {
        // numeric_tree_modes: tree k splits feature k % 2 at 0.5 in mode k % 6 (LEQ LT GTE GT EQ NEQ), trees 6-11
        // track missing values to the true leaf, which weighs 2^k.
        let session = try InferenceSession(contentsOf: Self.hostile("numeric_tree_modes.onnx"), options: .init(threads: 1))
        func score(_ a: Float, _ b: Float) throws -> Float {
            try session.run(["x": try Tensor(shape: [1, 2], scalars: [a, b])])["y"]!.tensor!.scalars(as: Float.self)[0]
        }
        // NaN compares false everywhere except NEQ (tree 5), and trees 6-11 send it true: 32 + 4032.
        #expect(try score(.nan, .nan) == 4064)
        // +inf: true for GTE, GT, NEQ (trees 2, 3, 5, 8, 9, 11) = 4 + 8 + 32 + 256 + 512 + 2048.
        #expect(try score(.infinity, .infinity) == 2860)
        // -inf: true for LEQ, LT, NEQ (trees 0, 1, 5, 6, 7, 11) = 1 + 2 + 32 + 64 + 128 + 2048.
        #expect(try score(-.infinity, -.infinity) == 2275)
        // Exactly the threshold: LEQ, GTE, EQ (trees 0, 2, 4, 6, 8, 10).
        #expect(try score(0.5, 0.5) == 1 + 4 + 16 + 64 + 256 + 1024)
    }

    @Test func featureCountThatDoesNotMatchTheModelIsAnInputError() throws {
        for (name, width) in [("skl_random_forest_classifier", 8), ("skl_mlp_relu", 10), ("lgbm_binary_zipmap", 8)] {
            let session = try InferenceSession(contentsOf: Self.fixtures.appendingPathComponent("parity/\(name)/model.onnx"),
                                               options: .init(threads: 1))
            let input = try #require(session.inputs.first).name
            for wrong in [width - 1, width + 1] {
                do {
                    _ = try session.run([input: try Tensor(zeros: [3, wrong])])
                    Issue.record("\(name): \(wrong) features instead of \(width) must throw")
                } catch let error as ONNXError {
                    guard case .invalidInput(input, let reason) = error else {
                        Issue.record("\(name): expected invalidInput, got \(error)")
                        continue
                    }
                    #expect(reason.contains("[3, \(wrong)]") && reason.contains("\(width)"), "\(name): \(reason)")
                }
            }
        }
    }

    @Test func treeFeatureCountIsCheckedWhenTheModelDoesNotDeclareIt() throws {
        // The same trees with the width of x left unknown: the operator checks it before walking.
        var model = try ONNXReader.read(contentsOf: Self.hostile("numeric_tree_modes.onnx"))
        model.graph.inputs[0].type = .tensor(elementType: .float32, shape: [.symbolic("N"), .unknown])
        let session = try InferenceSession(model: model, options: .init(threads: 1))
        do {
            _ = try session.run(["x": try Tensor(zeros: [4, 1])])
            Issue.record("1 feature for trees that read feature 1 must throw")
        } catch let error as ONNXError {
            guard case .shapeMismatch("modes", "TreeEnsembleRegressor", let reason) = error else {
                Issue.record("expected shapeMismatch naming the node, got \(error)")
                return
            }
            #expect(reason.contains("1 features") && reason.contains("feature index 1"), "\(reason)")
        }
    }

    @Test(arguments: ["skl_random_forest_classifier", "skl_mlp_relu", "lgbm_binary_zipmap", "xgb_regressor"])
    func emptyBatchGivesEmptyOutputs(name: String) throws {
        let session = try InferenceSession(contentsOf: Self.fixtures.appendingPathComponent("parity/\(name)/model.onnx"),
                                           options: .init(threads: 1))
        let input = try #require(session.inputs.first)
        guard case .tensor(_, let dims?) = input.type, case .fixed(let width)? = dims.last else {
            Issue.record("\(name): expected a declared feature count")
            return
        }
        let outputs = try session.run([input.name: try Tensor(zeros: [0, Int(width)])])
        for (k, v) in outputs {
            switch v {
            case .tensor(let t): #expect(t.shape.dims.first == 0, "\(name): \(k) has shape \(t.shape)")
            case .mapSequence(let maps): #expect(maps.count == 0, "\(name): \(k) has \(maps.count) maps")
            default: Issue.record("\(name): \(k) is neither a tensor nor a map sequence")
            }
        }
    }

    @Test func leafOnlyTreesAcceptRowsWithoutFeatures() throws {
        // tree_single_leaf.onnx: one tree that is a single leaf of weight 2.5 (LightGBM writes these when no split
        // helps), x declared [N, ?]. It reads no feature, so x may have zero columns: every row scores the leaf.
        // Zero columns once tripped the tree walker's precondition (a trap, found by this test).
        var model = try ONNXReader.read(contentsOf: Self.hostile("tree_single_leaf.onnx"))
        for dtype in [DType.float32, .float64] {
            model.graph.inputs[0].type = .tensor(elementType: dtype, shape: [.symbolic("N"), .unknown])
            let session = try InferenceSession(model: model, options: .init(threads: 1))
            for width in [0, 3] {
                let y = try #require(try session.run(["x": try Tensor(zeros: [4, width], dtype: dtype)])["y"]?.tensor, "\(dtype) width \(width)")
                #expect(try y.shape == [4, 1] && y.scalars(as: Float.self) == [2.5, 2.5, 2.5, 2.5], "\(dtype) width \(width)")
            }
        }
    }
}
