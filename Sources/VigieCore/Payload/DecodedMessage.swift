/// What one MQTT message decoded to.
public struct DecodedMessage: Sendable, Equatable {
    /// The readings, in payload order.
    public var readings: [DecodedReading]
    /// Fields seen but not stored: text, null, SenML `vs`/`vb`/`vd` records.
    public var ignoredFields: Int
    /// Readings whose payload time could not be believed, dated by their arrival instead: one
    /// entry per fault found (`PayloadClock`), none in the usual case.
    public var misdated: [MisdatedPayload]

    public init(readings: [DecodedReading], ignoredFields: Int = 0, misdated: [MisdatedPayload] = []) {
        self.readings = readings
        self.ignoredFields = ignoredFields
        self.misdated = misdated
    }
}

/// What one message added to the caller's readings (`SubscriptionDecoder.decode(topic:payload:receivedAt:appendingTo:)`).
public struct AppendedReadings: Sendable, Equatable {
    public var count: Int
    /// Readings whose payload time could not be believed, dated by their arrival instead (`DecodedMessage.misdated`).
    public var misdated: [MisdatedPayload]
    /// Nothing was appended because the payload's dating did not meet the caller's `DatingRequirement`.
    public var isWithheld: Bool

    public init(count: Int, misdated: [MisdatedPayload] = [], isWithheld: Bool = false) {
        self.count = count
        self.misdated = misdated
        self.isWithheld = isWithheld
    }
}

/// Which messages a decode appends, by whether their payload dates every reading with a time
/// the gateway believes (`PayloadClock`; a SenML time relative to "now" dates nothing).
public enum DatingRequirement: Sendable, Equatable {
    /// Every message.
    case any
    /// Only a message that dates every reading: a retained delivery, whose age is otherwise unknown.
    case dated
    /// Only a message that does not: a copy of the topic's last payload, which, dated, holds the
    /// very readings already taken (at the same times), and undated is a new reading of the same value.
    case undated
}

/// A reading and its unit (SenML unit name): from the payload when the format carries one, else the subscription's.
public struct DecodedReading: Sendable, Equatable {
    public var reading: Reading
    public var unit: String?

    public init(reading: Reading, unit: String? = nil) {
        self.reading = reading
        self.unit = unit
    }
}

/// One point a format found in a payload, before naming.
struct PayloadPoint: Sendable {
    /// The device the payload names, or nil for the topic's.
    var device: String?
    var field: String
    var value: Double
    /// Milliseconds since the epoch, or nil for the arrival time.
    var time: Int64?
    var unit: String?
    /// Whether `time` counts from the arrival (SenML's relative times: "now" is when the gateway
    /// received the pack), so the payload dates nothing by itself.
    var isRelativeToArrival = false
}
