import Metrics
import VigieCore

/// The counters every upstream sink keeps, labelled with its name; created once per sink.
///
/// `vigie_upstream_messages_sent_total`: publishes and POSTed messages, retries included.
/// `vigie_upstream_messages_acked_total`: acknowledged by the hub and removed from the outbox.
/// `vigie_upstream_messages_retried_total`: sent again after a failure or a reconnect.
/// `vigie_upstream_messages_parked_total`: refused for good by the hub (HTTP 4xx) or never sendable
/// (a stored row this version cannot read, an MQTT message too large), and removed.
/// `vigie_upstream_broker_connected{sink,broker}`: 1 for the MQTT node the sink is connected to,
/// 0 for its other nodes (all 0 while disconnected).
public struct SinkMetrics: Sendable {
    public let sent: Counter
    public let acknowledged: Counter
    public let retried: Counter
    public let parked: Counter
    let brokers: [(broker: Endpoint, gauge: Gauge)]

    /// `brokers`: an MQTT sink's nodes (none for HTTP); `factory`: the process's backend unless a test passes its own.
    public init(sink: SinkName, brokers: [Endpoint] = [], factory: any MetricsFactory = MetricsSystem.factory) {
        let dimensions = [("sink", sink.description)]
        sent = Counter(label: "vigie_upstream_messages_sent_total", dimensions: dimensions, factory: factory)
        acknowledged = Counter(label: "vigie_upstream_messages_acked_total", dimensions: dimensions, factory: factory)
        retried = Counter(label: "vigie_upstream_messages_retried_total", dimensions: dimensions, factory: factory)
        parked = Counter(label: "vigie_upstream_messages_parked_total", dimensions: dimensions, factory: factory)
        self.brokers = brokers.map { broker in
            let gauge = Gauge(label: "vigie_upstream_broker_connected", dimensions: dimensions + [("broker", "\(broker)")],
                              factory: factory)
            gauge.record(0)
            return (broker, gauge)
        }
    }

    /// Marks `broker` as the node connected to (nil: none).
    func connected(to broker: Endpoint?) {
        for node in brokers { node.gauge.record(node.broker == broker ? 1 : 0) }
    }
}
