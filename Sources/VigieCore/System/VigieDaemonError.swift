/// A failure of the daemon's operational layer (systemd, logging, HTTP), with what to do about it.
public struct VigieDaemonError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure; grows as the daemon does, so it is a struct, not a closed enum.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// `$NOTIFY_SOCKET` is set but unusable, or a datagram could not be sent.
        public static let notify = Code(name: "notify")
        /// The HTTP listener's configuration is unsafe or invalid (e.g. public address without a token).
        public static let httpConfiguration = Code(name: "http-configuration")
        /// The HTTP listener could not start or a request to it failed.
        public static let http = Code(name: "http")
        /// A command-line value is invalid (e.g. `--log-level`).
        public static let usage = Code(name: "usage")
        /// `vigie demo` could not set up its simulated building (a helper program, a port, a file).
        public static let demo = Code(name: "demo")
        public var description: String { name }
    }

    public var code: Code
    /// What happened and what to do, in one or two sentences.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
