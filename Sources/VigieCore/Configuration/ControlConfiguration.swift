/// Commands from the hub (`control:`): setpoints and replays over an upstream MQTT sink's
/// connection. Off unless `enabled`; see docs/control.md for the contract and the threat model.
public struct ControlConfiguration: Sendable, Equatable {
    public var enabled: Bool
    /// Topic template (`{gateway}` only) the gateway subscribes to, QoS 1.
    public var commands: String
    /// Topic template (`{gateway}` only) the replies are published on, QoS 1.
    public var replies: String
    /// A command whose `time` is older than this is refused as `stale`.
    public var maxAge: Duration
    /// The upstream MQTT sink whose connection carries the commands; nil: the first MQTT sink.
    public var sink: SinkName?

    public init(enabled: Bool = false, commands: String = "vigie/{gateway}/_cmd",
                replies: String = "vigie/{gateway}/_cmd/reply", maxAge: Duration = .seconds(300), sink: SinkName? = nil) {
        self.enabled = enabled
        self.commands = commands
        self.replies = replies
        self.maxAge = maxAge
        self.sink = sink
    }

    /// The sink that carries the commands among `upstream`: the one named `sink`, else the first MQTT sink.
    public func carrier(in upstream: [UpstreamConfiguration]) -> (name: SinkName, sink: MQTTSinkConfiguration)? {
        for item in upstream {
            guard case .mqtt(let mqtt) = item, sink == nil || sink == item.name else { continue }
            return (item.name, mqtt)
        }
        return nil
    }
}
