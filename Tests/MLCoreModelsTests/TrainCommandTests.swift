import Foundation
import MLBench
import MLCoreData
import Testing

/// `bench train`'s contract: the flat report, and clear errors naming file, line and column for bad files.
@Suite struct TrainCommandTests {
    static let fixtures = BreastCancer.root

    /// Writes `text` to a temporary CSV and returns its URL.
    func csv(_ text: String, _ name: String = "bad") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-train-\(getpid())-\(name).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func options(train: URL, test: URL? = nil, label: String = "y", algorithm: String = "logreg",
                 params: [String] = [], validationFraction: Double = 0, report: URL? = nil) -> TrainingRun.Options {
        .init(algorithm: algorithm, train: train, test: test ?? train, label: label, save: nil, report: report, seed: 3,
              threads: 1, params: params, validationFraction: validationFraction)
    }

    /// The CSVError a run throws, or nil.
    func csvError(_ o: TrainingRun.Options) -> CSVError? {
        do { _ = try TrainingRun(o); return nil } catch let e as CSVError { return e } catch { return nil }
    }

    @Test func reportIsOneFlatObjectWithTheContractFields() throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-train-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let run = try TrainingRun(options(
            train: Self.fixtures.appendingPathComponent("breast_cancer_train.csv"),
            test: Self.fixtures.appendingPathComponent("breast_cancer_test.csv"),
            label: "target", params: ["C=0.5", "solver=auto"], validationFraction: 0.2, report: report))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        for key in ["algorithm", "rows", "test_rows", "features", "auc", "accuracy", "logloss", "train_seconds",
                    "predict_seconds", "params"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["algorithm"] as? String == "logreg")
        #expect(object["test_rows"] as? Int == 143)
        #expect(object["rows"] as? Int == 341 && object["validation_rows"] as? Int == 85)
        #expect(object["features"] as? Int == 30)
        #expect((object["auc"] as? Double ?? 0) > 0.98)
        let params = try #require(object["params"] as? [String: Any])
        #expect(params["C"] as? Double == 0.5 && params["earlyStoppingRounds"] as? Int == 10)
        #expect(run.table.contains("auc"))
    }

    @Test func gbdtReportCarriesBinningTimeAndParameters() throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-train-gbdt-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: report) }
        _ = try TrainingRun(options(
            train: Self.fixtures.appendingPathComponent("breast_cancer_train.csv"),
            test: Self.fixtures.appendingPathComponent("breast_cancer_test.csv"),
            label: "target", algorithm: "gbdt", params: ["numTrees=20", "numLeaves=7"], validationFraction: 0.2, report: report))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        #expect(object["algorithm"] as? String == "gbdt")
        let train = try #require(object["train_seconds"] as? Double), binning = try #require(object["binning_seconds"] as? Double)
        #expect(binning > 0 && binning <= train)
        let params = try #require(object["params"] as? [String: Any])
        #expect(params["numTrees"] as? Int == 20 && params["numLeaves"] as? Int == 7 && params["earlyStoppingRounds"] as? Int == 10)
        #expect((object["auc"] as? Double ?? 0) > 0.95)
    }

    @Test func missingLabelColumn() throws {
        let url = try csv("a,b\n1,0\n2,1\n", "nolabel")
        let e = try #require(csvError(options(train: url, label: "y")))
        #expect(e.line == 1 && e.file == url.path && e.reason.contains("no column named 'y'"), "\(e)")
    }

    @Test func nonNumericCell() throws {
        let url = try csv("a,b,y\n1,2,0\n3,x4,1\n", "text")
        let e = try #require(csvError(options(train: url)))
        #expect(e.line == 3 && e.column == 2, "\(e)")
    }

    @Test func raggedRow() throws {
        let url = try csv("a,b,y\n1,2,0\n3,1\n", "ragged")
        let e = try #require(csvError(options(train: url)))
        #expect(e.line == 3, "\(e)")
    }

    @Test func labelThatIsNotAClass() throws {
        let url = try csv("a,b,y\n1,2,0\n\n3,1,1\n4,1,0.5\n", "label")
        let e = try #require(csvError(options(train: url)))
        #expect(e.line == 5 && e.column == 3 && e.reason.contains("not a class number"), "\(e)")
        let missing = try csv("a,y,b\n1,0,2\n3,1,\n", "missing")
        let m = try #require(csvError(options(train: missing)))
        #expect(m.line == 3 && m.column == 3, "\(m)")
    }

    @Test func testClassUnknownToTraining() throws {
        let train = try csv("a,y\n1,0\n2,1\n3,0\n", "train3")
        let test = try csv("a,y\n1,0\n2,2\n", "test3")
        let e = try #require(csvError(options(train: train, test: test)))
        #expect(e.file == test.path && e.line == 3 && e.column == 2, "\(e)")
    }

    @Test func unknownAlgorithmsAndBadParameters() throws {
        let url = Self.fixtures.appendingPathComponent("breast_cancer_train.csv")
        #expect(throws: TrainingError.self) {
            try TrainingRun(options(train: url, label: "target", algorithm: "mlp", params: ["hiddenLayers=ten"]))
        }
        #expect(throws: TrainingError.self) { try TrainingRun(options(train: url, label: "target", algorithm: "forest")) }
        for bad in ["numLeaves=1", "maxBins=300", "numTrees=many", "lambda=1"] {
            #expect(throws: TrainingError.self, "\(bad)") {
                try TrainingRun(options(train: url, label: "target", algorithm: "gbdt", params: [bad]))
            }
        }
        do {
            _ = try TrainingRun(options(train: url, label: "target", params: ["lambda=3"]))
            Issue.record("an unknown parameter must be refused")
        } catch let e as TrainingError {
            #expect(e.description.contains("valid names: C, maxIterations"), "\(e)")
        }
        #expect(throws: TrainingError.self) { try TrainingRun(options(train: url, label: "target", params: ["C=-1"])) }
        #expect(throws: TrainingError.self) { try TrainingRun(options(train: url, label: "target", params: ["maxIterations=ten"])) }
    }
}
