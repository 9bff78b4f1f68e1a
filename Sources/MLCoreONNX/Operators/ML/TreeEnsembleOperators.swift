import MLCoreKernels
import MLCoreTensor

/// TreeEnsembleRegressor (ai.onnx.ml 1-3). Scores follow onnxruntime's aggregators exactly, including its
/// one-target rule: with a single target only PROBIT is applied, other transforms are ignored.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_TreeEnsembleRegressor.html
struct TreeEnsembleRegressor: Operator {
    let spec: NodeSpec
    let ensemble: TreeEnsemble
    let aggregation: TreeAggregation
    let transform: PostTransform
    let baseValues: [Double]
    let outputFloat64: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let attributes = try TreeEnsembleAttributes(spec, prefix: "target")
        let targets = Int(try spec.int("n_targets", default: 1))
        guard targets >= 1, targets <= 1 << 20 else { throw spec.error("n_targets \(targets) is invalid") }
        let name = try spec.string("aggregate_function", default: "SUM")
        guard let aggregation = TreeAggregation(rawValue: name) else { throw spec.error("unknown aggregate_function '\(name)'") }
        self.aggregation = aggregation
        transform = try PostTransform(spec)
        baseValues = attributes.baseValues
        ensemble = try TreeEnsemble(attributes, targetCount: targets, spec)
        outputFloat64 = false
    }

    init(spec: NodeSpec, ensemble: TreeEnsemble, aggregation: TreeAggregation, transform: PostTransform,
         baseValues: [Double], outputFloat64: Bool) {
        self.spec = spec
        self.ensemble = ensemble
        self.aggregation = aggregation
        self.transform = transform
        self.baseValues = baseValues
        self.outputFloat64 = outputFloat64
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let (rows, raw) = try treeScores(ensemble, try inputs.tensor(0, spec), aggregation: aggregation, spec, context)
        let t = ensemble.targetCount
        var out = [Double](repeating: 0, count: rows * t)
        let trees = Double(ensemble.treeCount)
        let useBase = baseValues.count == t
        let origin = baseValues.count == 1 ? baseValues[0] : 0
        var row = [Double](repeating: 0, count: t)
        for r in 0..<rows {
            if t == 1 {
                var s = raw.values[r]
                switch aggregation {
                case .sum: s += origin
                case .average: s = s / trees + origin
                case .min, .max: s = raw.hasScore[r] ? s + origin : origin
                }
                out[r] = transform == .probit ? PostTransform.probitDouble(s) : s
                continue
            }
            for k in 0..<t {
                let s = raw.values[r * t + k], has = raw.hasScore[r * t + k]
                let base = useBase ? baseValues[k] : 0
                // A target no reached leaf scored reads as 0, base value or not (onnxruntime's ScoreValue).
                guard has else { row[k] = 0; continue }
                switch aggregation {
                case .sum: row[k] = s + base
                case .average: row[k] = s / trees + base
                case .min, .max: row[k] = s + base
                }
            }
            transform.apply(&row)
            for k in 0..<t { out[r * t + k] = row[k] }
        }
        if outputFloat64 { return [.tensor(try Tensor(shape: [rows, t], scalars: out))] }
        return [.tensor(try Tensor(shape: [rows, t], scalars: out.map { Float($0) }))]
    }
}

/// TreeEnsembleClassifier (ai.onnx.ml 1-3): the top label and per-class scores, with onnxruntime's
/// binary-case rules (one weight column expanded to two, labels chosen by the sign or 0.5 threshold).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_TreeEnsembleClassifier.html
struct TreeEnsembleClassifier: Operator {
    let spec: NodeSpec
    let ensemble: TreeEnsemble
    let transform: PostTransform
    let baseValues: [Double]
    let labels: ClassLabels
    let binaryCase: Bool
    let weightsAllPositive: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let attributes = try TreeEnsembleAttributes(spec, prefix: "class")
        labels = try ClassLabels(spec)
        transform = try PostTransform(spec)
        baseValues = attributes.baseValues
        ensemble = try TreeEnsemble(attributes, targetCount: labels.count, spec)
        binaryCase = labels.count == 2 && Set(attributes.weights.map(\.target)).count == 1
        weightsAllPositive = attributes.weights.allSatisfy { $0.weight >= 0 }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let (rows, raw) = try treeScores(ensemble, try inputs.tensor(0, spec), aggregation: .sum, spec, context)
        let c = labels.count
        var z = [Float](repeating: 0, count: rows * c)
        var labelIndex = [Int](repeating: 0, count: rows)
        var scores = [Double](), has = [Bool]()
        for r in 0..<rows {
            scores = Array(raw.values[r * c..<(r + 1) * c])
            has = Array(raw.hasScore[r * c..<(r + 1) * c])
            var secondClass = -1
            if c > 2 {
                for k in 0..<Swift.min(baseValues.count, c) {
                    if has[k] { scores[k] += baseValues[k] } else { scores[k] = baseValues[k]; has[k] = true }
                }
                var best = -1
                for k in 0..<c where has[k] && (best == -1 || scores[k] > scores[best]) { best = k }
                labelIndex[r] = Swift.max(best, 0)
            } else if c == 2 {
                if baseValues.count == 2 {
                    if has[1] {
                        // onnxruntime: base_values[0] unused; class 1 takes base_values[1] + score of class 0.
                        scores[1] = baseValues[1] + scores[0]
                        scores[0] = -scores[1]
                    } else {
                        scores[1] += baseValues[1]
                        scores[0] += baseValues[0]
                    }
                } else if baseValues.count == 1 {
                    scores[0] += baseValues[0]
                    if !has[1] { scores.removeLast(); has.removeLast() }
                } else if baseValues.isEmpty {
                    secondClass = 3
                    if !has[1] { scores.removeLast(); has.removeLast() }
                }
                let positive = scores.count == 2 && has[1] ? scores[1] : (has[0] ? scores[0] : 0)
                if binaryCase {
                    if weightsAllPositive {
                        (secondClass, labelIndex[r]) = positive > 0.5 ? (0, 1) : (1, 0)
                    } else {
                        (secondClass, labelIndex[r]) = positive > 0 ? (2, 1) : (3, 0)
                    }
                } else {
                    labelIndex[r] = positive > 0 ? 1 : 0
                }
            } else {
                labelIndex[r] = 0
            }
            // Classes no leaf scored count as 0 before the transform (onnxruntime's ScoreValue conversion).
            for k in scores.indices where !has[k] { scores[k] = 0 }
            writeScores(&scores, secondClass: secondClass, into: &z, row: r, classes: c)
        }
        return [try labels.tensor(labelIndex, rawBinary: c == 2 && !binaryCase),
                .tensor(try Tensor(shape: [rows, c], scalars: z))]
    }

    /// onnxruntime's `write_scores`: transform two or more scores; expand a single binary score to two.
    func writeScores(_ s: inout [Double], secondClass: Int, into z: inout [Float], row: Int, classes: Int) {
        let o = row * classes
        if s.count >= 2 {
            transform.apply(&s)
            for k in s.indices { z[o + k] = Float(s[k]) }
            return
        }
        guard let v = s.first else { return }
        if transform == .probit {
            z[o] = Float(PostTransform.probit(v))
            return
        }
        switch secondClass {
        case 0, 1:
            z[o] = Float(1 - v); z[o + 1] = Float(v)
        case 2, 3:
            if transform == .logistic {
                z[o] = Float(PostTransform.logistic(-v)); z[o + 1] = Float(PostTransform.logistic(v))
            } else {
                z[o] = Float(-v); z[o + 1] = Float(v)
            }
        default:
            z[o] = Float(v)
        }
    }
}

/// `classlabels_int64s` or `classlabels_strings` of a classifier.
struct ClassLabels: Sendable {
    var ints: [Int64]?
    var strings: [String]?

    /// - Parameter intsName: `classlabels_int64s` (tree ensembles) or `classlabels_ints` (LinearClassifier).
    init(_ spec: NodeSpec, intsName: String = "classlabels_int64s") throws {
        let i = try spec.ints(intsName, default: [])
        let s = try spec.strings("classlabels_strings", default: [])
        guard i.isEmpty != s.isEmpty else { throw spec.error("exactly one of \(intsName) and classlabels_strings must be given") }
        ints = i.isEmpty ? nil : i
        strings = s.isEmpty ? nil : s
    }

    var count: Int { ints?.count ?? strings?.count ?? 0 }

    /// The label tensor for chosen class indices. With `rawBinary` (two classes whose weights cover both),
    /// onnxruntime writes 0/1 themselves as int64 labels rather than the class labels; string labels still
    /// index the label list.
    func tensor(_ indices: [Int], rawBinary: Bool = false) throws -> Value {
        if let ints {
            let values = indices.map { rawBinary ? Int64($0) : ints[$0] }
            return .tensor(try Tensor(shape: [indices.count], scalars: values))
        }
        return .tensor(try Tensor(shape: [indices.count], strings: indices.map { strings![$0] }))
    }
}
