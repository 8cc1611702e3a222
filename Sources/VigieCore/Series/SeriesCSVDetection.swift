/// Replays a CSV series through anomaly detectors, line by line: the logic of `vigie detect`.
///
/// Input: a header `timestamp,value` or `sensor,timestamp,value`, then one reading per line
/// (timestamps in any form `TimestampText` accepts; an empty, NaN or infinite value is a
/// failed reading, `Quality.bad(.notANumber)`, as the daemon records one). Output: the header
/// `timestamp,value,anomaly_score,alarm` (with `sensor` first in the second form), then for each
/// input line the same fields as given, followed by the score and the alarm: 1 on the reading
/// where the daemon, at the settings' sensitivity, opens an anomaly event (a device incident,
/// `DeviceIncidentTracker`) on that sensor's reading, else 0. One detector per sensor and one
/// incident tracker per device, as in the daemon: a sensor named `device/point` belongs to
/// `device`; the sensors of the input without a `/` in their name are one device together
/// (a pump's sensors in one file).
public struct SeriesCSVDetection {
    /// The name used in error locations (`-` for standard input).
    public let file: String
    private let settings: AnomalyDetectorSettings
    private let corroboration: DeviceCorroboration
    private var hasSensor = false
    /// Whether the header has been read: until then an error is fatal (nothing can be read).
    public private(set) var sawHeader = false
    /// Readings whose value was empty or not finite, scored as failed readings.
    public private(set) var failedReadings = 0
    /// Readings earlier than their sensor's newest one (`SeasonalBaselineDetector.Arrival.late`),
    /// checked for their range only, as the daemon checks them, and the first of them.
    public private(set) var lateReadings = 0
    public private(set) var firstLateReading: OutOfOrderReading?
    /// Readings found stamped ahead of time (`Arrival.clockRestored`: a device's clock glitch),
    /// and the reading after the first of them, which showed it.
    public private(set) var stampedAheadReadings = 0
    public private(set) var firstStampedAhead: OutOfOrderReading?
    /// Readings that repeat their sensor's newest one (same time, same value: a message delivered
    /// twice), absorbed as the daemon absorbs them: score 0, not shown to the device tracker.
    public private(set) var repeatedReadings = 0

    /// A reading earlier than its sensor's newest one, located for the message that reports it:
    /// late, or later than the reading before the newest, so that it is the newest that was
    /// stamped ahead of time.
    public struct OutOfOrderReading: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: Sendable, Hashable { case late, afterStampedAhead }
        public let kind: Kind
        public let file: String
        public let line: Int
        /// The sensor's name, empty for a `timestamp,value` series.
        public let sensor: String
        public let time: Int64
        /// The sensor's newest reading's time when this one came.
        public let newest: Int64

        public var description: String {
            let whose = sensor.isEmpty ? "" : " of sensor '\(sensor)'"
            let reading = "\(file):\(line): the reading\(whose) at \(RFC3339.format(milliseconds: time))"
            let newest = RFC3339.format(milliseconds: newest)
            return switch kind {
            case .late:
                "\(reading) is earlier than its newest one (\(newest)): checked for its range only; gaps are measured from the newest reading"
            case .afterStampedAhead:
                "\(reading) follows the one before the newest: the newest (\(newest)) was stamped ahead of time, "
                    + "so the sensor's clock went back and the gap reported there was none"
            }
        }
    }
    /// Slot number by sensor name. The ~3 KB states live in fixed-size chunks, not in the
    /// dictionary nor in one growing array: both double their storage and copy it, and the
    /// freed copies stay in the process (at 20,000 sensors that cost ~2 KB of RSS per sensor).
    private var slots: [String: Int] = [:]
    private var chunks: [[SensorState]] = []
    /// Incident tracker index by device name (the part of a sensor's name before its first `/`).
    private var deviceSlots: [Substring: Int] = [:]
    private var devices: [DeviceIncidentTracker] = []
    /// Sensors per chunk (a chunk is reserved whole, so at most one is partly used).
    private static let chunkSize = 256

    private struct SensorState {
        var detector: SeasonalBaselineDetector
        var device: Int
    }

    public init(file: String, settings: AnomalyDetectorSettings, corroboration: DeviceCorroboration = .init()) {
        self.file = file
        self.settings = settings
        self.corroboration = corroboration
    }

    /// The output line for input line `number` (1-based), or nil for a blank line (no output).
    public mutating func process(line raw: Substring, number: Int) throws(SeriesCSVError) -> String? {
        let line = Self.content(raw)
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
        let time: Int64
        do throws(RFC3339Error) {
            time = try TimestampText.milliseconds(trimmed(stampText))
        } catch let problem {
            throw error(.badTimestamp, number, "bad timestamp '\(stampText)' (\(problem)): "
                        + "use YYYY-MM-DD HH:MM:SS, RFC 3339 or epoch seconds/milliseconds")
        }
        // A value that is empty or not finite (NaN, inf) is a reading that failed, as in the
        // daemon: it counts towards the sensor's device errors. Any other text is an error.
        let valueField = trimmed(valueText)
        guard let value = valueField.isEmpty ? Double.nan : Double(valueField) else {
            throw error(.badValue, number, "bad value '\(valueText)': expected a number (empty, NaN or inf: a failed reading)")
        }
        let quality: Quality = value.isFinite ? .good : .bad(.notANumber)
        if !value.isFinite { failedReadings += 1 }
        let slot = self.slot(for: sensor)
        let (chunk, index) = slot.quotientAndRemainder(dividingBy: Self.chunkSize)
        let arrival = chunks[chunk][index].detector.take(time: time, value: value, quality: quality)
        switch arrival {
        case .repeated: repeatedReadings += 1
        case .late(_, let newest):
            lateReadings += 1
            if firstLateReading == nil {
                firstLateReading = OutOfOrderReading(kind: .late, file: file, line: number, sensor: String(sensor), time: time, newest: newest)
            }
        case .clockRestored(_, let stampedAhead):
            stampedAheadReadings += 1
            if firstStampedAhead == nil {
                firstStampedAhead = OutOfOrderReading(kind: .afterStampedAhead, file: file, line: number, sensor: String(sensor),
                                                      time: time, newest: stampedAhead)
            }
        case .inOrder: break
        }
        let score = arrival.score
        guard arrival.concernsDevice else { return "\(line),\(Self.format(score.score)),0" }
        // The device tracker knows a sensor by its slot number: a short name, no allocation.
        let reading = Reading(sensor: SensorID(device: "series", point: String(slot)), time: time, value: value, quality: quality)
        let action = devices[chunks[chunk][index].device].observe(reading, score)
        let alarm = if case .open = action { 1 } else { 0 }
        return "\(line),\(Self.format(score.score)),\(alarm)"
    }

    /// The output line for an input line that could not be read: the line as given, with empty
    /// `anomaly_score` and `alarm` columns, so that the output stays line for line with the input.
    public static func unscored(line raw: Substring) -> String {
        "\(content(raw)),,"
    }

    /// A line without its line ending.
    private static func content(_ raw: Substring) -> Substring {
        var line = raw
        while let last = line.last, last == "\n" || last == "\r" || last == "\r\n" { line = line.dropLast() }
        return line
    }

    private mutating func slot(for sensor: Substring) -> Int {
        if let slot = slots[String(sensor)] { return slot }
        if chunks.last.map({ $0.count == Self.chunkSize }) ?? true {
            chunks.append([])
            chunks[chunks.count - 1].reserveCapacity(Self.chunkSize)
        }
        let deviceName = sensor.firstIndex(of: "/").map { sensor[..<$0] } ?? ""
        let device = deviceSlots[deviceName] ?? devices.count
        if device == devices.count {
            deviceSlots[deviceName] = device
            devices.append(DeviceIncidentTracker(sensitivity: settings.sensitivity, corroboration: corroboration))
        }
        chunks[chunks.count - 1].append(SensorState(detector: SeasonalBaselineDetector(settings: settings), device: device))
        let slot = slots.count
        slots[String(sensor)] = slot
        return slot
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
        return hasSensor ? "sensor,timestamp,value,anomaly_score,alarm" : "timestamp,value,anomaly_score,alarm"
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
