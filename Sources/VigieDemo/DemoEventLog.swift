import VigieDaemon
/// The demo's plain output when stdout is not a terminal: one line per notable change between
/// two snapshots (a device failing or recovering, an anomaly opened or closed, the hub
/// connected or not), and the backlog every few seconds. No escape codes.
public struct DemoEventLog: Sendable {
    /// Seconds between two backlog lines.
    public var backlogEvery: Double
    private var deviceStates: [String: ComponentState] = [:]
    private var sinkConnected: [String: Bool] = [:]
    private var openAnomalies: Set<String> = []
    private var closedAnomalies: Set<String> = []
    private var lastBacklogLine = -Double.infinity
    /// Anomaly events seen, open or closed.
    public private(set) var anomaliesSeen = 0

    public init(backlogEvery: Double = 5) {
        self.backlogEvery = backlogEvery
    }

    /// The lines for what changed since the previous call; `events` are the detector's recent
    /// events (open and closed), `elapsed` the real seconds since the demo started.
    public mutating func lines(snapshot: GatewaySnapshot, events: [AnomalyStatus], elapsed: Double) -> [String] {
        var lines: [String] = []
        for bus in snapshot.buses {
            for device in bus.devices {
                let previous = deviceStates.updateValue(device.state, forKey: device.name)
                if device.state == .failing, previous != .failing {
                    lines.append("device \(device.name) failing: \(device.lastError ?? "no answer")")
                } else if device.state != .failing, previous == .failing {
                    lines.append("device \(device.name) recovered")
                }
            }
        }
        for event in events.reversed() {
            let key = "\(event.sensor)@\(event.start)"
            if !openAnomalies.contains(key), !closedAnomalies.contains(key) {
                anomaliesSeen += 1
                openAnomalies.insert(key)
                lines.append("anomaly opened on \(event.sensor): \(event.message) (score \(Self.format(event.score)))")
            }
            if event.end != nil, openAnomalies.remove(key) != nil {
                closedAnomalies.insert(key)
                lines.append("anomaly closed on \(event.sensor)")
            }
        }
        for sink in snapshot.sinks {
            let previous = sinkConnected.updateValue(sink.connected, forKey: sink.name)
            if previous != sink.connected {
                lines.append(sink.connected
                    ? "upstream \(sink.name) connected (\(sink.target)), backlog \(sink.backlog)"
                    : "upstream \(sink.name) not connected (\(sink.target)), backlog \(sink.backlog)")
            }
        }
        if !snapshot.sinks.isEmpty, elapsed - lastBacklogLine >= backlogEvery {
            lastBacklogLine = elapsed
            let parts = snapshot.sinks.map { "\($0.name) \($0.backlog) waiting\($0.connected ? "" : " (offline)")" }
            lines.append("backlog: " + parts.joined(separator: ", ") + ", \(snapshot.sensors.count) sensors")
        }
        return lines
    }

    /// `0.73`: two decimals without Foundation.
    package static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
