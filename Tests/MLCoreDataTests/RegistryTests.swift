import Foundation
@testable import MLCoreData
import Testing

@Suite struct RegistryTests {
    @Test func manifestListsTheDatasets() throws {
        let registry = try DatasetRegistry(root: Fixtures.datasets)
        #expect(registry.manifest.datasets.map(\.name) == ["airline-nyc2013", "breast-cancer", "digits-ge5", "synthetic"])
        let airline = try registry.entry("airline-nyc2013")
        #expect(airline.features.count == 128 && airline.label == "dep_delayed_15min")
        #expect(airline.files?.map(\.rows) == [245_723, 82_798])
        #expect(Set(try registry.entry("synthetic").variants!.map(\.rows)) == [10_000, 100_000, 1_000_000])
        #expect(throws: DataError.self) { try registry.entry("iris") }
    }

    /// The committed extract is the one the manifest records (what `build` checks before running the recipe).
    @Test func airlineExtractMatchesTheManifest() throws {
        let registry = try DatasetRegistry(root: Fixtures.datasets)
        let input = try #require(try registry.entry("airline-nyc2013").inputs?.first)
        try registry.verify(Fixtures.datasets.appendingPathComponent(input.path).path, expected: input)
    }

    @Test func loadsCommittedSetsVerified() throws {
        let registry = try DatasetRegistry(root: Fixtures.datasets)
        let train = try registry.load("breast-cancer", split: .train)
        #expect(train.verified && train.features.shape == [426, 30] && train.labelName == "benign")
        let test = try registry.load("digits-ge5", split: .test)
        #expect(test.features.shape == [450, 64])
        #expect(Set(try test.labels.scalars(as: Float.self)) == [0, 1])
    }

    /// A copy of the registry with one byte changed in a committed file: loading and building refuse it.
    @Test func refusesAChecksumMismatch() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Fixtures.datasets.appendingPathComponent("manifest.json"),
                                         to: dir.appendingPathComponent("manifest.json"))
        try FileManager.default.copyItem(at: Fixtures.datasets.appendingPathComponent("breast-cancer"),
                                         to: dir.appendingPathComponent("breast-cancer"))
        let file = dir.appendingPathComponent("breast-cancer/train.csv")
        var bytes = [UInt8](try Data(contentsOf: file))
        bytes[bytes.count - 2] = bytes[bytes.count - 2] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        try Data(bytes).write(to: file)
        let registry = try DatasetRegistry(root: dir)
        do {
            _ = try registry.load("breast-cancer", split: .train)
            Issue.record("expected an error")
        } catch let e as DataError {
            #expect(e.kind == .checksumMismatch && e.file == file.path && e.reason.contains("the manifest records"), "\(e)")
        }
        #expect(throws: DataError.self) { try registry.build(DatasetRegistry.BuildRequest(name: "breast-cancer")) }
        _ = try registry.load("breast-cancer", split: .test)  // the untouched file still loads
    }

    @Test func buildsAGeneratorVariantAndComparesIt() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = try DatasetRegistry(root: Fixtures.datasets)
        let report = try registry.build(DatasetRegistry.BuildRequest(name: "synthetic", rows: 10_000, seed: 42, outputDirectory: dir))
        #expect(report.consistent && report.files.allSatisfy { $0.matches == true })
        let unrecorded = try registry.build(DatasetRegistry.BuildRequest(name: "synthetic", rows: 12_345, seed: 1, outputDirectory: dir))
        #expect(unrecorded.consistent && unrecorded.files.allSatisfy { $0.matches == nil })
        #expect(throws: DataError.self) {
            try registry.build(DatasetRegistry.BuildRequest(name: "breast-cancer", rows: 10))
        }
    }

    @Test func missingLabelColumn() throws {
        let url = Fixtures.datasets.appendingPathComponent("breast-cancer/test.csv")
        do {
            _ = try LabeledData(contentsOf: url, label: "malignant")
            Issue.record("expected an error")
        } catch let e as CSVError {
            #expect(e.file == url.path && e.line == 1 && e.reason.contains("no column named 'malignant'"), "\(e)")
        }
    }
}
