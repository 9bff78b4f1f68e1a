import Foundation
import MLBench
import MLCoreData
import MLCoreModels
import MLCoreTensor
import Testing

/// Issue 8, item 5, for every estimator: degenerate training data gives a ``ModelError`` that says what is wrong, or
/// a documented finite result; never a crash and never a model that predicts NaN.
///
/// Expected values come from the data (class frequencies, the rule that separates the classes) or from invariants
/// (probabilities finite and summing to 1), never from a previous run.
@Suite struct TrainingEdgeCaseTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case logisticRegression, gradientBoosting, mlp
        var testDescription: String { rawValue }
    }

    /// Small, fast settings; GBDT leaves may hold a single row so that tiny data sets can split.
    static func fit(_ kind: Kind, _ x: Tensor, _ y: Tensor, validation: ValidationSet? = nil) throws -> any Classifier {
        switch kind {
        case .logisticRegression:
            return try LogisticRegression(threads: 1).fit(features: x, labels: y, validation: validation)
        case .gradientBoosting:
            // Tiny data: a bin and a leaf may hold a single row (the defaults, 3 and 20, would merge 40 rows coarsely).
            return try GradientBoosting(parameters: .init(numTrees: 10, numLeaves: 4, minDataInBin: 1, minDataInLeaf: 1), threads: 1)
                .fit(features: x, labels: y, validation: validation)
        case .mlp:
            return try MLP(parameters: .init(hiddenLayers: [8], learningRate: 0.05, maxEpochs: 100), seed: 3, threads: 1)
                .fit(features: x, labels: y, validation: validation)
        }
    }

    static func floats(_ rows: Int, _ columns: Int, _ values: [Float]) throws -> Tensor {
        try Tensor(shape: [rows, columns], scalars: values)
    }

    static func labels(_ values: [Float]) throws -> Tensor { try Tensor(shape: [values.count], scalars: values) }

    /// 40 rows, two features: column 0 decides the class (class 1 when positive, margin 1), column 1 is `column1(r)`.
    static func separable(column1: (Int) -> Float) throws -> (x: Tensor, y: Tensor, classes: [Int]) {
        var x: [Float] = [], y: [Float] = [], classes: [Int] = []
        for r in 0..<40 {
            let c = r % 2
            x += [(c == 1 ? 1 : -1) * (1 + Float(r) / 40), column1(r)]
            y.append(Float(c))
            classes.append(c)
        }
        return (try floats(40, 2, x), try labels(y), classes)
    }

    /// Checks that `p` is a `[rows, classes]` probability table: finite, each row summing to 1.
    static func expectProbabilityTable(_ p: Tensor, rows: Int, classes: Int, _ label: String,
                                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(p.shape.dims == [rows, classes], "\(label): shape \(p.shape)", sourceLocation: sourceLocation)
        let values = try p.scalars(as: Float.self)
        #expect(values.allSatisfy { $0.isFinite }, "\(label): \(values.prefix(8))", sourceLocation: sourceLocation)
        for r in 0..<rows {
            let sum = values[(r * classes)..<((r + 1) * classes)].reduce(0, +)
            #expect(abs(sum - 1) < 1e-5, "\(label): row \(r) sums to \(sum)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Constant features

    @Test(arguments: Kind.allCases)
    func constantFeatureIsHarmless(_ kind: Kind) throws {
        let data = try Self.separable { _ in 7 }
        let model = try Self.fit(kind, data.x, data.y)
        try Self.expectProbabilityTable(model.predictProbabilities(data.x), rows: 40, classes: 2, "\(kind)")
        // The informative column separates the classes with a wide margin: every training row is classified right.
        let predicted = try model.predict(data.x).scalars(as: Int64.self).map(Int.init)
        #expect(predicted == data.classes, "\(kind)")
    }

    @Test(arguments: Kind.allCases)
    func allFeaturesConstantGiveOneAnswerForEveryRow(_ kind: Kind) throws {
        // 30 rows, 3 constant columns, 12 of class 1: nothing to learn but the class frequencies.
        let x = try Self.floats(30, 3, [Float](repeating: 0, count: 30).flatMap { _ in [Float(2), -5, 0] })
        let y = try Self.labels((0..<30).map { $0 < 12 ? 1 : 0 })
        let model = try Self.fit(kind, x, y)
        let p = try model.predictProbabilities(x)
        try Self.expectProbabilityTable(p, rows: 30, classes: 2, "\(kind)")
        let values = try p.scalars(as: Float.self)
        #expect(Set(values.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)).count == 1, "\(kind): rows differ")
        if kind != .mlp {
            // The unpenalized intercept (or the starting score, with no split possible) is the log-odds of the class
            // frequency: probability 12/30 for class 1.
            #expect(abs(values[1] - 0.4) < 1e-3, "\(kind): p(class 1) = \(values[1])")
        }
    }

    // MARK: - Data the estimators refuse

    @Test(arguments: Kind.allCases)
    func oneClassOnlyIsRefused(_ kind: Kind) throws {
        let x = try Self.floats(4, 2, [0, 1, 1, 0, 2, 2, 3, 1])
        #expect(throws: ModelError.oneClass(3)) { try Self.fit(kind, x, try Self.labels([3, 3, 3, 3])) }
    }

    @Test(arguments: Kind.allCases)
    func emptyTensorsAreRefused(_ kind: Kind) throws {
        #expect(throws: ModelError.emptyData("the training set has no rows")) {
            try Self.fit(kind, try Tensor(zeros: [0, 2]), try Tensor(zeros: [0]))
        }
        #expect(throws: ModelError.emptyData("the training set has no rows")) {
            try Self.fit(kind, try Tensor(zeros: [0, 0]), try Tensor(zeros: [0]))
        }
        #expect(throws: ModelError.emptyData("the training set has no feature columns")) {
            try Self.fit(kind, try Tensor(zeros: [4, 0]), try Self.labels([0, 1, 0, 1]))
        }
        #expect(throws: ModelError.self) { try Self.fit(kind, try Tensor(zeros: [4]), try Self.labels([0, 1, 0, 1])) }
    }

    @Test(arguments: Kind.allCases)
    func featureCountThatDoesNotMatchTheModelIsRefused(_ kind: Kind) throws {
        let data = try Self.separable { Float($0 % 3) }
        let model = try Self.fit(kind, data.x, data.y)
        for columns in [0, 1, 3] {
            #expect(throws: ModelError.featureCountMismatch(expected: 2, actual: columns), "\(kind)") {
                try model.predictProbabilities(try Tensor(zeros: [5, columns]))
            }
            #expect(throws: ModelError.featureCountMismatch(expected: 2, actual: columns), "\(kind)") {
                try model.predict(try Tensor(zeros: [5, columns]))
            }
        }
        #expect(throws: ModelError.self, "\(kind): rank 1") { try model.predictProbabilities(try Tensor(zeros: [2])) }
        #expect(throws: ModelError.self, "\(kind): rank 3") { try model.predictProbabilities(try Tensor(zeros: [1, 1, 2])) }
        #expect(throws: ModelError.self, "\(kind): strings") {
            try model.predictProbabilities(try Tensor(shape: [1, 2], strings: ["a", "b"]))
        }
        // A validation set with another width is refused before training.
        #expect(throws: ModelError.featureCountMismatch(expected: 2, actual: 3), "\(kind)") {
            try Self.fit(kind, data.x, data.y, validation: ValidationSet(features: try Tensor(zeros: [2, 3]),
                                                                          labels: try Self.labels([0, 1])))
        }
        // Zero rows of the right width: an empty [0, classes] table.
        let none = try model.predictProbabilities(try Tensor(zeros: [0, 2]))
        #expect(none.shape.dims == [0, 2], "\(kind)")
        #expect(try model.predict(try Tensor(zeros: [0, 2])).shape.dims == [0], "\(kind)")
    }

    /// `(value, dtype)` cases for the non-finite tests: NaN and both infinities, in float32 and float64.
    static let nonFinite: [(Double, DType)] = [(.nan, .float32), (.infinity, .float32), (-.infinity, .float32),
                                               (.nan, .float64), (-.infinity, .float64)]

    static func withValue(_ v: Double, at index: Int, rows: Int, columns: Int, dtype: DType,
                          base: [Float]) throws -> Tensor {
        var values = base.map(Double.init)
        values[index] = v
        return dtype == .float32 ? try Tensor(shape: [rows, columns], scalars: values.map { Float($0) })
                                 : try Tensor(shape: [rows, columns], scalars: values)
    }

    @Test(arguments: [Kind.logisticRegression, .mlp])
    func nonFiniteFeaturesAreRefusedNamingRowAndColumn(_ kind: Kind) throws {
        let data = try Self.separable { Float($0 % 3) }
        let base = try data.x.scalars(as: Float.self)
        for (v, dtype) in Self.nonFinite {
            // Row 13, column 1 of the 40 x 2 training matrix.
            let x = try Self.withValue(v, at: 13 * 2 + 1, rows: 40, columns: 2, dtype: dtype, base: base)
            #expect(throws: ModelError.nonFinite(what: "training features", row: 13, column: 1), "\(kind) \(v) \(dtype)") {
                try Self.fit(kind, x, data.y)
            }
            #expect(throws: ModelError.nonFinite(what: "validation features", row: 13, column: 1), "\(kind) \(v) \(dtype)") {
                try Self.fit(kind, data.x, data.y, validation: ValidationSet(features: x, labels: data.y))
            }
        }
        let model = try Self.fit(kind, data.x, data.y)
        if kind == .mlp {
            // The MLP runs in float32 (documented): a finite float64 beyond float32's range is refused too.
            let wide = try Tensor(shape: [2, 2], scalars: [0, 1, 1e300, 0] as [Double])
            #expect(throws: ModelError.nonFinite(what: "features (as float32)", row: 1, column: 0)) {
                try model.predictProbabilities(wide)
            }
            let wideTraining = try Self.withValue(-1e300, at: 13 * 2 + 1, rows: 40, columns: 2, dtype: .float64, base: base)
            let raw = MLP(parameters: .init(hiddenLayers: [8], maxEpochs: 2, standardize: false), threads: 1)
            #expect(throws: ModelError.nonFinite(what: "training features (as float32)", row: 13, column: 1)) {
                try raw.fit(features: wideTraining, labels: data.y)
            }
        }
        for (v, dtype) in Self.nonFinite {
            let x = try Self.withValue(v, at: 2 * 2 + 0, rows: 3, columns: 2, dtype: dtype, base: Array(base[0..<6]))
            #expect(throws: ModelError.nonFinite(what: "features", row: 2, column: 0), "\(kind) \(v) \(dtype)") {
                try model.predictProbabilities(x)
            }
        }
    }

    @Test func gradientBoostingTakesNaNAsMissingAndInfinitiesAsValues() throws {
        // Documented on GradientBoosting: NaN is a missing value, infinities are ordinary (extreme) values.
        let data = try Self.separable { Float($0 % 3) }
        var values = try data.x.scalars(as: Float.self)
        for r in stride(from: 0, to: 40, by: 5) { values[r * 2 + 1] = .nan }
        values[3 * 2 + 1] = .infinity
        values[4 * 2 + 1] = -.infinity
        values[6 * 2 + 0] = .nan       // the informative column, in a class-0 row
        let x = try Self.floats(40, 2, values)
        for xTrain in [x, try Tensor(shape: [40, 2], scalars: values.map(Double.init))] {
            let model = try Self.fit(.gradientBoosting, xTrain, data.y)
            try Self.expectProbabilityTable(model.predictProbabilities(x), rows: 40, classes: 2, "gbdt \(xTrain.dtype)")
            // Rows where column 0 is present are still separated by it.
            let predicted = try model.predict(x).scalars(as: Int64.self).map(Int.init)
            for r in 0..<40 where !values[r * 2].isNaN {
                #expect(predicted[r] == data.classes[r], "gbdt \(xTrain.dtype): row \(r)")
            }
            // Prediction rows with NaN or infinity anywhere, including columns it never saw missing.
            let odd = try Self.floats(4, 2, [.nan, .nan, .infinity, -.infinity, -.infinity, .nan, .greatestFiniteMagnitude, 0])
            try Self.expectProbabilityTable(model.predictProbabilities(odd), rows: 4, classes: 2, "gbdt odd rows")
            // +inf is a value above every threshold, so it goes where the largest values go (class 1).
            let inf = try Self.floats(1, 2, [.infinity, 1])
            #expect(try model.predict(inf).scalars(as: Int64.self) == [1])
            #expect(try model.predict(try Self.floats(1, 2, [-.infinity, 1])).scalars(as: Int64.self) == [0])
        }
        // Columns made only of NaN, only of infinities, or of both infinities train too.
        var odd: [Float] = []
        for r in 0..<40 { odd += [values[r * 2], .nan, r % 2 == 0 ? .infinity : -.infinity, .infinity] }
        let model = try Self.fit(.gradientBoosting, try Self.floats(40, 4, odd), data.y)
        try Self.expectProbabilityTable(model.predictProbabilities(try Self.floats(40, 4, odd)), rows: 40, classes: 2, "gbdt odd columns")
    }

    @Test(arguments: Kind.allCases)
    func hugeFiniteFeaturesGiveAnErrorOrFiniteProbabilities(_ kind: Kind) throws {
        // Values near the largest finite float32 (and float64) overflow float32 sums and float64 sums of squares: the
        // estimator must refuse the data or still produce a model whose probabilities are finite, not a NaN model.
        let base = try Self.separable { Float($0 % 3) }.x.scalars(as: Float.self).map(Double.init)
        let y = try Self.separable { _ in 0 }.y
        for huge in [3e38, 1e300] {
            var values = base
            for r in 0..<40 { values[r * 2 + 1] = r % 2 == 0 ? huge : -huge }
            let x = huge > Double(Float.greatestFiniteMagnitude) ? try Tensor(shape: [40, 2], scalars: values)
                                                                 : try Self.floats(40, 2, values.map { Float($0) })
            let model: any Classifier
            do {
                model = try Self.fit(kind, x, y)
            } catch is ModelError {
                continue
            }
            try Self.expectProbabilityTable(model.predictProbabilities(x), rows: 40, classes: 2, "\(kind) \(huge)")
        }
    }

    @Test(arguments: Kind.allCases)
    func labelsThatAreNotClassNumbersAreRefused(_ kind: Kind) throws {
        let x = try Self.floats(4, 2, [0, 1, 1, 0, 2, 2, 3, 1])
        #expect(throws: ModelError.invalidLabel(row: 2, value: 0.5)) { try Self.fit(kind, x, try Self.labels([0, 1, 0.5, 1])) }
        #expect(throws: ModelError.invalidLabel(row: 0, value: -1)) { try Self.fit(kind, x, try Self.labels([-1, 1, 0, 1])) }
        #expect(throws: ModelError.invalidLabel(row: 3, value: 3e9)) { try Self.fit(kind, x, try Self.labels([0, 1, 0, 3e9])) }
        #expect(throws: ModelError.invalidLabel(row: 1, value: .infinity)) { try Self.fit(kind, x, try Self.labels([0, .infinity, 0, 1])) }
        #expect(throws: ModelError.invalidLabel(row: 1, value: -.infinity)) {
            try Self.fit(kind, x, try Tensor(shape: [4], scalars: [0, -Double.infinity, 0, 1]))
        }
        // NaN is not a class number either (ModelError.invalidLabel); NaN != NaN, so match the case.
        do {
            _ = try Self.fit(kind, x, try Self.labels([0, 1, .nan, 1]))
            Issue.record("\(kind): a NaN label trained")
        } catch ModelError.invalidLabel(let row, let value) {
            #expect(row == 2 && value.isNaN, "\(kind)")
        }
        #expect(throws: ModelError.self) { try Self.fit(kind, x, try Tensor(shape: [4], strings: ["a", "b", "a", "b"])) }
        #expect(throws: ModelError.invalidShape("training labels must be [4], got [2, 2]")) {
            try Self.fit(kind, x, try Tensor(shape: [2, 2], scalars: [0, 1, 0, 1] as [Float]))
        }
        // Integer labels are class numbers as they are.
        let model = try Self.fit(kind, x, try Tensor(shape: [4], scalars: [0, 5, 0, 5] as [Int64]))
        #expect(model.classes == [0, 5], "\(kind)")
    }

    // MARK: - bench train on empty files

    static func file(_ text: String, _ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-edge-\(getpid())-\(name).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test(arguments: [("header", "a,b,y\n"), ("header-no-newline", "a,b,y"), ("zero-bytes", ""), ("blank-lines", "\n\n\r\n")])
    func benchTrainOnAnEmptyFileNamesTheFile(name: String, text: String) throws {
        let url = try Self.file(text, name)
        defer { try? FileManager.default.removeItem(at: url) }
        for algorithm in ["logreg", "gbdt", "mlp"] {
            let options = TrainingRun.Options(algorithm: algorithm, train: url, test: url, label: "y", save: nil, report: nil,
                                              seed: 1, threads: 1, params: [], validationFraction: 0)
            do {
                _ = try TrainingRun(options)
                Issue.record("\(name) \(algorithm): trained on an empty file")
            } catch let error as CSVError {
                #expect(error.description.contains(url.lastPathComponent), "\(name) \(algorithm): \(error)")
                #expect(error.reason.contains("empty") || error.reason.contains("no data rows"), "\(name) \(algorithm): \(error)")
            }
        }
    }
}
