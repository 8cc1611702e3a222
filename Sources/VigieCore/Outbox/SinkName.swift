/// The name of one configured upstream sink: the key of its messages in the outbox, its
/// metrics and its status (`name:` in the configuration, else `mqtt:host:port` or `http:url`).
///
/// A type of its own so that a sink name cannot be passed where a device, a topic or a
/// watermark name is expected. String literals convert to it, for tests and defaults.
public struct SinkName: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let description: String

    public init(_ name: String) { description = name }

    public init(stringLiteral name: String) { description = name }

    public static func < (lhs: SinkName, rhs: SinkName) -> Bool { lhs.description < rhs.description }
}
