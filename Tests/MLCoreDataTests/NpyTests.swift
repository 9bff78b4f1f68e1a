import Foundation
import MLCoreData
import MLCoreTensor
import Testing

@Suite struct NpyTests {
    /// Reading a NumPy-written file and writing it back gives NumPy's bytes exactly (header included).
    @Test(arguments: ["f4_2x3", "f8_5", "i4_2x3x4", "i8_7", "f8_scalar", "f4_0x3"])
    func roundTripIsByteIdentical(name: String) throws {
        let url = Fixtures.url("npy/\(name).npy")
        let t = try Npy.read(contentsOf: url)
        #expect(try Npy.encode(t) == [UInt8](Data(contentsOf: url)), "\(name)")
    }

    @Test func shapesTypesAndValues() throws {
        let f4 = try Npy.read(contentsOf: Fixtures.url("npy/f4_2x3.npy"))
        #expect(f4.dtype == .float32 && f4.shape == [2, 3])
        let i4 = try Npy.read(contentsOf: Fixtures.url("npy/i4_2x3x4.npy"))
        #expect(i4.dtype == .int32 && i4.shape == [2, 3, 4])
        #expect(try Npy.read(contentsOf: Fixtures.url("npy/i8_7.npy")).dtype == .int64)
        let scalar = try Npy.read(contentsOf: Fixtures.url("npy/f8_scalar.npy"))
        #expect(try scalar.shape == [] && (scalar.scalars(as: Double.self)) == [3.25])
        #expect(try Npy.read(contentsOf: Fixtures.url("npy/f4_0x3.npy")).shape == [0, 3])
    }

    @Test func mappedRowsTouchOnlyWhatTheyNeed() throws {
        let mapped = try MappedNpyArray(contentsOf: Fixtures.url("npy/i4_2x3x4.npy"))
        let all = try mapped.tensor().scalars(as: Int32.self)
        let second = try mapped.rows(1..<2)
        #expect(try second.shape == [1, 3, 4] && (second.scalars(as: Int32.self)) == Array(all[12...]))
        #expect(throws: DataError.self) { try mapped.rows(1..<3) }
    }

    @Test func writesAndReadsEveryType() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tensors = [
            try Tensor(shape: [2, 2], scalars: [1.5, -2, 3, 4] as [Float]),
            try Tensor(shape: [3], scalars: [1e300, -0.0, .pi] as [Double]),
            try Tensor(shape: [1, 2], scalars: [Int32.min, Int32.max]),
            try Tensor(shape: [2], scalars: [Int64.min, 42]),
            try Tensor(shape: [2], scalars: [true, false]),
        ]
        for (i, t) in tensors.enumerated() {
            let url = dir.appendingPathComponent("t\(i).npy")
            try Npy.write(t, to: url)
            let back = try Npy.read(contentsOf: url)
            #expect(back.elementsEqual(t), "tensor \(i): \(t)")
        }
    }

    /// Every refusal names the file and the byte where the problem is.
    @Test(arguments: [
        ("bad_truncated", DataError.Kind.malformed, "but the file has 20 bytes after the 128-byte header"),
        ("bad_trailing", .malformed, "but the file has 32 bytes"),
        ("bad_shape", .malformed, "promises shape [2, 9] of float32 = 72 data bytes"),
        ("bad_magic", .malformed, "bad magic number"),
        ("f4_fortran", .unsupported, "Fortran-order"),
        ("f4_bigendian", .unsupported, "big-endian"),
    ])
    func refusesBadFiles(name: String, kind: DataError.Kind, reason: String) {
        let path = Fixtures.url("npy/\(name).npy").path
        do {
            _ = try Npy.read(contentsOf: URL(fileURLWithPath: path))
            Issue.record("\(name): expected an error")
        } catch let e as DataError {
            #expect(e.kind == kind && e.file == path && e.position.hasPrefix("byte ") && e.reason.contains(reason), "\(name): \(e)")
        } catch { Issue.record("\(name): unexpected \(error)") }
    }

    /// 8-bit integers (quantized models' tensors) read as themselves.
    @Test func readsUInt8() throws {
        let t = try Npy.read(contentsOf: Fixtures.url("npy/u1_3.npy"))
        #expect(t.dtype == .uint8 && t.shape == [3], "u1_3: \(t)")
    }

    @Test func missingFile() {
        #expect(throws: DataError(.notFound, file: "/nonexistent.npy", reason: "no such file")) {
            try Npy.read(contentsOf: URL(fileURLWithPath: "/nonexistent.npy"))
        }
    }
}
