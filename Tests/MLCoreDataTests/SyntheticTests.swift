import MLCoreTensor
import Foundation
@testable import MLCoreData
import Testing

@Suite struct SyntheticTests {
    /// The reference outputs of splitmix64.c for seed 0.
    @Test func splitMix64MatchesReference() {
        var g = SplitMix64(seed: 0)
        #expect([g.next(), g.next(), g.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    /// This test runs in a debug build; the manifest's checksums were produced by a release build of
    /// `bench datasets build synthetic`. Equal digests mean optimization does not change a single byte.
    @Test func debugBuildWritesTheManifestBytes() throws {
        let registry = try DatasetRegistry(root: Fixtures.datasets)
        let variant = try #require(try registry.entry("synthetic").variants?.first { $0.rows == 10_000 && $0.seed == 42 })
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try SyntheticBinaryTask(rows: 10_000, seed: 42).write(toDirectory: dir.path + "/a")
        let second = try SyntheticBinaryTask(rows: 10_000, seed: 42).write(toDirectory: dir.path + "/b")
        #expect(first.map(\.sha256) == second.map(\.sha256), "two runs")
        #expect(first.map(\.sha256) == variant.files.map(\.sha256), "against the manifest")
        #expect(first.map(\.rows) == [8_000, 2_000])
        #expect(try SHA256.hex(contentsOfFile: dir.path + "/a/train.csv") == first[0].sha256)
    }

    @Test func shapeAndLabelRate() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try SyntheticBinaryTask(rows: 20_001, seed: 7).write(toDirectory: dir.path)
        #expect(files.map(\.rows) == [16_001, 4_000])
        let data = try LabeledData(contentsOf: URL(fileURLWithPath: files[0].path), label: "label")
        #expect(data.featureNames == SyntheticBinaryTask.featureNames && data.features.shape == [16_001, 8])
        let labels = try data.labels.scalars(as: Float.self)
        let rate = labels.reduce(0, +) / Float(labels.count)
        #expect(rate > 0.15 && rate < 0.26, "positive rate \(rate)")
        let other = try SyntheticBinaryTask(rows: 20_001, seed: 8).write(toDirectory: dir.path + "/other")
        #expect(other[0].sha256 != files[0].sha256, "another seed gives other data")
        #expect(throws: DataError.self) { try SyntheticBinaryTask(rows: 0, seed: 1) }
    }
}
