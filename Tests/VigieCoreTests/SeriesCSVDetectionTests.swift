import Testing
@testable import VigieCore

private func run(_ text: String) throws(SeriesCSVError) -> [String] {
    var detection = SeriesCSVDetection(file: "in.csv", settings: .init())
    var out: [String] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if let o = try detection.process(line: line, number: i + 1) { out.append(o) }
    }
    return out
}

@Test func timestampsParseInEveryAcceptedForm() {
    #expect(TimestampText.milliseconds("2014-04-01 00:00:00") == 1_396_310_400_000)
    #expect(TimestampText.milliseconds("2014-04-01T02:00:00.250+02:00") == 1_396_310_400_250)
    #expect(TimestampText.milliseconds("2014-04-01T00:00:00Z") == 1_396_310_400_000)
    #expect(TimestampText.milliseconds("1396310400") == 1_396_310_400_000)
    #expect(TimestampText.milliseconds("1396310400123") == 1_396_310_400_123)
    for bad in ["", "yesterday", "2014-13-01 00:00:00", "2014-04-01 00:00", "2014-04-01T00:00:00+2"] {
        #expect(TimestampText.milliseconds(bad[...]) == nil, "\(bad)")
    }
}

@Test func linesAreEchoedWithAScoreInTheSameOrder() throws {
    let out = try run("timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,2")
    #expect(out == ["timestamp,value,anomaly_score", "2014-04-01 00:00:00,1.5,0.000000", "2014-04-01 00:05:00,2,0.000000"])
    var crlf = SeriesCSVDetection(file: "in.csv", settings: .init())
    #expect(try crlf.process(line: "timestamp,value\r\n", number: 1) == "timestamp,value,anomaly_score")
    #expect(try crlf.process(line: "2014-04-01 00:00:00,7\r\n", number: 2) == "2014-04-01 00:00:00,7,0.000000")
    let multi = try run("sensor,timestamp,value\na/x,1396310400,1\nb/y,1396310400,2")
    #expect(multi.first == "sensor,timestamp,value,anomaly_score" && multi[2] == "b/y,1396310400,2,0.000000")
}

@Test func badLinesGetALocatedError() {
    let cases: [(String, SeriesCSVError.Code, Int)] = [
        ("time,v\n1,2", .badHeader, 1),
        ("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00", .wrongFieldCount, 3),
        ("timestamp,value\nsoon,1", .badTimestamp, 2),
        ("timestamp,value\n2014-04-01 00:00:00,abc", .badValue, 2),
        ("timestamp,value\n2014-04-01 00:00:00,nan", .badValue, 2),
    ]
    for (text, code, line) in cases {
        #expect(throws: SeriesCSVError.self) { try run(text) }
        do { _ = try run(text) } catch {
            #expect(error.code == code && error.line == line && error.file == "in.csv", "\(text)")
            #expect(error.description.hasPrefix("in.csv:\(line): "))
        }
    }
}
