/// Decodes the payloads of one subscription into readings: the `decode` stage for MQTT.
///
/// Total on any input: every byte sequence gives a `DecodedMessage` or a `PayloadRejection`.
/// Pure and single-owner (a value): the MQTT source keeps one per subscription.
///
/// Sensor names default to `{device}/{field}` where `{device}` is what the payload names
/// (Zigbee2MQTT and Tasmota: the topic's device level; ChirpStack: `deviceInfo.deviceName`,
/// else `devEui`; TTN: `end_device_ids.device_id`; SenML: the base name) or else the first
/// wildcard match of the topic filter (else the topic's second-to-last level), and `{field}`
/// the flattened field (`value`: the topic's last level). A template that does not mention
/// `{field}` gets `_{field}` appended when the format can yield several points.
public struct SubscriptionDecoder: Sendable {
    public let subscription: SubscriptionConfiguration
    let filter: TopicFilter
    let template: SensorNameTemplate
    let fieldPaths: [(path: JSONPath, mapping: FieldMapping)]
    let timePath: JSONPath?
    let clock: PayloadClock
    let parser: JSONParser
    /// Payloads larger than this are rejected as `oversized` before parsing.
    public let maxPayloadSize: Int
    /// Messages yielding more points than this are rejected as `oversized`.
    public let maxPoints: Int

    /// Checks the subscription's filter, template and paths; a `badMapping` rejection says what to fix.
    public init(_ subscription: SubscriptionConfiguration, maxPayloadSize: Int = 256 << 10,
                maxDepth: Int = 32, maxPoints: Int = 4096) throws(PayloadRejection) {
        guard let filter = TopicFilter(subscription.topic) else {
            throw PayloadRejection(.badMapping, "\"\(subscription.topic)\" is not a valid MQTT topic filter")
        }
        var template = try SensorNameTemplate(subscription.sensor ?? "{device}/{field}")
        let wildcards = subscription.topic.split(separator: "/").filter { $0 == "+" || $0 == "#" }.count
        guard template.highestLevel <= wildcards else {
            throw PayloadRejection(.badMapping, "sensor template \"\(subscription.sensor ?? "")\" uses {\(template.highestLevel)} "
                                   + "but \"\(subscription.topic)\" has \(wildcards) wildcard level(s)")
        }
        let multiPoint = subscription.format != .value && !(subscription.format == .json && subscription.fields.count == 1)
        if multiPoint, !template.mentionsField {
            template = SensorNameTemplate(parts: template.parts + [.literal("_"), .field])
        }
        var fieldPaths: [(JSONPath, FieldMapping)] = []
        for mapping in subscription.fields {
            guard let path = JSONPath(mapping.path) else {
                throw PayloadRejection(.badMapping, "field path \"\(mapping.path)\" is malformed; write a.b[0].c")
            }
            fieldPaths.append((path, mapping))
        }
        if let timeField = subscription.timeField {
            guard let path = JSONPath(timeField) else {
                throw PayloadRejection(.badMapping, "time field path \"\(timeField)\" is malformed; write a.b[0].c")
            }
            timePath = path
        } else {
            timePath = nil
        }
        self.subscription = subscription
        self.filter = filter
        self.template = template
        self.fieldPaths = fieldPaths
        self.clock = PayloadClock(maxTimeAhead: subscription.maxTimeAhead)
        self.parser = JSONParser(maxDepth: maxDepth)
        self.maxPayloadSize = maxPayloadSize
        self.maxPoints = maxPoints
    }

    /// True when this subscription's filter matches the topic.
    public func matches(topic: String) -> Bool { filter.matches(topic) }

    /// Decodes one message; `receivedAt` (ms since the epoch) is the time of points the payload does not date.
    public func decode(topic: String, payload: [UInt8], receivedAt: Int64) -> Result<DecodedMessage, PayloadRejection> {
        do throws(PayloadRejection) {
            return .success(try decodeThrowing(topic: topic, payload: payload, receivedAt: receivedAt))
        } catch {
            return .failure(error)
        }
    }

    func decodeThrowing(topic: String, payload: [UInt8], receivedAt: Int64) throws(PayloadRejection) -> DecodedMessage {
        var ignored = 0
        let points = try self.points(topic: topic, payload: payload, receivedAt: receivedAt, ignored: &ignored)
        var readings: [DecodedReading] = []
        readings.reserveCapacity(points.count)
        let misdated = try name(points, topic: topic, receivedAt: receivedAt) { point, reading in
            readings.append(DecodedReading(reading: reading, unit: point.unit ?? subscription.unit))
        }
        return DecodedMessage(readings: readings, ignoredFields: ignored, misdated: misdated)
    }

    /// Decodes one message straight into `readings` (no `DecodedMessage`, no units: what the
    /// MQTT source needs for every message); what was appended, or the rejection, `readings`
    /// then unchanged. A message whose dating does not meet `requirement` appends nothing
    /// (`AppendedReadings.isWithheld`).
    public func decode(topic: String, payload: [UInt8], receivedAt: Int64, requirement: DatingRequirement = .any,
                       appendingTo readings: inout [Reading]) -> Result<AppendedReadings, PayloadRejection> {
        let before = readings.count
        do throws(PayloadRejection) {
            var ignored = 0
            let points = try self.points(topic: topic, payload: payload, receivedAt: receivedAt, ignored: &ignored)
            if requirement != .any,
               points.allSatisfy({ isDated($0, receivedAt: receivedAt) }) != (requirement == .dated) {
                return .success(AppendedReadings(count: 0, isWithheld: true))
            }
            let misdated = try name(points, topic: topic, receivedAt: receivedAt) { _, reading in
                readings.append(reading)
            }
            return .success(AppendedReadings(count: readings.count - before, misdated: misdated))
        } catch {
            readings.removeSubrange(before...)
            return .failure(error)
        }
    }

    /// Whether the payload dates `point` with a time the gateway believes (`PayloadClock`).
    private func isDated(_ point: PayloadPoint, receivedAt: Int64) -> Bool {
        guard let time = point.time, !point.isRelativeToArrival else { return false }
        return clock.fault(of: time, receivedAt: receivedAt) == nil
    }

    private func points(topic: String, payload: [UInt8], receivedAt: Int64,
                        ignored: inout Int) throws(PayloadRejection) -> [PayloadPoint] {
        guard payload.count <= maxPayloadSize else {
            throw PayloadRejection(.oversized, "payload of \(payload.count) bytes is over the \(maxPayloadSize)-byte limit")
        }
        let points: [PayloadPoint]
        switch subscription.format {
        case .value: points = [try valuePoint(payload, field: String(Self.lastLevels(of: topic).last))]
        case .json: points = try jsonPoints(parse(payload), ignored: &ignored)
        case .senml: points = try senmlPoints(parse(payload), receivedAt: receivedAt, ignored: &ignored)
        case .zigbee2mqtt, .tasmota: points = try deviceStatePoints(parse(payload), ignored: &ignored)
        case .chirpstack: points = try chirpStackPoints(parse(payload), ignored: &ignored)
        case .ttn: points = try ttnPoints(parse(payload), ignored: &ignored)
        }
        guard points.count <= maxPoints else {
            throw PayloadRejection(.oversized, "\(points.count) points in one message, over the limit of \(maxPoints)")
        }
        return points
    }

    /// Names each point (`template`) and hands it over as a reading, in payload order, dated by
    /// the payload or else by its arrival; a payload time that cannot be believed (`PayloadClock`)
    /// is replaced by the arrival, the reading marked `uncertain`, and the returned summaries (one
    /// per fault) say so.
    private func name(_ points: [PayloadPoint], topic: String, receivedAt: Int64,
                      _ body: (PayloadPoint, Reading) -> Void) throws(PayloadRejection) -> [MisdatedPayload] {
        let captures = filter.captures(in: topic) ?? []
        let topicDevice = captures.first.flatMap { $0.isEmpty ? nil : $0 } ?? String(Self.lastLevels(of: topic).device)
        var misdated: [MisdatedPayload] = []
        for point in points {
            let sensor = try template.render(captures: captures, device: point.device ?? topicDevice, field: point.field)
            var reading = Reading(sensor: sensor, time: point.time ?? receivedAt, value: point.value)
            if let fault = clock.fault(of: reading.time, receivedAt: receivedAt) {
                if let index = misdated.firstIndex(where: { $0.fault == fault }) {
                    misdated[index].readings += 1
                } else {
                    misdated.append(MisdatedPayload(fault: fault, sensor: sensor, payloadTime: reading.time,
                                                    receivedAt: receivedAt, readings: 1))
                }
                reading.time = receivedAt
                reading.quality = .uncertain
            }
            body(point, reading)
        }
        return misdated
    }

    /// The topic's last level, and the level a device name falls back to: the second-to-last
    /// (the only one for a one-level topic).
    static func lastLevels(of topic: String) -> (device: Substring, last: Substring) {
        guard let slash = topic.utf8.lastIndex(of: UInt8(ascii: "/")) else { return (topic[...], topic[...]) }
        let last = topic[topic.index(after: slash)...]
        let before = topic[..<slash]
        let previous = before.utf8.lastIndex(of: UInt8(ascii: "/")).map { before.index(after: $0) } ?? before.startIndex
        return (before[previous...], last)
    }

    func parse(_ payload: [UInt8]) throws(PayloadRejection) -> JSONValue {
        try parser.parse(payload).get()
    }
}
