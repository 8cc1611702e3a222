import ArgumentParser
import Dispatch
import Glibc
import Logging
import VigieCore
import VigieMQTT

/// `vigie mqtt ...`: a technician's MQTT tools.
struct MQTTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt",
        abstract: "Check MQTT subscriptions against the live broker.",
        subcommands: [MQTTListenCommand.self]
    )
}

/// `vigie mqtt listen --config FILE [--subscription N]`: prints what each message decodes to.
struct MQTTListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Print the readings each MQTT message decodes to, or why it was rejected.",
        discussion: """
        Connects to the broker of the configuration's mqtt section, subscribes to its \
        subscriptions (or only the one given, counted from 0 as in mqtt.subscriptions[N]) and \
        prints one line per reading, or one line per rejected message with the reason. Nothing \
        is stored. It connects as <client_id>-listen-<pid> with a clean session, so the daemon's \
        persistent session (and the messages the broker keeps for it) is left alone. Ctrl-C stops.

        Examples:
          vigie mqtt listen --config /etc/vigie/vigie.yaml
          vigie mqtt listen --config /etc/vigie/vigie.yaml --subscription 2

        Output:
          zigbee2mqtt/salon  salon/temperature = 21.5  (2024-03-01T11:00:00.250Z)
          zigbee2mqtt/cave  cave/humidity = 71.0  (2026-12-06T03:10:00.120Z)  [retained, undated: not stored, its age is unknown]
          capteurs/s2/temperature  rejected by capteurs/+/temperature: non_numeric: payload is not a number...
        """
    )

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String

    @Option(name: .long, help: "Only this subscription (its position in mqtt.subscriptions, from 0).")
    var subscription: Int?

    func run() async throws {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(path: config)
        } catch {
            var standardError = ErrorOutput()
            for diagnostic in error.diagnostics { print(diagnostic, to: &standardError) }
            throw ExitCode(1)
        }
        guard var mqtt = loaded.configuration.mqtt, !mqtt.subscriptions.isEmpty else {
            throw ValidationError("\(config) has no mqtt section with subscriptions")
        }
        if let subscription {
            guard mqtt.subscriptions.indices.contains(subscription) else {
                throw ValidationError("--subscription \(subscription): the configuration has subscriptions 0...\(mqtt.subscriptions.count - 1)")
            }
            mqtt.subscriptions = [mqtt.subscriptions[subscription]]
        }
        let decoders: [SubscriptionDecoder]
        var clientConfiguration: MQTTClient.Configuration
        do {
            decoders = try mqtt.subscriptions.map { subscription throws(PayloadRejection) in
                try SubscriptionDecoder(subscription, maxPayloadSize: Int(clamping: mqtt.maxPayloadSize.bytes))
            }
            clientConfiguration = try MQTTSource.clientConfiguration(mqtt)
        } catch {
            throw ValidationError("\(error)")
        }
        clientConfiguration.clientID = "\(mqtt.clientID)-listen-\(getpid())"
        clientConfiguration.cleanSession = true
        try await listen(clientConfiguration, decoders: decoders, broker: mqtt.broker)
    }

    private func listen(_ configuration: MQTTClient.Configuration, decoders: [SubscriptionDecoder], broker: Endpoint) async throws {
        let client = try MQTTClient(configuration: configuration, logger: Logger(label: "vigie.mqtt.listen"))
        for decoder in decoders { try client.subscribe(decoder.subscription.topic, qos: decoder.subscription.qos) }
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signals = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0) }
        for source in signals {
            source.setEventHandler { client.requestShutdown() }
            source.resume()
        }
        defer { signals.forEach { $0.cancel() } }
        try client.start()
        await withDiscardingTaskGroup { group in
            group.addTask {
                var standardError = ErrorOutput()
                for await state in client.connectionStates {
                    print("\(broker): \(state)", to: &standardError)
                }
            }
            for await message in client.messages {
                print(Self.describe(message, decoders: decoders))
                // Each message's lines as it comes, also into a pipe (`| grep`) or a file.
                fflush(nil)
            }
            await client.shutdown()
        }
    }

    static func describe(_ message: MQTTMessage, decoders: [SubscriptionDecoder]) -> String {
        guard let decoder = decoders.first(where: { $0.matches(topic: message.topic) }) else {
            return "\(message.topic)  no subscription matches"
        }
        switch decoder.decode(topic: message.topic, payload: message.payload, receivedAt: WallClock.nowMilliseconds()) {
        case .success(let decoded) where decoded.readings.isEmpty:
            return "\(message.topic)  no readings (\(decoded.ignoredFields) text or null fields ignored)"
        case .success(let decoded):
            let retained = message.retain ? Self.retainedNote(message, decoder: decoder) : ""
            return decoded.readings.map { item in
                let unit = item.unit.map { " \($0)" } ?? ""
                let note = item.reading.quality == .uncertain ? Self.describe(decoded.misdated) : ""
                return "\(message.topic)  \(item.reading.sensor) = \(item.reading.value)\(unit)  "
                    + "(\(RFC3339.format(milliseconds: item.reading.time))\(note))\(retained)"
            }.joined(separator: "\n")
        case .failure(let rejection):
            return "\(message.topic)  rejected by \(decoder.subscription.topic): \(rejection)"
        }
    }

    /// What the daemon does with a retained delivery (the broker's copy of the topic's last
    /// message, sent because the listener subscribed), under its subscription's `retained`.
    static func retainedNote(_ message: MQTTMessage, decoder: SubscriptionDecoder) -> String {
        switch decoder.subscription.retained {
        case .keep: return "  [retained: stored]"
        case .skip: return "  [retained: not stored (retained: skip)]"
        case .new:
            var readings: [Reading] = []
            let dated = decoder.decode(topic: message.topic, payload: message.payload, receivedAt: WallClock.nowMilliseconds(),
                                       requirement: .dated, appendingTo: &readings)
            guard case .success(let appended) = dated, appended.isWithheld else {
                return "  [retained: stored unless already received]"
            }
            return "  [retained, undated: not stored, its age is unknown]"
        }
    }

    /// Why a reading is dated by its arrival: each fault its message's payload times had.
    static func describe(_ misdated: [MisdatedPayload]) -> String {
        misdated.map {
            let time = RFC3339.format(milliseconds: $0.payloadTime)
            switch $0.fault {
            case .ahead: return "; arrival, uncertain: the payload's \(time) is ahead of this clock"
            case .unset: return "; arrival, uncertain: the payload's \(time) is before 2025, the device's clock is not set"
            }
        }.joined()
    }
}

/// Standard error as a `TextOutputStream`, for diagnostics and connection states.
private struct ErrorOutput: TextOutputStream {
    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)
        _ = Glibc.write(2, &bytes, bytes.count)
    }
}
