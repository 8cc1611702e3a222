import Testing
@testable import VigieCore

// A payload time far ahead of the gateway's clock, or before 2025 (a device clock never set), is a
// device's clock fault: the reading is kept, dated by its arrival and marked uncertain, and the
// decoder says so.

/// 2026-12-05T12:00:00Z: a plausible gateway clock.
private let arrival: Int64 = 1_796_472_000_000
private let minute: Int64 = 60_000

private func jsonDecoder(maxTimeAhead: Duration? = SubscriptionConfiguration.defaultMaxTimeAhead) throws -> SubscriptionDecoder {
    try SubscriptionDecoder(SubscriptionConfiguration(topic: "pompes/+", format: .json, sensor: "{1}/{field}",
                                                      fields: [FieldMapping(path: "flow"), FieldMapping(path: "pressure")],
                                                      timeField: "ts", maxTimeAhead: maxTimeAhead))
}

private func payload(time: Int64) -> [UInt8] {
    Array(#"{"ts":\#(time),"flow":31.5,"pressure":2.1}"#.utf8)
}

@Test func aPayloadTimeFarAheadIsReplacedByTheArrivalAndMarkedUncertain() throws {
    let aYearAhead = arrival + 365 * 24 * 60 * minute
    let message = try jsonDecoder().decode(topic: "pompes/p1", payload: payload(time: aYearAhead), receivedAt: arrival).get()
    #expect(message.readings.map(\.reading.time) == [arrival, arrival])
    #expect(message.readings.map(\.reading.quality) == [.uncertain, .uncertain])
    #expect(message.readings.map(\.reading.value) == [31.5, 2.1])
    #expect(message.misdated == [MisdatedPayload(fault: .ahead, sensor: SensorID(device: "p1", point: "flow"),
                                                 payloadTime: aYearAhead, receivedAt: arrival, readings: 2)])

    var readings: [Reading] = []
    let appended = try jsonDecoder().decode(topic: "pompes/p1", payload: payload(time: aYearAhead), receivedAt: arrival,
                                            appendingTo: &readings).get()
    #expect(appended == AppendedReadings(count: 2, misdated: message.misdated))
    #expect(readings == message.readings.map(\.reading))
}

@Test func aPayloadTimeWithinTheLimitOrInThePastIsKept() throws {
    for time in [arrival + 5 * minute, arrival + 10 * minute, arrival - 24 * 60 * minute] {
        let message = try jsonDecoder().decode(topic: "pompes/p1", payload: payload(time: time), receivedAt: arrival).get()
        #expect(message.readings.allSatisfy { $0.reading.time == time && $0.reading.quality == .good }, "\(time)")
        #expect(message.misdated.isEmpty)
    }
    let justBeyond = arrival + 10 * minute + 1
    #expect(try jsonDecoder().decode(topic: "pompes/p1", payload: payload(time: justBeyond), receivedAt: arrival)
        .get().misdated.first?.readings == 2)
    let tighter = try jsonDecoder(maxTimeAhead: .seconds(30))
        .decode(topic: "pompes/p1", payload: payload(time: arrival + minute), receivedAt: arrival).get()
    #expect(tighter.readings.allSatisfy { $0.reading.time == arrival && $0.reading.quality == .uncertain })
}

@Test func noLimitOrAnImplausibleGatewayClockKeepsThePayloadTime() throws {
    let aYearAhead = arrival + 365 * 24 * 60 * minute
    let unlimited = try jsonDecoder(maxTimeAhead: nil)
        .decode(topic: "pompes/p1", payload: payload(time: aYearAhead), receivedAt: arrival).get()
    #expect(unlimited.readings.allSatisfy { $0.reading.time == aYearAhead && $0.reading.quality == .good })
    // A gateway whose clock is still in 1970 (no RTC, no NTP yet) finds every payload ahead: there
    // the device's time is the better one.
    let unsetClock: Int64 = 90_000
    let early = try jsonDecoder().decode(topic: "pompes/p1", payload: payload(time: arrival), receivedAt: unsetClock).get()
    #expect(early.readings.allSatisfy { $0.reading.time == arrival && $0.reading.quality == .good })
    #expect(early.misdated.isEmpty)
}

@Test func everyFormatThatDatesItsReadingsIsChecked() throws {
    let ahead = arrival + 400 * 24 * 60 * minute
    let senml = try SubscriptionDecoder(SubscriptionConfiguration(topic: "senml/+", format: .senml))
    let records = Array(#"[{"bn":"urn:dev:mac:0024befffe804ff1/","bt":\#(Double(ahead) / 1000),"n":"temp","v":21.5},{"n":"temp","t":-60,"v":21.4}]"#.utf8)
    let message = try senml.decode(topic: "senml/a", payload: records, receivedAt: arrival).get()
    #expect(message.readings.map(\.reading.time) == [arrival, arrival])
    #expect(message.readings.allSatisfy { $0.reading.quality == .uncertain })
    #expect(message.misdated.map(\.payloadTime) == [ahead])
    // A SenML time relative to now is dated by the gateway's clock: never ahead.
    let relative = try senml.decode(topic: "senml/a", payload: Array(#"[{"bn":"d/","n":"t","t":-5,"v":1}]"#.utf8),
                                    receivedAt: arrival).get()
    #expect(relative.misdated.isEmpty && relative.readings[0].reading.time == arrival - 5000)

    let chirpstack = try SubscriptionDecoder(SubscriptionConfiguration(topic: "application/+/device/+/event/up",
                                                                       format: .chirpstack))
    let uplink = Array(#"{"time":"2028-01-01T00:00:00Z","deviceInfo":{"deviceName":"compteur"},"object":{"index":1204}}"#.utf8)
    let decoded = try chirpstack.decode(topic: "application/1/device/2/event/up", payload: uplink, receivedAt: arrival).get()
    #expect(decoded.readings.count == 1)
    #expect(decoded.readings[0].reading.time == arrival && decoded.readings[0].reading.quality == .uncertain)
    #expect(decoded.misdated.map(\.sensor) == [SensorID(device: "compteur", point: "index")])
}

@Test func aPayloadTimeBefore2025IsAClockNeverSetAndDatedByTheArrival() throws {
    // A device without a battery or NTP counts from 1970, or from its RTC's 2000-01-01: kept, such
    // a reading would fall in an aggregation window closed decades ago and go at the next retention.
    // (An epoch number below 1e11 is seconds: a day after 1970 is sent as 86400.)
    let bootOf1970: Int64 = 86_400
    let rtcDefault: Int64 = 946_684_800_000
    for (sent, time) in [(bootOf1970, bootOf1970 * 1000), (rtcDefault, rtcDefault),
                         (WallClock.earliestPlausibleTime - 1, WallClock.earliestPlausibleTime - 1)] {
        let message = try jsonDecoder().decode(topic: "pompes/p1", payload: payload(time: sent), receivedAt: arrival).get()
        #expect(message.readings.map(\.reading.time) == [arrival, arrival], "\(time)")
        #expect(message.readings.allSatisfy { $0.reading.quality == .uncertain && $0.reading.value > 0 })
        #expect(message.misdated == [MisdatedPayload(fault: .unset, sensor: SensorID(device: "p1", point: "flow"),
                                                     payloadTime: time, receivedAt: arrival, readings: 2)])
    }
    let firstPlausible = try jsonDecoder()
        .decode(topic: "pompes/p1", payload: payload(time: WallClock.earliestPlausibleTime), receivedAt: arrival).get()
    #expect(firstPlausible.misdated.isEmpty && firstPlausible.readings[0].reading.quality == .good)
    // `max_time_ahead: off` believes every payload time (a replay of old data); so does a gateway
    // whose own clock is not set yet.
    let replay = try jsonDecoder(maxTimeAhead: nil).decode(topic: "pompes/p1", payload: payload(time: rtcDefault), receivedAt: arrival).get()
    #expect(replay.misdated.isEmpty && replay.readings[0].reading.time == rtcDefault)
    let bothUnset = try jsonDecoder().decode(topic: "pompes/p1", payload: payload(time: bootOf1970), receivedAt: 90_000).get()
    #expect(bothUnset.misdated.isEmpty && bothUnset.readings[0].reading.time == bootOf1970 * 1000)
}

@Test func aMessageWithBothFaultsSummarisesEach() throws {
    let senml = try SubscriptionDecoder(SubscriptionConfiguration(topic: "senml/+", format: .senml))
    let ahead = arrival + 400 * 24 * 60 * minute
    let records = Array(#"[{"bn":"d/","n":"a","t":\#(Double(ahead) / 1000),"v":1},{"n":"b","t":946684800,"v":2},{"n":"c","t":946684801,"v":3},{"n":"d","v":4}]"#.utf8)
    let message = try senml.decode(topic: "senml/a", payload: records, receivedAt: arrival).get()
    #expect(message.readings.map(\.reading.time) == [arrival, arrival, arrival, arrival])
    #expect(message.readings.map(\.reading.quality) == [.uncertain, .uncertain, .uncertain, .good])
    #expect(message.misdated.map(\.fault) == [.ahead, .unset])
    #expect(message.misdated.map(\.readings) == [1, 2])
    #expect(message.misdated.map(\.sensor.point) == ["a", "b"])
}
