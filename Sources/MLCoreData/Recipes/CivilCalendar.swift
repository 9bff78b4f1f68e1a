/// Proleptic Gregorian calendar arithmetic in integers (no Foundation `Calendar`, no time zones).
enum CivilCalendar {
    /// Days since 1970-01-01 of a date, valid for any year (H. Hinnant's `days_from_civil`).
    /// - SeeAlso: https://howardhinnant.github.io/date_algorithms.html#days_from_civil
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// ISO day of the week: 1 Monday ... 7 Sunday (benchm-ml's `DayOfWeek` uses the same numbering).
    static func isoWeekday(year: Int, month: Int, day: Int) -> Int {
        let days = daysFromCivil(year: year, month: month, day: day)
        // 1970-01-01 was a Thursday (4).
        let w = (days + 3) % 7
        return (w < 0 ? w + 7 : w) + 1
    }

    /// Whether `day` exists in `month` of `year`.
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }
}
