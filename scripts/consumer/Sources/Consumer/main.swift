#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MLCore

// One real MLCore call: a small GEMM checked against its hand-computed result.
let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4] as [Float])
let b = try Tensor(shape: [2, 2], scalars: [5, 6, 7, 8] as [Float])
let c = try GEMM.multiply(a, b)
let values = try c.scalars(as: Float.self)
guard values == [19, 22, 43, 50] else {
    print("consumer: unexpected GEMM result \(values)")
    exit(1)
}
print("consumer: GEMM [[1,2],[3,4]] x [[5,6],[7,8]] = \(values) (isa \(InstructionSet.detected))")

// A model round trip: train a gradient-boosted model on two well-separated groups, save it as ONNX, load it in
// MLCore's engine and predict two points whose classes are obvious by construction.
var xs: [Float] = [], ys: [Float] = []
for i in 0..<200 {
    let positive = i % 2 == 1
    xs += [Float(i % 10) / 10 + (positive ? 5 : 0), Float(i % 7) / 7]
    ys.append(positive ? 1 : 0)
}
let model = try GradientBoosting(parameters: .init(numTrees: 10), seed: 1, threads: 1)
    .fit(features: try Tensor(shape: [200, 2], scalars: xs), labels: try Tensor(shape: [200], scalars: ys))
let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("consumer-\(getpid()).onnx")
defer { try? FileManager.default.removeItem(at: url) }
try model.save(to: url)
let session = try InferenceSession(contentsOf: url, options: .init(threads: 1))
let probe = try Tensor(shape: [2, 2], scalars: [0.5, 0.5, 5.5, 0.5] as [Float])
guard let labels = try session.run(["X": probe])["label"]?.tensor?.scalars(as: Int64.self), labels == [0, 1] else {
    print("consumer: the saved model did not predict [0, 1]")
    exit(1)
}
print("consumer: GBDT saved to ONNX and reloaded predicts \(labels)")
