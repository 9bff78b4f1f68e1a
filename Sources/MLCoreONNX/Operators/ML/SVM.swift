import Foundation
import MLCoreKernels
import MLCoreTensor

/// SVMClassifier (ai.onnx.ml 1), as onnxruntime computes it.
///
/// With support vectors (libsvm mode), every pair of classes `i < j` has a decision score
/// `sum(coef[j-1][sv of i] * K) + sum(coef[i][sv of j] * K) + rho[pair]` that votes for `i` when positive,
/// else `j`; the label is the class with most votes (the first on ties). Scores: with `prob_a`/`prob_b`
/// each pair's score goes through Platt's sigmoid `1 - logistic(score * a + b)` (clamped to
/// `[1e-7, 1 - 1e-7]`) and the pairwise probabilities are coupled into class probabilities by libsvm's
/// iterative method (Wu, Lin and Weng 2004, at most 100 iterations); without them Z holds the pair scores,
/// or `[-s, s]` for two classes (`[1 - s, s]` under a post_transform other than NONE and PROBIT). Without
/// support vectors (liblinear mode) the scores are `X * coefficients^T + rho[0]` per class and the label
/// their argmax (two classes: onnxruntime's rule on the top weight). `post_transform` then applies to each
/// row of two or more scores.
/// - Complexity: O(N * V * F) on GEMM for the kernel, O(N * (V + C^2)) after it.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_SVMClassifier.html
struct SVMClassifier: Operator {
    let spec: NodeSpec
    let kernel: SVMKernel
    let labels: ClassLabels
    let transform: PostTransform
    let classCount: Int
    let vectorsPerClass: [Int]
    let startingVector: [Int]
    let vectorCount: Int
    let featureCount: Int
    let rho: [Float]
    let probA: [Float]
    let probB: [Float]
    let coefficients: [Float]
    /// `[V, F]` support vectors (libsvm mode) or `[C, F]` coefficients (liblinear mode).
    let vectors: Tensor
    let weightsAllPositive: Bool

    var isLinearMode: Bool { vectorCount == 0 }

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        var kernel = try SVMKernel(spec)
        labels = try ClassLabels(spec, intsName: "classlabels_ints")
        transform = try PostTransform(spec)
        classCount = labels.count
        guard classCount < 65536 else { throw spec.error("\(classCount) classes; at most 65535 are supported") }
        let perClass = try spec.ints("vectors_per_class", default: [])
        guard perClass.allSatisfy({ $0 >= 0 && $0 < Int64(Int32.max) }) else { throw spec.error("vectors_per_class has a negative or huge entry") }
        vectorsPerClass = perClass.map { Int($0) }
        var start: [Int] = [], total = 0
        for count in vectorsPerClass { start.append(total); total += count }
        startingVector = start
        vectorCount = total
        rho = try spec.floats("rho")
        coefficients = try spec.floats("coefficients")
        probA = try spec.floats("prob_a", default: [])
        probB = try spec.floats("prob_b", default: [])
        guard !coefficients.isEmpty else { throw spec.error("coefficients are empty") }
        guard probA.count == probB.count else { throw spec.error("prob_a has \(probA.count) values, prob_b \(probB.count)") }
        let supportVectors = try spec.floats("support_vectors", default: [])
        let pairs = classCount * (classCount - 1) / 2
        if vectorCount > 0 {
            guard vectorsPerClass.count == classCount else {
                throw spec.error("vectors_per_class has \(vectorsPerClass.count) entries for \(classCount) classes")
            }
            guard classCount >= 2 else { throw spec.error("a support-vector classifier needs two or more classes") }
            guard supportVectors.count % vectorCount == 0, !supportVectors.isEmpty else {
                throw spec.error("\(supportVectors.count) support vector values do not divide into \(vectorCount) vectors")
            }
            featureCount = supportVectors.count / vectorCount
            guard coefficients.count >= (classCount - 1) * vectorCount else {
                throw spec.error("\(coefficients.count) coefficients; \(classCount - 1) x \(vectorCount) expected")
            }
            guard rho.count >= pairs else { throw spec.error("\(rho.count) rho values for \(pairs) class pairs") }
            guard probA.isEmpty || probA.count >= pairs else { throw spec.error("\(probA.count) prob_a values for \(pairs) class pairs") }
            vectors = try Tensor(shape: [vectorCount, featureCount], scalars: supportVectors)
        } else {
            guard classCount > 0, coefficients.count % classCount == 0 else {
                throw spec.error("\(coefficients.count) coefficients do not divide into \(classCount) classes")
            }
            guard !rho.isEmpty else { throw spec.error("rho needs at least one value") }
            featureCount = coefficients.count / classCount
            kernel.kind = .linear
            vectors = try Tensor(shape: [classCount, featureCount], scalars: coefficients)
        }
        self.kernel = kernel
        weightsAllPositive = coefficients.allSatisfy { $0 >= 0 }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let rows = try floatRows(try inputs.tensor(0, spec), spec)
        guard rows.shape[1] == featureCount else {
            throw spec.shapeError("X has \(rows.shape[1]) features, the model \(featureCount)")
        }
        let n = rows.shape[0], c = classCount
        let pairs = c * (c - 1) / 2
        let haveProba = !probA.isEmpty
        let width = !isLinearMode && !haveProba ? (c > 2 ? pairs : 2) : c
        var z = [Float](repeating: 0, count: n * width)
        var labelIndex = [Int](repeating: 0, count: n)
        if isLinearMode {
            let scores = try kernel.matrix(rows, vectors, bias: rho[0], spec, context)
            z = try scores.scalars(as: Float.self)
            for r in 0..<n {
                var best = 0
                for j in 1..<c where z[r * c + j] > z[r * c + best] { best = j }
                labelIndex[r] = best
                if c == 2 && !haveProba {
                    let top = z[r * c + best]
                    if (weightsAllPositive && top >= 0.5) || (top > 0 && !weightsAllPositive) { labelIndex[r] = 1 }
                }
                transformRow(&z, r * width, c)
            }
        } else {
            let k = try kernel.matrix(rows, vectors, bias: 0, spec, context)
            try k.withUnsafeBufferPointer(as: Float.self) { kp in
                var scores = [Float](repeating: 0, count: pairs)
                var votes = [Int](repeating: 0, count: c)
                var pairwise = [Float](repeating: 0, count: c * c)
                for r in 0..<n {
                    let kr = UnsafeBufferPointer(rebasing: kp[r * vectorCount..<(r + 1) * vectorCount])
                    pairScores(kr, &scores, &votes)
                    var best = 0
                    for j in 1..<c where votes[j] > votes[best] { best = j }
                    labelIndex[r] = best
                    if haveProba {
                        plattPairwise(scores, &pairwise)
                        let p = Self.multiclassProbability(c, pairwise)
                        for j in 0..<c { z[r * width + j] = p[j] }
                        transformRow(&z, r * width, c)
                    } else if c > 2 {
                        for j in 0..<pairs { z[r * width + j] = scores[j] }
                        transformRow(&z, r * width, pairs)
                    } else {
                        let s = scores[0]
                        switch transform {
                        case .probit: z[r * 2] = Float(PostTransform.probit(Double(s)))
                        case .none: z[r * 2] = -s; z[r * 2 + 1] = s
                        default: z[r * 2] = 1 - s; z[r * 2 + 1] = s
                        }
                    }
                }
            }
        }
        return [try labels.tensor(labelIndex), .tensor(try Tensor(shape: [n, width], scalars: z))]
    }

    /// The decision score of each class pair `(i, j)`, `i < j` in order, and the votes they cast.
    private func pairScores(_ k: UnsafeBufferPointer<Float>, _ scores: inout [Float], _ votes: inout [Int]) {
        for j in votes.indices { votes[j] = 0 }
        var pair = 0
        for i in 0..<(classCount - 1) {
            for j in (i + 1)..<classCount {
                // Float products summed in double, as onnxruntime does.
                var sum = 0.0
                let rowJ = vectorCount * (j - 1) + startingVector[i]
                for m in 0..<vectorsPerClass[i] { sum += Double(coefficients[rowJ + m] * k[startingVector[i] + m]) }
                let rowI = vectorCount * i + startingVector[j]
                for m in 0..<vectorsPerClass[j] { sum += Double(coefficients[rowI + m] * k[startingVector[j] + m]) }
                sum += Double(rho[pair])
                scores[pair] = Float(sum)
                votes[sum > 0 ? i : j] += 1
                pair += 1
            }
        }
    }

    /// `r[i][j]`: Platt's probability that class `i` beats `j`, clamped away from 0 and 1; `r[j][i] = 1 - r[i][j]`.
    private func plattPairwise(_ scores: [Float], _ r: inout [Float]) {
        let c = classCount
        var pair = 0
        for i in 0..<(c - 1) {
            for j in (i + 1)..<c {
                let v = Float(1) - Self.logistic(scores[pair] * probA[pair] + probB[pair])
                let clamped = Swift.min(Swift.max(v, 1.0e-7), 1 - 1.0e-7)
                r[i * c + j] = clamped
                r[j * c + i] = 1 - clamped
                pair += 1
            }
        }
    }

    /// post_transform over `count >= 2` scores at `offset` (one score is left as it is, as onnxruntime does).
    private func transformRow(_ z: inout [Float], _ offset: Int, _ count: Int) {
        if count == 1 {
            if transform == .probit { z[offset] = Float(PostTransform.probit(Double(z[offset]))) }
            return
        }
        guard transform != .none else { return }
        var row = (0..<count).map { Double(z[offset + $0]) }
        transform.apply(&row)
        for j in 0..<count { z[offset + j] = Float(row[j]) }
    }

    /// onnxruntime's single-precision logistic.
    static func logistic(_ x: Float) -> Float {
        let v = 1 / (1 + Foundation.exp(-Swift.abs(x)))
        return x < 0 ? 1 - v : v
    }

    /// Class probabilities from pairwise ones `r` (`[k * k]`), libsvm's `multiclass_probability` in single
    /// precision, step for step as onnxruntime computes it.
    /// - SeeAlso: https://www.csie.ntu.edu.tw/~cjlin/papers/svmprob/svmprob.pdf
    static func multiclassProbability(_ k: Int, _ r: [Float]) -> [Float] {
        var q = [Float](repeating: 0, count: k * k)
        var qp = [Float](repeating: 0, count: k)
        var p = [Float](repeating: 1 / Float(k), count: k)
        let eps = 0.005 / Float(k)
        for i in 0..<k {
            for j in 0..<i {
                q[i * k + i] += r[j * k + i] * r[j * k + i]
                q[i * k + j] = q[j * k + i]
            }
            for j in (i + 1)..<k {
                q[i * k + i] += r[j * k + i] * r[j * k + i]
                q[i * k + j] = -r[j * k + i] * r[i * k + j]
            }
        }
        for _ in 0..<100 {
            var pqp: Float = 0
            for i in 0..<k {
                qp[i] = 0
                for j in 0..<k { qp[i] += q[i * k + j] * p[j] }
                pqp += p[i] * qp[i]
            }
            var maxError: Float = 0
            for i in 0..<k { maxError = Swift.max(maxError, Swift.abs(qp[i] - pqp)) }
            if maxError < eps { break }
            for i in 0..<k {
                let diff = (-qp[i] + pqp) / q[i * k + i]
                p[i] += diff
                pqp = (pqp + diff * (diff * q[i * k + i] + 2 * qp[i])) / (1 + diff) / (1 + diff)
                for j in 0..<k {
                    qp[j] = (qp[j] + diff * q[i * k + j]) / (1 + diff)
                    p[j] /= (1 + diff)
                }
            }
        }
        return p
    }
}

/// SVMRegressor (ai.onnx.ml 1), as onnxruntime computes it: `Y = K(X, SV) * coefficients + rho[0]` with
/// `n_supports` support vectors, or `X * coefficients + rho[0]` without; `one_class = 1` maps Y to +1 / -1
/// (`Y > 0`). onnxruntime reads `post_transform` but never applies it, so neither does this. Y is `[N, 1]`.
/// - Complexity: O(N * V * F) on GEMM.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_SVMRegressor.html
struct SVMRegressor: Operator {
    let spec: NodeSpec
    let kernel: SVMKernel
    let vectors: Tensor
    /// `[1, V]` dual coefficients (libsvm mode).
    let dualCoefficients: Tensor?
    let rho: Float
    let oneClass: Bool
    let featureCount: Int

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        var kernel = try SVMKernel(spec)
        _ = try PostTransform(spec)
        let supports = try spec.int("n_supports", default: 0)
        guard supports >= 0, supports < Int64(Int32.max) else { throw spec.error("n_supports \(supports) is out of range") }
        let coefficients = try spec.floats("coefficients")
        guard !coefficients.isEmpty else { throw spec.error("coefficients are empty") }
        let rhoValues = try spec.floats("rho")
        guard let first = rhoValues.first else { throw spec.error("rho needs a value") }
        rho = first
        oneClass = try spec.int("one_class", default: 0) != 0
        if supports > 0 {
            let v = Int(supports)
            let sv = try spec.floats("support_vectors", default: [])
            guard !sv.isEmpty, sv.count % v == 0 else { throw spec.error("\(sv.count) support vector values do not divide into \(v) vectors") }
            guard coefficients.count >= v else { throw spec.error("\(coefficients.count) coefficients for \(v) support vectors") }
            featureCount = sv.count / v
            vectors = try Tensor(shape: [v, featureCount], scalars: sv)
            dualCoefficients = try Tensor(shape: [1, v], scalars: Array(coefficients[0..<v]))
        } else {
            featureCount = coefficients.count
            kernel.kind = .linear
            vectors = try Tensor(shape: [1, featureCount], scalars: coefficients)
            dualCoefficients = nil
        }
        self.kernel = kernel
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let rows = try floatRows(try inputs.tensor(0, spec), spec)
        guard rows.shape[1] == featureCount else {
            throw spec.shapeError("X has \(rows.shape[1]) features, the model \(featureCount)")
        }
        var y: Tensor
        if let dualCoefficients {
            let k = try kernel.matrix(rows, vectors, bias: 0, spec, context)
            y = try context.makeTensor([rows.shape[0], 1], .float32, node: spec.name)
            try y.withUnsafeMutableBufferPointer(as: Float.self) { $0.update(repeating: rho) }
            do {
                try GEMM.multiply(k, dualCoefficients, into: &y, transposeB: true, alpha: 1, beta: 1, options: context.kernelOptions)
            } catch let error as TensorError {
                throw spec.shapeError("\(error)")
            }
        } else {
            y = try kernel.matrix(rows, vectors, bias: rho, spec, context)
        }
        if oneClass {
            try y.withUnsafeMutableBufferPointer(as: Float.self) { p in for i in 0..<p.count { p[i] = p[i] > 0 ? 1 : -1 } }
        }
        return [.tensor(y)]
    }
}
