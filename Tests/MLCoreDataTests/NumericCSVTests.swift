import MLCoreData
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

    @Test func errorsNameFileLineAndColumn() throws {
        #expect(throws: CSVError(file: "t.csv", line: 3, column: 3, reason: "row has 2 cells, the header has 3")) {
            try parse("a,b,c\n1,2,3\n4,5\n")
        }
        do {
            _ = try parse("a,b\n1,x\n")
            Issue.record("expected an error")
        } catch let e as CSVError {
            #expect(e.line == 2 && e.column == 2 && e.reason.contains("'x'"), "\(e)")
        }
        #expect(throws: CSVError.self) { try parse("") }
        #expect(throws: CSVError.self) { try parse("a\n\"unterminated\n") }
    }
}
