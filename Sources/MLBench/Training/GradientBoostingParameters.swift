import MLCore

extension GradientBoosting.Parameters {
    /// The `--param` names with their defaults (LightGBM's), for `bench train --help`.
    static var parameterInfo: [TrainingAlgorithm.ParameterInfo] {
        let d = Self()
        return [
            .init(name: "numTrees", defaultValue: "\(d.numTrees)", help: "boosting rounds (trees per class)"),
            .init(name: "learningRate", defaultValue: "\(d.learningRate)", help: "shrinkage of every leaf value"),
            .init(name: "numLeaves", defaultValue: "\(d.numLeaves)", help: "leaves per tree at most (leaf-wise growth)"),
            .init(name: "maxDepth", defaultValue: "\(d.maxDepth)", help: "leaf depth at most; <= 0: no limit"),
            .init(name: "maxBins", defaultValue: "\(d.maxBins)", help: "bins per feature at most (2...255, NaN bin included)"),
            .init(name: "minDataInBin", defaultValue: "\(d.minDataInBin)", help: "sampled rows per bin at least"),
            .init(name: "minDataInLeaf", defaultValue: "\(d.minDataInLeaf)", help: "rows per leaf at least"),
            .init(name: "minSumHessian", defaultValue: "\(d.minSumHessian)", help: "sum of hessians per leaf at least"),
            .init(name: "lambdaL2", defaultValue: "\(d.lambdaL2)", help: "L2 penalty on leaf values"),
            .init(name: "minGainToSplit", defaultValue: "\(d.minGainToSplit)", help: "loss reduction a split needs"),
            .init(name: "featureFraction", defaultValue: "\(d.featureFraction)", help: "fraction of features per tree"),
            .init(name: "baggingFraction", defaultValue: "\(d.baggingFraction)", help: "fraction of rows per round"),
            .init(name: "earlyStoppingRounds", defaultValue: "\(d.earlyStoppingRounds) (10 with --validation-fraction)",
                  help: "stop after this many rounds without validation improvement"),
            .init(name: "bundle", defaultValue: "\(d.bundle)", help: "bundle exclusive sparse features (EFB)"),
        ]
    }

    /// Applies `--param name=value` pairs; unknown names and unparsable values are errors listing what is valid.
    /// - Returns: the parameters and whether `earlyStoppingRounds` was given.
    static func parsing(_ pairs: [(String, String)]) throws -> (Self, earlyStoppingGiven: Bool) {
        var p = Self()
        var earlyStoppingGiven = false
        func int(_ n: String, _ v: String) throws -> Int { try ParameterReader.number(n, v, Int.self) }
        func double(_ n: String, _ v: String) throws -> Double { try ParameterReader.number(n, v, Double.self) }
        for (name, value) in pairs {
            switch name {
            case "numTrees": p.numTrees = try int(name, value)
            case "learningRate": p.learningRate = try double(name, value)
            case "numLeaves": p.numLeaves = try int(name, value)
            case "maxDepth": p.maxDepth = try int(name, value)
            case "maxBins": p.maxBins = try int(name, value)
            case "minDataInBin": p.minDataInBin = try int(name, value)
            case "minDataInLeaf": p.minDataInLeaf = try int(name, value)
            case "minSumHessian": p.minSumHessian = try double(name, value)
            case "lambdaL2": p.lambdaL2 = try double(name, value)
            case "minGainToSplit": p.minGainToSplit = try double(name, value)
            case "featureFraction": p.featureFraction = try double(name, value)
            case "baggingFraction": p.baggingFraction = try double(name, value)
            case "earlyStoppingRounds":
                p.earlyStoppingRounds = try int(name, value)
                earlyStoppingGiven = true
            case "bundle": p.bundle = try ParameterReader.bool(name, value)
            default: throw ParameterReader.unknown(.gbdt, name)
            }
        }
        do { try p.validate() } catch { throw TrainingError("\(error)") }
        return (p, earlyStoppingGiven)
    }

    /// The values as report fields.
    var reportValues: [String: Any] {
        ["numTrees": numTrees, "learningRate": learningRate, "numLeaves": numLeaves, "maxDepth": maxDepth,
         "maxBins": maxBins, "minDataInBin": minDataInBin, "minDataInLeaf": minDataInLeaf, "minSumHessian": minSumHessian, "lambdaL2": lambdaL2,
         "minGainToSplit": minGainToSplit, "featureFraction": featureFraction, "baggingFraction": baggingFraction,
         "earlyStoppingRounds": earlyStoppingRounds, "bundle": bundle]
    }
}
