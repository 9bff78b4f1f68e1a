import Foundation
import MLCore

/// A CSV file for `bench train`: a header row, float feature columns and one label column of class numbers.
/// Every problem is a ``CSVError`` naming the file, line and column.
struct LabeledCSV {
    var file: String
    var featureNames: [String]
    /// `[rows, features]` float32.
    var features: Tensor
    /// `[rows]` float32, checked to be non-negative integers.
    var labels: Tensor
    var labelColumn: Int
    var rows: Int { features.shape[0] }

    init(url: URL, label: String) throws {
        let csv = try NumericCSV(contentsOf: url)
        file = csv.file
        labelColumn = try csv.columnIndex(named: label)
        guard csv.columns.count >= 2 else {
            throw CSVError(file: file, line: 1, column: 1, reason: "the file has only the label column '\(label)'; at least one feature column is needed")
        }
        guard csv.rowCount > 0 else { throw CSVError(file: file, line: 1, column: 0, reason: "the file has a header but no data rows") }
        (features, labels) = try csv.split(label: label)
        featureNames = try csv.featureNames(label: label)
        let width = csv.columns.count
        let values = try csv.values.scalars(as: Float.self)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            let row = bad / width, column = bad % width
            let what = column == labelColumn ? "the label" : "feature '\(csv.columns[column])'"
            throw CSVError(file: file, line: try dataLine(url, row: row), column: column + 1,
                           reason: "\(what) is missing or not finite (training needs a number in every cell)")
        }
        let y = try labels.scalars(as: Float.self)
        if let bad = y.firstIndex(where: { $0 < 0 || $0.rounded() != $0 || $0 > 1_000_000 }) {
            throw CSVError(file: file, line: try dataLine(url, row: bad), column: labelColumn + 1,
                           reason: "label '\(label)' is \(y[bad]), not a class number (0, 1, 2, ...)")
        }
    }
}

/// The 1-based line of data row `row` (0-based): blank lines are skipped as the reader skips them. Only called on
/// the error path, so it re-reads the file. (A quoted field spanning lines would shift the count; numeric files
/// have none.)
func dataLine(_ url: URL, row: Int) throws -> Int {
    let bytes = try Data(contentsOf: url)
    var line = 1, seenHeader = false, dataRows = -1
    var lineIsBlank = true
    for b in bytes {
        if b == UInt8(ascii: "\n") {
            if !lineIsBlank {
                if seenHeader { dataRows += 1 } else { seenHeader = true; dataRows = 0 }
                if seenHeader && dataRows == row + 1 { return line }
            }
            line += 1
            lineIsBlank = true
        } else if b != UInt8(ascii: "\r") {
            lineIsBlank = false
        }
    }
    return line
}
