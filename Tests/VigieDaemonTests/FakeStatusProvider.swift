import Synchronization
import VigieCore
import VigieDaemon

/// Pure data standing in for the daemon's state: a small building with one meter.
final class FakeStatusProvider: GatewayStatusProvider {
    static let now: Int64 = 1_772_352_000_000 // 2026-03-01T08:00:00Z
    let state: Mutex<GatewaySnapshot>

    init() {
        state = Mutex(Self.building())
    }

    func set(_ change: @Sendable (inout GatewaySnapshot) -> Void) { state.withLock { change(&$0) } }

    func snapshot() async -> GatewaySnapshot { state.withLock { $0 } }

    func readings(sensor: SensorID, from: Int64, to: Int64, limit: Int) async throws -> [Reading] {
        guard sensor.description == "meter/voltage" else { return [] }
        let times = stride(from: Self.now - 6 * 3_600_000, to: Self.now, by: 300_000).filter { $0 >= from && $0 < to }
        return times.prefix(limit).map { time in
            Reading(sensor: sensor, time: time, value: 230 + 4 * Double((time / 300_000) % 12) / 12)
        }
    }

    func events(limit: Int) async -> [AnomalyStatus] {
        Array(state.withLock { $0.openAnomalies }.prefix(limit))
    }

    static func building() -> GatewaySnapshot {
        GatewaySnapshot(
            gateway: GatewayIdentity(id: "mairie-annexe-01", version: "0.1.0", hostname: "gw-mairie",
                                     startedAt: now - 3 * 86_400_000 - 4 * 3_600_000, now: now),
            buses: [
                BusStatus(name: "rs485-1", transport: "rtu /dev/ttyUSB0 9600 8N1", devices: [
                    DeviceStatus(name: "meter", unit: 1, state: .ok, lastPoll: now - 4000, errors: 2),
                    DeviceStatus(name: "chaufferie", unit: 3, state: .ok, lastPoll: now - 12_000),
                ]),
            ],
            subscriptions: [SubscriptionStatus(topic: "zigbee2mqtt/+", format: "zigbee2mqtt", state: .ok, lastMessage: now - 30_000,
                                               stampedAhead: 3, clockUnset: 5, retainedSkipped: 2, duplicates: 4)],
            store: StoreStatus(state: .ok, databaseBytes: 48 << 20, maxBytes: 512 << 20, lastCommit: now - 400),
            sinks: [UpstreamStatus(name: "hub", target: "mqtt hub.territoire.example:8883, hub2.territoire.example:8883",
                                   state: .ok, connected: true, broker: "hub2.territoire.example:8883", backlog: 3,
                                   oldestPending: now - 20_000, lastAck: now - 5000)],
            sensors: [
                SensorStatus(id: "meter/voltage", unit: "V", value: 231.42, quality: "good", time: now - 4000, anomalyScore: 0.05),
                SensorStatus(id: "meter/active_power", unit: "W", value: 1250, quality: "good", time: now - 4000, anomalyScore: 0.1),
                SensorStatus(id: "chaufferie/depart", unit: "Cel", value: 63.5, quality: "good", time: now - 12_000, anomalyScore: 0.82),
                SensorStatus(id: "salle-conseil/co2", unit: "ppm", value: nil, quality: "bad:timeout", time: nil),
                SensorStatus(id: "cave/temperature", unit: nil, value: 12.5, quality: "good", time: nil, retained: true),
            ],
            openAnomalies: [AnomalyStatus(sensor: "chaufferie/depart", start: now - 900_000, score: 0.82, kind: "level_shift",
                                         message: "Flow temperature 12 Cel above its usual level for this hour")],
            clock: ClockStatus(synchronized: true, plausible: true))
    }
}
