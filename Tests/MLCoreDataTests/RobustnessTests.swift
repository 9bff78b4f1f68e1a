import MLCoreTensor
import Foundation
@testable import MLCoreData
import Testing

/// Random and mutated inputs: every outcome is a value or a thrown error, never a crash or a hang.
@Suite struct RobustnessTests {
    @Test func randomCSVNeverCrashes() {
        var g = SplitMix64(seed: 3)
        let alphabet = Array("0123456789,,,\"\"\n\n\r.-+eE xNA\t".utf8) + [0, 0xEF, 0xBB, 0xBF]
        var parsed = 0
        for _ in 0..<3000 {
            let n = Int(g.next() % 60)
            let bytes = (0..<n).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
            if (try? NumericCSV(bytes: bytes, file: "fuzz.csv")) != nil { parsed += 1 }
            _ = try? CSVTable(bytes: bytes, file: "fuzz.csv")
        }
        #expect(parsed > 0)
    }

    @Test func blankLinesDoNotInflateTheAllocation() throws {
        let header = (0..<1000).map { "c\($0)" }.joined(separator: ",")
        let csv = try NumericCSV(bytes: Array((header + String(repeating: "\n", count: 100_000)).utf8))
        #expect(csv.values.shape == [0, 1000])
    }

    @Test func mutatedNpyHeadersAreRefusedOrRead() throws {
        let good = [UInt8](try Data(contentsOf: Fixtures.url("npy/i4_2x3x4.npy")))
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var g = SplitMix64(seed: 5)
        for i in 0..<300 {
            var bytes = good
            for _ in 0..<(1 + Int(g.next() % 3)) {
                let at = Int(g.next() % 128)
                bytes[at] = UInt8(truncatingIfNeeded: g.next())
            }
            if g.next() % 4 == 0 { bytes.removeLast(Int(g.next() % 40)) }
            let url = dir.appendingPathComponent("m\(i).npy")
            try Data(bytes).write(to: url)
            _ = try? Npy.read(contentsOf: url)
        }
    }
}
