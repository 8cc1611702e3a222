import Logging
import Metrics
import ServiceLifecycle
import VigieCore

/// The MQTT source: subscribes to the local broker, decodes each message with its
/// subscription's format, and submits the readings to the store (which may slow it down).
///
/// A message goes to the first subscription, in configuration order, whose filter matches its
/// topic. A rejected payload is dropped, counted per subscription (`statistics`,
/// `vigie_mqtt_decode_failures_total{subscription}`) and logged with topic and reason at most
/// once per minute per subscription. A reading whose payload time cannot be believed
/// (`PayloadClock`: too far ahead of the gateway's clock, or before 2025, a device clock never
/// set) is kept, dated by its arrival, counted (`vigie_mqtt_readings_stamped_ahead_total`,
/// `vigie_mqtt_readings_clock_unset_total`, by subscription) and logged the same way. A
/// retained delivery (the broker's copy of a topic's last message, sent again on every
/// connection) is taken as its subscription's `retained` policy says, and a dated copy of the
/// topic's last payload not at all (`DeliveryFilter`); both are counted
/// (`vigie_mqtt_retained_skipped_total`, `vigie_mqtt_duplicates_total`, by subscription). On
/// graceful shutdown the client disconnects first and the messages it already acknowledged
/// are drained into the sink, so none is lost.
public final class MQTTSource: Service, Sendable {
    public let configuration: MQTTSourceConfiguration
    let decoders: [SubscriptionDecoder]
    let sink: any ReadingSink
    let logger: Logger
    let now: @Sendable () -> Int64
    /// The time of each sensor's newest stored reading, read when the source starts (`DeliveryFilter`).
    let storedNewest: @Sendable () async -> [SensorID: Int64]
    /// Told the readings of each retained delivery that is not stored, and whether its payload
    /// dated them: the devices' last known values, for the status page.
    let retainedNotStored: (@Sendable (_ readings: [Reading], _ dated: Bool) -> Void)?
    let clientConfiguration: MQTTClient.Configuration
    private let stats: Locked<[SubscriptionStatistics]>
    private let state = Locked(MQTTConnectionState.stopped)
    private let client = Locked<MQTTClient?>(nil)
    private let failureCounters: [Counter]
    private let readingCounters: [Counter]
    /// Per subscription: readings dated by arrival because their payload time was ahead, or unset.
    private let misdatedCounters: [(ahead: Counter, unset: Counter)]
    /// Per subscription: retained deliveries not taken, and dated copies dropped.
    private let notTakenCounters: [(retained: Counter, duplicates: Counter)]
    /// `vigie_mqtt_broker_connected{broker}`: 1 for the node connected to, 0 for the others.
    private let brokerGauges: [(broker: Endpoint, gauge: Gauge)]

    /// Checks every subscription (filter, template, paths) and reads the password file.
    /// `storedNewest`: the time of each sensor's newest stored reading, asked for when the source
    /// starts, so that a retained message stored by an earlier run is not stored again.
    /// `retainedNotStored`: told the readings of each retained delivery that is not stored.
    public init(configuration: MQTTSourceConfiguration, sink: some ReadingSink, logger: Logger,
                now: @escaping @Sendable () -> Int64 = WallClock.nowMilliseconds,
                storedNewest: @escaping @Sendable () async -> [SensorID: Int64] = { [:] },
                retainedNotStored: (@Sendable (_ readings: [Reading], _ dated: Bool) -> Void)? = nil) throws(MQTTError) {
        var decoders: [SubscriptionDecoder] = []
        let maxPayload = Int(clamping: configuration.maxPayloadSize.bytes)
        for (index, subscription) in configuration.subscriptions.enumerated() {
            do throws(PayloadRejection) {
                decoders.append(try SubscriptionDecoder(subscription, maxPayloadSize: maxPayload))
            } catch {
                throw MQTTError(.invalidConfiguration, "mqtt.subscriptions[\(index)]: \(error.message)")
            }
        }
        self.configuration = configuration
        self.decoders = decoders
        self.sink = sink
        self.logger = logger
        self.now = now
        self.storedNewest = storedNewest
        self.retainedNotStored = retainedNotStored
        self.clientConfiguration = try Self.clientConfiguration(configuration)
        stats = Locked(configuration.subscriptions.map { SubscriptionStatistics(topic: $0.topic) })
        failureCounters = configuration.subscriptions.map {
            Counter(label: "vigie_mqtt_decode_failures_total", dimensions: [("subscription", $0.topic)])
        }
        readingCounters = configuration.subscriptions.map {
            Counter(label: "vigie_mqtt_readings_total", dimensions: [("subscription", $0.topic)])
        }
        misdatedCounters = configuration.subscriptions.map {
            (Counter(label: "vigie_mqtt_readings_stamped_ahead_total", dimensions: [("subscription", $0.topic)]),
             Counter(label: "vigie_mqtt_readings_clock_unset_total", dimensions: [("subscription", $0.topic)]))
        }
        notTakenCounters = configuration.subscriptions.map {
            (Counter(label: "vigie_mqtt_retained_skipped_total", dimensions: [("subscription", $0.topic)]),
             Counter(label: "vigie_mqtt_duplicates_total", dimensions: [("subscription", $0.topic)]))
        }
        brokerGauges = configuration.brokers.map {
            ($0, Gauge(label: "vigie_mqtt_broker_connected", dimensions: [("broker", "\($0)")]))
        }
    }

    /// The client settings a source configuration implies (password read from its file).
    public static func clientConfiguration(_ configuration: MQTTSourceConfiguration) throws(MQTTError) -> MQTTClient.Configuration {
        var settings = MQTTClient.Configuration(
            clientID: configuration.clientID,
            username: configuration.username, password: try configuration.passwordFile.map { path throws(MQTTError) in
                try CredentialFile.read(path).mapError { MQTTError(.secretUnreadable, $0.message) }.get()
            },
            tls: configuration.tls, keepalive: configuration.keepalive, cleanSession: false)
        settings.brokers = configuration.brokers
        return settings
    }

    /// The broker connection's state now (`stopped` before `run` and after it returns).
    public var connectionState: MQTTConnectionState { state.withLock { $0 } }

    /// The node connected to or being tried (the first one before `run`).
    public var currentBroker: Endpoint { client.withLock { $0?.currentBroker } ?? configuration.broker }

    /// Subscriptions a node refused (its ACL); the source stays on that node.
    public var refusedSubscriptions: [SubscriptionRefusal] { client.withLock { $0?.refusedSubscriptions } ?? [] }

    /// Per-subscription counts, in configuration order.
    public var statistics: [SubscriptionStatistics] { stats.withLock { $0 } }

    public func run() async throws {
        let stored = await storedNewest()
        let client = try MQTTClient(configuration: clientConfiguration, logger: logger)
        self.client.withLock { $0 = client }
        for decoder in decoders {
            try client.subscribe(decoder.subscription.topic, qos: decoder.subscription.qos)
        }
        try client.start()
        await withDiscardingTaskGroup { group in
            group.addTask { [self] in
                for await change in client.connectionStates {
                    self.state.withLock { $0 = change }
                    let broker = change == .connected ? client.currentBroker : nil
                    for node in brokerGauges { node.gauge.record(node.broker == broker ? 1 : 0) }
                    logger.info("MQTT source connection changed", metadata: ["mqtt.broker": "\(client.currentBroker)", "mqtt.state": "\(change)"])
                }
            }
            await withGracefulShutdownHandler {
                var handling = MessageHandling(subscriptions: decoders.count, storedNewest: stored)
                var messages = client.messages.makeAsyncIterator()
                var readings: [Reading] = []
                var decoded = [BatchTally](repeating: BatchTally(), count: decoders.count)
                while let batch = await messages.nextBatch(maxCount: Self.batchMessages) {
                    for message in batch { handle(message, handling: &handling, decoded: &decoded, into: &readings) }
                    count(&decoded)
                    if !readings.isEmpty {
                        await sink.submit(readings)
                        readings.removeAll(keepingCapacity: true)
                    }
                }
            } onGracefulShutdown: {
                client.requestShutdown()
            }
            await client.shutdown()
        }
    }

    /// Messages decoded together at most: their readings go to the sink in one `submit`.
    static let batchMessages = 256

    /// Adds the batch's decoded messages and readings to the statistics and counters (one lock
    /// per batch, not per message), and zeroes them.
    private func count(_ decoded: inout [BatchTally]) {
        stats.withLock { stats in
            for (index, tally) in decoded.enumerated() where tally.messages > 0 {
                stats[index].messages += tally.messages
                stats[index].readings += tally.readings
                stats[index].lastMessage = max(stats[index].lastMessage ?? .min, tally.lastArrival)
                stats[index].retainedSkipped += tally.retainedSkipped
                stats[index].duplicates += tally.duplicates
            }
        }
        for (index, tally) in decoded.enumerated() where tally.messages > 0 {
            readingCounters[index].increment(by: Int64(tally.readings))
            notTakenCounters[index].retained.increment(by: Int64(tally.retainedSkipped))
            notTakenCounters[index].duplicates.increment(by: Int64(tally.duplicates))
        }
        for index in decoded.indices { decoded[index] = BatchTally() }
    }

    /// Decodes one message, appending its readings to `readings` (submitted by the caller) and
    /// tallying it in `decoded` (counted by the caller); a rejection is counted at once.
    func handle(_ message: MQTTMessage, handling: inout MessageHandling,
                decoded tally: inout [BatchTally], into readings: inout [Reading]) {
        guard let index = decoders.firstIndex(where: { $0.matches(topic: message.topic) }) else { return }
        let receivedAt = now()
        tally[index].messages += 1
        tally[index].lastArrival = receivedAt
        guard case .decode(let requirement) = handling.deliveries.admit(message, policy: decoders[index].subscription.retained) else {
            tally[index].retainedSkipped += 1
            show(retained: message, decoder: decoders[index], receivedAt: receivedAt)
            return
        }
        let before = readings.count
        switch decoders[index].decode(topic: message.topic, payload: message.payload, receivedAt: receivedAt,
                                      requirement: requirement, appendingTo: &readings) {
        case .success(let appended):
            if appended.isWithheld {
                // Withheld for want of a date: a retained delivery; for having one: a copy.
                if requirement == .dated {
                    tally[index].retainedSkipped += 1
                    show(retained: message, decoder: decoders[index], receivedAt: receivedAt)
                } else {
                    tally[index].duplicates += 1
                }
            } else if requirement == .dated, handling.deliveries.dropStored(&readings, from: before), readings.count == before {
                tally[index].retainedSkipped += 1
            }
            tally[index].readings += readings.count - before
            for misdated in appended.misdated {
                report(misdated, topic: message.topic, subscription: index, limiters: &handling.limiters[index])
            }
        case .failure(let rejection):
            stats.withLock {
                $0[index].rejected += 1
                $0[index].rejectedByReason[rejection.code.rawValue, default: 0] += 1
                $0[index].lastRejection = "\(message.topic): \(rejection)"
            }
            failureCounters[index].increment()
            if let suppressed = handling.limiters[index].rejection.admit(at: .now) {
                logger.warning("MQTT payload rejected", metadata: [
                    "mqtt.subscription": "\(decoders[index].subscription.topic)", "mqtt.topic": "\(message.topic)",
                    "mqtt.reason": "\(rejection)", "mqtt.suppressed": "\(suppressed)",
                ])
            }
        }
    }

    /// Hands the readings of a retained delivery that is not stored to `retainedNotStored`, with
    /// whether its payload dated them (undated ones carry their arrival time); a payload that
    /// does not decode shows nothing (it was counted, or never meant to be decoded: `skip`).
    private func show(retained message: MQTTMessage, decoder: SubscriptionDecoder, receivedAt: Int64) {
        guard let retainedNotStored, message.retain else { return }
        var readings: [Reading] = []
        guard case .success(let dated) = decoder.decode(topic: message.topic, payload: message.payload, receivedAt: receivedAt,
                                                        requirement: .dated, appendingTo: &readings) else { return }
        guard dated.isWithheld else { return retainedNotStored(readings, true) }
        guard case .success = decoder.decode(topic: message.topic, payload: message.payload, receivedAt: receivedAt,
                                             appendingTo: &readings) else { return }
        retainedNotStored(readings, false)
    }

    /// Counts readings dated by their arrival because their payload time could not be believed,
    /// and warns at most once a minute per subscription and fault: the device's clock needs fixing.
    private func report(_ misdated: MisdatedPayload, topic: String, subscription index: Int,
                        limiters: inout MessageLogLimiters) {
        let message: Logger.Message
        let suppressed: Int?
        switch misdated.fault {
        case .ahead:
            stats.withLock { $0[index].stampedAhead += misdated.readings }
            misdatedCounters[index].ahead.increment(by: Int64(misdated.readings))
            message = "MQTT payload time ahead of the gateway's clock; reading dated by its arrival"
            suppressed = limiters.stampedAhead.admit(at: .now)
        case .unset:
            stats.withLock { $0[index].clockUnset += misdated.readings }
            misdatedCounters[index].unset.increment(by: Int64(misdated.readings))
            message = "MQTT payload time before 2025: the device's clock is not set; reading dated by its arrival"
            suppressed = limiters.clockUnset.admit(at: .now)
        }
        guard let suppressed else { return }
        logger.warning(message, metadata: [
            "mqtt.subscription": "\(decoders[index].subscription.topic)", "mqtt.topic": "\(topic)",
            "reading.sensor": "\(misdated.sensor)",
            "payload.time": "\(RFC3339.format(milliseconds: misdated.payloadTime))",
            "reading.time": "\(RFC3339.format(milliseconds: misdated.receivedAt))",
            "mqtt.suppressed": "\(suppressed)",
        ])
    }
}

/// One subscription's messages in the batch being handled (decoded, rejected or skipped),
/// counted once per batch.
struct BatchTally {
    var messages = 0
    var readings = 0
    /// Retained deliveries not taken, and dated copies dropped (`DeliveryFilter`).
    var retainedSkipped = 0
    var duplicates = 0
    /// The latest message's arrival, milliseconds since the epoch.
    var lastArrival: Int64 = .min
}

/// What the source's consumer task keeps across messages: each subscription's log limiters,
/// and the topics' last payloads for telling copies (one owner: that task).
struct MessageHandling {
    var limiters: [MessageLogLimiters]
    var deliveries: DeliveryFilter

    init(subscriptions: Int, storedNewest: [SensorID: Int64] = [:]) {
        limiters = Array(repeating: MessageLogLimiters(), count: subscriptions)
        deliveries = DeliveryFilter(storedNewest: storedNewest)
    }
}

/// One subscription's log limiters: rejected payloads, payload times too far ahead and payload
/// times from a clock never set are each logged at most once a minute.
struct MessageLogLimiters {
    var rejection = LogLineLimiter<ContinuousClock>(interval: .seconds(60))
    var stampedAhead = LogLineLimiter<ContinuousClock>(interval: .seconds(60))
    var clockUnset = LogLineLimiter<ContinuousClock>(interval: .seconds(60))
}
