import Foundation
import MLCoreData
import MLCoreTensor
import Testing

@Suite struct NumericCSVTests {
    func parse(_ text: String) throws -> NumericCSV { try NumericCSV(bytes: Array(text.utf8), file: "t.csv") }

    @Test func parsesHeaderQuotesMissingAndLineEndings() throws {
        let csv = try parse("a,b,\"c\"\r\n1,2.5,\"-3e2\"\r\n,4,5\n\n6, 7 ,8")
        #expect(csv.columns == ["a", "b", "c"])
        let v = try csv.values.scalars(as: Float.self)
        #expect(csv.values.shape == [3, 3])
        #expect(v[0] == 1 && v[1] == 2.5 && v[2] == -300)
        #expect(v[3].isNaN && v[4] == 4 && v[7] == 7)
    }

    @Test func quotedHeaderWithCommaBOMAndMissingMarkers() throws {
        let csv = try parse("\u{FEFF}\"x, y\",\"say \"\"z\"\"\"\nNA,1\nnan,\"\"\n-inf,NULL\n")
        #expect(csv.columns == ["x, y", "say \"z\""])
        let v = try csv.values.scalars(as: Float.self)
        #expect(v[0].isNaN && v[1] == 1 && v[2].isNaN && v[3].isNaN && v[4] == -.infinity && v[5].isNaN)
    }

    @Test func headerOnlyAndNoTrailingNewline() throws {
        #expect(try parse("a,b\n").values.shape == [0, 2])
        #expect(try parse("a,b").values.shape == [0, 2])
        #expect(try parse("a,b\n1,2").values.shape == [1, 2])
        #expect(try parse("a\n1\n2\n\n\n").rowCount == 2)
    }

    @Test func errorsNameFileLineAndColumn() throws {
        #expect(throws: CSVError(file: "t.csv", line: 3, column: 3, reason: "row has 2 cells, the header has 3")) {
            try parse("a,b,c\n1,2,3\n4,5\n")
        }
        #expect(throws: CSVError(file: "t.csv", line: 2, column: 3, reason: "row has 4 cells, the header has 2")) {
            try parse("a,b\n1,2,3,4\n")
        }
        do {
            _ = try parse("a,b\n1,2\n1,x\n")
            Issue.record("expected an error")
        } catch let e as CSVError {
            #expect(e.line == 3 && e.column == 2 && e.reason == "'x' in column 'b' is not a number", "\(e)")
        }
        #expect(throws: CSVError.self) { try parse("") }
        #expect(throws: CSVError.self) { try parse("a\n\"unterminated\n") }
        #expect(throws: CSVError.self) { try parse("a,b\n\"1\"x,2\n") }
    }

    @Test func quotedNewlinesKeepLineNumbers() throws {
        do {
            _ = try parse("a,b\n\"1\n\",2\n3,oops\n")
            Issue.record("expected an error")
        } catch let e as CSVError {
            #expect(e.line == 4 && e.column == 2, "\(e)")
        }
    }

    @Test func missingFileIsADataError() {
        do {
            _ = try NumericCSV(contentsOf: URL(fileURLWithPath: "/nonexistent/data.csv"))
            Issue.record("expected an error")
        } catch let e as DataError {
            #expect(e.kind == .notFound && e.file == "/nonexistent/data.csv")
        } catch { Issue.record("unexpected \(error)") }
    }

    /// pandas wrote the file (floats of every magnitude, ints, NaN as empty cells) and its float32 reading.
    @Test func matchesPandasFixture() throws {
        let csv = try NumericCSV(contentsOf: Fixtures.url("csv/numeric.csv"))
        let expected = try Npy.read(contentsOf: Fixtures.url("csv/numeric.npy"))
        #expect(csv.columns == ["small", "unit", "big", "count", "with missing", "rounded"])
        #expect(csv.values.shape == expected.shape)
        let a = try csv.values.scalars(as: Float.self), b = try expected.scalars(as: Float.self)
        for i in a.indices {
            #expect(a[i].bitPattern == b[i].bitPattern || (a[i].isNaN && b[i].isNaN),
                    "row \(i / 6), column \(csv.columns[i % 6]): \(a[i]) vs pandas \(b[i])")
        }
    }

    @Test func splitsLabel() throws {
        let csv = try parse("x,y,label,z\n1,2,0,3\n4,5,1,6\n")
        let (f, l) = try csv.split(label: "label")
        #expect(try f.scalars(as: Float.self) == [1, 2, 3, 4, 5, 6] && f.shape == [2, 3])
        #expect(try l.scalars(as: Float.self) == [0, 1])
        #expect(try csv.featureNames(label: "label") == ["x", "y", "z"])
        do {
            _ = try csv.split(label: "target")
            Issue.record("expected an error")
        } catch let e as CSVError {
            #expect(e.line == 1 && e.reason.contains("no column named 'target'") && e.reason.contains("x, y, label, z"))
        }
    }
}
