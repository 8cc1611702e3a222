/// Why a payload gave no readings: a value, not a crash; counted per subscription and logged.
public struct PayloadRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of rejection; `rawValue` is the stable label used in logs and metrics.
    public enum Code: String, Sendable, CaseIterable {
        /// Not valid JSON (or not a number for `value`), including invalid UTF-8.
        case parseError = "parse_error"
        /// A field the format or the mapping requires is absent.
        case missingField = "missing_field"
        /// A field that must be a number is something else, or a number out of range (NaN, ±∞, 1e400).
        case nonNumeric = "non_numeric"
        /// Larger than the configured `max_payload_size`, or more points than one message may carry.
        case oversized
        /// JSON nested deeper than the parser's limit.
        case tooDeep = "too_deep"
        /// The sensor template gave no valid `device/point` name for this message.
        case badSensorName = "bad_sensor_name"
        /// The subscription itself is wrong (a bad field path or template): fix the configuration.
        case badMapping = "bad_mapping"
    }

    public var code: Code
    /// What was wrong, for a technician: names the field or the byte offset.
    public var message: String
    /// Byte offset in the payload where parsing failed, when known.
    public var offset: Int?

    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(code.rawValue): \(message) (at byte \(offset))" }
        return "\(code.rawValue): \(message)"
    }
}
