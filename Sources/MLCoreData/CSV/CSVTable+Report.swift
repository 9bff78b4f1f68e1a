/// One line of a ``CSVTable``'s column-type report.
public struct CSVColumnSummary: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Every non-missing cell is an integer.
        case integer
        /// Numbers, some with a fraction.
        case real
        /// Strings (or forced categorical).
        case categorical
    }

    public var name: String
    public var kind: Kind
    /// Missing cells (empty or a missing-value marker).
    public var missing: Int
    /// Distinct non-missing values.
    public var distinct: Int
    /// Smallest and largest number (numeric columns with at least one value).
    public var minimum: Double?
    public var maximum: Double?
}

extension CSVTable {
    /// The column-type report: for each column its inferred type, missing cells, distinct values and range.
    public var report: [CSVColumnSummary] {
        zip(columnNames, columns).map { name, column in
            switch column {
            case .numeric(let v):
                var lo = Double.infinity, hi = -Double.infinity
                var missing = 0
                var integral = true
                var seen = Set<Double>()
                for x in v {
                    if x.isNaN {
                        missing += 1
                        continue
                    }
                    lo = Swift.min(lo, x)
                    hi = Swift.max(hi, x)
                    if integral && x != x.rounded() { integral = false }
                    seen.insert(x)
                }
                let any = missing < v.count
                return CSVColumnSummary(name: name, kind: integral ? .integer : .real, missing: missing,
                                        distinct: seen.count, minimum: any ? lo : nil, maximum: any ? hi : nil)
            case .categorical(let codes, let levels):
                return CSVColumnSummary(name: name, kind: .categorical, missing: codes.lazy.filter { $0 < 0 }.count,
                                        distinct: levels.count, minimum: nil, maximum: nil)
            }
        }
    }

    /// The report as an aligned text table (one row per column).
    public var reportText: String {
        var rows = [["column", "type", "missing", "distinct", "min", "max"]]
        for s in report {
            rows.append([s.name, s.kind.rawValue, String(s.missing), String(s.distinct),
                         s.minimum.map(formatNumber) ?? "", s.maximum.map(formatNumber) ?? ""])
        }
        let widths = (0..<6).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var text = "\(file): \(rowCount) rows, \(columnNames.count) columns\n"
        for row in rows {
            let cells = row.enumerated().map { c, cell in
                c >= 2 ? String(repeating: " ", count: widths[c] - cell.count) + cell
                       : cell + String(repeating: " ", count: widths[c] - cell.count)
            }
            text += cells.joined(separator: "  ") + "\n"
        }
        return text
    }
}

private func formatNumber(_ x: Double) -> String {
    x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : String(x)
}
