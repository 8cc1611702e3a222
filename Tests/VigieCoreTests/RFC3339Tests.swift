import Testing
@testable import VigieCore

/// The one RFC 3339 reader and writer, with the forms each caller accepts: payload times (offset
/// required), CSV files (`TimestampText`: no offset is UTC, epoch numbers), `vigie export`
/// (a bare date), and what the gateway writes.
@Suite struct RFC3339Tests {
    @Test func formatsUTCWithMillisecondsAndReadsItBack() throws {
        #expect(RFC3339.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(milliseconds: 1_796_082_584_123) == "2026-11-30T23:49:44.123Z")
        #expect(RFC3339.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(RFC3339.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(RFC3339.compact(milliseconds: 1_796_082_584_123) == "20261130T234944Z")
        for millis: Int64 in [0, 1_796_082_584_123, 951_782_400_000, -1, -500, 4_102_444_799_999] {
            #expect(try RFC3339.milliseconds(RFC3339.format(milliseconds: millis)) == millis)
        }
    }

    @Test func readsEveryOffsetSeparatorAndFraction() throws {
        #expect(try RFC3339.milliseconds("1970-01-01T00:00:00Z") == 0)
        #expect(try RFC3339.milliseconds("2022-07-18T09:34:15.775023242+00:00") == 1_658_136_855_775)
        #expect(try RFC3339.milliseconds("2000-03-01T01:00:00+01:00") == 951_868_800_000)
        #expect(try RFC3339.milliseconds("2026-12-01T01:49:44.5+02:00") == 1_796_082_584_500)
        #expect(try RFC3339.milliseconds("2026-11-30t21:49:44.123-02:00") == 1_796_082_584_123)
        #expect(try RFC3339.milliseconds("2026-11-30 23:49:44z") == 1_796_082_584_000)
        #expect(try RFC3339.milliseconds("2016-12-31T23:59:60Z") == 1_483_228_800_000, "a leap second")
    }

    @Test func aTimeWithoutOffsetIsRefusedUnlessTheCallerTakesItAsUTC() throws {
        #expect(throws: RFC3339Error(column: 20, problem: "expected 'Z' or an offset like +02:00 (the text ends)")) {
            try RFC3339.milliseconds("2018-02-15T17:37:10")
        }
        #expect(try RFC3339.milliseconds("2014-04-01 00:00:00", accepting: .noOffsetAsUTC) == 1_396_310_400_000)
        #expect(try RFC3339.milliseconds("2014-04-01T00:00:00.250", accepting: .noOffsetAsUTC) == 1_396_310_400_250)
    }

    @Test func aBareDateIsMidnightUTCOnlyWhereAsked() throws {
        #expect(try RFC3339.milliseconds("2026-11-30", accepting: .dateOnly) == 1_795_996_800_000)
        #expect(throws: RFC3339Error(column: 11, problem: "expected 'T' and a time after the date (the text ends)")) {
            try RFC3339.milliseconds("2026-11-30")
        }
        #expect(throws: RFC3339Error.self) { try RFC3339.milliseconds("2026-11-30", accepting: .noOffsetAsUTC) }
    }

    @Test func badTextsSayWhereTheyGoWrong() {
        let cases: [(String, Int, String)] = [
            ("", 1, "expected a 4-digit year (the text ends)"),
            ("yesterday", 1, "expected a 4-digit year"),
            ("2026-13-01T00:00:00Z", 6, "month 13 is not 01 to 12"),
            ("2026-02-30T00:00:00Z", 9, "day 30 is not in month 2 of 2026"),
            ("2026-11-30T24:00:00Z", 12, "no such time of day"),
            ("2026-11-30T10:00Z", 17, "expected ':' after the minutes"),
            ("2026-11-30T10:00:00.Z", 21, "expected a digit after '.'"),
            ("2026-11-30T10:00:00Zjunk", 21, "nothing after the time"),
            ("2026-11-30T10:00:00+2", 21, "expected 2-digit offset hours"),
            ("2026-11-30T10:00:00+25:00", 21, "no such offset"),
            ("2026-11-30T10:00:00+0200", 23, "expected ':' in the offset"),
            ("2026-11-30T10:00:00 +02:00", 20, "expected 'Z' or an offset like +02:00"),
            ("２０２６-11-30T10:00:00Z", 1, "expected a 4-digit year"),
        ]
        for (text, column, problem) in cases {
            #expect(throws: RFC3339Error(column: column, problem: problem), "\(text)") { try RFC3339.milliseconds(text) }
        }
    }

    @Test func csvTimestampsTakeEveryFormOfTheirFiles() throws {
        #expect(try TimestampText.milliseconds("2014-04-01 00:00:00") == 1_396_310_400_000)
        #expect(try TimestampText.milliseconds("2014-04-01T02:00:00.250+02:00") == 1_396_310_400_250)
        #expect(try TimestampText.milliseconds("2014-04-01T00:00:00Z") == 1_396_310_400_000)
        #expect(try TimestampText.milliseconds("1396310400") == 1_396_310_400_000)
        #expect(try TimestampText.milliseconds("1396310400123") == 1_396_310_400_123)
        #expect(try TimestampText.milliseconds("-60") == -60_000)
        for bad in ["", "yesterday", "2014-13-01 00:00:00", "2014-04-01 00:00", "2014-04-01T00:00:00+2", "2014-04-01"] {
            #expect(throws: RFC3339Error.self, "\(bad)") { try TimestampText.milliseconds(bad[...]) }
        }
    }

    @Test func aPayloadTimeNeedsAnOffsetAndItsRejectionSaysWhere() throws {
        #expect(try SubscriptionDecoder.time(of: .string("2022-07-18T09:34:15Z"), field: "ts") == 1_658_136_855_000)
        #expect(try SubscriptionDecoder.time(of: .string("1658136855"), field: "ts") == 1_658_136_855_000)
        #expect(try SubscriptionDecoder.time(of: .number(1_658_136_855_000), field: "ts") == 1_658_136_855_000)
        do throws(PayloadRejection) {
            _ = try SubscriptionDecoder.time(of: .string("2022-07-18T09:34:15"), field: "ts")
            Issue.record("a payload time without offset was accepted")
        } catch {
            #expect(error.message.contains("(expected 'Z' or an offset like +02:00 (the text ends) at column 20)"), "\(error)")
        }
    }
}
