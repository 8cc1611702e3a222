/// Notices a sensor that has gone silent: one that reports on its own (a battery-powered
/// Zigbee or LoRaWAN sensor over MQTT) and sent nothing for longer than its `max_silence`.
///
/// A gap is otherwise seen only at the reading that ends it, so a sensor whose battery died
/// would never be reported. Past the limit, `check` gives once the alarm to put to the
/// device's incident tracker: a `gap` finding (data quality: it opens an incident alone),
/// dated at the moment the limit passed and carrying the sensor's last value. The sensor's
/// next reading re-arms it; the event then closes like any other, after its quiet readings.
///
/// Silence is measured on the gateway's clock, from each reading's arrival, not from the time
/// the payload gives it: a device whose clock lags, or that sends its readings in batches, is
/// alive as long as something arrives.
///
/// Pure, causal, deterministic: the caller gives the times.
public struct SilenceWatch: Sendable {
    /// Milliseconds without a reading after which the sensor is silent.
    public let limit: Int64
    private var lastArrival: Int64?
    private var lastValue = Double.nan
    private var isReported = false

    public init(limit: Int64) {
        self.limit = limit
    }

    /// Accounts for a reading of value `value` that arrived at `arrival` (ms since the epoch).
    public mutating func heard(_ value: Double, at arrival: Int64) {
        lastArrival = max(arrival, lastArrival ?? .min)
        lastValue = value
        isReported = false
    }

    /// At `now`, the alarm of a silence that has just passed the limit (once per silence), or nil.
    public mutating func check(sensor: SensorID, now: Int64) -> (reading: Reading, score: AnomalyScore)? {
        guard !isReported, let lastArrival, now - lastArrival > limit else { return nil }
        isReported = true
        let severity = Surprise.score(nats: SeasonalBaselineDetector.certain)
        return (Reading(sensor: sensor, time: lastArrival + limit, value: lastValue, quality: .uncertain),
                AnomalyScore(score: severity, severity: severity, reasons: .gap))
    }
}
