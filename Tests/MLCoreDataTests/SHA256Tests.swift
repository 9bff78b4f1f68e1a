import Foundation
import MLCoreData
import Testing

@Suite struct SHA256Tests {
    /// FIPS 180-4 / NIST example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(text: String, digest: String) {
        #expect(SHA256.hex(Array(text.utf8)) == digest, "input '\(text)'")
    }

    @Test func oneMillionA() {
        let a = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(a) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Any split of the input into update calls gives the one-shot digest (partial blocks carried over).
    @Test func streamingEqualsOneShot() {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &g) }
        let expected = SHA256.hex(bytes)
        for pieces in [1, 2, 3, 7, 64, 65, 1000] {
            var h = SHA256()
            var start = 0
            while start < bytes.count {
                let n = Swift.min(bytes.count - start, Int.random(in: 1...(2 * bytes.count / pieces + 1), using: &g))
                h.update(Array(bytes[start..<start + n]))
                start += n
            }
            #expect(h.hexDigest() == expected, "\(pieces) pieces")
            #expect(h.byteCount == UInt64(bytes.count))
        }
    }

    /// File hashing agrees with coreutils' sha256sum (skipped where sha256sum is not installed).
    @Test func fileDigestMatchesSha256sum() throws {
        let tool = "/usr/bin/sha256sum"
        guard FileManager.default.isExecutableFile(atPath: tool) else { return }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for size in [0, 55, 56, 64, 1000, 3 << 20 | 17] {
            let file = dir.appendingPathComponent("f\(size)")
            try Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }).write(to: file)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = [file.path]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            p.waitUntilExit()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(try SHA256.hex(contentsOfFile: file.path) == String(out.prefix(64)), "size \(size)")
        }
    }

    @Test func missingFileIsNotFound() {
        #expect(throws: DataError(.notFound, file: "/nonexistent/x.csv", reason: "no such file")) {
            try SHA256.hex(contentsOfFile: "/nonexistent/x.csv")
        }
    }
}
