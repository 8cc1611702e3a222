/// Turns a snapshot into a `HealthReport`: pure, so every rule is tested without a daemon.
///
/// Rules: each device, subscription and sink reports its own state; the backlog is degraded when
/// its oldest message waits longer than `backlogAgeLimit`; the clock is degraded when unsynchronised
/// and failing when implausible. Overall: failing when the store fails, the clock is implausible,
/// or every source fails (nothing is read); otherwise degraded if anything is not ok.
public struct HealthEvaluator: Sendable {
    /// An outbox message older than this makes the backlog degraded (the hub is unreachable).
    public var backlogAgeLimit: Int64

    public init(backlogAgeLimitMilliseconds: Int64 = 3_600_000) {
        self.backlogAgeLimit = backlogAgeLimitMilliseconds
    }

    public func evaluate(_ snapshot: GatewaySnapshot) -> HealthReport {
        let now = snapshot.gateway.now
        var components: [HealthReport.Component] = []
        for bus in snapshot.buses {
            for device in bus.devices {
                components.append(.init(kind: "device", name: "\(bus.name)/\(device.name)", state: device.state,
                                        detail: device.state == .ok ? nil : device.lastError))
            }
        }
        for subscription in snapshot.subscriptions {
            let refused = subscription.refusedBy.isEmpty ? nil
                : "refused by " + subscription.refusedBy.joined(separator: ", ") + " (check the broker's ACL)"
            components.append(.init(kind: "subscription", name: subscription.topic, state: subscription.state,
                                    detail: refused ?? subscription.broker.map { "on " + $0 }))
        }
        components.append(.init(kind: "store", name: "store", state: snapshot.store.state, detail: snapshot.store.lastError))
        for sink in snapshot.sinks {
            let node = sink.broker.map { (sink.connected ? "connected to " : "trying ") + $0 }
            components.append(.init(kind: "sink", name: sink.name, state: sink.state,
                                    detail: sink.state == .ok ? node : sink.lastError))
        }
        let backlog = snapshot.sinks.reduce(0) { $0 + $1.backlog }
        let oldest = snapshot.sinks.compactMap(\.oldestPending).min()
        let age = oldest.map { now - $0 } ?? 0
        components.append(.init(kind: "backlog", name: "outbox", state: age > backlogAgeLimit ? .degraded : .ok,
                                detail: "\(backlog) messages, oldest \(age / 1000) s"))
        let clockState: ComponentState = !snapshot.clock.plausible ? .failing : (snapshot.clock.synchronized == false ? .degraded : .ok)
        components.append(.init(kind: "clock", name: "clock", state: clockState,
                                detail: clockState == .ok ? nil : (snapshot.clock.plausible ? "not synchronised" : "before 2025")))

        let sources = components.filter { $0.kind == "device" || $0.kind == "subscription" }
        let nothingRead = !sources.isEmpty && sources.allSatisfy { $0.state == .failing }
        let overall: ComponentState
        if snapshot.store.state == .failing || clockState == .failing || nothingRead {
            overall = .failing
        } else {
            overall = components.contains { $0.state != .ok } ? .degraded : .ok
        }
        return HealthReport(status: overall, gateway: snapshot.gateway.id, checkedAt: now, components: components)
    }
}
