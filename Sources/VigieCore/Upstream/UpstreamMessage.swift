/// An outbox message, decoded: what a sink turns into topics and payloads when it sends it.
///
/// The daemon stores `storageText` in the outbox under `kind`; a sink reads it back with
/// `init(kind:storageText:)` and calls `publications(...)` with the message's sequence number.
public enum UpstreamMessage: Hashable, Sendable {
    case aggregate(AggregatePack)
    case anomaly(AnomalyEventMessage)
    /// A periodic health report that went through the outbox (kind `status`).
    case health(GatewayHealth)
    /// Raw readings of one device committed together (kind `readings`), for sinks that send them.
    case readings(ReadingsPack)

    /// The outbox kind it is stored under.
    public var kind: OutboxKind {
        switch self {
        case .aggregate: .aggregate
        case .anomaly: .anomaly
        case .health: .status
        case .readings: .readings
        }
    }

    /// The form to store in the outbox.
    public var storageText: String {
        switch self {
        case .aggregate(let pack): pack.storageText
        case .anomaly(let event): event.storageText
        case .health(let health): health.storageText
        case .readings(let pack): pack.storageText
        }
    }

    /// Reads a stored message back; throws `UpstreamError` (`badStoredPayload`) when the text is damaged.
    public init(kind: OutboxKind, storageText: String) throws {
        switch kind {
        case .aggregate: self = .aggregate(try AggregatePack(storageText: storageText))
        case .anomaly: self = .anomaly(try AnomalyEventMessage(storageText: storageText))
        case .status: self = .health(try GatewayHealth(storageText: storageText))
        case .readings: self = .readings(try ReadingsPack(storageText: storageText))
        }
    }

    /// What to publish: one (topic, payload) per message, or per point for an aggregate when
    /// the template uses `{point}` (those publications share the sequence number).
    public func publications(template: TopicTemplate, format: UpstreamFormat, statistics: [Statistic],
                             gateway: String, sequence: Int64) -> [(topic: String, payload: String)] {
        switch self {
        case .aggregate(let pack):
            let packs = template.usesPoint ? pack.splitByPoint() : [pack]
            return packs.map { part in
                (template.render(gateway: gateway, device: part.device, point: part.points.first?.name, kind: kind.rawValue),
                 part.payload(format: format, statistics: statistics, gateway: gateway, sequence: sequence))
            }
        case .anomaly(let event):
            return [(template.render(gateway: gateway, device: event.sensor.device, point: event.sensor.point, kind: kind.rawValue),
                     event.json(gateway: gateway, sequence: sequence))]
        case .health(let health):
            return [(template.render(gateway: gateway, kind: kind.rawValue),
                     GatewayStatusMessage.health(health).json(gateway: gateway, sequence: sequence))]
        case .readings(let pack):
            let packs = template.usesPoint ? pack.splitByPoint() : [pack]
            return packs.map { part in
                (template.render(gateway: gateway, device: part.device, point: part.entries.first?.point, kind: kind.rawValue),
                 part.payload(format: format, gateway: gateway, sequence: sequence))
            }
        }
    }
}
