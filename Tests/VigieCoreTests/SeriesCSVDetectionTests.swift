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

@Test func linesAreEchoedWithAScoreInTheSameOrder() throws {
    let out = try run("timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,2")
    #expect(out == ["timestamp,value,anomaly_score,alarm", "2014-04-01 00:00:00,1.5,0.000000,0",
                    "2014-04-01 00:05:00,2,0.000000,0"])
    var crlf = SeriesCSVDetection(file: "in.csv", settings: .init())
    #expect(try crlf.process(line: "timestamp,value\r\n", number: 1) == "timestamp,value,anomaly_score,alarm")
    #expect(try crlf.process(line: "2014-04-01 00:00:00,7\r\n", number: 2) == "2014-04-01 00:00:00,7,0.000000,0")
    let multi = try run("sensor,timestamp,value\na/x,1396310400,1\nb/y,1396310400,2")
    #expect(multi.first == "sensor,timestamp,value,anomaly_score,alarm" && multi[2] == "b/y,1396310400,2,0.000000,0")
}

/// A sensor that changes at every reading, then sticks for 40 readings.
private func stuckSeries() -> [(time: Int64, value: Double)] {
    (0..<800).map { i in
        let stuck = (600..<640).contains(i)
        let value = stuck ? 42.0 : 40 + Double((i * 7919) % 13) / 3
        return (1_396_310_400 + Int64(i) * 300, value)
    }
}

@Test func theAlarmColumnIsWhereTheEventTrackerOpensAnEvent() throws {
    for sensitivity in Sensitivity.allCases {
        let series = stuckSeries()
        var detection = SeriesCSVDetection(file: "in.csv", settings: .init(sensitivity: sensitivity))
        _ = try detection.process(line: "timestamp,value", number: 1)
        var detector = SeasonalBaselineDetector(settings: .init(sensitivity: sensitivity))
        var tracker = AnomalyEventTracker(sensitivity: sensitivity)
        var alarms: [Int] = []
        for (i, row) in series.enumerated() {
            let out = try #require(try detection.process(line: "\(row.time),\(row.value)"[...], number: i + 2))
            let reading = Reading(sensor: SensorID(device: "d", point: "p"), time: row.time * 1000, value: row.value)
            let opened = if case .open = tracker.observe(reading, detector.process(reading)) { true } else { false }
            #expect(out.hasSuffix(opened ? ",1" : ",0"), "row \(i) at \(sensitivity)")
            if opened { alarms.append(i) }
        }
        // The stuck run opens an event, once.
        #expect(alarms.count == 1 && (600..<640).contains(alarms[0]), "\(sensitivity): \(alarms)")
    }
}

@Test func eachSensorHasItsOwnEventTracker() throws {
    var lines = ["sensor,timestamp,value"]
    for (time, value) in stuckSeries() {
        lines.append("a,\(time),\(value)")
        lines.append("b,\(time),\(40 + Double(time % 11) / 3)")
    }
    let out = try run(lines.joined(separator: "\n"))
    let alarmed = out.dropFirst().filter { $0.hasSuffix(",1") }.map { $0.prefix(1) }
    #expect(alarmed == ["a"])
}

@Test func badLinesGetALocatedError() {
    let cases: [(String, SeriesCSVError.Code, Int)] = [
        ("time,v\n1,2", .badHeader, 1),
        ("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00", .wrongFieldCount, 3),
        ("timestamp,value\nsoon,1", .badTimestamp, 2),
        ("timestamp,value\n2014-04-01 00:00:00,abc", .badValue, 2),
        ("timestamp,value\n2014-04-01 00:00:00,twelve", .badValue, 2),
    ]
    for (text, code, line) in cases {
        #expect(throws: SeriesCSVError.self) { try run(text) }
        do { _ = try run(text) } catch {
            #expect(error.code == code && error.line == line && error.file == "in.csv", "\(text)")
            #expect(error.description.hasPrefix("in.csv:\(line): "))
        }
    }
}

/// Three sensors of one pump at 1 s, with deterministic noise; from reading 700 the sensors in
/// `shifted` move by 12 times their noise.
/// `firstRow`: the row a sensor's readings start at, by index (a sensor that appears late).
private func pumpCSV(names: [String], shifted: Set<Int>, firstRow: [Int: Int] = [:]) -> String {
    var lines = ["sensor,timestamp,value"]
    for i in 0..<900 {
        for (k, name) in names.enumerated() where i >= firstRow[k, default: 0] {
            let noise = Double((i * 7919 + k * 104_729) % 101) / 100 - 0.5
            let shift = i >= 700 && shifted.contains(k) ? 6.0 : 0
            lines.append("\(name),\(1_583_750_000 + i),\(10 * Double(k + 1) + noise + shift)")
        }
    }
    return lines.joined(separator: "\n")
}

private func alarmRows(_ out: [String]) -> [String] { out.dropFirst().filter { $0.hasSuffix(",1") } }

@Test func aFaultMovingSeveralSensorsOfOneDeviceIsOneAlarm() throws {
    let alarms = alarmRows(try run(pumpCSV(names: ["flow", "pressure", "current"], shifted: [0, 1, 2])))
    #expect(alarms.count == 1, "\(alarms)")
    let time = try #require(alarms.first?.split(separator: ",")[1]).flatMap { Int($0) }
    #expect(time.map { (1_583_750_700...1_583_750_730).contains($0) } == true, "\(alarms)")
}

/// A sensor that appears late (added to a device, or whose first payload comes late) learns from
/// its first reading, opens nothing while it does, and the device's fault is still one alarm.
@Test func aSensorThatAppearsLateJoinsItsDeviceQuietly() throws {
    let alarms = alarmRows(try run(pumpCSV(names: ["flow", "pressure", "current", "vibration"], shifted: [0, 1, 2],
                                           firstRow: [3: 400])))
    #expect(alarms.count == 1, "\(alarms)")
    let time = try #require(alarms.first?.split(separator: ",")[1]).flatMap { Int($0) }
    #expect(time.map { (1_583_750_700...1_583_750_730).contains($0) } == true, "\(alarms)")
}

@Test func oneSensorsLastingStepIsOneIncidentOfItsDeviceOrOfItsOwn() throws {
    // The same step on one sensor: one incident of the pump (names without `device/`: one
    // device), opened by the device's evidence of a shift of that sensor's mean ...
    for names in [["flow", "pressure", "current"], ["pump/flow", "pump/pressure", "pump/current"]] {
        let pump = alarmRows(try run(pumpCSV(names: names, shifted: [0])))
        #expect(pump.count == 1 && pump.first?.hasPrefix(names[0] + ",") == true, "\(pump)")
    }
    // ... and when each sensor is a device of its own (`device/point`), the step is its incident.
    let alone = alarmRows(try run(pumpCSV(names: ["flow/v", "pressure/v", "current/v"], shifted: [0])))
    #expect(alone.count == 1 && alone.first?.hasPrefix("flow/v,") == true, "\(alone)")
}

/// An empty, NaN or infinite value is a failed reading, as the daemon records one: the line is
/// scored, and a run of them is the sensor's device errors (an alarm at the fourth, at medium,
/// for a sensor that never failed).
@Test func aValueThatIsNotANumberIsAFailedReading() throws {
    var lines = ["timestamp,value"]
    for (i, row) in stuckSeries().prefix(500).enumerated() {
        let value = (450..<460).contains(i) ? ["NaN", "", "inf", "-inf", "nan", "NAN", "", "", "NaN", ""][i - 450] : "\(row.value)"
        lines.append("\(row.time),\(value)")
    }
    var detection = SeriesCSVDetection(file: "in.csv", settings: .init())
    var out: [String] = []
    for (i, line) in lines.enumerated() {
        out.append(try #require(try detection.process(line: Substring(line), number: i + 1)))
    }
    #expect(out.count == lines.count && detection.failedReadings == 10)
    #expect(out[451].hasPrefix(lines[451] + ","))
    let alarms = out.indices.filter { out[$0].hasSuffix(",1") }
    #expect(alarms == [454], "\(alarms)")
}

@Test func readingsOutOfTimeOrderAreScoredCountedAndLocated() throws {
    var detection = SeriesCSVDetection(file: "in.csv", settings: .init())
    let lines = ["sensor,timestamp,value", "pump/flow,1700000060,31", "pump/flow,1700000120,32",
                 "pump/power,1700000000,5", "pump/flow,1700000000,32", "pump/flow,1700000180,31", "pump/flow,1700000090,30"]
    var out: [String] = []
    for (i, line) in lines.enumerated() {
        out.append(try #require(try detection.process(line: Substring(line), number: i + 1)))
    }
    // Scored as they came (the power's first reading is earlier than the flow's, not late).
    #expect(out.count == lines.count && out.dropFirst().allSatisfy { $0.hasSuffix(",0.000000,0") }, "\(out)")
    #expect(detection.lateReadings == 2)
    let first = try #require(detection.firstLateReading)
    #expect(first.line == 5 && first.sensor == "pump/flow")
    #expect(first.description == "in.csv:5: the reading of sensor 'pump/flow' at 2023-11-14T22:13:20.000Z is earlier than "
            + "its newest one (2023-11-14T22:15:20.000Z): checked for its range only; gaps are measured from the newest reading")
}

@Test func aReadingStampedAheadOfTimeIsCountedAndLocated() throws {
    var detection = SeriesCSVDetection(file: "in.csv", settings: .init())
    // A reading a minute, the 16th stamped a year ahead (a device's clock glitch).
    var lines = ["timestamp,value"] + (0..<30).map { "\(1_700_000_000 + 60 * $0),\(20 + $0 % 3)" }
    lines[16] = "\(1_700_000_000 + 60 * 15 + 365 * 86_400),\(20 + 15 % 3)"
    for (i, line) in lines.enumerated() {
        _ = try detection.process(line: Substring(line), number: i + 1)
    }
    #expect(detection.lateReadings == 0 && detection.stampedAheadReadings == 1)
    let first = try #require(detection.firstStampedAhead)
    #expect(first.description == "in.csv:18: the reading at 2023-11-14T22:29:20.000Z follows the one before the newest: the newest "
            + "(2024-11-13T22:28:20.000Z) was stamped ahead of time, so the sensor's clock went back and the gap reported there was none")
}
