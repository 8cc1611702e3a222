import VigieCore
import VigieMQTT
import VigieStore
import VigieUpstream

extension CommandChannel {
    /// Readings published per replayed message, at most (readings of the same time stay together).
    static let readingsPerMessage = 100
    /// A readings replay reads and publishes this much time at once; its resume point moves per slice.
    static let sliceMilliseconds: Int64 = 60_000

    /// Starts a replay unless one runs already (`busy`) or the store has nothing of that device
    /// (`unknown_point`); the job it returns publishes and answers when done.
    func startReplay(_ request: ReplayRequest, record: CommandRecord, link: SinkLink) async -> SinkControl.Job? {
        var record = record
        guard replaying.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            await conclude(&record, reply: .refused(CommandRefusal(.busy, "a replay is running on this sink; send it again later"),
                                                    id: record.id, time: now()), link: link)
            return nil
        }
        let glob = Self.glob(request)
        let known = (try? await reader.sensors())?.contains { Self.matches($0.sensor, request) } ?? false
        guard known else {
            replaying.store(false, ordering: .releasing)
            let what = request.point.map { "point \($0) of device \(request.device)" } ?? "device \(request.device)"
            await conclude(&record, reply: .refused(CommandRefusal(.unknownPoint, "no readings of \(what) are stored"),
                                                    id: record.id, time: now()), link: link)
            return nil
        }
        logger.info("A replay starts.", metadata: ["command.id": "\(record.id ?? "")", "replay.sensors": "\(glob)",
                                                   "replay.what": "\(request.what.rawValue)"])
        return { [self, record] link in await runReplay(request, record: record, resumeAt: nil, link: link) }
    }

    /// Publishes the range slice by slice, then answers. Cancelled (the sink stops), it leaves the
    /// command `running` with its resume point, and the next start carries on from there.
    func runReplay(_ request: ReplayRequest, record: CommandRecord, resumeAt: Int64?, link: SinkLink) async {
        defer { replaying.store(false, ordering: .releasing) }
        var record = record
        let glob = Self.glob(request)
        var summary = ReplaySummary(what: request.what)
        if let oldest = try? await reader.oldestTime(matching: glob), oldest > request.from { summary.dataFrom = oldest }
        var pacer = ReplayPacer(rate: link.drainRate, clock: clock)
        let encoder = ReplayPackEncoder(gateway: gateway, replayID: record.id ?? "")
        let windowLength = aggregate.windows.first?.milliseconds ?? 900_000
        var cursor = resumeAt ?? (request.what == .aggregates
            ? WindowRange.aligned(containing: request.from, windowMilliseconds: windowLength)?.start ?? request.from
            : request.from)
        do {
            while cursor < request.to {
                let end = request.what == .aggregates ? cursor + windowLength : min(cursor + Self.sliceMilliseconds, request.to)
                let readings = try await reader.readings(matching: glob, from: cursor, to: end).filter { Self.matches($0.sensor, request) }
                let messages: [(topic: String, payload: String)]
                switch request.what {
                case .readings:
                    messages = readingMessages(readings, device: request.device, encoder: encoder)
                    summary.count += readings.count
                case .aggregates:
                    messages = aggregateMessages(readings, window: WindowRange(start: cursor, end: end), encoder: encoder)
                    summary.count += messages.isEmpty ? 0 : 1
                }
                for message in messages {
                    try await pacer.waitForTurn(link: link)
                    try await link.publish(topic: message.topic, payload: Array(message.payload.utf8))
                    summary.messages += 1
                    metrics.replayed.increment()
                }
                cursor = end
                try await journal.setProgress(row: record.row, to: cursor)
            }
        } catch {
            guard !Task.isCancelled else { return }
            await conclude(&record, reply: CommandReply(id: record.id, status: .failed, detail: "replay stopped: \(error)",
                                                        device: request.device, point: request.point, replay: summary,
                                                        time: now()), link: link)
            return
        }
        await conclude(&record, reply: CommandReply(id: record.id, status: .done, device: request.device, point: request.point,
                                                    replay: summary, time: now()), link: link)
    }

    /// At start-up: writes a stop interrupted are answered `failed` (whether the device took the
    /// value is unknown); replays carry on from their resume point.
    func resumeUnfinished() async -> [SinkControl.Job] {
        guard let unfinished = try? await journal.unfinished() else { return [] }
        var jobs: [SinkControl.Job] = []
        for record in unfinished {
            guard record.action == "replay", case .success(let command) = HubCommand.parse(record.request),
                  case .replay(let request) = command.action,
                  replaying.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
                jobs.append { [self] link in
                    var record = record
                    await conclude(&record, reply: CommandReply(
                        id: record.id, status: .failed, detail: "interrupted by a restart before its outcome was known",
                        device: record.device, point: record.point, time: now()), link: link)
                }
                continue
            }
            logger.info("A replay interrupted by a restart resumes.", metadata: ["command.id": "\(record.id ?? "")"])
            jobs.append { [self] link in await runReplay(request, record: record, resumeAt: record.progress, link: link) }
        }
        return jobs
    }

    /// Packs of at most `readingsPerMessage` readings (more only to keep one time's readings together).
    private func readingMessages(_ readings: [Reading], device: String, encoder: ReplayPackEncoder) -> [(topic: String, payload: String)] {
        var groups: [String?: [Reading]] = [:]
        var order: [String?] = []
        for reading in readings {
            let key: String? = template.usesPoint ? reading.sensor.point : nil
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(reading)
        }
        var messages: [(topic: String, payload: String)] = []
        for key in order {
            let topic = template.render(gateway: gateway, device: device, point: key, kind: OutboxKind.readings.rawValue)
            var pack: [Reading] = []
            for reading in groups[key] ?? [] {
                if pack.count >= Self.readingsPerMessage, let last = pack.last, last.time != reading.time {
                    messages.append((topic, encoder.encode(device: device, readings: pack, unit: unit)))
                    pack.removeAll(keepingCapacity: true)
                }
                pack.append(reading)
            }
            if !pack.isEmpty { messages.append((topic, encoder.encode(device: device, readings: pack, unit: unit))) }
        }
        return messages
    }

    /// The window's aggregates recomputed from `readings`, in the sink's format, marked with the replay id.
    private func aggregateMessages(_ readings: [Reading], window: WindowRange, encoder: ReplayPackEncoder) -> [(topic: String, payload: String)] {
        AggregatePack.packs(window: window, readings: readings, statistics: aggregate.stats, unit: unit).flatMap { pack in
            UpstreamMessage.aggregate(pack).publications(template: template, format: format, statistics: aggregate.stats,
                                                         gateway: gateway, sequence: 0)
                .map { ($0.topic, encoder.marking($0.payload)) }
        }
    }

    /// The store's glob for the replayed sensors.
    static func glob(_ request: ReplayRequest) -> String {
        let device = request.device.lowercased()
        return request.point.map { "\(device)/\($0.lowercased())" } ?? "\(device)/*"
    }

    static func matches(_ sensor: SensorID, _ request: ReplayRequest) -> Bool {
        sensor.device == request.device.lowercased() && (request.point.map { $0.lowercased() == sensor.point } ?? true)
    }
}

/// Spaces a replay's messages at the sink's `drain_rate` and holds them while anything waits in
/// the sink's outbox: live messages always go first, the replay takes what is left.
struct ReplayPacer {
    let interval: Duration
    /// Times the spacing and the backlog checks.
    let clock: GatewayClock
    private var next: GatewayClock.Instant
    private var lastBacklogCheck: GatewayClock.Instant

    init(rate: Int, clock: GatewayClock = .system) {
        interval = rate > 0 ? .nanoseconds(1_000_000_000 / Int64(rate)) : .zero
        self.clock = clock
        next = clock.now
        lastBacklogCheck = clock.now.advanced(by: .seconds(-1))
    }

    /// Returns when the next message may go; throws when cancelled.
    mutating func waitForTurn(link: SinkLink) async throws {
        // The backlog is a query: look at most every 100 ms, and wait while it is not empty.
        if lastBacklogCheck.duration(to: clock.now) >= .milliseconds(100) {
            while try await link.backlog() > 0 {
                try await clock.sleep(for: .milliseconds(100))
            }
            lastBacklogCheck = clock.now
        }
        if next > clock.now { try await clock.sleep(until: next) }
        next = max(next, clock.now) + interval
        try Task.checkCancellation()
    }
}
