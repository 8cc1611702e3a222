/// A line of a series CSV file that cannot be read, with where it is.
public struct SeriesCSVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is, stable for scripts and tests.
    public enum Code: String, Sendable {
        case badHeader = "bad_header"
        case wrongFieldCount = "wrong_field_count"
        case badTimestamp = "bad_timestamp"
        case badValue = "bad_value"
        case badSensor = "bad_sensor"
    }

    public var code: Code
    /// What is wrong and what to do about it.
    public var message: String
    /// The file as named by the user (`-` for standard input).
    public var file: String
    /// 1-based line number.
    public var line: Int

    public init(code: Code, message: String, file: String, line: Int) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    /// `FILE:LINE: message`.
    public var description: String { "\(file):\(line): \(message)" }
}
