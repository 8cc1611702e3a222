import VigieDaemon
/// The demo's screen on a terminal, redrawn in place about once a second: devices and their
/// state, a few latest values, anomalies, the upstream backlog and connection, recent notes.
public struct DemoLiveView: Sendable {
    /// Sensors whose latest values are shown, when present.
    public var featured = [
        "\(DemoBuilding.mainMeter)/active_power", "\(DemoBuilding.subMeter)/active_power",
        "\(DemoBuilding.heatMeter)/power", "\(DemoBuilding.airSensor)/co2", "\(DemoBuilding.airSensor)/temperature",
        "salle-101/temperature", "bureau-direction/humidity",
    ]

    public init() {}

    /// The whole screen: cursor home, clear, then the text (the only escape codes written).
    public func render(header: String, snapshot: GatewaySnapshot, events: [AnomalyStatus], notes: [String]) -> String {
        var out = ["\u{1B}[H\u{1B}[2J" + header, ""]
        out.append("DEVICES")
        for bus in snapshot.buses {
            for device in bus.devices {
                let mark = device.state == .failing ? "\u{1B}[31mFAILING\u{1B}[0m" : "\u{1B}[32mok\u{1B}[0m     "
                out.append("  \(mark)  \(pad(device.name, 24)) \(bus.transport)\(device.lastError.map { "  (\($0))" } ?? "")")
            }
        }
        for subscription in snapshot.subscriptions {
            out.append("  \(subscription.state == .ok ? "\u{1B}[32mok\u{1B}[0m     " : "\u{1B}[33mwaiting\u{1B}[0m")  mqtt \(subscription.topic)")
        }
        out.append("")
        out.append("LATEST VALUES (\(snapshot.sensors.count) sensors)")
        for id in featured {
            guard let sensor = snapshot.sensors.first(where: { $0.id == id }) else { continue }
            let value = sensor.value.map { DemoEventLog.format($0) } ?? "-"
            let score = sensor.anomalyScore.map { "score \(DemoEventLog.format($0))" } ?? "warming up"
            out.append("  \(pad(id, 36)) \(pad(value + " " + (sensor.unit ?? ""), 14)) \(score)")
        }
        out.append("")
        out.append("ANOMALIES (\(snapshot.openAnomalies.count) open, \(events.count) recent)")
        for event in events.prefix(8) {
            let state = event.end == nil ? "\u{1B}[31mopen\u{1B}[0m  " : "closed"
            out.append("  \(state) \(pad(event.sensor, 36)) \(event.message)")
        }
        out.append("")
        out.append("UPSTREAM")
        if snapshot.sinks.isEmpty { out.append("  none (no mosquitto: the outbox stays offline)") }
        for sink in snapshot.sinks {
            let state = sink.connected ? "\u{1B}[32mconnected\u{1B}[0m" : "\u{1B}[33moffline\u{1B}[0m  "
            out.append("  \(state)  \(sink.name) \(sink.target)  backlog \(sink.backlog)")
        }
        out.append("")
        out.append("EVENTS")
        out += notes.suffix(6).map { "  " + $0 }
        out.append("")
        out.append("Ctrl-C stops the demo; the data stays for `vigie export`.")
        return out.joined(separator: "\u{1B}[K\n") + "\u{1B}[K\n"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
