import Foundation
@testable import MLCoreData
import Testing

@Suite struct AirlineRecipeTests {
    @Test func weekdays() {
        #expect(CivilCalendar.isoWeekday(year: 1970, month: 1, day: 1) == 4)
        #expect(CivilCalendar.isoWeekday(year: 2013, month: 1, day: 1) == 2)
        #expect(CivilCalendar.isoWeekday(year: 2013, month: 12, day: 29) == 7)
        #expect(CivilCalendar.isoWeekday(year: 2000, month: 2, day: 29) == 2)
        #expect(CivilCalendar.isoWeekday(year: 1969, month: 12, day: 29) == 1)
        #expect(!CivilCalendar.isValid(year: 2013, month: 2, day: 29) && CivilCalendar.isValid(year: 2012, month: 2, day: 29))
    }

    /// The recipe on a five-flight extract: cancelled rows dropped, label threshold, weekday, one-hot, split.
    @Test func recipeOnATinyExtract() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let extract = dir.appendingPathComponent("flights.csv")
        try """
            year,month,day,dep_time,dep_delay,carrier,origin,dest,distance
            2013,1,1,517,15,UA,EWR,IAH,1400
            2013,1,2,,,AA,JFK,MIA,1089
            2013,10,7,900,14,AA,LGA,IAH,1416
            2013,12,31,2359,-3,B6,JFK,BQN,1576
            2013,3,3,1200,,DL,JFK,ATL,760

            """.write(to: extract, atomically: true, encoding: .utf8)
        let out = try AirlineNYC2013.build(extract: extract.path, outputDirectory: dir.path)
        #expect(out.inputRows == 5 && out.droppedRows == 2)
        #expect(out.features == ["month", "day_of_month", "day_of_week", "dep_time", "distance",
                                 "carrier_AA", "carrier_B6", "carrier_UA", "origin_EWR", "origin_JFK", "origin_LGA",
                                 "dest_BQN", "dest_IAH"])
        let train = try String(contentsOf: dir.appendingPathComponent("train.csv"), encoding: .utf8)
        let test = try String(contentsOf: dir.appendingPathComponent("test.csv"), encoding: .utf8)
        #expect(train.split(separator: "\n").dropFirst() == ["1,1,2,517,1400,0,0,1,1,0,0,0,1,1"])
        #expect(test.split(separator: "\n").dropFirst() == ["10,7,1,900,1416,1,0,0,0,0,1,0,1,0",
                                                           "12,31,2,2359,1576,0,1,0,0,1,0,1,0,0"])
        #expect(out.files.map(\.rows) == [1, 2])
    }

    @Test func refusesAnImpossibleDateAndAMissingColumn() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.csv")
        try "year,month,day,dep_time,dep_delay,carrier,origin,dest,distance\n2013,2,30,517,2,UA,EWR,IAH,1400\n"
            .write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: DataError(.malformed, file: bad.path, position: "line 2, column 'day'", reason: "2013-2-30 is not a date")) {
            try AirlineNYC2013.build(extract: bad.path, outputDirectory: dir.path)
        }
        try "year,month,day,dep_time,dep_delay,carrier,origin,dest\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: CSVError.self) { try AirlineNYC2013.build(extract: bad.path, outputDirectory: dir.path) }
    }
}
