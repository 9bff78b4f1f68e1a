import Foundation
import MLCore

/// A training file of the binary-classification suite: the first `rows` rows of a seeded shuffle of a dataset's
/// training split (benchm-ml's data sizes), written as CSV with the same header.
struct TrainingSubset {
    var name: String
    var file: URL
    var rows: Int
    var sha256: String

    /// Writes the subset to `directory`; the whole split (`rows` nil or not smaller) is the dataset's own file.
    static func write(_ data: LabeledData, dataset: String, rows: Int?, seed: UInt64, to directory: URL) throws -> TrainingSubset {
        let total = data.features.shape[0], f = data.features.shape[1]
        guard let rows, rows < total else {
            return TrainingSubset(name: "\(dataset)-full", file: URL(fileURLWithPath: data.file), rows: total,
                                  sha256: try SHA256.hex(contentsOfFile: data.file))
        }
        var order = Array(0..<total)
        var g = SplitMix64(seed: seed)
        for i in 0..<rows { order.swapAt(i, i + Int(g.below(UInt64(total - i)))) }
        order = Array(order[..<rows])
        let name = "\(dataset)-\(rows % 1000 == 0 ? "\(rows / 1000)k" : "\(rows)")-seed\(seed)"
        let file = directory.appendingPathComponent("\(name).csv")
        let writer = try BufferedFileWriter(path: file.path)
        try writer.append((data.featureNames + [data.labelName]).joined(separator: ",") + "\n")
        try data.features.withUnsafeBufferPointer(as: Float.self) { x in
            try data.labels.withUnsafeBufferPointer(as: Float.self) { y in
                for r in order {
                    for j in 0..<f {
                        try writer.append(x[r * f + j])
                        try writer.append(byte: UInt8(ascii: ","))
                    }
                    try writer.append(y[r])
                    try writer.append(byte: UInt8(ascii: "\n"))
                }
            }
        }
        let (_, sha) = try writer.finish()
        return TrainingSubset(name: name, file: file, rows: order.count, sha256: sha)
    }
}
