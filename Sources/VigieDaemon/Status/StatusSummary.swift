/// The terminal form of the status page, for `vigie status`: plain lines, one fact each.
public enum StatusSummary {
    /// The lines to print; `color` adds ANSI colours to states (only for a terminal).
    public static func lines(_ snapshot: GatewaySnapshot, health: HealthReport, color: Bool = false) -> [String] {
        let now = snapshot.gateway.now
        func state(_ value: ComponentState) -> String {
            guard color else { return value.rawValue }
            let code = switch value { case .ok: "32"; case .degraded: "33"; case .failing: "31" }
            return "\u{1B}[\(code)m\(value.rawValue)\u{1B}[0m"
        }
        func ago(_ time: Int64?) -> String {
            time.map { StatusFormat.duration(milliseconds: now - $0) + " ago" } ?? "never"
        }
        var lines = ["gateway \(snapshot.gateway.id) (\(snapshot.gateway.hostname)): \(state(health.status)), "
            + "vigie \(snapshot.gateway.version), up \(StatusFormat.duration(milliseconds: now - snapshot.gateway.startedAt))"]
        for bus in snapshot.buses {
            lines.append("bus \(bus.name) (\(bus.transport))")
            for device in bus.devices {
                var line = "  device \(device.name) unit \(device.unit): \(state(device.state)), last poll \(ago(device.lastPoll)), \(device.errors) errors"
                if device.state != .ok, let error = device.lastError { line += ": \(error)" }
                lines.append(line)
            }
        }
        for subscription in snapshot.subscriptions {
            lines.append("subscription \(subscription.topic): \(state(subscription.state)), last message \(ago(subscription.lastMessage)), "
                + "\(subscription.decodeFailures) decode failures"
                + subscription.deliveryNotes.map { ", " + $0 }.joined())
        }
        for sensor in snapshot.sensors {
            let value = sensor.value.map { StatusFormat.value($0) + (sensor.unit.map { " " + $0 } ?? "") } ?? "-"
            var score = sensor.anomalyScore.map { ", anomaly \(StatusFormat.value($0))" } ?? ""
            if let until = sensor.learningUntil { score += ", learning until \(StatusFormat.timestamp(until)) UTC" }
            let updated = sensor.retained == true
                ? (sensor.time == nil ? "age unknown" : ago(sensor.time)) + ", retained, not stored" : ago(sensor.time)
            lines.append("sensor \(sensor.id) = \(value) (\(sensor.quality), \(updated)\(score))")
        }
        for anomaly in snapshot.openAnomalies {
            lines.append("anomaly \(anomaly.sensor): \(anomaly.kind) since \(ago(anomaly.start)), score \(StatusFormat.value(anomaly.score)): \(anomaly.message)")
        }
        for sink in snapshot.sinks {
            let link = sink.connected ? "connected" + (sink.broker.map { " to \($0)" } ?? "")
                : "disconnected" + (sink.broker.map { ", trying \($0)" } ?? "")
            lines.append("upstream \(sink.name) (\(sink.target)): \(state(sink.state)), \(link), "
                + "backlog \(sink.backlog), oldest \(ago(sink.oldestPending))")
        }
        lines.append("store: \(state(snapshot.store.state)), \(StatusFormat.bytes(snapshot.store.databaseBytes)) of "
            + "\(StatusFormat.bytes(snapshot.store.maxBytes)), last commit \(ago(snapshot.store.lastCommit))")
        for component in health.components where component.state != .ok && (component.kind == "clock" || component.kind == "backlog") {
            lines.append("\(component.kind): \(state(component.state))" + (component.detail.map { ", \($0)" } ?? ""))
        }
        return lines
    }
}
