// libFuzzer target: bytes -> the CSV parsers of MLCoreData (NumericCSV and CSVTable). Either a table or a
// thrown error, never a trap, a sanitizer report, a leak or a timeout. Built and run by scripts/fuzz.sh.
import MLCoreData
import MLCoreTensor

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let csv = try? NumericCSV(bytes: bytes, file: "fuzz.csv") {
        precondition(csv.values.shape.dims == [csv.rowCount, csv.columns.count], "shape disagrees with header")
        if let label = csv.columns.last { _ = try? csv.split(label: label) }
    }
    // The first column is declared categorical, so both column kinds are parsed.
    var options = CSVOptions()
    if let newline = bytes.firstIndex(of: 0x0A), let comma = bytes[..<newline].firstIndex(of: 0x2C) {
        options.categoricalColumns = [String(decoding: bytes[..<comma], as: UTF8.self)]
    }
    // Tables with no rows included: numeric(_:) of an empty categorical column trapped (found by this target, fixed;
    // CSVTableTests.emptyTableWithACategoricalColumn).
    if let table = try? CSVTable(bytes: bytes, file: "fuzz.csv", options: options) {
        _ = try? table.tensor(columns: table.columnNames)
    }
    return 0
}
