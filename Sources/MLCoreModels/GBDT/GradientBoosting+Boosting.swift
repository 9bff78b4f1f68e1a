import Foundation
import MLCoreTensor
import MLCoreKernels
import MLCoreTensor

extension GradientBoosting {
    /// The boosting loop shared by every objective: bin once, then per round compute gradients, grow one tree
    /// per score column on the bagged rows, and add the leaves to the training (and validation) scores.
    func boost(features: Tensor, rows: Int, featureCount f: Int, targets: [Double], weights weightTensor: Tensor?,
               objective: BoostingObjective, classes: [Int], validation: (x: [Float], y: [Double])?,
               progress: (@Sendable (TrainingProgress) -> Void)?) throws -> GradientBoostingModel {
        let p = parameters
        var weights: [Double]?
        if let weightTensor {
            guard weightTensor.count == rows else {
                throw ModelError.invalidShape("sample weights must be [\(rows)], got \(weightTensor.shape)")
            }
            let w = try doubles(weightTensor, what: "sample weights", columns: 1)
            if let bad = w.firstIndex(where: { $0 < 0 }) {
                throw ModelError.invalidParameter(name: "weights", reason: "weight \(w[bad]) in row \(bad) is negative")
            }
            guard w.contains(where: { $0 > 0 }) else { throw ModelError.invalidParameter(name: "weights", reason: "every weight is zero") }
            weights = w
        }
        let x = try floatRows(features)

        let binningStart = monotonicSeconds()
        let data = x.withUnsafeBufferPointer {
            BinnedDataset(features: $0, rows: rows, featureCount: f, maxBins: p.maxBins, minDataInBin: p.minDataInBin, bundle: p.bundle, seed: seed,
                          threads: threads)
        }
        let binningSeconds = monotonicSeconds() - binningStart

        let k = objective.scoresPerRow
        let initial = objective.initialScores(targets: targets, weights: weights)
        var scores = [Double](repeating: 0, count: rows * k)
        for i in 0..<rows { for c in 0..<k { scores[i * k + c] = initial[c] } }
        var validScores = [Double](repeating: 0, count: (validation?.y.count ?? 0) * k)
        for i in 0..<(validation?.y.count ?? 0) { for c in 0..<k { validScores[i * k + c] = initial[c] } }

        let grower = HistogramTreeGrower(data: data, settings: .init(
            numLeaves: p.numLeaves, maxDepth: p.maxDepth, minDataInLeaf: p.minDataInLeaf, minSumHessian: p.minSumHessian,
            lambdaL2: p.lambdaL2, minGainToSplit: p.minGainToSplit, learningRate: p.learningRate, threads: threads))
        var gradients = [Float](repeating: 0, count: 2 * rows * k)
        let chunks = partition(rows, parts: rows >= 50_000 ? threads : 1, granule: 4096)
        var rng = SplitMix64(seed: seed)
        var trees: [RegressionTree] = []
        var bestLoss = Double.infinity, bestRound = 0, stoppedEarly = false
        var trainLoss = objective.loss(scores: scores, targets: targets, weights: weights)
        let allRows = (0..<rows).map { Int32($0) }
        var inBag = [Bool](repeating: true, count: rows)

        for round in 1...p.numTrees {
            scores.withUnsafeBufferPointer { sp in
                targets.withUnsafeBufferPointer { yp in
                    gradients.withUnsafeMutableBufferPointer { gp in
                        let s = UncheckedSendable(sp.baseAddress!), y = UncheckedSendable(yp.baseAddress!)
                        let g = UncheckedSendable(gp.baseAddress!)
                        (weights ?? []).withUnsafeBufferPointer { wp in
                            let w = UncheckedSendable(weights == nil ? nil : wp.baseAddress)
                            // Each chunk writes its own rows.
                            parallelFor(chunks.count, threads: chunks.count) { c in
                                objective.gradients(scores: s.value, targets: y.value, weights: w.value, rows: rows,
                                                    range: chunks[c], into: g.value)
                            }
                        }
                    }
                }
            }
            // Bagging: a seeded subset of rows for this round (ascending).
            var bag = allRows
            if p.baggingFraction < 1 {
                let take = Swift.max(1, Int((Double(rows) * p.baggingFraction).rounded()))
                var pool = allRows
                for i in 0..<take { pool.swapAt(i, i + Int(rng.below(UInt64(rows - i)))) }
                bag = Array(pool[..<take]).sorted()
                inBag = [Bool](repeating: false, count: rows)
                for r in bag { inBag[Int(r)] = true }
            }
            for c in 0..<k {
                var allowed = [Bool](repeating: true, count: f)
                if p.featureFraction < 1 {
                    let take = Swift.max(1, Int((Double(f) * p.featureFraction).rounded()))
                    var order = Array(0..<f)
                    for i in 0..<take { order.swapAt(i, i + Int(rng.below(UInt64(f - i)))) }
                    allowed = [Bool](repeating: false, count: f)
                    for j in order[..<take] { allowed[j] = true }
                }
                let (tree, leafRows) = gradients.withUnsafeBufferPointer {
                    grower.grow(rows: bag, gradients: UnsafeBufferPointer(rebasing: $0[(2 * rows * c)..<(2 * rows * (c + 1))]),
                                allowedFeatures: allowed)
                }
                // Training scores: bagged rows from the leaves' row ranges, the others by walking the tree.
                grower.rowIndex.withUnsafeBufferPointer { index in
                    scores.withUnsafeMutableBufferPointer { sp in
                        let out = UncheckedSendable(sp.baseAddress!), rowsOf = UncheckedSendable(index.baseAddress!)
                        // Leaves hold disjoint rows: each writes its own scores.
                        parallelFor(leafRows.count, threads: bag.count >= 100_000 ? threads : 1) { leaf in
                            let v = tree.leafValues[leaf]
                            for i in leafRows[leaf] { out.value[Int(rowsOf.value[i]) * k + c] += v }
                        }
                    }
                }
                if bag.count < rows {
                    x.withUnsafeBufferPointer { xp in
                        for r in 0..<rows where !inBag[r] { scores[r * k + c] += tree.leafValues[tree.leaf(xp.baseAddress! + r * f)] }
                    }
                }
                if let validation {
                    validation.x.withUnsafeBufferPointer { xp in
                        for r in 0..<validation.y.count { validScores[r * k + c] += tree.leafValues[tree.leaf(xp.baseAddress! + r * f)] }
                    }
                }
                trees.append(tree)
            }
            // The training loss costs a pass of exp/log1p over every row: only when someone reads it.
            if progress != nil { trainLoss = objective.loss(scores: scores, targets: targets, weights: weights) }
            var validLoss: Double?
            if let validation {
                let loss = objective.loss(scores: validScores, targets: validation.y, weights: nil)
                validLoss = loss
                if loss < bestLoss - 1e-12 { bestLoss = loss; bestRound = round }
            }
            progress?(TrainingProgress(iteration: round, trainLoss: trainLoss, validationLoss: validLoss))
            if p.earlyStoppingRounds > 0, validation != nil, round - bestRound >= p.earlyStoppingRounds {
                stoppedEarly = true
                break
            }
        }
        if stoppedEarly {
            // Roll the training scores back to the best round for the reported loss.
            x.withUnsafeBufferPointer { xp in
                for (t, tree) in trees.enumerated().dropFirst(bestRound * k) {
                    for r in 0..<rows { scores[r * k + t % k] -= tree.leafValues[tree.leaf(xp.baseAddress! + r * f)] }
                }
            }
            trees.removeLast(trees.count - bestRound * k)
        }
        trainLoss = objective.loss(scores: scores, targets: targets, weights: weights)
        return try GradientBoostingModel(
            objective: objective, classes: classes, featureCount: f, initialScores: initial, trees: trees,
            rounds: trees.count / k, stoppedEarly: stoppedEarly, trainLoss: trainLoss, binningSeconds: binningSeconds,
            featureGroups: data.groups.count, threads: threads)
    }
}
