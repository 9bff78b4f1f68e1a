/// How CSV cells are read.
public struct CSVOptions: Sendable {
    /// Cell texts (after trimming spaces) read as a missing value (NaN) besides the empty cell. The default is the
    /// common subset of pandas' `na_values`.
    public var missingValues: [String]
    /// Columns to read as categorical (strings) even when every cell is a number, for example category codes.
    /// Only ``CSVTable`` uses it; ``NumericCSV`` reads every column as a number.
    public var categoricalColumns: Set<String>

    public init(missingValues: [String] = CSVOptions.defaultMissingValues, categoricalColumns: Set<String> = []) {
        self.missingValues = missingValues
        self.categoricalColumns = categoricalColumns
    }

    public static let defaultMissingValues = ["NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "NULL", "null", "None", "<NA>", "#N/A"]

    var missingMarkers: [[UInt8]] { missingValues.map { Array($0.utf8) } }
}
