import Foundation
@testable import MLBench
import Testing

/// The suite's training subsets: the first rows of a seeded shuffle, written with the source's header.
@Suite struct TrainingSubsetTests {
    @Test func subsetRowsComeFromTheSourceOnceEachAndTheFullSplitIsTheSourceFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-subset-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("source.csv")
        let lines = (0..<50).map { "\($0),\($0 * 2).5,\($0 % 2)" }
        try ("a,b,y\n" + lines.joined(separator: "\n") + "\n").write(to: source, atomically: true, encoding: .utf8)
        let data = try LabeledData(contentsOf: source, label: "y")

        let subset = try TrainingSubset.write(data, dataset: "toy", rows: 20, seed: 7, to: directory)
        #expect(subset.name == "toy-20-seed7" && subset.rows == 20)
        let written = try String(contentsOf: subset.file, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(written.first == "a,b,y")
        let rows = Array(written.dropFirst())
        #expect(rows.count == 20 && Set(rows).count == 20 && rows.allSatisfy { lines.contains($0) }, "\(rows)")
        #expect(rows != Array(lines.prefix(20)), "a shuffle, not the first rows")
        // The same seed gives the same file.
        let again = try TrainingSubset.write(data, dataset: "toy", rows: 20, seed: 7, to: directory)
        #expect(again.sha256 == subset.sha256)

        let full = try TrainingSubset.write(data, dataset: "toy", rows: nil, seed: 7, to: directory)
        #expect(full.name == "toy-full" && full.rows == 50 && full.file.path == source.path)
        #expect(full.sha256 == SHA256.hex([UInt8](try Data(contentsOf: source))))
    }
}
