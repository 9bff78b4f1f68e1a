import Testing
@testable import MLBench
import MLCoreModels

/// `bench train --algorithm mlp --param name=value` parsing (Sources/MLBench/Training/MLPParameters.swift).
@Suite struct MLPParametersTests {
    @Test func defaultsAndValues() throws {
        let (defaults, given) = try MLP.Parameters.parsing([])
        #expect(defaults == MLP.Parameters() && !given)
        let (p, earlyStoppingGiven) = try MLP.Parameters.parsing([
            ("hiddenLayers", "64, 32"), ("activation", "tanh"), ("solver", "sgd"), ("learningRate", "0.05"),
            ("batchSize", "32"), ("maxEpochs", "7"), ("alpha", "0"), ("momentum", "0.5"), ("nesterov", "false"),
            ("beta1", "0.8"), ("beta2", "0.99"), ("epsilon", "1e-7"), ("tolerance", "1e-3"), ("nIterNoChange", "3"),
            ("earlyStoppingRounds", "4"), ("shuffle", "no"), ("standardize", "0"),
        ])
        #expect(earlyStoppingGiven)
        #expect(p == MLP.Parameters(hiddenLayers: [64, 32], activation: .tanh, solver: .sgd, learningRate: 0.05, batchSize: 32,
                                    maxEpochs: 7, alpha: 0, momentum: 0.5, nesterov: false, beta1: 0.8, beta2: 0.99, epsilon: 1e-7,
                                    tolerance: 1e-3, nIterNoChange: 3, earlyStoppingRounds: 4, shuffle: false, standardize: false))
        #expect(p.reportValues["hiddenLayers"] as? String == "64,32")
        #expect(p.reportValues.count == MLP.Parameters.parameterInfo.count)
        #expect(Set(p.reportValues.keys) == Set(MLP.Parameters.parameterInfo.map(\.name)))
        #expect(try MLP.Parameters.parsing([("hiddenLayers", "100")]).0.hiddenLayers == [100])
    }

    @Test(arguments: [("hiddenLayers", ""), ("hiddenLayers", "64,,32"), ("hiddenLayers", "64,x"), ("hiddenLayers", "0"),
                      ("activation", "sigmoid"), ("solver", "lbfgs"), ("learningRate", "fast"), ("batchSize", "0"),
                      ("nesterov", "maybe"), ("beta2", "1"), ("unknown", "1")])
    func invalidValuesThrow(name: String, value: String) {
        #expect(throws: TrainingError.self) { try MLP.Parameters.parsing([(name, value)]) }
    }
}
