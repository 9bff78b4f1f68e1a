import MLCoreTensor
import Testing

@Suite struct TensorTests {
    @Test func construction() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Float])
        #expect(t.shape == [2, 3] && t.dtype == .float32 && t.count == 6 && t.rank == 2)
        #expect(try t.scalars(as: Float.self) == [1, 2, 3, 4, 5, 6])
        #expect(try Tensor(zeros: [0, 4], dtype: .int64).count == 0)
        #expect(try Tensor(shape: [3], repeating: Int32(7)).scalars(as: Int32.self) == [7, 7, 7])
        #expect(try Tensor(scalar: true).scalars(as: Bool.self) == [true])
        #expect(Tensor(scalar: 2.5).shape == [])
        let s = try Tensor(shape: [2], strings: ["cat", "dog"])
        #expect(s.dtype == .string)
        #expect(try s.strings() == ["cat", "dog"])
        for dtype in DType.allCases { #expect(try Tensor(zeros: [2, 2], dtype: dtype).dtype == dtype) }
    }

    @Test func errorsNameShapes() throws {
        #expect(throws: TensorError.scalarCountMismatch(shape: [2, 3], count: 5)) {
            try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5] as [Float])
        }
        #expect(throws: TensorError.negativeDimension([2, -1])) { try Tensor(zeros: [2, -1]) }
        #expect(throws: TensorError.dtypeMismatch(operation: "read", expected: .float64, actual: .float32)) {
            try Tensor(zeros: [1]).scalars(as: Double.self)
        }
        let t = try Tensor(zeros: [2, 3])
        do {
            _ = try t.reshaped([4, 2])
            Issue.record("reshape to a different count must throw")
        } catch {
            #expect("\(error)".contains("[2, 3]") && "\(error)".contains("[4, 2]"), "\(error)")
        }
    }

    @Test func sizesAreOverflowChecked() throws {
        // 2^40 * 2^40 elements does not fit in Int; 2^61 float32 elements do, but not their bytes.
        #expect(throws: TensorError.sizeOverflow([1 << 40, 1 << 40])) { try Tensor(zeros: [1 << 40, 1 << 40]) }
        #expect(throws: TensorError.sizeOverflow([1 << 61])) { try Shape([1 << 61]).checkedByteCount(.float32) }
        // A zero dimension makes any shape empty, even when the other dimensions' product would overflow.
        #expect(try Shape([0, 1 << 40, 1 << 40]).checkedElementCount() == 0)
        #expect(try Tensor(zeros: [1 << 40, 0, 1 << 40]).count == 0)
    }

    @Test func copyOnWrite() throws {
        let a = try Tensor(shape: [4], scalars: [1, 2, 3, 4] as [Float])
        var b = a
        try b.withUnsafeMutableBufferPointer(as: Float.self) { $0[0] = 100 }
        #expect(try a.scalars(as: Float.self) == [1, 2, 3, 4])
        #expect(try b.scalars(as: Float.self) == [100, 2, 3, 4])
        // A uniquely held tensor is mutated in place.
        var c = try Tensor(shape: [2], scalars: [1, 2] as [Float])
        try c.withUnsafeMutableBufferPointer(as: Float.self) { $0[1] = 5 }
        #expect(try c.scalars(as: Float.self) == [1, 5])
        #expect(throws: TensorError.self) { try c.withUnsafeMutableBufferPointer(as: Int64.self) { _ in } }
    }

    @Test func viewsShareStorageAndStayValueTyped() throws {
        let t = try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6] as [Float])
        let r = try t.rows(1..<3)
        #expect(r.shape == [2, 2])
        #expect(try r.scalars(as: Float.self) == [3, 4, 5, 6])
        let flat = try t.reshaped([-1])
        #expect(flat.shape == [6])
        #expect(try t.reshaped([2, -1]).shape == [2, 3])
        #expect(throws: TensorError.self) { try t.reshaped([-1, -1]) }
        #expect(throws: TensorError.self) { try t.reshaped([4, -1]) }
        // Mutating a view copies only that view's elements and leaves the base alone.
        var v = try t.rows(2..<3)
        try v.withUnsafeMutableBufferPointer(as: Float.self) { $0[0] = -1 }
        #expect(try v.scalars(as: Float.self) == [-1, 6])
        #expect(try t.scalars(as: Float.self) == [1, 2, 3, 4, 5, 6])
        #expect(try t.rows(3..<3).count == 0)
        #expect(throws: TensorError.self) { try t.rows(2..<4) }
        #expect(throws: TensorError.self) { try Tensor(scalar: Float(1)).rows(0..<1) }
        let s = try Tensor(shape: [3], strings: ["a", "b", "c"]).rows(1..<3)
        #expect(try s.strings() == ["b", "c"])
    }

    @Test func broadcastShapes() throws {
        #expect(try Shape.broadcast([3, 1], [1, 4]) == [3, 4])
        #expect(try Shape.broadcast([2, 3, 4], [4]) == [2, 3, 4])
        #expect(try Shape.broadcast([5, 7, 11, 13], [7, 1, 13]) == [5, 7, 11, 13])
        #expect(try Shape.broadcast([], [2, 0]) == [2, 0])
        #expect(throws: TensorError.notBroadcastable(operation: "broadcast", [2, 3], [4, 3])) {
            try Shape.broadcast([2, 3], [4, 3])
        }
    }

    @Test func sendableAcrossTasks() async throws {
        let t = try Tensor(shape: [1000], repeating: Float(1))
        let sums = try await withThrowingTaskGroup(of: Float.self) { group in
            for _ in 0..<8 { group.addTask { try t.scalars(as: Float.self).reduce(0, +) } }
            return try await group.reduce(into: [Float]()) { $0.append($1) }
        }
        #expect(sums == [Float](repeating: 1000, count: 8))
    }

    @Test func elementsEqual() throws {
        let a = try Tensor(shape: [2], scalars: [1, 2] as [Float])
        #expect(a.elementsEqual(try Tensor(shape: [2], scalars: [1, 2] as [Float])))
        #expect(!a.elementsEqual(try Tensor(shape: [1, 2], scalars: [1, 2] as [Float])))
        #expect(!a.elementsEqual(try Tensor(shape: [2], scalars: [1, 2] as [Double])))
    }
}
