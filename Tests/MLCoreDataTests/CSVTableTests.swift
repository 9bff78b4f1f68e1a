import Foundation
import MLCoreData
import Testing

@Suite struct CSVTableTests {
    struct PandasInfo: Decodable {
        var columns: [String]
        var dtypes: [String: String]
        var missing: [String: Int]
        var distinct: [String: Int]
        var numeric: [String: [Double?]]
        var strings: [String: [String?]]
    }

    /// pandas wrote mixed.csv and recorded its own reading (dtypes, missing, distinct, values) in mixed.json.
    @Test func matchesPandasReading() throws {
        let t = try CSVTable(contentsOf: Fixtures.url("csv/mixed.csv"))
        let info = try JSONDecoder().decode(PandasInfo.self, from: Data(contentsOf: Fixtures.url("csv/mixed.json")))
        #expect(t.columnNames == info.columns)
        let report = Dictionary(uniqueKeysWithValues: t.report.map { ($0.name, $0) })
        for name in info.columns {
            let pandasNumeric = ["int64", "float64"].contains(info.dtypes[name]!)
            #expect((report[name]!.kind != .categorical) == pandasNumeric, "column \(name): \(report[name]!.kind) vs \(info.dtypes[name]!)")
            #expect(report[name]!.missing == info.missing[name], "column \(name) missing")
            #expect(report[name]!.distinct == info.distinct[name], "column \(name) distinct")
        }
        #expect(report["id"]!.kind == .integer && report["value"]!.kind == .real)
        for (name, values) in info.numeric {
            let ours = try t.numeric(name)
            for (r, v) in values.enumerated() {
                #expect(v.map { $0 == ours[r] } ?? ours[r].isNaN, "column \(name) row \(r)")
            }
        }
        for (name, values) in info.strings {
            let (codes, levels) = try t.categorical(name)
            #expect(codes.map { $0 < 0 ? nil : levels[Int($0)] } == values, "column \(name)")
        }
        #expect(t.reportText.contains("mixed.csv: 12 rows, 5 columns"))
    }

    @Test func forcedCategoricalAndErrors() throws {
        let text = "code,name\n3,a\n10,b\n3,\n"
        let t = try CSVTable(bytes: Array(text.utf8), file: "t.csv", options: CSVOptions(categoricalColumns: ["code"]))
        #expect(try t.categorical("code").levels == ["3", "10"])
        #expect(try t.categorical("name").codes == [0, 1, -1])
        #expect(throws: CSVError.self) { try t.numeric("name") }
        #expect(throws: CSVError.self) { try t.numeric("nope") }
        #expect(throws: CSVError(file: "t.csv", line: 3, column: 3, reason: "row has 3 cells, the header has 2")) {
            try CSVTable(bytes: Array("a,b\n1,2\n1,2,3\n".utf8), file: "t.csv")
        }
        // The first cell that is not a number is named by its line: "x" on line 3 of column 2.
        let mixed = try CSVTable(bytes: Array("a,b\n1,2\n3,x\n".utf8), file: "m.csv")
        #expect(throws: CSVError(file: "m.csv", line: 3, column: 2, reason: "column 'b' is not numeric: 'x' is not a number")) {
            try mixed.numeric("b")
        }
        // A forced categorical column of numbers is not "not a number": the error says why it is categorical.
        #expect(throws: CSVError(file: "t.csv", line: 1, column: 1,
                                 reason: "column 'code' is read as categories (CSVOptions.categoricalColumns names it), not as numbers")) {
            try t.numeric("code")
        }
    }

    /// A header without rows: the forced categorical column has no cells, so there is no first non-number to name
    /// (this indexed an empty array and trapped). It throws on the header line; the numeric column is empty.
    @Test(arguments: ["code,value\n", "code,value", "code,value\n\n\r\n"])
    func emptyTableWithACategoricalColumn(_ text: String) throws {
        let t = try CSVTable(bytes: Array(text.utf8), file: "empty.csv", options: CSVOptions(categoricalColumns: ["code"]))
        #expect(t.rowCount == 0)
        #expect(t.columns == [.categorical(codes: [], levels: []), .numeric([])])
        #expect(throws: CSVError(file: "empty.csv", line: 1, column: 1,
                                 reason: "column 'code' is read as categories (CSVOptions.categoricalColumns names it), not as numbers")) {
            try t.numeric("code")
        }
        #expect(try t.numeric("value") == [])
        #expect(try t.categorical("code").codes == [])
        #expect(throws: CSVError.self) { try t.tensor(columns: ["value", "code"]) }
        #expect(try t.tensor(columns: ["value"]).shape.dims == [0, 1])
        _ = t.reportText
    }
}
