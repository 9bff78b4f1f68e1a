import Foundation
import MLCore

/// An ONNX model run by MLCore's engine, answering queries of samples of its inputs.
///
/// Samples are slices along axis 0 of every input (``ModelFeeds``): a query of samples `[i, i + k)` feeds rows
/// `[i, i + k)` of each input, as zero-copy views; a query that wraps around the end is gathered into one batch.
public final class ONNXSystem: SystemUnderTest {
    public let name: String
    public let session: InferenceSession
    let feeds: ModelFeeds

    public var sampleCount: Int { feeds.sampleCount }

    /// A system fed by `feeds`, which must hold at least one sample.
    public init(session: InferenceSession, feeds: ModelFeeds, name: String = "mlcore-onnx") throws {
        guard feeds.sampleCount > 0 else {
            throw BenchError("the inputs hold no samples (axis 0 is 0 for \(feeds.feeds.map { "'\($0.input)' \($0.tensor.shape)" }.joined(separator: ", ")))")
        }
        self.session = session
        self.feeds = feeds
        self.name = name
    }

    /// A system whose samples are the rows of a `[rows, features]` tensor fed to the model's first input.
    public convenience init(session: InferenceSession, samples: Tensor, name: String = "mlcore-onnx") throws {
        guard let first = session.inputs.first else { throw ONNXError.invalidGraph(reason: "the model has no inputs") }
        guard samples.rank == 2, samples.shape[0] > 0 else {
            throw ONNXError.invalidInput(name: first.name, reason: "the sample matrix must be [rows > 0, features], got \(samples.shape)")
        }
        try self.init(session: session, feeds: ModelFeeds(session: session, tensors: [first.name: samples]), name: name)
    }

    public func loadSamples(_ indices: [Int]) {}

    /// The feeds of one query (views for consecutive samples).
    func batch(_ query: [Int]) throws -> [String: Tensor] { try feeds.samples(query) }

    public func issue(_ query: [Int]) throws {
        blackHole(try session.run(try batch(query)))
    }
}
