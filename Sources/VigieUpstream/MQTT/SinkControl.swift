import VigieCore
import VigieMQTT

/// Commands from the hub on a sink's connection: the topic to subscribe to and what to do with
/// each message. Given to the one sink that carries the control channel (`control.sink`).
///
/// With it the sink's session is persistent (clean session off) and subscribes, QoS 1: the hub's
/// broker keeps commands sent while the gateway is away and delivers them on reconnection, which
/// is why every command is checked for staleness before it acts.
public struct SinkControl: Sendable {
    /// A long job a command started (a replay): run by the sink beside its delivery, cancelled with it.
    public typealias Job = @Sendable (SinkLink) async -> Void

    /// The rendered command topic (no wildcards).
    public var commands: String
    /// Handles one command message, in arrival order; returns a job to run beside the sink, if any.
    public var handle: @Sendable (MQTTMessage, SinkLink) async -> Job?
    /// Jobs to resume when the sink starts (replays a stop or crash interrupted).
    public var resume: @Sendable () async -> [Job]

    public init(commands: String, handle: @escaping @Sendable (MQTTMessage, SinkLink) async -> Job?,
                resume: @escaping @Sendable () async -> [Job]) {
        self.commands = commands
        self.handle = handle
        self.resume = resume
    }
}

/// What a command handler may do with the sink that carried the command: publish on its
/// connection, and see whether the outbox has anything waiting (a replay gives way to it).
public struct SinkLink: Sendable {
    /// The sink's name (`UpstreamConfiguration.name`).
    public let sink: SinkName
    /// The sink's `drain_rate`, messages per second (0: no limit).
    public let drainRate: Int
    let client: MQTTClient
    let outbox: any SinkOutbox

    /// Publishes QoS 1 and returns on the broker's PUBACK; while disconnected the message waits
    /// in libmosquitto and goes out on reconnection.
    public func publish(topic: String, payload: [UInt8]) async throws {
        try await client.publish(topic: topic, payload: payload, qos: 1)
    }

    /// Messages waiting in the sink's outbox.
    public func backlog() async throws -> Int {
        try await outbox.backlog().count
    }
}
