import Foundation
import MLCore

/// An ONNX model run by MLCore's engine, answering queries of rows of a sample matrix.
///
/// Samples are the rows of a `[rows, features]` float tensor, fed to the model's first input; a query of
/// consecutive rows is a zero-copy view, other queries are gathered into one batch.
public final class ONNXSystem: SystemUnderTest {
    public let name: String
    public let session: InferenceSession
    let samples: Tensor
    let inputName: String

    public var sampleCount: Int { samples.shape[0] }

    public init(session: InferenceSession, samples: Tensor, name: String = "mlcore-onnx") throws {
        guard let first = session.inputs.first else { throw ONNXError.invalidGraph(reason: "the model has no inputs") }
        guard samples.rank == 2, samples.shape[0] > 0 else {
            throw ONNXError.invalidInput(name: first.name, reason: "the sample matrix must be [rows > 0, features], got \(samples.shape)")
        }
        self.session = session
        self.samples = samples
        self.inputName = first.name
        self.name = name
    }

    public func loadSamples(_ indices: [Int]) {}

    public func issue(_ query: [Int]) throws {
        let batch: Tensor
        if let first = query.first, query.last == first + query.count - 1, zip(query, query.dropFirst()).allSatisfy({ $1 == $0 + 1 }) {
            batch = try samples.rows(first..<first + query.count)
        } else {
            let width = samples.shape[1]
            let all = try samples.scalars(as: Float.self)
            var rows: [Float] = []
            rows.reserveCapacity(query.count * width)
            for i in query { rows += all[i * width..<(i + 1) * width] }
            batch = try Tensor(shape: [query.count, width], scalars: rows)
        }
        blackHole(try session.run([inputName: batch]))
    }
}
