import Testing
import VigieStore

@Suite struct RFC3339Tests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(RFC3339.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(milliseconds: 1_796_082_584_123) == "2026-11-30T23:49:44.123Z")
        #expect(RFC3339.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(RFC3339.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func parsesWhatItFormatsAndOffsets() {
        for millis: Int64 in [0, 1_796_082_584_123, 951_782_400_000, -1, 4_102_444_799_999] {
            #expect(RFC3339.parse(RFC3339.format(milliseconds: millis)) == millis)
        }
        #expect(RFC3339.parse("2026-11-30T23:49:44Z") == 1_796_082_584_000)
        #expect(RFC3339.parse("2026-12-01T01:49:44.5+02:00") == 1_796_082_584_500)
        #expect(RFC3339.parse("2026-11-30") == 1_795_996_800_000)
    }

    @Test func rejectsMalformedTimes() {
        for text in ["", "yesterday", "2026-13-01", "2026-02-30T00:00:00Z", "2026-11-30T24:00:00Z",
                     "2026-11-30T10:00:00", "2026-11-30T10:00:00.Z", "2026-11-30T10:00:00Zjunk"] {
            #expect(RFC3339.parse(text) == nil, "\(text)")
        }
    }
}
