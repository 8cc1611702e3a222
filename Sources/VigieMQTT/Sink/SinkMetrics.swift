import Metrics

/// The counters every upstream sink keeps, labelled with its name; created once per sink.
///
/// `vigie_upstream_messages_sent_total`: publishes and POSTed messages, retries included.
/// `vigie_upstream_messages_acked_total`: acknowledged by the hub and removed from the outbox.
/// `vigie_upstream_messages_retried_total`: sent again after a failure or a reconnect.
/// `vigie_upstream_messages_parked_total`: refused for good by the hub (HTTP 4xx) and removed.
public struct SinkMetrics: Sendable {
    public let sent: Counter
    public let acknowledged: Counter
    public let retried: Counter
    public let parked: Counter

    public init(sink: String) {
        let dimensions = [("sink", sink)]
        sent = Counter(label: "vigie_upstream_messages_sent_total", dimensions: dimensions)
        acknowledged = Counter(label: "vigie_upstream_messages_acked_total", dimensions: dimensions)
        retried = Counter(label: "vigie_upstream_messages_retried_total", dimensions: dimensions)
        parked = Counter(label: "vigie_upstream_messages_parked_total", dimensions: dimensions)
    }
}
