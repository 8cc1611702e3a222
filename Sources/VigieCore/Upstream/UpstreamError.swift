/// A problem with upstream settings or stored upstream messages: a bad topic template, an
/// unreadable outbox payload.
public struct UpstreamError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, stable for tests and metrics labels.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A topic template names a placeholder that does not exist or is malformed.
        public static let badTopicTemplate = Code("bad_topic_template")
        /// A stored outbox payload cannot be read back.
        public static let badStoredPayload = Code("bad_stored_payload")
    }

    public var code: Code
    /// What happened and what to do about it.
    public var message: String
    /// Where: a template and column, or a payload line.
    public var location: String?

    public init(code: Code, message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        location.map { "\($0): \(message)" } ?? message
    }
}
