import Foundation
import Testing
import VigieCore
import VigieTestKit

/// `send: readings` in the built daemon, against a mosquitto broker that is both the devices'
/// and the hub's: every stored reading reaches the hub, across a SIGKILL of the gateway, and
/// the hub's copy agrees with `vigie export`.
@Suite(.serialized) struct RawReadingsForwardingTests {
    /// (sensor, time, value, quality) of every reading in the hub's `json` readings messages,
    /// keyed by (seq, topic) so that a redelivered duplicate counts once.
    private static func hubReadings(_ lines: [String]) throws -> [String] {
        var messages: [String: [String]] = [:]
        for line in lines {
            guard let space = line.firstIndex(of: " ") else { continue }
            let topic = String(line[..<space])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line[line.index(after: space)...].utf8)) as? [String: Any])
            let device = try #require(object["device"] as? String)
            let seq = try #require(object["seq"] as? Int)
            let readings = try #require(object["readings"] as? [[String: Any]])
            messages["\(seq) \(topic)"] = try readings.map { reading in
                let value = (reading["value"] as? Double).map { String($0) } ?? "nan"
                return "\(device)/\(try #require(reading["point"] as? String)) \(try #require(reading["time"] as? Int)) \(value) \(try #require(reading["quality"] as? String))"
            }
        }
        return messages.values.flatMap { $0 }
    }

    /// The same for `vigie export --format jsonl`.
    private static func storedReadings(_ output: String) throws -> [String] {
        try output.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let value = (object["value"] as? Double).map { String($0) } ?? "nan"
            let time = try #require(object["time"] as? String)
            let milliseconds = try RFC3339.milliseconds(time)
            return "\(try #require(object["sensor"] as? String)) \(milliseconds) \(value) \(try #require(object["quality"] as? String))"
        }
    }

    @Test func everyStoredReadingReachesTheHubOnceAcrossAKilledGateway() async throws {
        let directory = TemporaryDirectory()
        let broker = try Mosquitto(directory: directory)
        let hub = try Subscriber(port: broker.port, topic: "hub/gw/readings/#", directory: directory, name: "hub")
        defer { hub.stop() }
        let configPath = directory.path("vigie.yaml")
        try """
            gateway: { id: gw, data_dir: \(directory.path("data")), http: "off" }
            mqtt:
              broker: "127.0.0.1:\(broker.port)"
              client_id: vigie-raw
              subscriptions:
                - { topic: "capteurs/+", format: json, sensor: "{1}/{field}", fields: [temperature], time_field: ts }
            upstream:
              - mqtt: { name: hub, broker: "127.0.0.1:\(broker.port)", topic: "hub/{gateway}/{kind}/{device}",
                        format: json, send: [readings] }
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        var daemon = try TestProcess(GatewayProcessTests.vigie, ["run", "--config", configPath], outputIn: directory.url,
                                     name: "vigie-1")
        defer { daemon.stop() }
        let start = WallClock.nowMilliseconds() - 60_000
        let publish = { (device: String, index: Int, time: Int64) in
            try broker.publish(topic: "capteurs/\(device)", payload: Array(#"{"ts":\#(time),"temperature":\#(20 + Double(index) / 10)}"#.utf8))
        }
        // Wait for the subscription, then a first run of readings: on time, one an hour late, one
        // from a device clock never set (stored dated by its arrival, uncertain).
        #expect(await eventually(20) {
            try? publish("probe", 0, WallClock.nowMilliseconds())
            return (try? Self.hubReadings(hub.lines).isEmpty == false) ?? false
        }, "\(daemon.log.suffix(2_000))")
        for index in 0..<20 { try publish(index % 2 == 0 ? "salle1" : "salle2", index, start + Int64(index) * 1_000) }
        try publish("salle1", 20, start - 3_600_000)
        try publish("salle2", 21, 946_684_800_000)
        #expect(await eventually(20) { ((try? Self.hubReadings(hub.lines)) ?? []).filter { !$0.hasPrefix("probe/") }.count >= 22 })
        // A second run, the gateway killed in the middle of it; the broker keeps what follows for
        // the gateway's session, and the restarted gateway stores and forwards it.
        for index in 22..<42 {
            try publish("salle1", index, start + Int64(index) * 1_000)
            if index == 30 { daemon.kill9() }
        }
        daemon = try TestProcess(GatewayProcessTests.vigie, ["run", "--config", configPath], outputIn: directory.url,
                                 name: "vigie-2")
        let stored = { try Self.storedReadings(runToEnd(GatewayProcessTests.vigie, ["export", "--data-dir", directory.path("data"),
                                                                                       "--sensor", "salle*", "--format", "jsonl"],
                                                          in: directory, name: "export").output) }
        // MQTT acknowledges a message before it is stored: the readings the kill caught between
        // the two are lost to the store (buffer.batch_interval bounds them), never to the hub alone.
        #expect(await eventually(30) {
            let atHub = ((try? Self.hubReadings(hub.lines)) ?? []).filter { !$0.hasPrefix("probe/") }
            let kept = (try? stored()) ?? []
            return kept.count >= 33 && Set(atHub) == Set(kept) && atHub.count == kept.count
        }, "the hub has each stored reading once: \(((try? Self.hubReadings(hub.lines)) ?? []).count) at the hub, \(((try? stored()) ?? []).count) stored; \(daemon.log.suffix(2_000))")
        let unset = try stored().filter { $0.contains(" 22.1 ") }
        #expect(unset.count == 1 && unset[0].hasSuffix(" uncertain") && !unset[0].contains(" 946684800000 "), "\(unset)")
        #expect(daemon.terminate(within: 35) == 0)
    }
}
