/// The text form of an anomaly event kept in the outbox until a sink sends it (the sequence
/// number is added when it is sent). One `key value` line per field, values percent-encoded
/// (see `AggregatePack+Storage`), absent fields left out; `reason` and `context` repeat:
///
///     vigie-anomaly 1
///     sensor chaufferie/depart
///     phase open
///     start 1718447120000
///     ...
extension AnomalyEventMessage {
    static let storageHeader = "vigie-anomaly 1"

    /// The form to store in the outbox.
    public var storageText: String {
        var lines = [Self.storageHeader, "sensor \(StorageField.escape(sensor.description))",
                     "phase \(phase.rawValue)", "start \(start)", "time \(time)",
                     "score \(StorageField.number(score))", "peak \(StorageField.number(peakScore))"]
        if let end { lines.append("end \(end)") }
        for reason in reasons { lines.append("reason \(StorageField.escape(reason))") }
        if let value, value.isFinite { lines.append("value \(StorageField.number(value))") }
        if let unit { lines.append("unit \(StorageField.escape(unit))") }
        if let expectedLow, expectedLow.isFinite { lines.append("low \(StorageField.number(expectedLow))") }
        if let expectedHigh, expectedHigh.isFinite { lines.append("high \(StorageField.number(expectedHigh))") }
        for sensor in context { lines.append("context \(StorageField.escape(sensor))") }
        return lines.joined(separator: "\n")
    }

    /// Reads back `storageText`; throws `UpstreamError` (`badStoredPayload`, with the line) otherwise.
    public init(storageText: String) throws {
        let (lines, lineCount) = try StorageField.body(of: storageText, header: Self.storageHeader, what: "a stored anomaly event")
        var fields: [String: (String, Int)] = [:]
        var reasons: [String] = []
        var context: [String] = []
        for (line, number) in lines {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { throw StorageField.failure("a line needs a key and a value", line: number) }
            if parts[0] == "reason" {
                reasons.append(try StorageField.unescape(parts[1], line: number))
            } else if parts[0] == "context" {
                context.append(try StorageField.unescape(parts[1], line: number))
            } else {
                fields[parts[0]] = (parts[1], number)
            }
        }
        func required(_ key: String) throws -> (String, Int) {
            guard let field = fields[key] else { throw StorageField.failure("missing \(key)", line: lineCount) }
            return field
        }
        func integer(_ key: String) throws -> Int64? {
            guard let (text, line) = fields[key] else { return nil }
            guard let value = Int64(text) else { throw StorageField.failure("bad \(key) \"\(text)\"", line: line) }
            return value
        }
        func double(_ key: String) throws -> Double? {
            guard let (text, line) = fields[key] else { return nil }
            return try StorageField.double(text, line: line)
        }
        let (sensorText, sensorLine) = try required("sensor")
        guard let sensor = SensorID(try StorageField.unescape(sensorText, line: sensorLine)) else {
            throw StorageField.failure("bad sensor \"\(sensorText)\"", line: sensorLine)
        }
        let (phaseText, phaseLine) = try required("phase")
        guard let phase = Phase(rawValue: phaseText) else {
            throw StorageField.failure("bad phase \"\(phaseText)\"", line: phaseLine)
        }
        for key in ["start", "time", "score", "peak"] { _ = try required(key) }
        self.init(sensor: sensor, phase: phase, start: try integer("start") ?? 0, time: try integer("time") ?? 0,
                  end: try integer("end"), score: try double("score") ?? 0, peakScore: try double("peak") ?? 0,
                  reasons: reasons, value: try double("value"),
                  unit: try fields["unit"].map { try StorageField.unescape($0.0, line: $0.1) },
                  expectedLow: try double("low"), expectedHigh: try double("high"), context: context)
    }
}
