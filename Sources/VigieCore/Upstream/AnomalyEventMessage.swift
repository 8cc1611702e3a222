/// One step in the life of an anomaly on one sensor, as sent upstream.
///
/// An anomaly opens when a sensor's score crosses the threshold, may be updated while it
/// lasts (a higher peak, new reasons) and closes when the score falls back.
public struct AnomalyEventMessage: Hashable, Sendable {
    /// Where the anomaly is in its life.
    public enum Phase: String, Sendable, CaseIterable {
        case open, update, close
    }

    public var sensor: SensorID
    public var phase: Phase
    /// When the anomaly began (ms since the epoch); identifies it together with the sensor.
    public var start: Int64
    /// When this step happened (ms since the epoch).
    public var time: Int64
    /// When it ended, for `close`.
    public var end: Int64?
    /// The score in [0, 1] at `time`, and the highest so far.
    public var score: Double
    public var peakScore: Double
    /// Short machine-readable causes, e.g. `stuck`, `out_of_range`, `level_shift`.
    public var reasons: [String]
    /// The reading that triggered this step, its unit, and the range expected instead.
    public var value: Double?
    public var unit: String?
    public var expectedLow: Double?
    public var expectedHigh: Double?
    /// The other sensors of the device that moved with it (`device/point`), sorted.
    public var context: [String]

    public init(sensor: SensorID, phase: Phase, start: Int64, time: Int64, end: Int64? = nil,
                score: Double, peakScore: Double, reasons: [String], value: Double? = nil,
                unit: String? = nil, expectedLow: Double? = nil, expectedHigh: Double? = nil, context: [String] = []) {
        self.sensor = sensor
        self.phase = phase
        self.start = start
        self.time = time
        self.end = end
        self.score = score
        self.peakScore = peakScore
        self.reasons = reasons
        self.value = value
        self.unit = unit
        self.expectedLow = expectedLow
        self.expectedHigh = expectedHigh
        self.context = context
    }

    /// The JSON event sent upstream (in both formats: SenML has no event model). Times in
    /// milliseconds since the epoch; absent or non-finite numbers are left out.
    ///
    ///     {"kind":"anomaly","gateway":"mairie-01","seq":43,"sensor":"meter/voltage",
    ///      "device":"meter","point":"voltage","phase":"open","start":...,"time":...,
    ///      "score":0.93,"peak_score":0.93,"reasons":["spike"],"value":262.4,"unit":"V",
    ///      "expected":{"low":228,"high":233},"context":["meter/current"]}
    ///
    /// `context` (left out when empty): the device's other sensors that moved with this one.
    public func json(gateway: String, sequence: Int64?) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("kind", OutboxKind.anomaly.rawValue)
        json.field("gateway", gateway)
        json.field("seq", sequence)
        json.field("sensor", sensor.description)
        json.field("device", sensor.device)
        json.field("point", sensor.point)
        json.field("phase", phase.rawValue)
        json.field("start", start)
        json.field("time", time)
        json.field("end", end)
        json.field("score", score)
        json.field("peak_score", peakScore)
        json.key("reasons")
        json.beginArray()
        for reason in reasons { json.string(reason) }
        json.endArray()
        json.field("value", value)
        if let unit { json.field("unit", unit) }
        if expectedLow?.isFinite == true || expectedHigh?.isFinite == true {
            json.key("expected")
            json.beginObject()
            json.field("low", expectedLow)
            json.field("high", expectedHigh)
            json.endObject()
        }
        if !context.isEmpty {
            json.key("context")
            json.beginArray()
            for sensor in context { json.string(sensor) }
            json.endArray()
        }
        json.endObject()
        return json.output
    }
}
