/// A failure of the MQTT client or source: what happened, what to do, and libmosquitto's words.
public struct MQTTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; `rawValue` is the stable label for logs and metrics.
    public enum Code: String, Sendable {
        case invalidConfiguration = "invalid_configuration"
        case secretUnreadable = "secret_unreadable"
        case publishFailed = "publish_failed"
        case subscribeFailed = "subscribe_failed"
        /// The client was shut down before the operation completed.
        case stopped
        case cancelled
    }

    public var code: Code
    public var message: String
    /// libmosquitto's error text or the system error, when there is one.
    public var cause: String?

    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        cause.map { "\(message) (\($0))" } ?? message
    }
}
