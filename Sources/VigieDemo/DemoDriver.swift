import FoundationEssentials
import Logging
import VigieMQTT
import VigieDaemon

/// Plays the scenario while the gateway runs: the heat meter's silence, the hub's outage, the
/// Zigbee2MQTT room sensors; and shows the state once a second. Runs until cancelled.
package struct DemoDriver: Sendable {
    package let peers: DemoPeers
    package let building: DemoBuilding
    package let gateway: Gateway
    package let options: DemoRunner.Options
    package let httpPort: Int
    package let configurationPath: String
    package let publishEvery: Duration
    /// Where the anomaly events seen are scored against the incidents.
    package let scorecard: DemoScorecardBox
    /// Lines said once at the start, after the peers' notes.
    package let startNotes: [String]
    package let logger: Logger
    package let output: @Sendable (String) -> Void

    package func run() async {
        let start = ContinuousClock.now
        var notes: [String] = []
        let note = { (text: String, elapsed: Double) in
            let line = "[\(Self.seconds(elapsed))] \(text)"
            notes.append(line)
            if !options.live { output(line) }
        }
        note("started: simulated building at \(DemoEventLog.format(building.speed)) x speed; "
             + "status page http://127.0.0.1:\(httpPort)/ ; configuration \(configurationPath)", 0)
        for text in peers.notes + startNotes { note(text, 0) }
        let rooms = startRoomPublisher()
        var log = DemoEventLog()
        var active: Set<DemoScenario.Incident> = []
        var lastShown = -1.0, lastPublished = -Double.infinity
        let publishSeconds = Double(publishEvery.components.attoseconds) / 1e18 + Double(publishEvery.components.seconds)
        while !Task.isCancelled {
            let elapsed = Self.seconds(since: start)
            let now = building.scenario.active(at: elapsed * building.speed)
            for incident in DemoScenario.Incident.allCases where now.contains(incident) != active.contains(incident) {
                if incident == .hubDown, peers.hub == nil { continue }
                note((now.contains(incident) ? "scenario: " : "scenario over: ") + incident.rawValue, elapsed)
            }
            active = now
            peers.setHeatMeterSilent(now.contains(.deviceSilent))
            if let hub = peers.hub {
                if now.contains(.hubDown), hub.isRunning { hub.stop() }
                if !now.contains(.hubDown), !hub.isRunning {
                    do { try hub.start() } catch { note("the hub broker did not restart: \(error)", elapsed) }
                }
            }
            if let rooms, rooms.connectionState == .connected, elapsed - lastPublished >= publishSeconds {
                lastPublished = elapsed
                await publishRooms(rooms, simulatedSeconds: elapsed * building.speed)
            }
            if elapsed - lastShown >= 1 {
                lastShown = elapsed
                let snapshot = await gateway.snapshot()
                let events = await gateway.events(limit: 50)
                scorecard.record(events, simulatedSeconds: building.simulatedSeconds(atEpochMilliseconds:))
                for line in log.lines(snapshot: snapshot, events: events, elapsed: elapsed) { note(line, elapsed) }
                if options.live {
                    output(DemoLiveView().render(header: header(elapsed: elapsed), snapshot: snapshot,
                                                 events: events, notes: notes))
                }
                if notes.count > 200 { notes.removeFirst(notes.count - 50) }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        await rooms?.shutdown()
    }

    private func header(elapsed: Double) -> String {
        let minutes = Int(building.secondsOfDay(at: elapsed * building.speed) / 60)
        let clock = "\(minutes / 60 < 10 ? "0" : "")\(minutes / 60):\(minutes % 60 < 10 ? "0" : "")\(minutes % 60)"
        return "vigie demo — simulated building, \(Self.seconds(elapsed)) real, simulated time \(clock) "
            + "(x\(DemoEventLog.format(building.speed)))   status page http://127.0.0.1:\(httpPort)/"
    }

    private func startRoomPublisher() -> MQTTClient? {
        guard let local = peers.local else { return nil }
        do {
            let client = try MQTTClient(configuration: .init(port: local.port, clientID: "demo-zigbee2mqtt", cleanSession: true),
                                        logger: logger)
            try client.start()
            return client
        } catch {
            logger.warning("demo room sensors not started", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// One Zigbee2MQTT message per room, like a Xiaomi/Aqara temperature and humidity sensor.
    private func publishRooms(_ client: MQTTClient, simulatedSeconds: Double) async {
        let occupancy = building.occupancy(at: simulatedSeconds)
        for (index, room) in DemoBuilding.rooms.enumerated() {
            let noise = building.noise(room, "zigbee", simulatedSeconds)
            let temperature = (19 + Double(index) * 0.6 + 2.2 * occupancy + 0.15 * noise) * 10
            let humidity = 42 + 8 * occupancy + Double(index) + noise
            let payload = "{\"temperature\":\(Double(Int(temperature.rounded())) / 10),\"humidity\":\(Int(humidity.rounded())),"
                + "\"battery\":\(98 - index * 7),\"linkquality\":\(120 + Int(noise * 20))}"
            do {
                try await client.publish(topic: "zigbee2mqtt/\(room)", payload: Array(payload.utf8), qos: 0)
            } catch {
                logger.warning("demo room sensor not published", metadata: ["mqtt.topic": "zigbee2mqtt/\(room)"])
            }
        }
    }

    package static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// `12.3s`.
    package static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)s"
    }
}
