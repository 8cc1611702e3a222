import Logging
import Synchronization
import VigieCore
import VigieModbus
import VigieMQTT
import VigieStore
import VigieUpstream

/// Carries out the hub's commands that arrive on the control sink's connection (docs/control.md).
///
/// Each message, in arrival order: read it (malformed: `refused`, `bad_request`); claim its id
/// in the journal (an id seen before gets its first reply again, nothing more); refuse it when
/// stale; then write a setpoint (`CommandChannel+Write`) or start a replay
/// (`CommandChannel+Replay`, one at a time). Every outcome is recorded in the journal with the
/// connection it came from, counted, logged, and answered on `control.replies`, QoS 1.
final class CommandChannel: Sendable {
    /// The Modbus device named in a command, with the source polling it.
    struct ModbusTarget: Sendable {
        var source: ModbusSource
        var device: ModbusDevice
        var link: ModbusBusLink
    }

    let gateway: String
    let control: ControlConfiguration
    let commandTopic: String
    let replyTopic: String
    /// The carrier sink's topic template and format, for replayed messages.
    let template: TopicTemplate
    let format: UpstreamFormat
    let aggregate: AggregateConfiguration
    let journal: CommandJournal
    let reader: StoreReader
    let modbus: @Sendable (String) -> ModbusTarget?
    let unit: @Sendable (SensorID) -> String?
    /// Dates commands and replies, judges staleness, paces replays.
    let clock: GatewayClock
    let metrics: CommandMetrics
    let logger: Logger
    /// True while a replay runs on the carrier sink: a second one is refused as `busy`.
    let replaying = Atomic(false)

    init(gateway: String, control: ControlConfiguration, carrier: MQTTSinkConfiguration, aggregate: AggregateConfiguration,
         journal: CommandJournal, reader: StoreReader, modbus: @escaping @Sendable (String) -> ModbusTarget?,
         unit: @escaping @Sendable (SensorID) -> String?, clock: GatewayClock = .system,
         metrics: CommandMetrics, logger: Logger) throws {
        self.gateway = gateway
        self.control = control
        commandTopic = try TopicTemplate(parsing: control.commands).render(gateway: gateway, kind: "")
        replyTopic = try TopicTemplate(parsing: control.replies).render(gateway: gateway, kind: "")
        template = try TopicTemplate(parsing: carrier.topic)
        format = carrier.format
        self.aggregate = aggregate
        self.journal = journal
        self.reader = reader
        self.modbus = modbus
        self.unit = unit
        self.clock = clock
        self.metrics = metrics
        self.logger = logger.tagged("control.topic", commandTopic)
    }

    /// What the carrier sink is given.
    var sinkControl: SinkControl {
        SinkControl(commands: commandTopic, handle: { [self] message, link in await handle(message, link: link) },
                    resume: { [self] in await resumeUnfinished() })
    }

    /// One command message.
    func handle(_ message: MQTTMessage, link: SinkLink) async -> SinkControl.Job? {
        let received = now()
        var record = CommandRecord(id: nil, receivedMillis: received, origin: "mqtt:\(link.sink) \(message.topic)",
                                   action: "unknown", request: message.payload)
        let command: HubCommand
        switch HubCommand.parse(message.payload) {
        case .failure(let malformed):
            record.id = malformed.id
            guard await claim(&record, link: link) else { return nil }
            await conclude(&record, reply: .refused(malformed.refusal, id: malformed.id, time: now()), link: link)
            return nil
        case .success(let parsed):
            command = parsed
        }
        record.id = command.id
        record.action = command.action.name
        switch command.action {
        case .write(let device, let point, let value):
            record.device = device
            record.point = point
            record.value = value.description
        case .replay(let request):
            record.device = request.device
            record.point = request.point
        }
        guard await claim(&record, link: link) else { return nil }
        if let refusal = command.staleness(now: received, maxAge: control.maxAge) {
            await conclude(&record, reply: .refused(refusal, id: command.id, time: now()), link: link)
            return nil
        }
        switch command.action {
        case .write(let device, let point, let value):
            let reply = await write(value, device: device, point: point, id: command.id)
            await conclude(&record, reply: reply, link: link)
            return nil
        case .replay(let request):
            return await startReplay(request, record: record, link: link)
        }
    }

    /// Records the command as running; false (after answering again with the first reply) when
    /// its id was seen before. A journal that cannot be written (a full disk) fails the command:
    /// without it a repeated id could act twice and the audit trail would miss it.
    func claim(_ record: inout CommandRecord, link: SinkLink) async -> Bool {
        do {
            switch try await journal.claim(record) {
            case .new(let row):
                record.row = row
                return true
            case .seen(let first):
                metrics.repeated.increment()
                logger.info("A command id seen before was not carried out again.",
                            metadata: ["command.id": "\(first.id ?? "")", "command.origin": "\(record.origin)",
                                       "command.status": "\(first.status.rawValue)"])
                if let reply = first.reply { await publish(reply, link: link) }
                return false
            }
        } catch {
            logger.error("The command journal could not be written.", metadata: ["error": "\(error)"])
            await conclude(&record, reply: CommandReply(id: record.id, status: .failed,
                                                        detail: "not carried out: the command journal cannot be written",
                                                        time: now()), link: link)
            return false
        }
    }

    /// Records, counts, logs and publishes a command's outcome.
    func conclude(_ record: inout CommandRecord, reply: CommandReply, link: SinkLink?) async {
        let text = reply.json(gateway: gateway)
        record.status = CommandRecord.Status(rawValue: reply.status.rawValue) ?? .failed
        record.reason = reply.reason?.rawValue
        record.detail = reply.detail
        record.oldValue = reply.oldValue
        record.newValue = reply.readBack
        record.reply = text
        record.finishedMillis = reply.time
        do {
            if record.row == 0 { record.row = try await journal.record(record) } else { try await journal.finish(record) }
        } catch {
            logger.error("The command journal could not be written.", metadata: ["error": "\(error)"])
        }
        metrics.count(reply.status)
        logger.log(level: reply.status == .done ? .info : .warning, "A hub command was answered.", metadata: [
            "command.id": "\(record.id ?? "")", "command.origin": "\(record.origin)", "command.action": "\(record.action)",
            "command.status": "\(reply.status.rawValue)", "command.reason": "\(reply.reason?.rawValue ?? "")",
            "command.detail": "\(reply.detail ?? "")",
        ])
        if let link { await publish(text, link: link) }
    }

    func publish(_ reply: String, link: SinkLink) async {
        do {
            try await link.publish(topic: replyTopic, payload: Array(reply.utf8))
        } catch {
            logger.warning("A command reply could not be published.", metadata: ["error": "\(error)"])
        }
    }
}

extension CommandChannel {
    /// Wall time on the channel's clock, milliseconds since the epoch.
    func now() -> Int64 { clock.wallMilliseconds() }
}
