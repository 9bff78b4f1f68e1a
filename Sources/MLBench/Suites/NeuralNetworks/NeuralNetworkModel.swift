import Foundation
import MLCore

/// One benchmark network: how to build its ONNX file and its sample inputs, both seeded.
package struct NeuralNetworkModel: Sendable {
    /// The report's model name, e.g. `resnet50`.
    package var name: String
    /// Bump when the builder changes, so that a cached file of the old graph is not reused.
    package var version: Int
    package var build: @Sendable (_ seed: UInt64) -> ONNXModelWriter
    /// `count` samples of every input (axis 0 is the sample).
    package var samples: @Sendable (_ count: Int, _ seed: UInt64) throws -> [String: Tensor]

    static let seed: UInt64 = 2024

    package static func resnet(_ name: String, _ config: ResNetConfiguration) -> NeuralNetworkModel {
        .init(name: name, version: 1, build: { config.build(seed: $0) },
              samples: { try images(count: $0, size: config.imageSize, seed: $1) })
    }

    package static func mobilenetV2(_ name: String, _ config: MobileNetV2Configuration) -> NeuralNetworkModel {
        .init(name: name, version: 1, build: { config.build(seed: $0) },
              samples: { try images(count: $0, size: config.imageSize, seed: $1) })
    }

    package static func bert(_ name: String, _ config: BERTConfiguration) -> NeuralNetworkModel {
        .init(name: name, version: 1, build: { config.build(seed: $0) },
              samples: { try tokens(count: $0, config: config, seed: $1) })
    }

    /// Normalized pixels, uniform in [-2, 2) (about the range of ImageNet-normalized images), [count, 3, size, size].
    static func images(count: Int, size: Int, seed: UInt64) throws -> [String: Tensor] {
        var rng = SplitMix64(seed: seed)
        let values = (0..<count * 3 * size * size).map { _ in Float(rng.next() >> 40) / Float(1 << 22) - 2 }
        return ["input": try Tensor(shape: Shape([count, 3, size, size]), scalars: values)]
    }

    /// Random token ids (101, BERT's [CLS], first) and an attention mask attending the first L tokens, with L
    /// from half to all of the sequence, as padded batches of real sentences do.
    static func tokens(count: Int, config: BERTConfiguration, seed: UInt64) throws -> [String: Tensor] {
        var rng = SplitMix64(seed: seed)
        var ids: [Int64] = [], mask: [Int64] = []
        let s = config.sequence
        for _ in 0..<count {
            let length = s / 2 + Int(rng.below(UInt64(s - s / 2 + 1)))
            for t in 0..<s {
                ids.append(t == 0 ? Int64(min(101, config.vocabulary - 1)) : t < length ? rng.below(UInt64(config.vocabulary)) : 0)
                mask.append(t < length ? 1 : 0)
            }
        }
        return ["input_ids": try Tensor(shape: [count, s], scalars: ids),
                "attention_mask": try Tensor(shape: [count, s], scalars: mask)]
    }

    /// The model file in `directory`, written there on first use (through a temporary file, so that an
    /// interrupted write is never taken for a model) and reused afterwards.
    package func file(in directory: URL, seed: UInt64 = NeuralNetworkModel.seed) throws -> URL {
        let url = directory.appendingPathComponent("\(name)-v\(version)-seed\(seed).onnx")
        if FileManager.default.fileExists(atPath: url.path) { return url }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let partial = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial")
        try Data(build(seed).serialized()).write(to: partial)
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: partial, to: url)
        return url
    }

    /// The sample inputs as `.npy` files in `directory` (for peers in other processes), written on first use.
    package func sampleFiles(_ samples: [String: Tensor], count: Int, in directory: URL,
                             seed: UInt64 = NeuralNetworkModel.seed) throws -> [String: URL] {
        var files: [String: URL] = [:]
        for (input, tensor) in samples {
            let url = directory.appendingPathComponent("\(name)-v\(version)-seed\(seed)-\(count)-\(input).npy")
            if !FileManager.default.fileExists(atPath: url.path) { try Npy.write(tensor, to: url) }
            files[input] = url
        }
        return files
    }
}
