/// A problem on the way to the data hub: a bad topic template, an unreadable outbox payload,
/// a transport failure, a refusal by the hub, an unreadable credential.
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
        /// DNS, refused connection, timeout, TLS: worth retrying.
        public static let transport = Code("transport")
        /// The hub refused the content (HTTP 4xx): retrying the same batch will not help.
        public static let rejected = Code("rejected")
        /// A credential file (password, token) could not be read.
        public static let credentials = Code("credentials")
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

    public init(_ code: Code, _ message: String) {
        self.init(code: code, message: message)
    }

    public var description: String {
        location.map { "\($0): \(message)" } ?? message
    }
}
