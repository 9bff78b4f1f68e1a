import Foundation
import MLCoreKernels
import MLCoreTensor

/// L2-regularized logistic regression: binary (one logit) or multinomial (softmax over a row per class).
///
/// Defaults follow scikit-learn's `LogisticRegression` (`C = 1`, `max_iter = 100`, `tol = 1e-4`,
/// `fit_intercept = True`, L-BFGS) except ``Parameters/standardize``, which is on: features are scaled to zero
/// mean and unit variance inside the model, as scikit-learn's documentation recommends for L-BFGS (put a
/// `StandardScaler` in front), and the scaling is folded back into the coefficients, so the trained model and its
/// ONNX export take raw features.
/// - SeeAlso: https://scikit-learn.org/stable/modules/linear_model.html#logistic-regression
public struct LogisticRegression: Estimator {
    /// Which optimizer minimizes the objective.
    public enum Solver: String, Sendable, Hashable, CaseIterable {
        /// L-BFGS on GEMM products: any number of classes and features.
        case lbfgs
        /// Newton steps with a Cholesky solve of the `features x features` Hessian: binary problems only.
        case newton
        /// Newton for binary problems with at most ``Parameters/newtonMaxFeatures`` features, L-BFGS otherwise.
        case auto
    }

    /// Hyper-parameters. Names are MLCore's (`bench train --param name=value`).
    public struct Parameters: Sendable, Hashable {
        /// Inverse L2 strength: the penalty is `|W|^2 / (2 C)` against the summed log-loss (scikit-learn's `C`).
        public var C: Double = 1.0
        /// Solver iterations at most (scikit-learn's `max_iter`).
        public var maxIterations: Int = 100
        /// Stop when the largest gradient component of the mean objective is at most this (scikit-learn's `tol`).
        public var tolerance: Double = 1e-4
        /// Fit an unpenalized intercept per target.
        public var fitIntercept: Bool = true
        /// Scale features to zero mean (only with an intercept) and unit variance before fitting.
        public var standardize: Bool = true
        public var solver: Solver = .lbfgs
        /// Correction pairs L-BFGS keeps (scipy's `maxcor`).
        public var lbfgsMemory: Int = 10
        /// With ``Solver/auto``, Newton runs binary problems up to this many features.
        public var newtonMaxFeatures: Int = 200
        /// Stop when the validation log-loss has not improved by ``tolerance`` for this many iterations, and keep
        /// the best iterate. 0 turns early stopping off; it needs a validation set.
        public var earlyStoppingRounds: Int = 0

        public init(C: Double = 1.0, maxIterations: Int = 100, tolerance: Double = 1e-4, fitIntercept: Bool = true,
                    standardize: Bool = true, solver: Solver = .lbfgs, lbfgsMemory: Int = 10,
                    newtonMaxFeatures: Int = 200, earlyStoppingRounds: Int = 0) {
            self.C = C
            self.maxIterations = maxIterations
            self.tolerance = tolerance
            self.fitIntercept = fitIntercept
            self.standardize = standardize
            self.solver = solver
            self.lbfgsMemory = lbfgsMemory
            self.newtonMaxFeatures = newtonMaxFeatures
            self.earlyStoppingRounds = earlyStoppingRounds
        }

        /// Throws for values outside their range.
        public func validate() throws {
            guard C > 0, C.isFinite else { throw ModelError.invalidParameter(name: "C", reason: "must be a finite number > 0, got \(C)") }
            guard maxIterations >= 1 else { throw ModelError.invalidParameter(name: "maxIterations", reason: "must be >= 1, got \(maxIterations)") }
            guard tolerance >= 0, tolerance.isFinite else { throw ModelError.invalidParameter(name: "tolerance", reason: "must be >= 0, got \(tolerance)") }
            guard lbfgsMemory >= 1 else { throw ModelError.invalidParameter(name: "lbfgsMemory", reason: "must be >= 1, got \(lbfgsMemory)") }
            guard earlyStoppingRounds >= 0 else {
                throw ModelError.invalidParameter(name: "earlyStoppingRounds", reason: "must be >= 0, got \(earlyStoppingRounds)")
            }
            guard newtonMaxFeatures >= 0 else {
                throw ModelError.invalidParameter(name: "newtonMaxFeatures", reason: "must be >= 0, got \(newtonMaxFeatures)")
            }
        }
    }

    public var parameters: Parameters
    /// Logistic regression draws no random numbers (the objective is convex, the start is zero); the seed is
    /// kept for the protocol and recorded in reports.
    public var seed: UInt64
    public var threads: Int

    public init(parameters: Parameters = .init(), seed: UInt64 = 0, threads: Int = ProcessorInfo.activeCores) {
        self.parameters = parameters
        self.seed = seed
        self.threads = max(1, threads)
    }

    public func fit(features: Tensor, labels: Tensor, validation: ValidationSet?,
                    progress: (@Sendable (TrainingProgress) -> Void)?) throws -> LogisticRegressionModel {
        try parameters.validate()
        let (data, valid) = try TrainingData.checked(features: features, labels: labels, validation: validation)
        let p = parameters
        let n = data.rows, f = data.featureCount
        let targets = data.classes.count == 2 ? 1 : data.classes.count

        // Standardization: x' = (x - mean) / scale, mean 0 without an intercept (nothing would absorb the shift).
        var mean = [Double](repeating: 0, count: f), scale = [Double](repeating: 1, count: f)
        if p.standardize {
            (mean, scale) = try columnMoments(data.features)
            if !p.fitIntercept { mean = [Double](repeating: 0, count: f) }
        }
        func transformed(_ x: Tensor) throws -> Tensor {
            p.standardize ? try designMatrix(x, mean: mean, scale: scale) : try designMatrix(x, mean: [], scale: [])
        }

        let options = KernelOptions(threads: threads)
        let objective = LogisticObjective(x: try transformed(data.features), y: data.y, rows: n, features: f,
                                          targets: targets, lambda: 1 / (p.C * Double(n)),
                                          fitIntercept: p.fitIntercept, options: options)
        let validX = try valid.map { try transformed($0.features) }

        var best: (theta: [Double], loss: Double, iteration: Int)?
        let earlyStopping = p.earlyStoppingRounds > 0 && valid != nil
        let afterIteration: (Int, [Double], Double) throws -> Bool = { iteration, theta, loss in
            var validationLoss: Double?
            if let valid, let validX {
                validationLoss = try objective.validationLoss(theta, x: validX, y: valid.y)
            }
            progress?(TrainingProgress(iteration: iteration, trainLoss: loss, validationLoss: validationLoss))
            guard earlyStopping, let v = validationLoss else { return false }
            if best == nil || v < best!.loss - p.tolerance * max(abs(best!.loss), 1e-12) {
                best = (theta, v, iteration)
                return false
            }
            return iteration - best!.iteration >= p.earlyStoppingRounds
        }

        let theta0 = [Double](repeating: 0, count: objective.parameterCount)
        let useNewton: Bool
        switch p.solver {
        case .lbfgs: useNewton = false
        case .newton:
            guard targets == 1 else {
                throw ModelError.invalidParameter(name: "solver", reason: "newton runs binary problems only; this one has \(data.classes.count) classes (use lbfgs)")
            }
            useNewton = true
        case .auto: useNewton = targets == 1 && f <= p.newtonMaxFeatures
        }
        var result: LBFGS.Result
        if useNewton {
            result = try BinaryNewton(maxIterations: p.maxIterations, gradientTolerance: p.tolerance)
                .minimize(objective, from: theta0, afterIteration: afterIteration)
        } else {
            result = try LBFGS(memory: p.lbfgsMemory, maxIterations: p.maxIterations, gradientTolerance: p.tolerance)
                .minimize(theta0, objective: objective.evaluate, afterIteration: afterIteration)
        }
        var stoppedEarly = false
        if earlyStopping, let best, best.iteration < result.iterations {
            result.theta = best.theta
            stoppedEarly = true
        }

        // Fold the standardization into the coefficients: w x' + b = (w / scale) x + (b - sum w mean / scale).
        var coefficients = [Double](repeating: 0, count: targets * f)
        var intercepts = [Double](repeating: 0, count: targets)
        for t in 0..<targets {
            var shift = 0.0
            for j in 0..<f {
                let w = result.theta[t * f + j] / scale[j]
                coefficients[t * f + j] = w
                shift += w * mean[j]
            }
            intercepts[t] = (p.fitIntercept ? result.theta[targets * f + t] : 0) - shift
        }
        return LogisticRegressionModel(
            coefficients: coefficients, intercepts: intercepts, classes: data.classes, featureCount: f,
            iterations: result.iterations, converged: result.converged, stoppedEarly: stoppedEarly,
            solver: useNewton ? .newton : .lbfgs, trainLoss: result.loss, threads: threads)
    }
}
