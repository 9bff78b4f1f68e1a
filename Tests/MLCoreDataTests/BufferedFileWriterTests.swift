import Foundation
import MLCoreData
import Testing

@Suite struct BufferedFileWriterTests {
    @Test func formatsNumbersDeterministically() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/sub/dir/out.csv"
        let w = try BufferedFileWriter(path: path)
        for v in [Int64(0), -7, Int64.max, Int64.min] { try w.append(v); try w.append(byte: 0x2C) }
        for v in [Int64(-12345), 5, 0, 10_000, -1] { try w.appendFixed(v, decimals: 4); try w.append(byte: 0x2C) }
        for v in [1400.0, -3.0, 0.1, 1e-7, .nan, 2.5e20] { try w.append(v); try w.append(byte: 0x2C) }
        for v: Float in [0.1, 16_777_216, 3] { try w.append(v); try w.append(byte: 0x2C) }
        #expect(!FileManager.default.fileExists(atPath: path), "nothing at the final path before finish()")
        let (bytes, sha) = try w.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "0,-7,9223372036854775807,-9223372036854775808,-1.2345,0.0005,0.0000,1.0000,-0.0001,"
                + "1400,-3,0.1,1e-07,,2.5e+20,0.1,16777216.0,3,")
        #expect(bytes == text.utf8.count && sha == SHA256.hex(Array(text.utf8)))
    }

    @Test func largeWritesCrossTheBuffer() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try BufferedFileWriter(path: dir.path + "/big.bin")
        let chunk = [UInt8](repeating: 7, count: 3 << 20 | 5)
        try chunk.withUnsafeBytes { try w.append($0) }
        for _ in 0..<100_000 { try w.append(Int64(123_456)) }
        let (bytes, sha) = try w.finish()
        #expect(bytes == chunk.count + 600_000)
        #expect(try SHA256.hex(contentsOfFile: dir.path + "/big.bin") == sha)
    }
}
