import Foundation

/// Scores of predictions against true labels: ROC AUC, log-loss, accuracy, RMSE.
///
/// Functions take plain arrays so that any producer (an estimator, an ONNX session, a peer's CSV) can be scored
/// the same way. Labels are class indices `0..<classes`; probabilities are row-major `[rows, classes]`.
public enum Metrics {
    /// Area under the ROC curve for a binary problem, exact, with tied scores handled as scikit-learn does
    /// (the trapezoid over tied groups, which equals the Mann-Whitney U statistic with average ranks).
    ///
    /// - Parameters:
    ///   - labels: `true` for the positive class.
    ///   - scores: higher means more likely positive.
    /// - Throws: ``MetricsError`` when the lengths differ, a score is NaN, or only one class is present
    ///   (AUC is undefined then).
    /// - Complexity: O(n log n).
    /// - SeeAlso: https://scikit-learn.org/stable/modules/generated/sklearn.metrics.roc_auc_score.html
    public static func rocAUC(labels: [Bool], scores: [Double]) throws -> Double {
        guard labels.count == scores.count else { throw MetricsError.lengthMismatch(labels.count, scores.count) }
        guard !scores.contains(where: \.isNaN) else { throw MetricsError.nanScore }
        let positives = labels.lazy.filter { $0 }.count
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { throw MetricsError.oneClass }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Sum of the positives' ranks (1-based), tied groups sharing their average rank.
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j + 2) / 2
            for k in i...j where labels[order[k]] { rankSum += averageRank }
            i = j + 1
        }
        let p = Double(positives), n = Double(negatives)
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }

    /// ROC AUC for class indices and `[rows, classes]` probabilities: with two classes, the AUC of column 1;
    /// with more, the unweighted mean of the one-vs-rest AUCs (scikit-learn's `multi_class="ovr", average="macro"`).
    /// - Throws: ``MetricsError`` as ``rocAUC(labels:scores:)``, for a class absent from `labels`, or a size mismatch.
    public static func rocAUC(labels: [Int], probabilities: [Double], classes: Int) throws -> Double {
        try checkShapes(labels, probabilities, classes)
        if classes == 2 {
            return try rocAUC(labels: labels.map { $0 == 1 }, scores: stride(from: 1, to: probabilities.count, by: 2).map { probabilities[$0] })
        }
        var total = 0.0
        for c in 0..<classes {
            let column = stride(from: c, to: probabilities.count, by: classes).map { probabilities[$0] }
            total += try rocAUC(labels: labels.map { $0 == c }, scores: column)
        }
        return total / Double(classes)
    }

    /// Mean negative log-likelihood of the true class, each probability clipped to `[epsilon, 1 - epsilon]`
    /// so that a confident mistake costs a large finite amount instead of infinity.
    /// - Throws: ``MetricsError`` for a size mismatch or a label outside `0..<classes`.
    public static func logLoss(labels: [Int], probabilities: [Double], classes: Int, epsilon: Double = 1e-15) throws -> Double {
        try checkShapes(labels, probabilities, classes)
        guard !labels.isEmpty else { throw MetricsError.empty }
        var sum = 0.0
        for (r, c) in labels.enumerated() {
            let p = min(max(probabilities[r * classes + c], epsilon), 1 - epsilon)
            sum -= p.isNaN ? log(epsilon) : log(p)
        }
        return sum / Double(labels.count)
    }

    /// The fraction of rows whose predicted class equals the label.
    public static func accuracy(labels: [Int], predicted: [Int]) throws -> Double {
        guard labels.count == predicted.count else { throw MetricsError.lengthMismatch(labels.count, predicted.count) }
        guard !labels.isEmpty else { throw MetricsError.empty }
        return Double(zip(labels, predicted).lazy.filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// The most probable class per row of `[rows, classes]` probabilities (the first one on ties).
    public static func argmax(probabilities: [Double], classes: Int) -> [Int] {
        stride(from: 0, to: probabilities.count, by: classes).map { start in
            var best = 0
            for j in 1..<classes where probabilities[start + j] > probabilities[start + best] { best = j }
            return best
        }
    }

    /// Root mean squared error.
    public static func rmse(targets: [Double], predictions: [Double]) throws -> Double {
        guard targets.count == predictions.count else { throw MetricsError.lengthMismatch(targets.count, predictions.count) }
        guard !targets.isEmpty else { throw MetricsError.empty }
        var sum = 0.0
        for (t, p) in zip(targets, predictions) { sum += (t - p) * (t - p) }
        return (sum / Double(targets.count)).squareRoot()
    }

    static func checkShapes(_ labels: [Int], _ probabilities: [Double], _ classes: Int) throws {
        guard classes >= 2 else { throw MetricsError.oneClass }
        guard probabilities.count == labels.count * classes else {
            throw MetricsError.lengthMismatch(labels.count * classes, probabilities.count)
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) { throw MetricsError.labelOutOfRange(bad, classes: classes) }
    }
}

/// Why a metric cannot be computed.
public enum MetricsError: Error, Sendable, Equatable, CustomStringConvertible {
    case lengthMismatch(Int, Int)
    case oneClass
    case empty
    case nanScore
    case labelOutOfRange(Int, classes: Int)

    public var description: String {
        switch self {
        case .lengthMismatch(let a, let b): return "expected \(a) values, got \(b)"
        case .oneClass: return "only one class is present: ROC AUC is undefined"
        case .empty: return "no rows to score"
        case .nanScore: return "a score is NaN"
        case .labelOutOfRange(let l, let c): return "label \(l) is not in 0..<\(c)"
        }
    }
}
