import MLCoreTensor
import Foundation
import MLCoreTestSupport
import Testing
@testable import MLCoreModels

@Suite struct MetricsTests {
    @Test func aucHandComputed() throws {
        // Pairs (pos, neg): (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, 0.1) right, (0.8, 0.4) right: 3/4.
        #expect(try Metrics.rocAUC(labels: [false, false, true, true], scores: [0.1, 0.4, 0.35, 0.8]) == 0.75)
        #expect(try Metrics.rocAUC(labels: [false, true], scores: [0.2, 0.9]) == 1)
        #expect(try Metrics.rocAUC(labels: [true, false], scores: [0.2, 0.9]) == 0)
    }

    @Test func aucTiesCountHalf() throws {
        // (0.4 pos, 0.1 neg) 1, (0.4 pos, 0.4 neg) 0.5, (0.8 pos, both) 2: 3.5 / 4.
        #expect(try Metrics.rocAUC(labels: [false, false, true, true], scores: [0.1, 0.4, 0.4, 0.8]) == 0.875)
        #expect(try Metrics.rocAUC(labels: [false, true, false, true], scores: [0.5, 0.5, 0.5, 0.5]) == 0.5)
        // Three positives and two negatives, one tie across classes: (6 - 0.5) / 6.
        #expect(try Metrics.rocAUC(labels: [true, true, true, false, false], scores: [3, 2, 1, 1, 0]) == 5.5 / 6)
    }

    @Test func aucMatchesPairCountingOnRandomTies() throws {
        for seed in 0..<20 {
            var rng = SplitMix64(seed: UInt64(seed))
            let n = 50
            let scores = (0..<n).map { _ in Double(Int.random(in: 0..<8, using: &rng)) / 8 }
            var labels = (0..<n).map { _ in Bool.random(using: &rng) }
            labels[0] = true; labels[1] = false
            var wins = 0.0, pairs = 0.0
            for i in 0..<n where labels[i] {
                for j in 0..<n where !labels[j] {
                    pairs += 1
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
                }
            }
            let auc = try Metrics.rocAUC(labels: labels, scores: scores)
            #expect(abs(auc - wins / pairs) < 1e-12, "seed \(seed)")
        }
    }

    @Test func aucOneClassThrows() {
        #expect(throws: MetricsError.oneClass) { try Metrics.rocAUC(labels: [true, true], scores: [0.1, 0.2]) }
        #expect(throws: MetricsError.nanScore) { try Metrics.rocAUC(labels: [true, false], scores: [.nan, 0.2]) }
    }

    @Test func multiclassAUCIsMacroOneVsRest() throws {
        // Class 0 scores rank its rows perfectly (1.0); class 1: positives {row 1}, column [0.3, 0.5, 0.6] -> 0.5;
        // class 2: positives {row 2}, column [0.1, 0.1, 0.3] -> 1.0. Mean 2.5 / 3.
        let p: [Double] = [0.6, 0.3, 0.1,
                           0.4, 0.5, 0.1,
                           0.1, 0.6, 0.3]
        let auc = try Metrics.rocAUC(labels: [0, 1, 2], probabilities: p, classes: 3)
        #expect(abs(auc - 2.5 / 3) < 1e-12)
        // Binary: column 1 is the positive score.
        #expect(try Metrics.rocAUC(labels: [0, 0, 1, 1], probabilities: [0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8], classes: 2) == 0.75)
    }

    @Test func logLossHandComputed() throws {
        let loss = try Metrics.logLoss(labels: [1, 0], probabilities: [0.2, 0.8, 0.7, 0.3], classes: 2)
        #expect(abs(loss - -(log(0.8) + log(0.7)) / 2) < 1e-12)
        // A certain mistake is clipped, not infinite.
        let clipped = try Metrics.logLoss(labels: [1], probabilities: [1, 0], classes: 2)
        #expect(abs(clipped - -log(1e-15)) < 1e-9)
        #expect(throws: MetricsError.labelOutOfRange(2, classes: 2)) {
            try Metrics.logLoss(labels: [2], probabilities: [0.5, 0.5], classes: 2)
        }
    }

    @Test func accuracyAndRMSE() throws {
        #expect(try Metrics.accuracy(labels: [0, 1, 1, 2], predicted: [0, 1, 0, 2]) == 0.75)
        #expect(try Metrics.rmse(targets: [1, 2, 3], predictions: [1, 2, 5]) == (4.0 / 3).squareRoot())
        #expect(Metrics.argmax(probabilities: [0.2, 0.8, 0.5, 0.5, 0.1, 0.9], classes: 2) == [1, 0, 1])
        #expect(throws: MetricsError.empty) { try Metrics.accuracy(labels: [], predicted: []) }
    }
}

