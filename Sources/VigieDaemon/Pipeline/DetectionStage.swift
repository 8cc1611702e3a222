import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import VigieCore
import VigieStore

/// Scores every committed reading and turns alarms into anomaly events for the outbox.
///
/// The writer hands each committed batch to `didCommit` (on its own thread: an append under a
/// lock); `run` scores them in order, one `SeasonalBaselineDetector` per sensor and one
/// `DeviceIncidentTracker` per device (a device's sensors that move together are one event, the
/// others named as its context). A sensor seen for the first time is warmed up from its
/// stored history (last `warmupWindow`), with events suppressed, so a restart does not re-learn
/// from nothing nor raise alarms on its first readings.
public final class DetectionStage: CommitObserver, Service {
    private let configuration: AnomalyConfiguration
    private let catalog: SensorCatalog
    private let outbox: Outbox
    private let history: StoreReader
    private let sinks: @Sendable () -> [SinkName]
    private let latest: LatestReadings
    private let outboxChanged: @Sendable () -> Void
    private let logger: Logger
    private let pending = Mutex<[Reading]>([])
    private let wake: AsyncStream<Void>.Continuation
    private let wakeups: AsyncStream<Void>
    private let recent = Mutex<[AnomalyEventMessage]>([])
    /// The newest step of each device's open incident (none after its `close`), for the status
    /// page: kept apart from `recent`, which an incident open for weeks leaves behind.
    private let open = Mutex<[String: AnomalyEventMessage]>([:])
    private let eventsCounter = Counter(label: "vigie_anomaly_events_total")
    private let scoredCounter = Counter(label: "vigie_anomaly_readings_scored_total")
    private let lateCounter = Counter(label: "vigie_anomaly_readings_late_total")
    private let repeatedCounter = Counter(label: "vigie_anomaly_readings_repeated_total")
    private let stampedAheadCounter = Counter(label: "vigie_anomaly_readings_stamped_ahead_total")
    private let silentCounter = Counter(label: "vigie_anomaly_sensors_silent_total")

    /// How far back a new sensor's history is read to warm its detector up.
    static let warmupWindow: Int64 = 7 * 86_400_000
    /// Events kept for /api/events.
    static let recentLimit = 200

    public init(configuration: AnomalyConfiguration, catalog: SensorCatalog, outbox: Outbox, dataDirectory: String,
                sinks: @escaping @Sendable () -> [SinkName], latest: LatestReadings, outboxChanged: @escaping @Sendable () -> Void,
                logger: Logger) {
        self.configuration = configuration
        self.catalog = catalog
        self.outbox = outbox
        self.history = StoreReader(dataDirectory: dataDirectory)
        self.sinks = sinks
        self.latest = latest
        self.outboxChanged = outboxChanged
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    public func didCommit(_ readings: [Reading]) {
        guard configuration.enabled else { return }
        pending.withLock { $0.append(contentsOf: readings) }
        wake.yield()
    }

    /// Recent events, newest first.
    public func events(limit: Int) -> [AnomalyEventMessage] {
        recent.withLock { Array($0.suffix(max(0, limit)).reversed()) }
    }

    /// Events still open, newest first.
    public func openEvents() -> [AnomalyEventMessage] {
        open.withLock { $0.values.sorted { $0.time > $1.time } }
    }

    public func run() async throws {
        var state = DetectionState()
        // Even with detection off: the incidents the previous run left open are closed.
        await resumeRecordedEvents(in: &state)
        guard configuration.enabled else { return }
        if configuration.watchesSilence { await watchStoredSensors(in: &state) }
        try await withThrowingDiscardingTaskGroup { group in
            if configuration.watchesSilence {
                // Silence is noticed without a reading to wake the stage: a tick does.
                group.addTask { [wake] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: Self.silenceCheckInterval)
                        wake.yield()
                    }
                }
            }
            for await _ in wakeups.cancelOnGracefulShutdown() {
                try await drain(into: &state)
            }
            try await drain(into: &state)
            group.cancelAll()
        }
    }

    /// How often sensors are checked for silence (`max_silence`) when no reading comes.
    static let silenceCheckInterval = Duration.seconds(5)

    /// Per-sensor state in an array, found through one dictionary lookup per reading: a detector
    /// is ~2.8 KB, and mutating it through `Dictionary`'s optional subscript copied it out and back
    /// for every reading (the top cost of detection at 200,000 readings/s).
    private struct DetectionState {
        /// Index into `sensors`, or `DetectionState.off` when detection is off for the sensor.
        var slots: [SensorID: Int] = [:]
        var sensors: [SensorSlot] = []
        /// Index into `devices` by device name.
        var deviceSlots: [String: Int] = [:]
        var devices: [DeviceIncidentTracker] = []
        /// Sensors with a `max_silence` known from the store but not heard since the start: watched
        /// from their newest stored reading, so that one that died before a restart is reported.
        var unheard: [SensorID: SilenceWatch] = [:]
        /// Incidents the previous run left open, by device, until the device's tracker is created.
        var resumed: [String: AnomalyEvent] = [:]
        static let off = -1
    }

    private struct SensorSlot {
        let sensor: SensorID
        var detector: SeasonalBaselineDetector
        /// Index of the sensor's device in `DetectionState.devices`.
        let device: Int
        /// The score of the sensor's latest reading in the current drain, not yet published.
        var pendingScore: Double?
        /// Whether a late reading, or one stamped ahead, of the sensor has been logged (once per
        /// sensor and run).
        var loggedLate = false
        var loggedStampedAhead = false
        /// The sensor's silence watch, when it has a `max_silence`.
        var silence: SilenceWatch?
    }

    private func drain(into state: inout DetectionState) async throws {
        let readings = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        var messages: [AnomalyEventMessage] = []
        var scored: [Int] = []
        var scoredCount = 0
        let now = WallClock.nowMilliseconds()
        for reading in readings {
            var slot = state.slots[reading.sensor]
            if slot == nil { slot = await startDetecting(reading, in: &state) }
            guard let slot, slot != DetectionState.off else { continue }
            state.sensors[slot].silence?.heard(reading.value, at: now)
            if !state.unheard.isEmpty { state.unheard[reading.sensor] = nil }
            let arrival = state.sensors[slot].detector.take(reading)
            switch arrival {
            case .repeated:
                repeatedCounter.increment()
                continue
            case .late(_, let newest): noteLate(reading, newest: newest, slot: slot, in: &state)
            case .clockRestored(_, let stampedAhead): noteStampedAhead(reading, at: stampedAhead, slot: slot, in: &state)
            case .inOrder: break
            }
            scoredCount += 1
            guard arrival.concernsDevice else { continue }
            let score = arrival.score
            if state.sensors[slot].pendingScore == nil { scored.append(slot) }
            state.sensors[slot].pendingScore = score.severity
            if let action = state.devices[state.sensors[slot].device].observe(reading, score) {
                messages.append(message(for: action))
            }
        }
        // The status page shows each sensor's latest score: one update per sensor and drain.
        var scores: [(sensor: SensorID, score: Double, learningUntil: Int64?)] = []
        scores.reserveCapacity(scored.count)
        for slot in scored {
            scores.append((state.sensors[slot].sensor, state.sensors[slot].pendingScore ?? 0,
                           state.sensors[slot].detector.learningUntil))
            state.sensors[slot].pendingScore = nil
        }
        latest.setScores(scores)
        scoredCounter.increment(by: scoredCount)
        if configuration.watchesSilence { messages += silences(in: &state, now: now) }
        await publish(messages.coalescingUpdates())
    }

    /// Publishes event steps: the events page, the log, the counter, the record and the outbox.
    private func publish(_ messages: [AnomalyEventMessage]) async {
        guard !messages.isEmpty else { return }
        recent.withLock { recent in
            recent.append(contentsOf: messages)
            if recent.count > Self.recentLimit { recent.removeFirst(recent.count - Self.recentLimit) }
        }
        open.withLock { open in
            for message in messages { open[message.sensor.device] = message.phase == .close ? nil : message }
        }
        eventsCounter.increment(by: messages.filter { $0.phase == .open }.count)
        for message in messages {
            logger.warning("anomaly", metadata: [
                "sensor.id": "\(message.sensor)", "anomaly.phase": "\(message.phase.rawValue)",
                "anomaly.score": "\(message.peakScore)", "anomaly.reasons": "\(message.reasons.joined(separator: ","))",
            ])
        }
        let sinks = sinks()
        let created = messages.last?.time ?? 0
        let outboxMessages = messages.flatMap { message in
            let stored = Array(UpstreamMessage.anomaly(message).storageText.utf8)
            return sinks.map { sink in
                OutboxMessage(sink: sink, kind: .anomaly, device: message.sensor.device,
                              storageText: stored, createdMilliseconds: created)
            }
        }
        do {
            try await outbox.appendEvents(messages, messages: outboxMessages)
            if !outboxMessages.isEmpty { outboxChanged() }
        } catch {
            logger.error("anomaly events not stored", metadata: ["error": "\(error)"])
        }
    }

    /// Takes up what the previous run recorded (`Outbox.recentEvents`): the events page, and the
    /// incidents it left open, resumed on their devices' trackers as they are created, so that
    /// an incident open across a restart (a power cut, an upgrade) is updated and closed with
    /// its own start rather than left open at the hub forever or opened a second time. One whose
    /// sensor's detection is now off is closed at once.
    private func resumeRecordedEvents(in state: inout DetectionState) async {
        do {
            let recorded = try await outbox.recentEvents(limit: Self.recentLimit)
            recent.withLock { $0 = recorded.reversed() }
            var closed: [AnomalyEventMessage] = []
            let left = try await outbox.openEvents()
            open.withLock { open in for event in left { open[event.sensor.device] = event } }
            for event in left {
                // One whose sensor is no longer watched (detection turned off for it) would never
                // close: it closes now, at its last alarm.
                if configuration.settings(for: event.sensor) == nil {
                    closed.append(message(for: .close(AnomalyEvent(resuming: event))))
                } else {
                    state.resumed[event.sensor.device] = AnomalyEvent(resuming: event)
                }
            }
            await publish(closed)
        } catch {
            logger.error("anomaly events of the previous run not read: incidents it left open will not be closed",
                         metadata: ["error": "\(error)"])
        }
    }

    /// The events of sensors whose silence has just passed their `max_silence` (`SilenceWatch`).
    private func silences(in state: inout DetectionState, now: Int64) -> [AnomalyEventMessage] {
        var messages: [AnomalyEventMessage] = []
        func report(_ alarm: (reading: Reading, score: AnomalyScore), device: Int) {
            silentCounter.increment()
            if let action = state.devices[device].observe(alarm.reading, alarm.score) { messages.append(message(for: action)) }
        }
        for slot in state.sensors.indices {
            let sensor = state.sensors[slot].sensor
            guard let alarm = state.sensors[slot].silence?.check(sensor: sensor, now: now) else { continue }
            report(alarm, device: state.sensors[slot].device)
        }
        for sensor in state.unheard.keys {
            guard let alarm = state.unheard[sensor]?.check(sensor: sensor, now: now) else { continue }
            report(alarm, device: device(of: sensor, sensitivity: configuration.sensitivity(for: sensor), in: &state))
        }
        return messages
    }

    /// Watches the stored sensors with a `max_silence` that reported within the warm-up window
    /// (`warmupWindow`) from their newest stored reading, until they are heard.
    private func watchStoredSensors(in state: inout DetectionState) async {
        let since = WallClock.nowMilliseconds() - Self.warmupWindow
        for reading in await history.latestReadings() where reading.time >= since {
            guard let limit = configuration.maxSilence(for: reading.sensor) else { continue }
            var watch = SilenceWatch(limit: limit)
            watch.heard(reading.value, at: reading.time)
            state.unheard[reading.sensor] = watch
        }
    }

    /// The index of `sensor`'s device tracker, created at `sensitivity` if the device has none yet.
    private func device(of sensor: SensorID, sensitivity: Sensitivity, in state: inout DetectionState) -> Int {
        if let device = state.deviceSlots[sensor.device] { return device }
        state.deviceSlots[sensor.device] = state.devices.count
        var tracker = DeviceIncidentTracker(sensitivity: sensitivity)
        if let open = state.resumed.removeValue(forKey: sensor.device) { tracker.resume(open) }
        state.devices.append(tracker)
        return state.devices.count - 1
    }

    /// Counts a reading earlier than its sensor's newest one (a payload a device or broker queued
    /// and delivered after newer ones, or a gateway clock set back), and logs the first of each
    /// sensor: it is checked for its range only, and gaps are measured from the newest reading.
    private func noteLate(_ reading: Reading, newest: Int64, slot: Int, in state: inout DetectionState) {
        note(lateCounter, once: \.loggedLate, slot: slot, in: &state, "reading out of time order", [
            "sensor.id": "\(reading.sensor)", "reading.time": "\(RFC3339.format(milliseconds: reading.time))",
            "sensor.newest": "\(RFC3339.format(milliseconds: newest))",
            "note": "checked for its range only, gaps measured from the newest reading; logged once per sensor, all counted in vigie_anomaly_readings_late_total",
        ])
    }

    /// Counts a reading found stamped ahead of time (a device's clock glitch: its time was later
    /// than the readings after it), and logs the first of each sensor: the gap it seemed to end
    /// was reported when it came, and the sensor's clock went back to the reading before it.
    private func noteStampedAhead(_ reading: Reading, at stampedAhead: Int64, slot: Int, in state: inout DetectionState) {
        note(stampedAheadCounter, once: \.loggedStampedAhead, slot: slot, in: &state, "reading stamped ahead of time", [
            "sensor.id": "\(reading.sensor)", "reading.time": "\(RFC3339.format(milliseconds: stampedAhead))",
            "next.time": "\(RFC3339.format(milliseconds: reading.time))",
            "note": "the device's clock glitched; a gap reported at that reading was none; logged once per sensor, all counted in vigie_anomaly_readings_stamped_ahead_total",
        ])
    }

    /// Counts a reading in `counter` and logs `message` for the first such reading of its sensor
    /// (`logged` says whether it was).
    private func note(_ counter: Counter, once logged: WritableKeyPath<SensorSlot, Bool>, slot: Int, in state: inout DetectionState,
                      _ message: Logger.Message, _ metadata: @autoclosure () -> Logger.Metadata) {
        counter.increment()
        guard !state.sensors[slot][keyPath: logged] else { return }
        state.sensors[slot][keyPath: logged] = true
        logger.warning(message, metadata: metadata())
    }

    /// Creates the sensor's detector, warmed up from its history; its slot, or `DetectionState.off`
    /// when detection is off for it.
    private func startDetecting(_ reading: Reading, in state: inout DetectionState) async -> Int {
        let entry = catalog[reading.sensor]
        guard let settings = configuration.settings(for: reading.sensor, minimum: entry?.minimum,
                                                    maximum: entry?.maximum,
                                                    expectedInterval: entry?.expectedInterval) else {
            state.slots[reading.sensor] = DetectionState.off
            return DetectionState.off
        }
        let past = (try? await history.readings(of: reading.sensor, from: reading.time &- Self.warmupWindow,
                                                to: reading.time, limit: 20_000)) ?? []
        // The device's events open at the sensitivity of its first sensor seen: an override
        // of one sensor's sensitivity is that of its events when the device has one sensor.
        let device = device(of: reading.sensor, sensitivity: settings.sensitivity, in: &state)
        state.sensors.append(SensorSlot(sensor: reading.sensor, detector: SeasonalBaselineDetector(settings: settings, history: past),
                                        device: device, silence: configuration.maxSilence(for: reading.sensor).map(SilenceWatch.init)))
        state.devices[device].learn(history: past)
        state.slots[reading.sensor] = state.sensors.count - 1
        return state.sensors.count - 1
    }

    private func message(for action: AnomalyEventAction) -> AnomalyEventMessage {
        let (phase, event): (AnomalyEventMessage.Phase, AnomalyEvent) = switch action {
        case .open(let event): (.open, event)
        case .update(let event): (.update, event)
        case .close(let event): (.close, event)
        }
        return AnomalyEventMessage(
            sensor: event.sensor, phase: phase, start: event.start,
            time: phase == .close ? event.lastAlarm : event.peakTime,
            end: phase == .close ? event.lastAlarm : nil,
            score: event.peakScore, peakScore: event.peakScore, reasons: event.reasons.names,
            value: event.value.isFinite ? event.value : nil, unit: catalog.unit(of: event.sensor),
            expectedLow: event.expectedLow.isFinite ? event.expectedLow : nil,
            expectedHigh: event.expectedHigh.isFinite ? event.expectedHigh : nil,
            context: event.context.map(\.description))
    }
}
