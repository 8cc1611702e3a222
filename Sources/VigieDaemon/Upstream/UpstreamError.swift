/// A failure to deliver to the data hub.
public struct UpstreamError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// DNS, refused connection, timeout, TLS: worth retrying.
        public static let transport = Code(name: "transport")
        /// The hub refused the content (HTTP 4xx): retrying the same batch will not help.
        public static let rejected = Code(name: "rejected")
        /// A credential file could not be read.
        public static let credentials = Code(name: "credentials")
        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
