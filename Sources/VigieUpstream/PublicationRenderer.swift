import VigieCore
import VigieStore

/// Turns a stored outbox message into what one sink sends: topic and encoded payload.
///
/// The outbox keeps messages in their stored form (statistics, events), not as payloads, so
/// each sink encodes with its own format and topic template, and the outbox sequence number
/// goes into the payload at send time. A template with `{point}` makes one publication per
/// point; they share the message's sequence number. A message that cannot be read back (a kind
/// this version does not know, a damaged stored text) becomes one `undeliverable` message with
/// the reason, which the sink parks, logs and counts rather than blocking the queue on it.
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

    /// What the sink sends for the stored outbox row `entry`.
    public func render(_ entry: OutboxEntry) -> [PendingMessage] {
        let stored = try? entry.message.get()
        let created = stored?.createdMilliseconds ?? 0
        switch entry.decoded {
        case .failure(let row):
            return [PendingMessage(seq: entry.seq, kind: stored?.kind, topic: "", payload: [], createdMillis: created,
                                   undeliverable: row.reason)]
        case .success(let message):
            return message.publications(template: template, format: format, statistics: statistics,
                                        gateway: gateway, sequence: entry.seq).map { publication in
                PendingMessage(seq: entry.seq, kind: message.kind, topic: publication.topic,
                               payload: Array(publication.payload.utf8), createdMillis: created)
            }
        }
    }
}
