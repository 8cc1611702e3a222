import FoundationEssentials
import VigieCore
import VigieModbus
import VigieMQTT
import VigieStore

extension Gateway: GatewayStatusProvider {
    public func snapshot() async -> GatewaySnapshot {
        let configuration = current.value.configuration
        let parts = parts.value
        let now = WallClock.nowMilliseconds()
        let backlog = (try? await store.outbox.backlog()) ?? []
        let statistics = store.writer.statistics
        let host = ProcessInfo.processInfo.hostName
        return GatewaySnapshot(
            gateway: GatewayIdentity(id: configuration.gateway.id, version: VigieVersion.current, hostname: host,
                                     startedAt: startedAt, now: now),
            buses: configuration.modbus.buses.map { bus in
                let source = parts.modbus.first { $0.bus == bus.name }?.source
                return BusStatus(name: bus.name, transport: Self.describe(bus.transport),
                                 devices: (source?.status() ?? []).map(Self.deviceStatus))
            },
            subscriptions: Self.subscriptions(parts.mqtt),
            store: StoreStatus(state: statistics.errors > 0 && statistics.readingsCommitted == 0 ? .failing : .ok,
                               databaseBytes: health.databaseBytes(), maxBytes: configuration.buffer.maxSize.bytes,
                               lastCommit: latest.lastCommit),
            sinks: (parts.upstream?.statuses ?? []).map { sink in
                let waiting = backlog.first { $0.sink == sink.name }
                let target = configuration.upstream.first { $0.name == sink.name }.map(Self.describe) ?? sink.name.description
                let held = sink.held > 0 ? "\(sink.held) held, refused: \(sink.lastRefusal ?? "")" : nil
                return UpstreamStatus(name: sink.name.description, target: target,
                                      state: sink.connected && held == nil ? .ok : .degraded,
                                      connected: sink.connected, broker: sink.broker, backlog: waiting?.depth ?? 0,
                                      oldestPending: waiting?.oldestCreatedMilliseconds, lastError: sink.lastError ?? held)
            },
            sensors: latest.sensors(unit: catalog.unit(of:), labels: catalog.labels(of:)),
            openAnomalies: detection.openEvents().map(Self.anomalyStatus),
            clock: ClockStatus.current(),
            commands: await recentCommands())
    }

    public func readings(sensor: SensorID, from: Int64, to: Int64, limit: Int) async throws -> [Reading] {
        try await reader.readings(of: sensor, from: from, to: to, limit: limit)
    }

    public func events(limit: Int) async -> [AnomalyStatus] {
        detection.events(limit: limit).map(Self.anomalyStatus)
    }

    /// The one-line summary for systemd's `STATUS=`: devices answering, sensors, backlog.
    func statusLine() async -> String {
        let snapshot = await snapshot()
        let devices = snapshot.buses.flatMap(\.devices)
        let failing = devices.filter { $0.state == .failing }.count
        let backlog = snapshot.sinks.reduce(0) { $0 + $1.backlog }
        return "\(devices.count - failing)/\(devices.count) devices ok, \(snapshot.sensors.count) sensors, "
            + "backlog \(backlog), \(snapshot.openAnomalies.count) open anomalies"
    }

    private static func describe(_ transport: ModbusTransport) -> String {
        switch transport {
        case .tcp(let endpoint): "tcp \(endpoint)"
        case .rtu(let line): "rtu \(line)"
        }
    }

    private static func describe(_ upstream: UpstreamConfiguration) -> String {
        switch upstream {
        case .mqtt(let sink): "mqtt " + sink.brokers.map(\.description).joined(separator: ", ")
        case .http(let sink): "http \(sink.url)"
        case .sensorThings(let sink): "sensorthings \(sink.url)"
        case .ngsiLD(let sink): "ngsi_ld \(sink.url)"
        }
    }

    private static func deviceStatus(_ status: ModbusDeviceStatus) -> DeviceStatus {
        let state: ComponentState = switch status.state {
        case .ok, .unknown: .ok
        case .failing: .failing
        }
        return DeviceStatus(name: status.device, unit: status.unit, state: state, lastPoll: status.lastPoll,
                            lastError: status.lastError, errors: status.consecutiveFailures)
    }

    private static func subscriptions(_ source: MQTTSource?) -> [SubscriptionStatus] {
        guard let source else { return [] }
        let connected = source.connectionState == .connected
        let broker = "\(source.currentBroker)"
        let refusals = source.refusedSubscriptions
        return zip(source.configuration.subscriptions, source.statistics).map { subscription, statistics in
            let refusedBy = refusals.filter { $0.filter == subscription.topic }.map { "\($0.broker)" }
            let state: ComponentState = !refusedBy.isEmpty ? .failing : (connected ? .ok : .degraded)
            return SubscriptionStatus(topic: subscription.topic, format: subscription.format.rawValue, state: state,
                                      lastMessage: statistics.lastMessage, decodeFailures: statistics.rejected, stampedAhead: statistics.stampedAhead,
                                      clockUnset: statistics.clockUnset, retainedSkipped: statistics.retainedSkipped,
                                      duplicates: statistics.duplicates,
                                      broker: broker, refusedBy: refusedBy)
        }
    }

    private static func anomalyStatus(_ event: AnomalyEventMessage) -> AnomalyStatus {
        AnomalyStatus(sensor: event.sensor.description, start: event.start, end: event.end, score: event.peakScore,
                      kind: event.reasons.first ?? "unusual", message: event.reasons.joined(separator: ", "))
    }
}
