/// Replays a CSV series through anomaly detectors, line by line: the logic of `vigie detect`.
///
/// Input: a header `timestamp,value` or `sensor,timestamp,value`, then one reading per line
/// (timestamps in any form `TimestampText` accepts). Output: the header
/// `timestamp,value,anomaly_score` (with `sensor` first in the second form), then for each
/// input line the same fields as given, followed by the score. One detector per sensor.
public struct SeriesCSVDetection {
    /// The name used in error locations (`-` for standard input).
    public let file: String
    private let settings: AnomalyDetectorSettings
    private var hasSensor = false
    private var sawHeader = false
    private var detectors: [String: SeasonalBaselineDetector] = [:]

    public init(file: String, settings: AnomalyDetectorSettings) {
        self.file = file
        self.settings = settings
    }

    /// The output line for input line `number` (1-based), or nil for a blank line (no output).
    public mutating func process(line raw: Substring, number: Int) throws(SeriesCSVError) -> String? {
        var line = raw
        while let last = line.last, last == "\n" || last == "\r" || last == "\r\n" { line = line.dropLast() }
        if line.allSatisfy({ $0 == " " || $0 == "\t" }) { return nil }
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard sawHeader else { return try header(fields, number: number) }
        guard fields.count == (hasSensor ? 3 : 2) else {
            throw error(.wrongFieldCount, number,
                        "expected \(hasSensor ? 3 : 2) fields (\(hasSensor ? "sensor," : "")timestamp,value), found \(fields.count)")
        }
        let sensor = hasSensor ? trimmed(fields[0]) : ""
        if hasSensor, sensor.isEmpty { throw error(.badSensor, number, "empty sensor name") }
        let stampText = fields[hasSensor ? 1 : 0]
        let valueText = fields[hasSensor ? 2 : 1]
        guard let time = TimestampText.milliseconds(trimmed(stampText)) else {
            throw error(.badTimestamp, number,
                        "bad timestamp '\(stampText)': use YYYY-MM-DD HH:MM:SS, RFC 3339 or epoch seconds/milliseconds")
        }
        guard let value = Double(trimmed(valueText)), value.isFinite else {
            throw error(.badValue, number, "bad value '\(valueText)': expected a finite number")
        }
        let score = detectors[String(sensor), default: SeasonalBaselineDetector(settings: settings)]
            .process(time: time, value: value).score
        return "\(line),\(Self.format(score))"
    }

    private mutating func header(_ fields: [Substring], number: Int) throws(SeriesCSVError) -> String {
        let names = fields.map { trimmed($0).lowercased() }
        switch names {
        case ["timestamp", "value"]: hasSensor = false
        case ["sensor", "timestamp", "value"]: hasSensor = true
        default:
            throw error(.badHeader, number,
                        "expected the header 'timestamp,value' or 'sensor,timestamp,value', found '\(fields.joined(separator: ","))'")
        }
        sawHeader = true
        return hasSensor ? "sensor,timestamp,value,anomaly_score" : "timestamp,value,anomaly_score"
    }

    private func trimmed(_ text: Substring) -> Substring {
        var text = text
        while text.first == " " || text.first == "\"" { text = text.dropFirst() }
        while text.last == " " || text.last == "\"" { text = text.dropLast() }
        return text
    }

    private func error(_ code: SeriesCSVError.Code, _ line: Int, _ message: String) -> SeriesCSVError {
        SeriesCSVError(code: code, message: message, file: file, line: line)
    }

    /// A score with six decimals, without Foundation.
    static func format(_ score: Double) -> String {
        let micro = Int((min(max(score, 0), 1) * 1_000_000).rounded())
        let fraction = String(micro % 1_000_000)
        return "\(micro / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }
}
