import VigieCore

/// Turns a stored outbox message into what one sink sends: topic and encoded payload.
///
/// The outbox keeps messages in their stored form (statistics, events), not as payloads, so
/// each sink encodes with its own format and topic template, and the outbox sequence number
/// goes into the payload at send time. A template with `{point}` makes one publication per
/// point; they share the message's sequence number. A message that cannot be read back gets an
/// empty topic, which the sink parks and counts rather than blocking the queue on it.
public struct PublicationRenderer: Sendable {
    public var template: TopicTemplate
    public var format: UpstreamFormat
    public var statistics: [Statistic]
    public var gateway: String

    /// The routing key template of sinks that have no topic (HTTP).
    public static let defaultTemplate = "vigie/{gateway}/{device}"

    public init(template: TopicTemplate, format: UpstreamFormat, statistics: [Statistic], gateway: String) {
        self.template = template
        self.format = format
        self.statistics = statistics
        self.gateway = gateway
    }

    public func render(seq: Int64, kind: String, stored: [UInt8], createdMillis: Int64) -> [PendingMessage] {
        guard let outboxKind = OutboxKind(rawValue: kind),
              let message = try? UpstreamMessage(kind: outboxKind, storageText: String(decoding: stored, as: UTF8.self))
        else {
            return [PendingMessage(seq: seq, kind: kind, topic: "", payload: stored, createdMillis: createdMillis)]
        }
        return message.publications(template: template, format: format, statistics: statistics,
                                    gateway: gateway, sequence: seq).map { publication in
            PendingMessage(seq: seq, kind: kind, topic: publication.topic, payload: Array(publication.payload.utf8),
                           createdMillis: createdMillis)
        }
    }
}
